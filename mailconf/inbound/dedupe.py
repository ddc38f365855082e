"""When is a mail a copy of one already recorded? Not whenever the Message-ID matches.

The exactly-once key is the server's identity of the message (UIDVALIDITY+UID, UIDL, item id), the
ledger's UNIQUE key. The Message-ID is a second key for copies under a new identity (a message
delivered twice, a mailbox rebuilt), but broken mailers, scanners and list software reuse
Message-IDs across different mails. So a Message-ID match is a duplicate only when the content
matches too: the sender, the subject and the normalised text (line endings, trailing spaces and
blank-line runs do not count; transports change them) plus the attachments' names and sizes.
Anything else is a new mail whose ID was reused: it is imported, and the mail log says so.
"""

from __future__ import annotations

import hashlib
import re

from mailconf.models import ProcessedMessage
from mailconf.parsing import ParsedMessage

REUSED_NOTE = "Message-ID reused by a different message"
_SPACE_RUNS = re.compile(r"[ \t]+\n")
_BLANK_RUNS = re.compile(r"\n{3,}")


def normalised_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _BLANK_RUNS.sub("\n\n", _SPACE_RUNS.sub("\n", text))
    return text.strip()


def content_digest(parsed: ParsedMessage) -> str:
    """sha256 hex of what a copy keeps: sender, subject, normalised body, attachment names and sizes."""
    digest = hashlib.sha256()
    sender = parsed.from_.address.lower() if parsed.from_ is not None else ""
    body = parsed.text or parsed.html
    parts = [sender, (parsed.subject or "").strip(), normalised_text(body)]
    parts += [f"{a.filename}:{len(a.payload)}" for a in parsed.attachments]
    for part in parts:
        digest.update(part.encode("utf-8", "surrogatepass"))
        digest.update(b"\0")
    return digest.hexdigest()


def same_mail(entry: ProcessedMessage, earlier: ProcessedMessage) -> bool:
    """Whether `earlier` (same Message-ID) is the same mail as `entry`.

    A row without a digest (recorded before digests, or unparsable) is compared by sender and
    subject, which is all it has."""
    if entry.content_digest and earlier.content_digest:
        return entry.content_digest == earlier.content_digest
    return entry.sender.lower() == earlier.sender.lower() and entry.subject == earlier.subject
