"""The last step of parsing: no string of a ParsedMessage holds a NUL or a lone surrogate.

PostgreSQL refuses NUL in text columns and psycopg cannot encode a lone surrogate, and either
failure happens when the mail log row is written, after parsing said yes, taking the rest of its
batch down with it. The decoders already avoid both; this pass makes it a guarantee for every
field, including the ones copied from headers verbatim (reasons, content ids, bounce fields).
"""

from __future__ import annotations

import dataclasses
import re

from .model import Address, BounceInfo, BounceRecipient, ParsedAttachment, ParsedMessage

# RFC 6838 type/subtype names, up to 127 characters each. Anything else (a folded header glued
# into the type, spaces, quotes) would end up in the Content-Type of the download response.
_MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}")
_MESSAGE_TEXT = ("message_id", "in_reply_to", "subject", "from_source", "text", "reply_text", "html", "auto_reason")


def clean_text(value: str) -> str:
    """``value`` without NUL characters, lone surrogates replaced by U+FFFD."""
    if "\x00" in value:
        value = value.replace("\x00", "")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    return value


def scrub(result: ParsedMessage) -> None:
    for name in _MESSAGE_TEXT:
        value = getattr(result, name)
        if value:
            setattr(result, name, clean_text(value))
    # The reason quotes header values, which may be folded over lines; the mail log shows one line.
    result.auto_reason = " ".join(result.auto_reason.split())
    result.references = [clean_text(value) for value in result.references]
    result.warnings = [clean_text(value) for value in result.warnings]
    result.from_ = _address(result.from_) if result.from_ is not None else None
    result.to = [_address(a) for a in result.to]
    result.cc = [_address(a) for a in result.cc]
    result.reply_to = [_address(a) for a in result.reply_to]
    for attachment in result.attachments:
        _attachment(attachment)
    if result.bounce is not None:
        _bounce(result.bounce)


def _address(address: Address) -> Address:
    name, addr = clean_text(address.name), clean_text(address.address)
    if name == address.name and addr == address.address:
        return address
    return Address(name=name, address=addr)


def _attachment(attachment: ParsedAttachment) -> None:
    attachment.filename = clean_text(attachment.filename) or "attachment.bin"
    if not _MEDIA_TYPE.fullmatch(attachment.content_type):
        attachment.content_type = "application/octet-stream"
    attachment.disposition = clean_text(attachment.disposition)
    if attachment.content_id is not None:
        attachment.content_id = clean_text(attachment.content_id)


def _bounce(info: BounceInfo) -> None:
    if info.original_message_id is not None:
        info.original_message_id = clean_text(info.original_message_id)
    info.recipients = [_recipient(r) for r in info.recipients]


def _recipient(recipient: BounceRecipient) -> BounceRecipient:
    return dataclasses.replace(
        recipient,
        address=clean_text(recipient.address),
        action=clean_text(recipient.action),
        status=clean_text(recipient.status),
        diagnostic=clean_text(recipient.diagnostic),
    )
