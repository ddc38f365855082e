"""parse_message: raw bytes in, ParsedMessage out."""

from __future__ import annotations

import hashlib
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32

from .body import Body, BodyCollector
from .classify import bounce_info, classify
from .fastpath import Base64Stash
from .headerblock import repair_header_block
from .headers import decode_subject, first_address, parse_addresses, parse_date, parse_message_ids
from .html import html_to_text, html_to_text_fast, referenced_cids, sanitize_html, too_costly_to_sanitise
from .limits import DEFAULT_MAX_SIZE, Limits, check_size, check_structure
from .model import AUTHOR_FALLBACK, MBOX_SOURCE, Address, ParsedMessage, ParseError
from .nesting import cap_nesting, may_be_too_deep
from .quoting import trim_reply
from .scrub import scrub
from .tags import find_ticket_tag
from .tolerant import TolerantMessage


class _RawCompat32(type(compat32)):  # type: ignore[misc]
    """compat32, deliberately: header values stay the raw strings the parser read (8-bit bytes
    as surrogate escapes) and nothing raises on malformed headers, so our tolerant decoders
    see what the sender wrote. policy.default parses every header into objects on access,
    several times slower on real mail, and turns garbage into defects we would have to undo.
    Plain compat32 wraps 8-bit values in Header objects whose str() replaces every 8-bit byte
    with U+FFFD; returning the value untouched keeps the bytes for charset detection."""

    def header_fetch_parse(self, name: str, value: str) -> str:
        return value


_PARSER = BytesParser(TolerantMessage, policy=_RawCompat32())

_SYNTHETIC_DOMAIN = "synthesized.servicedesk.invalid"


def parse_message(raw: bytes, *, max_size: int = DEFAULT_MAX_SIZE) -> ParsedMessage:
    """Parse one RFC 5322 message; raises ParseError for oversized or pathological input."""
    raw = bytes(raw)
    limits = Limits(max_size=max_size)
    check_size(raw, limits)
    repair = repair_header_block(raw, limits.max_header_bytes)
    stash = Base64Stash()
    shrunk = stash.shrink(repair.raw)
    capped = 0
    if may_be_too_deep(shrunk, limits.max_depth):
        source, capped = cap_nesting(repair.raw, limits.max_depth)
        if capped:
            stash = Base64Stash()
            shrunk = stash.shrink(source)
            del source
    check_structure(shrunk, limits)
    try:
        msg = _PARSER.parsebytes(shrunk)
    except RecursionError:
        # Only when the nesting walk could not see the structure (line breaks of bare CRs).
        raise ParseError(f"MIME nesting too deep to parse (over {limits.max_depth} levels)") from None
    del shrunk
    if not msg.keys() and b"\x00" in raw[:4096]:
        # An Outlook .msg file (OLE compound document) or other binary saved in place of a
        # message: "parsing" it would file 100 KB of binary noise as the text.
        raise ParseError("not an RFC 5322 message: no header fields and binary content")
    stash.restore(msg)
    result = ParsedMessage(message_id="", size=len(raw))
    result.warnings.extend(repair.defects)
    if capped:
        result.warnings.append(
            f"MIME nesting deeper than {limits.max_depth} levels: {capped} deeper part(s) kept as attachments"
        )
    _fill_identity(result, msg, raw, repair.envelope_sender)
    body = BodyCollector(limits).collect(msg)
    _fill_body(result, body)
    _fill_flags(result, msg)
    scrub(result)
    return result


def _fill_identity(result: ParsedMessage, msg: Message, raw: bytes, envelope_sender: str) -> None:
    ids = parse_message_ids(_header(msg, "Message-ID"), limit=1)
    if ids:
        result.message_id = ids[0]
    else:
        result.message_id = f"{hashlib.sha256(raw).hexdigest()[:40]}@{_SYNTHETIC_DOMAIN}"
        result.message_id_synthesized = True
    in_reply_to = parse_message_ids(_header(msg, "In-Reply-To"), limit=1)
    result.in_reply_to = in_reply_to[0] if in_reply_to else None
    result.references = parse_message_ids(_header(msg, "References"))
    result.subject = decode_subject(_header(msg, "Subject"))
    result.ticket_number = find_ticket_tag(result.subject)
    result.from_, result.from_source = _author(msg, envelope_sender)
    if result.from_ is None:
        result.warnings.append("no sender address found")
    elif result.from_source != "From":
        result.warnings.append(result.from_note)
    result.to = parse_addresses(_all(msg, "To"))
    result.cc = parse_addresses(_all(msg, "Cc"))
    result.reply_to = parse_addresses(_all(msg, "Reply-To"))
    result.date = parse_date(_header(msg, "Date"))
    if _header(msg, "Date") and result.date is None:
        result.warnings.append("Date header could not be parsed")


def _author(msg: Message, envelope_sender: str) -> tuple[Address | None, str]:
    """The author and where it was found: From, else the other fields that name a responsible
    mailbox, in the order a human reader would trust them, else the mbox separator line."""
    for name in AUTHOR_FALLBACK:
        found = first_address(_all(msg, name))
        if found is not None:
            return found, name
    found = first_address([envelope_sender]) if envelope_sender else None
    if found is not None:
        return found, MBOX_SOURCE
    return None, ""


def _fill_body(result: ParsedMessage, body: Body) -> None:
    result.warnings.extend(body.warnings)
    text = "\n\n".join(body.text_parts)
    html_source = "\n".join(body.html_parts)
    if not text.strip() and not html_source.strip():
        text, html_source = body.fallback_text, body.fallback_html
    if too_costly_to_sanitise(html_source):
        # The words are kept through the fast text extraction; only the formatted view is lost.
        result.warnings.append("HTML body too large to sanitise (entities or tags): shown as text only")
        result.html = ""
        if not text.strip():
            text = html_to_text_fast(html_source)
    else:
        result.html = sanitize_html(html_source) if html_source else ""
        if not text.strip() and result.html:
            text = html_to_text(result.html)
    result.text = text.strip("\n")
    result.reply_text = trim_reply(result.text)
    cids = referenced_cids(result.html) if result.html else set()
    for attachment in body.attachments:
        attachment.is_inline = bool(attachment.content_id and attachment.content_id.lower() in cids)
    result.attachments = body.attachments


def _fill_flags(result: ParsedMessage, msg: Message) -> None:
    flags = classify(msg, result.subject, author=result.from_, text=result.text)
    result.is_auto_reply = flags.is_auto_reply
    result.is_bulk = flags.is_bulk
    result.is_bounce = flags.is_bounce
    result.is_own_loop = flags.is_own_loop
    result.auto_reason = flags.reason
    if flags.is_bounce:
        result.bounce = bounce_info(msg, result.text)


def _header(msg: Message, name: str) -> str | None:
    value = msg.get(name)
    return None if value is None else str(value)


def _all(msg: Message, name: str) -> list[str]:
    return [str(v) for v in msg.get_all(name, [])]
