"""Shared pieces of the corpus generator: the case registry and a standard header block."""

from __future__ import annotations

import zlib

CASES: dict[str, tuple[bytes, dict]] = {}
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" * 20


def case(name: str, raw: bytes, **expected: object) -> None:
    CASES[name] = (raw, expected)


def std(
    subject: str,
    sender: str = "Ivan Petrov <ivan.petrov@example.ru>",
    extra: tuple[str, ...] = (),
    mid: str | None = "auto",
    ctype: str = "text/plain; charset=utf-8",
    cte: str = "8bit",
) -> list[str]:
    lines = [
        f"From: {sender}",
        "To: support@servicedesk.example",
        f"Subject: {subject}",
        "Date: Sun, 22 Nov 2026 10:15:00 +0300",
    ]
    if mid == "auto":
        lines.append(f"Message-ID: <{zlib.crc32(subject.encode())}.{len(CASES)}@mail.example.ru>")
    elif mid:
        lines.append(f"Message-ID: {mid}")
    lines += ["MIME-Version: 1.0", f"Content-Type: {ctype}", f"Content-Transfer-Encoding: {cte}", *extra]
    return lines
