"""EMAIL_BACKEND that writes outbox rows, so Django's and third-party apps' mail is durable too."""

from __future__ import annotations

from collections.abc import Sequence
from email.mime.base import MIMEBase

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

from .enqueue import enqueue_mail
from .mime import OutgoingAttachment
from .tasks import schedule_delivery


class OutboxEmailBackend(BaseEmailBackend):
    """Each EmailMessage becomes one outbox row (kind "system"); delivery happens after commit.

    The message's own From is replaced by the configured system address: the connection is
    authorised to send only as that mailbox. Bcc recipients go into the SMTP envelope only.
    """

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        ids: list[int] = []
        with transaction.atomic():
            for message in email_messages:
                if not message.recipients():
                    continue
                row = enqueue_mail(
                    to=list(message.to),
                    cc=list(message.cc),
                    bcc=list(message.bcc),
                    subject=str(message.subject),
                    text=str(message.body) if message.content_subtype == "plain" else "",
                    html=_html_of(message),
                    reply_to=message.reply_to[0] if message.reply_to else None,
                    kind="system",
                    auto_submitted=False,
                    attachments=_attachments_of(message),
                    headers={k: str(v) for k, v in (message.extra_headers or {}).items() if _passable(k)},
                    schedule=False,
                )
                ids.append(row.pk)
            if ids:
                schedule_delivery(ids)
        return len(ids)


def _html_of(message: EmailMessage) -> str:
    if message.content_subtype == "html":
        return str(message.body)
    if isinstance(message, EmailMultiAlternatives):
        for content, mimetype in message.alternatives:
            if mimetype == "text/html":
                return str(content)
    return ""


def _attachments_of(message: EmailMessage) -> list[OutgoingAttachment]:
    result: list[OutgoingAttachment] = []
    for item in message.attachments:
        if isinstance(item, MIMEBase):
            payload = item.get_payload(decode=True)
            data = payload if isinstance(payload, bytes) else b""
            result.append(OutgoingAttachment(item.get_filename() or "attachment", data, item.get_content_type()))
            continue
        filename, content, mimetype = item
        data = content.encode() if isinstance(content, str) else bytes(content)
        result.append(OutgoingAttachment(filename or "attachment", data, mimetype or ""))
    return result


def _passable(name: str) -> bool:
    # Headers the outbox builds itself are dropped rather than refused: Django apps set some of them.
    return name.lower() not in {"from", "to", "cc", "bcc", "reply-to", "subject", "date", "message-id"}
