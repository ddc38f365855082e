"""E-mail: rendered letters go into the mail app's outbox in the fan-out's transaction (one
INSERT for all of an occurrence's letters); the outbox row carries status, attempts and errors."""

from __future__ import annotations

from typing import ClassVar

from django.utils.translation import gettext_lazy as _

from .. import mail
from ..compose import MailFrame, letter
from ..models import Channel
from ..recipients import Recipient
from .base import DeliveryChannel, Outgoing, Released, register


@register
class EmailChannel(DeliveryChannel):
    code = Channel.EMAIL.value
    label = _("E-mail")
    position = 10
    needs_user: ClassVar[bool] = False

    def accepts(self, recipient: Recipient) -> bool:
        return "@" in recipient.email

    def key(self, recipient: Recipient) -> str:
        return recipient.email.lower()

    def prepare(self, items: list[Outgoing]) -> None:
        if not items:
            return
        frame = MailFrame.for_ticket(items[0].ticket_id)
        letters = [
            letter(item.rendered, frame, item.recipient.email, language=item.recipient.language) for item in items
        ]
        for item, outbox_id in zip(items, mail.enqueue_many(letters), strict=True):
            item.entry.outbox_id = outbox_id

    def held_texts(self, items: list[Outgoing]) -> list[tuple[str, str]]:
        """As the letters would have read: the ticket's subject tag, the reply marker in the
        recipient's language, the footer (one occurrence: one ticket, one frame)."""
        if not items:
            return []
        frame = MailFrame.for_ticket(items[0].ticket_id)
        held = [letter(item.rendered, frame, item.recipient.email, language=item.recipient.language) for item in items]
        return [(one.subject, one.text) for one in held]

    def release(self, messages: list[Released]) -> None:
        letters = []
        for message in messages:
            # One held mail goes as it was written, in its ticket's thread; a digest is about many.
            thread = mail.thread_headers(message.ticket_id)
            letters.append(
                mail.Letter(
                    to=message.email,
                    subject=message.subject,
                    text=message.text,
                    ticket_id=message.ticket_id,
                    thread=thread,
                )
            )
        mail.enqueue_many(letters)
