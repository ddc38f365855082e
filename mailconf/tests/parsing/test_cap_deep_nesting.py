"""Very deep MIME nesting parses: the upper levels as usual, everything below the cap kept as
``nested-part-N.eml`` attachments holding the exact bytes, with a warning; never a
RecursionError or a refusal."""

from __future__ import annotations

import email
import time

import pytest

from mailconf.parsing import ParseError, parse_message
from mailconf.parsing.limits import Limits
from mailconf.parsing.nesting import CAPPED_HEADER, cap_nesting

HEAD = b"From: Deep Sender <deep@x.example>\nSubject: nested\nMIME-Version: 1.0\n"
CAP = Limits().max_depth


def _nested(levels: int, leaf: bytes = b"Content-Type: text/plain\n\ndeep") -> bytes:
    opening = b"".join(b"Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n" % (i, i) for i in range(levels))
    closing = b"".join(b"\n--b%d--\n" % i for i in reversed(range(levels)))
    return opening + leaf + closing


def _forwarded(levels: int) -> bytes:
    """A forwarding loop: each message wraps the previous one as message/rfc822."""
    inner = b"From: loop@x.example\nSubject: inner\nContent-Type: text/plain\n\ninnermost"
    for i in range(levels):
        inner = b"From: fwd%d@x.example\nSubject: Fwd\nContent-Type: message/rfc822\n\n" % i + inner
    return inner


def test_moderate_nesting_parses_untouched() -> None:
    raw = HEAD + _nested(20)
    assert cap_nesting(raw, CAP) == (raw, 0)
    parsed = parse_message(raw)
    assert parsed.text == "deep"
    assert parsed.attachments == [] and parsed.warnings == []


@pytest.mark.parametrize("levels", [CAP + 1, 150, 1000, 5000])
def test_deep_nesting_keeps_the_rest_as_an_attachment(levels: int) -> None:
    raw = HEAD + _nested(levels)
    started = time.perf_counter()
    parsed = parse_message(raw)
    assert time.perf_counter() - started < 5.0
    assert parsed.from_ is not None and parsed.from_.address == "deep@x.example"
    assert parsed.subject == "nested"
    [kept] = parsed.attachments
    assert kept.filename == "nested-part-1.eml" and kept.content_type == "message/rfc822"
    # The attachment is the exact subtree: the deepest container's header down to its last part.
    assert kept.payload.startswith(b"Content-Type: multipart/mixed; boundary=b%d\n" % CAP)
    assert kept.payload.endswith(b"\n--b%d--\n" % CAP)
    assert b"\n\ndeep\n" in kept.payload + b"\n"
    assert any("nesting deeper than 30 levels" in w for w in parsed.warnings)


def test_the_standard_library_alone_would_crash() -> None:
    """Proves the cap is what saves the 1,000-level message (the test above could pass vacuously)."""
    with pytest.raises(RecursionError):
        email.message_from_bytes(HEAD + _nested(1000))


def test_text_above_the_cap_stays_the_body() -> None:
    top = b'Content-Type: multipart/mixed; boundary="top"\n\n--top\nContent-Type: text/plain\n\nPlease see below.\n--top\n'
    raw = HEAD + top + _nested(100) + b"\n--top--\n"
    parsed = parse_message(raw)
    assert parsed.text == "Please see below."
    assert [a.filename for a in parsed.attachments] == ["nested-part-1.eml"]


def test_several_deep_branches_are_numbered() -> None:
    branches = b"".join(
        b"--top\n" + _nested(60).replace(b"boundary=b", b"boundary=%d-b" % n).replace(b"--b", b"--%d-b" % n) + b"\n"
        for n in range(3)
    )
    raw = HEAD + b'Content-Type: multipart/mixed; boundary="top"\n\n' + branches + b"--top--\n"
    parsed = parse_message(raw)
    assert sorted(a.filename for a in parsed.attachments) == [f"nested-part-{n}.eml" for n in (1, 2, 3)]
    assert all(b"\n\ndeep" in a.payload for a in parsed.attachments)


def test_forwarding_loop_of_messages_is_capped() -> None:
    parsed = parse_message(_forwarded(1500))
    assert parsed.from_ is not None and parsed.from_.address == "fwd1499@x.example"
    [forwarded] = parsed.attachments
    capped = [p for p in email.message_from_bytes(forwarded.payload).walk() if p.get(CAPPED_HEADER)]
    assert len(capped) == 1
    assert capped[0].get_payload(decode=True).endswith(b"Subject: inner\nContent-Type: text/plain\n\ninnermost")


def test_bare_cr_line_breaks_are_capped_by_the_body_walk() -> None:
    """The byte walk reads LF-ended lines; with bare CRs the body walk is the safety net."""
    parsed = parse_message((HEAD + _nested(150)).replace(b"\n", b"\r"))
    [kept] = parsed.attachments
    assert kept.filename == "nested-part-1.eml" and b"deep" in kept.payload


def test_bare_cr_forwarding_loop_gives_a_reason_not_a_crash() -> None:
    with pytest.raises(ParseError, match="nesting too deep"):
        parse_message(_forwarded(1500).replace(b"\n", b"\r"))


def test_crlf_and_closing_delimiters_with_trailing_space() -> None:
    raw = (HEAD + _nested(80)).replace(b"--\n", b"-- \n").replace(b"\n", b"\r\n")
    parsed = parse_message(raw)
    [kept] = parsed.attachments
    assert b"deep" in kept.payload and not kept.payload.endswith(b"\r")
