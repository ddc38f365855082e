"""The one module of telephony that touches the mail app: queueing messages in the outbox and
reading the two outgoing-mail settings telephony obeys. Repoint these imports here, nowhere else.

Telephony mail is queued as kind "system": the fallback and voicemail addresses are set by a
technologist and must receive mail even when "send notifications to unregistered users" is off
(the outbox applies that filter to kind "notification" only). The global "use e-mail
notifications" switch still stops every telephony mail: `notifications_enabled()` is checked by
the callers before anything is queued, and the outbox is asked to sign them as it signs
notifications.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from mailconf.models import OutgoingConnection
from mailconf.outbox import OutgoingAttachment, enqueue_mail_many
from mailconf.parsing import ORIGIN_HEADER
from notifications.mail import ORIGIN_VALUE

KIND = "system"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    content_type: str


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    attachments: Sequence[Attachment] = field(default_factory=tuple)


def notifications_enabled() -> bool:
    """The outgoing-mail switch "use e-mail notifications" (seed 001: it includes voicemail)."""
    return OutgoingConnection.load().notifications_enabled


def queue(mails: Sequence[Mail]) -> list[int]:
    """Write the messages to the outbox in the caller's transaction; returns their row ids."""
    if not mails:
        return []
    rows = enqueue_mail_many(
        [
            {
                "to": [mail.to],
                "subject": mail.subject,
                "text": mail.text,
                "kind": KIND,
                "sign": True,
                "headers": {ORIGIN_HEADER: ORIGIN_VALUE},
                "attachments": [OutgoingAttachment(a.filename, a.content, a.content_type) for a in mail.attachments],
            }
            for mail in mails
        ]
    )
    return [row.pk for row in rows]
