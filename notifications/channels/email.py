"""E-mail: rendered letters go into the mail app's outbox in the fan-out's transaction (one
INSERT for all of an occurrence's letters); the outbox row carries status, attempts and errors."""

from __future__ import annotations

from typing import ClassVar

from django.utils.translation import gettext_lazy as _

from servicedesk.models import Ticket

from .. import mail, senders
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
        responsible = self._responsible(items)
        # An action asking for the responsible employee's own mailbox sends through it when they
        # allow it; everything else (and every refusal) goes through the outbox as before.
        outbox = [
            (item, one)
            for item, one in zip(items, letters, strict=True)
            if not (
                item.action.from_responsible_mailbox
                and responsible is not None
                and senders.send_as_employee(responsible, one)
            )
        ]
        ids = mail.enqueue_many([one for _item, one in outbox])
        for (item, _one), outbox_id in zip(outbox, ids, strict=True):
            item.entry.outbox_id = outbox_id

    @staticmethod
    def _responsible(items: list[Outgoing]) -> int | None:
        ticket_id = items[0].ticket_id
        if ticket_id is None or not any(item.action.from_responsible_mailbox for item in items):
            return None
        found: int | None = (
            Ticket.objects.filter(pk=ticket_id).values_list("responsible_employee__user_id", flat=True).first()
        )
        return found

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
