"""Small builders of raw messages for the parsing tests."""

from __future__ import annotations


def raw_message(*headers: str | bytes, body: bytes = b"Body.\n") -> bytes:
    """Headers (str lines are UTF-8 encoded, bytes lines kept as is) + blank line + body."""
    lines = [h if isinstance(h, bytes) else h.encode("utf-8") for h in headers]
    if not any(line.lower().startswith(b"from:") for line in lines):
        lines.insert(0, b"From: Sender <sender@example.com>")
    return b"\n".join(lines) + b"\n\n" + body
