"""uuencoded files embedded in text bodies ("begin 644 name" ... "end"), as old mailers and
1C robots still send them."""

from __future__ import annotations

import binascii
import re

_BLOCK = re.compile(
    r"^begin[ \t]+[0-7]{3,4}[ \t]+(?P<name>[^\r\n]+?)[ \t]*\r?\n(?P<body>(?:[^\r\n]*\r?\n)*?)^end[ \t]*$\r?\n?",
    re.MULTILINE,
)
_MAX_BLOCKS = 50


def extract_uuencoded(text: str) -> tuple[str, list[tuple[str, bytes]]]:
    """Return the text without uuencoded blocks and the decoded ``(filename, data)`` pairs.
    A block that does not decode is left in the text untouched."""
    if "begin " not in text:
        return text, []
    files: list[tuple[str, bytes]] = []
    kept: list[str] = []
    pos = 0
    for match in _BLOCK.finditer(text):
        if len(files) >= _MAX_BLOCKS:
            break
        data = _decode_block(match.group("body"))
        if data is None:
            continue
        kept.append(text[pos : match.start()])
        files.append((match.group("name").strip(), data))
        pos = match.end()
    if not files:
        return text, []
    kept.append(text[pos:])
    return "".join(kept), files


def _decode_block(body: str) -> bytes | None:
    out = bytearray()
    for line in body.splitlines():
        if not line or line in ("`", " "):
            continue
        try:
            raw = line.encode("ascii")
        except UnicodeEncodeError:
            return None
        try:
            out.extend(binascii.a2b_uu(raw))
        except binascii.Error:
            # Some encoders pad lines oddly; decode exactly the length the line declares.
            count = ((raw[0] - 32) & 63) * 4 + 5
            try:
                out.extend(binascii.a2b_uu(raw[: count // 3]))
            except binascii.Error:
                return None
    return bytes(out)
