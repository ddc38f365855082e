"""Cheap structural checks run on the raw bytes *before* the standard library parser sees them.

The stdlib feed parser is linear for normal mail but nests one generator per multipart level
and keeps every header in a list, so a hostile message (a 10 MB header line, ten thousand
parts, a thousand nested multiparts) costs seconds and lots of memory. These byte-level scans
run in a few milliseconds even on 25 MB and reject such input with a :class:`ParseError`
whose reason says what limit was hit. The MIME walk re-checks depth and part count exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import ParseError

DEFAULT_MAX_SIZE = 25 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    max_size: int = DEFAULT_MAX_SIZE
    max_header_bytes: int = 1024 * 1024
    max_headers: int = 1000
    max_parts: int = 1000
    max_containers: int = 200
    max_depth: int = 30
    max_body_part: int = 5 * 1024 * 1024  # larger text/html bodies are kept as files instead


_FIELD_START = re.compile(rb"\n[^ \t\r\n]")
# Scans run on a lowercased copy with patterns that start with a literal, so the regex engine
# can jump between candidates instead of trying every position (IGNORECASE disables that).
_CONTAINER = re.compile(rb"\ncontent-type:[ \t]*(?:multipart|message)/")
_BOUNDARY = re.compile(rb"""boundary[ \t]*=[ \t]*(?:"([^"\r\n]{1,200})"|([^\s;"]{1,200}))""")


def check_size(raw: bytes, limits: Limits) -> None:
    if len(raw) > limits.max_size:
        raise ParseError(f"message size {len(raw)} bytes exceeds the limit of {limits.max_size} bytes")
    if not raw or raw.isspace():  # isspace stops at the first byte of real mail; strip() would copy
        raise ParseError("message is empty")


def check_structure(raw: bytes, limits: Limits) -> None:
    """Raise ParseError when ``raw`` is structurally pathological. ``raw`` may be the copy with
    base64 runs taken out (see fastpath), which leaves every header and delimiter in place."""
    _check_header_section(raw, limits)
    lowered = b"\n" + raw.lower()
    parts = lowered.count(b"\ncontent-type:")
    if parts > limits.max_parts:
        raise ParseError(f"message declares {parts} MIME parts, over the limit of {limits.max_parts}")
    containers = len(_CONTAINER.findall(lowered))
    if containers > limits.max_containers:
        raise ParseError(
            f"message declares {containers} multipart/message containers, over the limit of {limits.max_containers}"
        )
    _check_delimiters(raw, lowered, limits)


def _check_header_section(raw: bytes, limits: Limits) -> None:
    ends = [i for i in (raw.find(b"\n\n"), raw.find(b"\r\n\r\n")) if i >= 0]
    end = min(ends) if ends else len(raw)
    if end > limits.max_header_bytes:
        raise ParseError(f"header section is {end} bytes, over the limit of {limits.max_header_bytes} bytes")
    fields = len(_FIELD_START.findall(raw, 0, end)) + 1
    if fields > limits.max_headers:
        raise ParseError(f"message has {fields} header fields, over the limit of {limits.max_headers}")


def _check_delimiters(raw: bytes, lowered: bytes, limits: Limits) -> None:
    """Parts without headers are still parts: count delimiter lines of each declared boundary."""
    boundaries = set()
    for match in _BOUNDARY.finditer(lowered):
        start, end = match.span(1) if match.group(1) is not None else match.span(2)
        boundaries.add(raw[start - 1 : end - 1])  # lowered has one extra leading byte
    if len(boundaries) > limits.max_containers:
        raise ParseError(f"message declares {len(boundaries)} boundaries, over the limit of {limits.max_containers}")
    total = 0
    for boundary in boundaries:
        total += raw.count(b"\n--" + boundary)
        if total > limits.max_parts * 2 + 10:
            raise ParseError(f"message has over {total} MIME delimiters, over the limit of {limits.max_parts} parts")
