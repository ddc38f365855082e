"""Oversized and hostile messages end quickly: a ParseError with a reason, or a bounded parse.
(Deep nesting is not refused but capped: see test_cap_deep_nesting.py.)

Bounds here are loose (seconds) so a busy machine does not fail them; bench/parse_corpus.py
has the real timing figures.
"""

from __future__ import annotations

import base64
import os
import time
from collections.abc import Callable

import pytest

from mailconf.parsing import ParsedMessage, ParseError, parse_message

HEAD = b"From: a@x.example\nSubject: hostile\n"
BOUND = 5.0


def _timed(call: Callable[[], ParsedMessage]) -> tuple[ParsedMessage | ParseError, float]:
    start = time.perf_counter()
    try:
        result: ParsedMessage | ParseError = call()
    except ParseError as exc:
        result = exc
    return result, time.perf_counter() - start


CASES = {
    "oversized": (HEAD + b"\n" + b"x" * (26 * 1024 * 1024), "exceeds the limit"),
    "thousands of headers": (HEAD + b"".join(b"X-Junk-%d: v\n" % i for i in range(5000)) + b"\nbody", "header fields"),
    "10 MB header line": (HEAD + b"X-Long: " + b"a" * (10 * 1024 * 1024) + b"\n\nbody", "header section"),
    "10,000 MIME parts": (
        HEAD
        + b"Content-Type: multipart/mixed; boundary=b\n\n"
        + b"".join(b"--b\nContent-Type: text/plain\n\np\n" for _ in range(10_000))
        + b"--b--\n",
        "MIME parts",
    ),
    "10,000 parts without headers": (
        HEAD + b"Content-Type: multipart/mixed; boundary=b\n\n" + b"--b\n\np\n" * 10_000 + b"--b--\n",
        "delimiters",
    ),
    "empty": (b"\r\n\r\n", "empty"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_message_is_rejected_quickly(name: str) -> None:
    raw, reason = CASES[name]
    result, elapsed = _timed(lambda: parse_message(raw))
    assert isinstance(result, ParseError)
    assert reason in result.reason
    assert elapsed < BOUND


def test_size_limit_is_a_parameter() -> None:
    raw = HEAD + b"\n" + b"x" * 2000
    with pytest.raises(ParseError, match="exceeds the limit of 1000 bytes"):
        parse_message(raw, max_size=1000)
    assert parse_message(raw, max_size=10_000).size == len(raw)


def test_25_mb_attachment_parses_in_bounded_time() -> None:
    data = os.urandom(18 * 1024 * 1024)
    raw = HEAD + (
        b'Content-Type: multipart/mixed; boundary="m"\n\n--m\nContent-Type: text/plain\n\nSee file.\n'
        b"--m\nContent-Type: application/octet-stream; name=big.bin\nContent-Transfer-Encoding: base64\n\n"
        + base64.encodebytes(data)
        + b"--m--\n"
    )
    assert len(raw) < 25 * 1024 * 1024
    result, elapsed = _timed(lambda: parse_message(raw))
    assert isinstance(result, ParsedMessage)
    assert result.text == "See file."
    assert result.attachments[0].payload == data
    assert elapsed < BOUND


def test_huge_single_line_body_parses_in_bounded_time() -> None:
    raw = HEAD + b"Content-Type: text/html\n\n<p>" + b"a" * (4 * 1024 * 1024) + b"</p>"
    result, elapsed = _timed(lambda: parse_message(raw))
    assert isinstance(result, ParsedMessage)
    assert elapsed < BOUND
