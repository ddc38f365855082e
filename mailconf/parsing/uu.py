"""uuencoded files embedded in text bodies ("begin 644 name" ... "end"), as old mailers and
1C robots still send them."""

from __future__ import annotations

import binascii
import bisect
import re

_BEGIN = re.compile(r"^begin[ \t]+[0-7]{3,4}[ \t]+(?P<name>[^\r\n]+?)[ \t]*\r?\n", re.MULTILINE)
_END = re.compile(r"^end[ \t]*$\r?\n?", re.MULTILINE)
_MAX_BLOCKS = 50


def extract_uuencoded(text: str) -> tuple[str, list[tuple[str, bytes]]]:
    """Return the text without uuencoded blocks and the decoded ``(filename, data)`` pairs.
    A block that does not decode is left in the text untouched.

    The "end" lines are found once and each "begin" takes the next one after it: a lazy regex
    spanning begin..end rescans the rest of the text for every "begin" that has no "end"
    (twenty thousand of them held a worker for minutes)."""
    if "begin " not in text:
        return text, []
    ends = [(m.start(), m.end()) for m in _END.finditer(text)]
    if not ends:
        return text, []
    files: list[tuple[str, bytes]] = []
    kept: list[str] = []
    pos = 0
    for begin in _BEGIN.finditer(text):
        if len(files) >= _MAX_BLOCKS:
            break
        if begin.start() < pos:
            continue  # inside a block already taken
        index = bisect.bisect_left(ends, (begin.end(), -1))
        if index == len(ends):
            break  # no "end" after this or any later "begin"
        end_start, end_stop = ends[index]
        data = _decode_block(text[begin.end() : end_start])
        if data is None:
            continue
        kept.append(text[pos : begin.start()])
        files.append((begin.group("name").strip(), data))
        pos = end_stop
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
