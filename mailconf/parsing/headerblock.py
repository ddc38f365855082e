"""Repairs of the top-level header block, made on the bytes before the standard library parser.

The stdlib feed parser ends the header block at the first line that is neither a field nor a
continuation, and files everything after it (From and Subject included) as body text. Real
mail breaks that rule in a handful of known ways, each of which used to lose the sender:

- a UTF-8 byte-order mark before the first field (files saved by Windows editors);
- mbox separator lines (``From sender@host date``, or ``>From`` after a careless re-quoting)
  before the fields, left there by mailbox exports; the address is kept as a last-resort author;
- whitespace between a field name and its colon (RFC 5322 section 4.5.3 obsolete syntax,
  ``Subject  : ...``), which the stdlib takes for an mbox line or a body line;
- a malformed line among the fields (no colon, or a space inside the field name), written by
  broken gateways and scripts.

A malformed line is skipped (and reported) only when a well-known field follows it before the
blank line, so a message that simply lacks the blank line between header and body still keeps
its body as body. Normal mail passes through untouched (same bytes object, no copy).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_BOM = b"\xef\xbb\xbf"
# "From addr date" / ">From addr date"; never "From: ..." or "From  : ..." (a field).
_MBOX_LINE = re.compile(rb">*From (?![ \t]*:)[ \t]*(\S*)")
_FIELD = re.compile(rb"([!-9;-~]+)([ \t]*):")
_BLANK_LINE = re.compile(rb"\n\r?\n")
# A line start that is neither a continuation nor "name:" (no space before the colon).
_ODD_LINE = re.compile(rb"\n(?![ \t]|[!-9;-~]+:)")
_KNOWN_PREFIXES = (b"x-", b"content-", b"list-", b"resent-", b"arc-", b"dkim-", b"thread-", b"disposition-")
_KNOWN_FIELDS = frozenset(
    b"""from sender reply-to to cc bcc subject date message-id in-reply-to references return-path
    received mime-version delivered-to envelope-to errors-to importance priority precedence
    auto-submitted user-agent organization comments keywords authentication-results received-spf
    return-receipt-to accept-language domainkey-signature sensitivity""".split()
)
_MAX_REPORTED = 10  # defects listed one by one; a gateway that breaks every line gets a count


@dataclass(slots=True)
class HeaderRepair:
    """The bytes to parse, the mbox envelope sender (or ""), and what was repaired, in English."""

    raw: bytes
    envelope_sender: str = ""
    defects: list[str] = field(default_factory=list)


def repair_header_block(raw: bytes, max_header_bytes: int) -> HeaderRepair:
    """Return ``raw`` with its top-level header block repaired (see the module docstring)."""
    result = HeaderRepair(raw=raw)
    if _looks_clean(raw, max_header_bytes):
        return result
    start = 0
    if raw.startswith(_BOM):
        start = len(_BOM)
        result.defects.append("UTF-8 byte-order mark before the header removed")
    start = _skip_separators(raw, start, result)
    lines = _header_lines(raw, start, max_header_bytes)
    kept, changed = _repair_lines(lines, result)
    if start == 0 and not changed:
        return result
    body_start = start + sum(len(line) for line in lines)
    result.raw = b"".join(kept) + raw[body_start:]
    return result


def _looks_clean(raw: bytes, limit: int) -> bool:
    """The common case, decided with two C-speed scans: every line of the block is a field or a
    continuation, and the first one is a field, not a separator."""
    blank = _BLANK_LINE.search(raw, 0, limit)
    end = blank.start() if blank else min(len(raw), limit)
    first = _FIELD.match(raw)
    return first is not None and not first.group(2) and _ODD_LINE.search(raw, 0, end) is None


def _skip_separators(raw: bytes, start: int, result: HeaderRepair) -> int:
    """Skip mbox separator lines and blank lines before the first field."""
    while start < len(raw):
        end = _line_end(raw, start)
        line = raw[start:end]
        match = _MBOX_LINE.match(line)
        if match is not None:
            sender = match.group(1).decode("ascii", "replace")
            result.envelope_sender = result.envelope_sender or sender
            result.defects.append("mbox separator line before the header removed")
        elif not line.strip() and _FIELD.match(raw, end):
            result.defects.append("blank line before the header removed")
        else:
            return start
        start = end
    return start


def _line_end(raw: bytes, start: int) -> int:
    newline = raw.find(b"\n", start)
    return len(raw) if newline < 0 else newline + 1


def _header_lines(raw: bytes, start: int, limit: int) -> list[bytes]:
    """The lines of the header block, each with its line break, without the blank line."""
    lines = []
    pos = start
    while pos < len(raw) and pos - start <= limit:
        end = _line_end(raw, pos)
        line = raw[pos:end]
        if not line.strip(b"\r\n"):
            break
        lines.append(line)
        pos = end
    return lines


def _repair_lines(lines: list[bytes], result: HeaderRepair) -> tuple[list[bytes], bool]:
    kept: list[bytes] = []
    repairs = 0
    skipping = False  # continuation lines of a skipped line go with it
    for index, line in enumerate(lines):
        if line[:1] in (b" ", b"\t"):
            if not skipping:
                kept.append(line)
            continue
        match = _FIELD.match(line)
        if match is not None and not _MBOX_LINE.match(line):
            skipping = False
            if match.group(2):
                repairs += 1
                _report(result, repairs, f"whitespace before the colon removed in {_quote(match.group(1))}")
                line = match.group(1) + line[match.end() - 1 :]
            kept.append(line)
            continue
        if not _known_field_follows(lines, index + 1):
            # The block really ends here (the blank line is missing): the rest is the body.
            kept.extend(lines[index:])
            break
        skipping = True
        repairs += 1
        _report(result, repairs, f"malformed header line skipped: {_quote(line)}")
    if repairs > _MAX_REPORTED:
        result.defects.append(f"{repairs} header lines repaired or skipped in all")
    return kept, repairs > 0


def _known_field_follows(lines: list[bytes], start: int) -> bool:
    for line in lines[start:]:
        match = _FIELD.match(line)
        if match is None:
            continue
        name = match.group(1).lower()
        if name in _KNOWN_FIELDS or name.startswith(_KNOWN_PREFIXES):
            return True
    return False


def _report(result: HeaderRepair, count: int, text: str) -> None:
    if count <= _MAX_REPORTED:
        result.defects.append(text)


def _quote(line: bytes) -> str:
    text = line.strip().decode("utf-8", "replace")
    return repr(text[:60] + ("..." if len(text) > 60 else ""))
