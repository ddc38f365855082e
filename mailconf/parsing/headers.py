"""Tolerant decoding of header values: RFC 2047 words, raw 8-bit, addresses, ids and dates.

The parser runs with the compat32 policy, so header values arrive as ``str`` whose raw 8-bit
bytes are kept as surrogate escapes; :func:`raw_bytes` gets those bytes back so they can be
decoded with the same charset fallback as bodies.
"""

from __future__ import annotations

import binascii
import re
from datetime import UTC, datetime
from email.utils import getaddresses, parsedate_to_datetime

from .charset import decode_bytes
from .model import Address

_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?]*?)\?=")
_FOLD = re.compile(r"\r?\n[ \t]*|\r")
_SPACES = re.compile(r"[ \t\u00a0]{2,}")
# Anchored at the start of a token and bounded, so a long run of address characters without an
# "@" (a 200 KB From header of junk) costs one bounded look per run, not a rescan per position.
_ADDR_SPEC = re.compile(
    r"(?<![\w.!#$%&'*+/=?^`{|}~-])[\w.!#$%&'*+/=?^`{|}~-]{1,256}@[\w-]{1,255}(?:\.[\w-]{1,255}){0,30}", re.UNICODE
)
# Real mail servers refuse more recipients than this per message (Postfix: 1,000); longer
# address headers are cut at an address boundary so their parsing stays linear.
_MAX_ADDRESS_TEXT = 128 * 1024
_MAX_ADDRESSES = 2000
_MAX_ADDRESS = 254  # RFC 5321: a path of 256 octets including the angle brackets
_MAX_NAME = 255  # display names longer than this are junk; the ticket's requester name holds 255
_ANGLE_ID = re.compile(r"<\s*([^<>\s]+?)\s*>")
# C0 and C1 controls (a stray 0x92 decoded as latin-1 becomes U+0092): invisible, unprintable.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# What a legal address may differ by from the header text: quotes, and the whitespace the
# obsolete syntax allows around "." and "@" (``john . doe @ example . com``).
_LOOSE = re.compile(r'"|\s+(?=[.@])|(?<=[.@])\s+')
_QUOTED_LOCAL = re.compile(r'^"((?:[^"\\]|\\.)*)"@([\w-]+(?:\.[\w-]+)*)$')
_QUOTED_PAIR = re.compile(r"\\(.)")
_DOT_ATOM = re.compile(r"^[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*$")


def raw_bytes(value: str) -> bytes:
    """The original bytes of a compat32 header or payload string (8-bit kept as surrogates)."""
    return value.encode("utf-8", "surrogateescape")


def decode_header_value(value: str | None) -> str:
    """Decode RFC 2047 words and raw 8-bit text.

    Whitespace between two encoded words is dropped, and adjacent words of one charset are
    joined *before* decoding, so a multibyte character split across two words survives.
    Words glued to text or to each other without whitespace are decoded too.
    """
    if not value:
        return ""
    value = str(value)
    out: list[str] = []
    pending = bytearray()
    pending_charset = ""
    pos = 0
    after_word = False
    for match in _ENCODED_WORD.finditer(value):
        gap = value[pos : match.start()]
        gap_ignorable = after_word and not gap.strip(" \t\r\n")
        charset = match.group(1)
        chunk = _decode_word(match.group(2), match.group(3))
        if pending and gap_ignorable and charset.lower() == pending_charset.lower():
            pending.extend(chunk)
        else:
            if pending:
                out.append(decode_bytes(bytes(pending), pending_charset))
            if gap and not gap_ignorable:
                out.append(_decode_plain(gap))
            pending = bytearray(chunk)
            pending_charset = charset
        after_word = True
        pos = match.end()
    if pending:
        out.append(decode_bytes(bytes(pending), pending_charset))
    out.append(_decode_plain(value[pos:]))
    return "".join(out)


def _decode_plain(text: str) -> str:
    if text.isascii():
        return text
    return decode_bytes(raw_bytes(text))


def _decode_word(encoding: str, text: str) -> bytes:
    if encoding in "bB":
        cleaned = re.sub(r"[^A-Za-z0-9+/]", "", text)
        cleaned += "=" * (-len(cleaned) % 4)
        try:
            return binascii.a2b_base64(cleaned)
        except binascii.Error:
            return binascii.a2b_base64(cleaned[: len(cleaned) // 4 * 4 - 4] or "")
    data = text.replace("_", " ").encode("ascii", "surrogateescape")
    return binascii.a2b_qp(data)


def clean_line(value: str) -> str:
    """Unfold and strip control characters so the value is safe for one line of a header or UI."""
    value = _FOLD.sub(" ", value)
    value = _CONTROL.sub("", value).replace("\n", " ").replace("\r", " ")
    return _SPACES.sub(" ", value).strip()


def decode_subject(value: str | None) -> str:
    return clean_line(decode_header_value(value))


def parse_addresses(values: list[str]) -> list[Address]:
    """Every mailbox in the given header values; garbage entries without an address are dropped.

    RFC 5322 comments are removed before parsing (appendix A.5 puts them inside addresses:
    ``<pete(his account)@silly.test(his host)>``); a comment is used as the name only when the
    mailbox has no display name (``jdoe@example.com (John Doe)``). Groups yield their members.
    An address the stdlib parser glued together from junk (it is not in the header, comments
    whitespace and quotes aside) is replaced by the address-looking tokens of the header.
    """
    if not values:
        return []
    result: list[Address] = []
    seen: set[str] = set()
    # Control characters (a NUL inside an address) are dropped first: no column can store them.
    unfolded = _bounded([_CONTROL.sub("", _FOLD.sub(" ", str(v))) for v in values if v])
    bare = [strip_comments(v) for v in unfolded]
    haystack = " ".join(_decode_plain(v) for v in bare).lower()
    loose = ""  # computed only when an address is not literally in the header
    comment_names: dict[str, str] = {}
    if bare != unfolded:  # comments present: one may be the only name a mailbox has
        comment_names = {_normalise_address(addr): name for name, addr in _getaddresses(unfolded)}
    glued = False
    for name, addr in _getaddresses(bare)[:_MAX_ADDRESSES]:
        address = _normalise_address(addr)
        if not address or address in seen:
            continue
        if address not in haystack:
            loose = loose or _LOOSE.sub("", haystack)
            if _LOOSE.sub("", address) not in loose:
                glued = True
                continue
        seen.add(address)
        name = name or comment_names.get(address, "")
        name = clean_line(decode_header_value(name[: _MAX_NAME * 8])).strip("\"' ")[:_MAX_NAME]
        result.append(Address(name=name, address=address))
    if result and not glued:
        return result
    for found in _ADDR_SPEC.findall(haystack):
        address = _normalise_address(found)
        if address and address not in seen and not any(address in a.address for a in result):
            seen.add(address)
            result.append(Address(name="", address=address))
    return result


def _bounded(values: list[str]) -> list[str]:
    """The values cut to _MAX_ADDRESS_TEXT characters in all, at the last comma that fits."""
    out: list[str] = []
    budget = _MAX_ADDRESS_TEXT
    for value in values:
        if len(value) > budget:
            cut = value.rfind(",", 0, budget)
            if cut > 0:
                out.append(value[:cut])
            break
        out.append(value)
        budget -= len(value)
    return out


def _getaddresses(values: list[str]) -> list[tuple[str, str]]:
    """email.utils.getaddresses, which recurses once per nested comment or route: thousands of
    "(" in a header exhaust the stack. Such a header has no usable mailbox."""
    try:
        return getaddresses(values)
    except RecursionError:
        return []


def strip_comments(value: str) -> str:
    """``value`` without RFC 5322 comments (nested, with quoted pairs); quoted strings kept."""
    if "(" not in value:
        return value
    out: list[str] = []
    depth = 0
    quoted = escaped = False
    for char in value:
        if escaped:
            escaped = False
            if depth == 0:
                out.append(char)
        elif char == "\\" and (quoted or depth):
            escaped = True
            if depth == 0:
                out.append(char)
        elif quoted:
            quoted = char != '"'
            out.append(char)
        elif char == "(":
            depth += 1
        elif char == ")" and depth:
            depth -= 1
            if depth == 0:
                out.append(" ")
        elif depth == 0:
            quoted = char == '"'
            out.append(char)
    return "".join(out)


def _normalise_address(addr: str) -> str:
    """The address lowercased, or "" when it is none; longer than RFC 5321 allows is none."""
    found = _address_or_empty(addr)
    return found if len(found) <= _MAX_ADDRESS else ""


def _address_or_empty(addr: str) -> str:
    addr = _decode_plain(addr).strip().strip("<> ").lower()
    quoted = _QUOTED_LOCAL.match(addr)
    if quoted is not None:
        return _quoted_address(quoted.group(1), quoted.group(2))
    addr = addr.strip("\"'")
    if addr.count("@") != 1 or " " in addr:
        match = _ADDR_SPEC.search(addr)
        return match.group(0).lower() if match else ""
    local, domain = addr.split("@")
    return addr if local and "." in domain or domain == "localhost" else ""


def _quoted_address(local: str, domain: str) -> str:
    """A quoted local part (RFC 5322 3.4.1) stays quoted only when it needs to be."""
    local = _QUOTED_PAIR.sub(r"\1", local)
    if not local or "." not in domain and domain != "localhost" or _CONTROL.search(local):
        return ""
    if _DOT_ATOM.match(local):
        return f"{local}@{domain}"
    escaped = local.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"@{domain}'


def first_address(values: list[str]) -> Address | None:
    found = parse_addresses(values)
    return found[0] if found else None


def parse_message_ids(value: str | None, limit: int = 200) -> list[str]:
    """Ids in ``<...>``; when there are none, whitespace tokens that look like ids."""
    if not value:
        return []
    value = _decode_plain(str(value))
    ids = _ANGLE_ID.findall(value)
    if not ids:
        ids = [t.strip("<>,;") for t in value.split() if "@" in t]
    out: list[str] = []
    for mid in ids:
        mid = _CONTROL.sub("", mid)
        if mid and mid not in out and len(mid) <= 500:
            out.append(mid)
        if len(out) >= limit:
            break
    return out


def parse_date(value: str | None) -> datetime | None:
    """An aware datetime (naive ones are taken as UTC) or None when the value is garbage."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(clean_line(_decode_plain(str(value))))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed is None or not 1970 <= parsed.year <= 2200:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed
