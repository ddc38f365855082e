"""Capping MIME nesting on the bytes, before the standard library parser recurses into it.

The stdlib feed parser nests one generator per multipart or message/rfc822 level, so a message
nested a few hundred levels deep (mail bombs, broken forwarding loops that wrap the same mail
again and again) ends in a ``RecursionError``, and one a thousand levels deep trips every part
count limit. Neither is a reason to lose the mail: its upper levels are ordinary.

This module walks the MIME structure on the raw bytes (headers of each entity, delimiter lines
of the open boundaries) and replaces every container that would put its children deeper than
the cap with one base64 leaf holding the container's exact bytes. The parser then sees a
message of bounded depth; the body walk keeps each such leaf as a ``nested-part-N.eml``
attachment, so nothing is dropped. The walk only runs when the message declares more
containers than the cap allows (:func:`may_be_too_deep`), so ordinary mail pays two
``bytes.count`` calls over its base64-stripped copy.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field

CAPPED_HEADER = "X-Servicedesk-Nesting-Capped"

_FIELD = re.compile(rb"[!-9;-~]+[ \t]*:")
_CONTENT_TYPE = re.compile(rb"content-type[ \t]*:[ \t]*([a-z0-9!#$%&'*+.^_`{|}~-]+/[a-z0-9!#$%&'*+.^_`{|}~-]+)")
_BOUNDARY = re.compile(rb"""boundary[ \t]*=[ \t]*(?:"([^"\r\n]*)"|([^\s;"]+))""", re.IGNORECASE)
_MESSAGE_TYPES = (b"message/rfc822", b"message/global")


@dataclass(slots=True)
class _Entity:
    header_end: int  # first byte after the blank line ending the entity's header block
    ctype: bytes = b""
    boundary: bytes | None = None


@dataclass(slots=True)
class _Walk:
    raw: bytes
    max_depth: int
    stack: list[tuple[bytes, int]] = field(default_factory=list)  # open boundaries and their depth
    capped: list[tuple[int, int]] = field(default_factory=list)  # byte ranges to wrap


def may_be_too_deep(raw: bytes, max_depth: int) -> bool:
    """Cheap gate for :func:`cap_nesting`: does the message name more containers than the cap?
    (Lowercase spellings only; the rare upper-case hostile message meets the body walk's cap.)"""
    return raw.count(b"ultipart/") + raw.count(b"essage/") > max_depth


def cap_nesting(raw: bytes, max_depth: int) -> tuple[bytes, int]:
    """``raw`` with every container deeper than ``max_depth`` wrapped as a leaf; and how many."""
    walk = _Walk(raw=raw, max_depth=max_depth)
    _walk(walk)
    if not walk.capped:
        return raw, 0
    out = bytearray()
    pos = 0
    for number, (start, end) in enumerate(walk.capped, start=1):
        out += raw[pos:start] + _leaf(raw[start:end], number)
        pos = end
    out += raw[pos:]
    return bytes(out), len(walk.capped)


def _walk(walk: _Walk) -> None:
    pos, depth, in_headers = 0, 0, True
    while pos < len(walk.raw):
        if not in_headers:
            found = _next_delimiter(walk, pos)
            if found is None:
                return
            pos, depth, in_headers = found
            continue
        start = pos
        entity = _read_headers(walk, pos)
        is_multipart = entity.ctype.startswith(b"multipart/") and entity.boundary is not None
        is_message = entity.ctype in _MESSAGE_TYPES
        if (is_multipart or is_message) and depth >= walk.max_depth:
            end = _container_end(walk, entity.header_end)
            walk.capped.append((start, end))
            pos, in_headers = end, False
        elif is_multipart and entity.boundary:
            walk.stack.append((entity.boundary, depth))
            pos, in_headers = entity.header_end, False
        elif is_message:
            pos, depth = entity.header_end, depth + 1
        else:
            pos, in_headers = entity.header_end, False


def _read_headers(walk: _Walk, pos: int) -> _Entity:
    """The entity's header block: unfolded, ended by a blank line, a delimiter or a non-field line."""
    raw = walk.raw
    fields: list[bytes] = []
    while pos < len(raw):
        end = _line_end(raw, pos)
        line = raw[pos:end]
        if not line.strip(b"\r\n"):
            pos = end
            break
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1] += b" " + line.strip()
        elif _FIELD.match(line) and _delimiter_index(walk, line) is None:
            fields.append(line.rstrip(b"\r\n"))
        else:
            break
        pos = end
    entity = _Entity(header_end=pos)
    for line in fields:
        match = _CONTENT_TYPE.match(line.lower())
        if match is not None:
            entity.ctype = match.group(1)
            found = _BOUNDARY.search(line, match.end())
            if found is not None:
                value = found.group(1) if found.group(1) is not None else found.group(2)
                entity.boundary = value.rstrip() or None
    return entity


def _next_delimiter(walk: _Walk, pos: int) -> tuple[int, int, bool] | None:
    """(position after the next delimiter line, depth of the part it opens, whether headers follow)."""
    raw = walk.raw
    line_start = pos
    while walk.stack:
        if not raw.startswith(b"--", line_start):
            hit = raw.find(b"\n--", line_start)
            if hit < 0:
                return None
            line_start = hit + 1
        end = _line_end(raw, line_start)
        found = _delimiter_index(walk, raw[line_start:end])
        if found is None:
            line_start = end
            continue
        index, closing = found
        depth = walk.stack[index][1]
        del walk.stack[index if closing else index + 1 :]
        return end, depth + 1, not closing
    return None


def _delimiter_index(walk: _Walk, line: bytes) -> tuple[int, bool] | None:
    """(index in the open boundaries, closing?) when ``line`` delimits one of them."""
    if not line.startswith(b"--"):
        return None
    text = line.rstrip(b"\r\n").rstrip(b" \t")
    for index in range(len(walk.stack) - 1, -1, -1):
        delimiter = b"--" + walk.stack[index][0]
        if text == delimiter:
            return index, False
        if text == delimiter + b"--":
            return index, True
    return None


def _container_end(walk: _Walk, pos: int) -> int:
    """Where a wrapped container ends: before the line break that precedes the next delimiter of
    an enclosing boundary (that line break belongs to the delimiter), or at the end of the input."""
    raw = walk.raw
    search = max(pos - 1, 0)
    while True:
        hit = raw.find(b"\n--", search)
        if hit < 0:
            return len(raw)
        if _delimiter_index(walk, raw[hit + 1 : _line_end(raw, hit + 1)]) is not None:
            return hit - 1 if hit > 0 and raw[hit - 1 : hit] == b"\r" else hit
        search = hit + 1


def _line_end(raw: bytes, start: int) -> int:
    newline = raw.find(b"\n", start)
    return len(raw) if newline < 0 else newline + 1


def _leaf(entity: bytes, number: int) -> bytes:
    name = f"nested-part-{number}.eml"
    head = (
        f'Content-Type: application/octet-stream; name="{name}"\n'
        f'Content-Disposition: attachment; filename="{name}"\n'
        f"Content-Transfer-Encoding: base64\n{CAPPED_HEADER}: {number}\n\n"
    )
    return head.encode("ascii") + base64.encodebytes(entity).rstrip(b"\n")
