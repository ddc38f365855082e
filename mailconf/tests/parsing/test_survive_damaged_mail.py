"""Damaged copies of the corpus (truncated, bytes flipped, garbage inserted) parse or raise
ParseError; no other exception escapes parse_message."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from mailconf.parsing import ParsedMessage, ParseError, parse_message

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
FILES = sorted(CORPUS.glob("*.eml"))


def _damaged(raw: bytes, rng: random.Random) -> list[bytes]:
    cut = rng.randrange(1, len(raw))
    flipped = bytearray(raw)
    for _ in range(max(1, len(raw) // 50)):
        flipped[rng.randrange(len(raw))] = rng.randrange(256)
    insert_at = rng.randrange(len(raw))
    garbage = bytes(rng.randrange(256) for _ in range(200))
    return [
        raw[:cut],
        bytes(flipped),
        raw[:insert_at] + garbage + raw[insert_at:],
        raw.replace(b"\n", b"\r"),
        raw.replace(b"=", b"=?"),
        raw.replace(b"--", b"-"),
    ]


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_damaged_corpus_message_never_crashes(path: Path) -> None:
    rng = random.Random(path.stem)
    original = path.read_bytes()
    for raw in [damaged for _ in range(3) for damaged in _damaged(original, rng)]:
        try:
            result = parse_message(raw)
        except ParseError as exc:
            assert exc.reason
            continue
        assert isinstance(result, ParsedMessage)
        assert isinstance(result.text, str) and isinstance(result.reply_text, str)
        assert all(a.filename for a in result.attachments)
