"""Property: whatever is done to a real message, parse_message ends quickly, raises nothing but
ParseError, and returns storable fields and safe file names.

Hypothesis mutates the corpus and the public real-world messages the way transport, clients and
attackers damage mail: cut anywhere, header lines inserted, boundaries changed, dropped or
repeated, NUL bytes, lone CRs and mixed line ends, damaged base64 and quoted-printable, charsets
and transfer encodings that do not exist, hostile file name parameters, parts wrapped as
message/rfc822 or multipart/signed. Bounded by max_examples so it runs in about ten seconds;
FUZZ_EXAMPLES=5000 in the environment runs a longer campaign.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailconf.parsing import ParsedMessage, ParseError, parse_message

from .sanity import problems

TESTS = Path(__file__).resolve().parent.parent
SEEDS = sorted((TESTS / "corpus").glob("*.eml")) + sorted(
    p
    for p in (TESTS / "realworld").rglob("*")
    if p.is_file()
    and p.parent.name in ("cpython", "talon", "spamassassin")
    and not p.name.startswith(("LICENSE", "NOTICE"))
    and p.suffix not in (".json", ".html")
)
SEED_BYTES = [p.read_bytes() for p in SEEDS]
BOUND = 5.0
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "600"))

HEADER_NAMES = [
    b"Content-Type",
    b"Content-Transfer-Encoding",
    b"Content-Disposition",
    b"From",
    b"To",
    b"Cc",
    b"Subject",
    b"Date",
    b"Message-ID",
    b"References",
    b"In-Reply-To",
    b"Auto-Submitted",
    b"Return-Path",
    b"Sender",
    b"Reply-To",
    b"MIME-Version",
    b"X-Junk",
    b"Content-ID",
]
HEADER_VALUES = [
    b"multipart/mixed; boundary=",
    b"text/plain; charset=x-unknown",
    b"text",
    b"multipart/signed",
    b"message/rfc822",
    b"base64",
    b"quoted-printable",
    b"x-uue",
    b'attachment; filename="../../a"',
    b"attachment; filename*=utf-8''%E2%80%AE%00%2F..",
    b"=?utf-8?B?7aCA?=",
    b"=?bogus?Q?=FF?=",
    b"<>",
    b"(((",
    b'"',
    b"a@",
    b"@b",
    b"\x00",
    b"\xff\xfe",
    b"",
    b"auto-replied",
    b"application/ms-tnef; name=winmail.dat",
    b"text/calendar; method=REQUEST",
    b"Sun, 99 Foo 2026 99:99",
]
CHARSETS = [b"utf-8", b"x-bogus", b"rot13", b"zlib", b"utf-16", b"utf-7", b"cp1251", b"iso-2022-jp", b"koi8-r", b""]
_BOUNDARY = re.compile(rb'boundary="?([^";\r\n]+)"?', re.IGNORECASE)

chunks = st.binary(min_size=1, max_size=64) | st.sampled_from(
    [
        b"\x00",
        b"\r",
        b"\r\n",
        b"\n\n",
        b"=\n",
        b"=?",
        b"--",
        b"\n--",
        b"begin 644 ../x\n",
        b"<div>" * 50,
        b"&nbsp;" * 20,
        b"; filename*=utf-8''%FF",
        b"; filename*0*=x''a",
        b"; boundary*=''b",
        b"; boundary*0=b",
        b"(" * 200,
        b'"',
        b"<",
        b"@",
    ]
)


def _insert_header(raw: bytes, draw: st.DrawFn) -> bytes:
    line = draw(st.sampled_from(HEADER_NAMES)) + b": " + draw(st.sampled_from(HEADER_VALUES) | st.binary(max_size=40))
    end = raw.find(b"\n\n")
    at = draw(st.integers(0, end if end > 0 else len(raw)))
    at = raw.rfind(b"\n", 0, at) + 1
    return raw[:at] + line + b"\n" + raw[at:]


def _mangle_boundary(raw: bytes, draw: st.DrawFn) -> bytes:
    found = _BOUNDARY.search(raw)
    if found is None:
        return raw
    boundary = found.group(1)
    delimiter = b"--" + boundary
    positions = [m.start() for m in re.finditer(re.escape(delimiter), raw)][1:] or [len(raw)]
    at = draw(st.sampled_from(positions))
    action = draw(st.sampled_from(["drop", "repeat", "rename", "close_early", "truncate_name"]))
    line_end = raw.find(b"\n", at)
    line_end = len(raw) if line_end < 0 else line_end + 1
    if action == "drop":
        return raw[:at] + raw[line_end:]
    if action == "repeat":
        return raw[:line_end] + raw[at:line_end] * draw(st.integers(1, 50)) + raw[line_end:]
    if action == "close_early":
        return raw[:at] + delimiter + b"--\n" + raw[at:]
    if action == "truncate_name":
        return raw[:at] + delimiter[: max(2, len(delimiter) // 2)] + raw[at + len(delimiter) :]
    return raw.replace(delimiter, b"--" + draw(st.binary(min_size=1, max_size=20)).replace(b"\n", b""), 1)


def _mutate(raw: bytes, draw: st.DrawFn) -> bytes:
    kind = draw(
        st.sampled_from(
            ["truncate", "insert", "header", "boundary", "line_ends", "charset", "encoding", "wrap", "delete", "repeat"]
        )
    )
    size = len(raw)
    if kind == "truncate":
        return raw[: draw(st.integers(0, size))]
    if kind == "insert":
        at = draw(st.integers(0, size))
        return raw[:at] + draw(chunks) + raw[at:]
    if kind == "header":
        return _insert_header(raw, draw)
    if kind == "boundary":
        return _mangle_boundary(raw, draw)
    if kind == "line_ends":
        start = draw(st.integers(0, size))
        new_end = draw(st.sampled_from([b"\r", b"\r\n", b"\n\r", b"\n"]))
        return raw[:start] + raw[start:].replace(b"\r\n", b"\n").replace(b"\n", new_end)
    if kind == "charset":
        return re.sub(rb"charset=\"?[\w.:-]*\"?", b"charset=" + draw(st.sampled_from(CHARSETS)), raw, count=2)
    if kind == "encoding":
        value = draw(st.sampled_from([b"base64", b"quoted-printable", b"8bit", b"x-uuencode", b"bogus"]))
        return re.sub(rb"(?i)content-transfer-encoding:[^\n]*", b"Content-Transfer-Encoding: " + value, raw, count=1)
    if kind == "wrap":
        subtype = draw(st.sampled_from([b"message/rfc822", b'multipart/signed; boundary="w"', b"multipart/mixed"]))
        head = b"From: a@b.example\nSubject: wrapped\nContent-Type: " + subtype
        if subtype.startswith(b"message"):
            return head + b"\n\n" + raw
        return head + b'; boundary="w"\n\n--w\n' + raw + b"\n--w--\n"
    if kind == "delete":
        start = draw(st.integers(0, size))
        return raw[:start] + raw[start + draw(st.integers(1, 200)) :]
    start = draw(st.integers(0, size))
    piece = raw[start : start + draw(st.integers(1, 300))]
    return raw[:start] + piece * draw(st.integers(2, 30)) + raw[start:]


@st.composite
def damaged_messages(draw: st.DrawFn) -> bytes:
    raw = draw(st.sampled_from(SEED_BYTES))
    for _ in range(draw(st.integers(1, 4))):
        raw = _mutate(raw, draw)
    return raw


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(raw=damaged_messages())
def test_damaged_message_parses_or_is_refused_with_a_reason(raw: bytes) -> None:
    started = time.perf_counter()
    try:
        parsed = parse_message(raw)
    except ParseError as exc:
        assert exc.reason.strip()
        return
    finally:
        assert time.perf_counter() - started < BOUND
    assert isinstance(parsed, ParsedMessage)
    assert problems(parsed) == []
