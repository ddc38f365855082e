"""What every ParsedMessage must satisfy whatever the input: fields the mail log and the ticket
tables can store (no NUL, no lone surrogate, one-line header values) and attachment names that
are safe as file names."""

from __future__ import annotations

import unicodedata

from mailconf.parsing import ParsedMessage


def _storable(value: str, *, one_line: bool = False) -> bool:
    if "\x00" in value or (one_line and ("\n" in value or "\r" in value)):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def safe_file_name(name: str) -> bool:
    return (
        bool(name)
        and len(name) <= 180
        and not name.startswith(".")
        and not any(char in name for char in '/\\:*?"<>|')
        and not any(unicodedata.category(char) in ("Cc", "Cf") for char in name)
    )


def problems(parsed: ParsedMessage) -> list[str]:
    """Descriptions of every broken guarantee; empty when the message is sane."""
    found = []
    for name in ("subject", "message_id", "in_reply_to", "auto_reason"):
        if not _storable(getattr(parsed, name) or "", one_line=True):
            found.append(name)
    for name in ("text", "reply_text", "html"):
        if not _storable(getattr(parsed, name)):
            found.append(name)
    found += [f"references: {r[:40]!r}" for r in parsed.references if not _storable(r, one_line=True)]
    found += [f"warning: {w[:40]!r}" for w in parsed.warnings if not _storable(w)]
    addresses = ([parsed.from_] if parsed.from_ else []) + parsed.to + parsed.cc + parsed.reply_to
    for address in addresses:
        if not (_storable(address.name, one_line=True) and _storable(address.address, one_line=True)):
            found.append(f"address: {address.address[:40]!r}")
    for attachment in parsed.attachments:
        if not safe_file_name(attachment.filename):
            found.append(f"file name: {attachment.filename[:60]!r}")
        if not _storable(attachment.content_type, one_line=True) or not _storable(attachment.content_id or ""):
            found.append(f"attachment fields of {attachment.filename[:40]!r}")
    if parsed.date is not None and parsed.date.tzinfo is None:
        found.append("naive date")
    if parsed.bounce is not None:
        for recipient in parsed.bounce.recipients:
            if not all(
                _storable(v) for v in (recipient.address, recipient.action, recipient.status, recipient.diagnostic)
            ):
                found.append(f"bounce recipient {recipient.address[:40]!r}")
    return found
