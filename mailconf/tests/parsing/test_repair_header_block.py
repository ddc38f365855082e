"""The top-level header block survives the real-world damage that used to end it early (issue 9,
section 4): each repair keeps the sender and says what it did; normal mail is not touched."""

from __future__ import annotations

import pytest

from mailconf.parsing import parse_message
from mailconf.parsing.headerblock import repair_header_block

LIMIT = 1024 * 1024
GOOD = b"From: Ivan <ivan@client.example>\r\nSubject: Hello\r\nMessage-ID: <m1@client.example>\r\n\r\nBody.\r\n"


def test_normal_mail_is_returned_as_is() -> None:
    repaired = repair_header_block(GOOD, LIMIT)
    assert repaired.raw is GOOD and repaired.defects == [] and repaired.envelope_sender == ""


@pytest.mark.parametrize(
    ("prefix", "defect"),
    [
        (b"\xef\xbb\xbf", "byte-order mark"),
        (b"From ivan@client.example Sun Nov 22 10:15:00 2026\r\n", "mbox separator"),
        (b">From ivan@client.example Sun Nov 22 10:15:00 2026\r\n", "mbox separator"),
        (b">>From MAILER-DAEMON Sun Nov 22 10:15:00 2026\n", "mbox separator"),
        (b"\xef\xbb\xbfFrom ivan@client.example Sun Nov 22 10:15:00 2026\n", "mbox separator"),
        (b"\r\n", "blank line before the header"),
    ],
)
def test_junk_before_the_first_field_is_removed(prefix: bytes, defect: str) -> None:
    parsed = parse_message(prefix + GOOD)
    assert parsed.from_ is not None and parsed.from_.address == "ivan@client.example"
    assert parsed.subject == "Hello" and parsed.text == "Body."
    assert any(defect in w for w in parsed.warnings)


def test_mbox_envelope_sender_is_kept() -> None:
    repaired = repair_header_block(b"From Anna@Client.example Sun Nov 22 10:15:00 2026\nSubject: x\n\nb", LIMIT)
    assert repaired.envelope_sender == "Anna@Client.example"
    assert repaired.raw == b"Subject: x\n\nb"


def test_field_named_from_with_spaces_is_not_an_mbox_line() -> None:
    parsed = parse_message(b"From  : Ivan <ivan@client.example>\nSubject : Hello\n\nBody.")
    assert parsed.from_ is not None and parsed.from_.address == "ivan@client.example"
    assert parsed.subject == "Hello"
    assert parsed.from_source == "From"


def test_malformed_line_and_its_continuation_are_skipped() -> None:
    raw = b"Received: by gw\nbroken line\n  continuation of the broken line\nX Bad: 1\nFrom: a@client.example\n\nBody."
    parsed = parse_message(raw)
    assert parsed.from_ is not None and parsed.from_.address == "a@client.example"
    assert parsed.text == "Body."
    assert [w for w in parsed.warnings if "malformed" in w] == [
        "malformed header line skipped: 'broken line'",
        "malformed header line skipped: 'X Bad: 1'",
    ]


def test_missing_blank_line_keeps_the_body_as_body() -> None:
    """No well-known field follows the first non-field line: it starts the body, as before."""
    raw = b"From: a@client.example\nSubject: s\nHello team,\nPrinter: HP 4000\nOrganization of work\n"
    parsed = parse_message(raw)
    assert parsed.text.startswith("Hello team,\nPrinter: HP 4000")
    assert not any("malformed" in w for w in parsed.warnings)


def test_a_gateway_breaking_every_line_is_summarised() -> None:
    junk = b"".join(b"junk line %d\n" % i for i in range(40))
    repaired = repair_header_block(b"Received: x\n" + junk + b"From: a@client.example\n\nBody.", LIMIT)
    assert len(repaired.defects) == 11
    assert repaired.defects[-1] == "40 header lines repaired or skipped in all"
    assert repaired.raw == b"Received: x\nFrom: a@client.example\n\nBody."


def test_only_the_top_level_block_is_repaired() -> None:
    body = b"Content-Type: text/plain\n\nbroken line\nFrom: quoted@client.example\n"
    raw = b"From: a@client.example\nContent-Type: message/rfc822\n\n" + body
    assert repair_header_block(raw, LIMIT).raw is raw
