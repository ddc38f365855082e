"""In-app push: a `Notification` row per recipient, streamed to open tabs after commit (push.py)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from servicedesk.dbutil import insert_many

from .. import push
from ..models import Channel, Notification
from .base import DeliveryChannel, Outgoing, Released, register


@register
class InAppChannel(DeliveryChannel):
    code = Channel.PUSH.value
    label = _("In-app push")
    position = 20

    def queue(self, items: list[Outgoing]) -> None:
        rows = [
            Notification(
                user_id=user_id,
                event=item.occurrence.event,
                action=item.action,
                ticket_id=item.ticket_id,
                title=item.rendered.subject[:500],
                body=item.rendered.text,
                url=item.path,
                created_at=item.entry.created_at,
            )
            for item in items
            if (user_id := item.recipient.user_id) is not None  # always set: the channel needs a login
        ]
        insert_many(Notification, rows)
        push.announce(row.user_id for row in rows)

    def release(self, messages: list[Released]) -> None:
        rows = [
            Notification(
                user_id=message.user_id,
                event=message.event,
                action_id=message.action_id,
                ticket_id=message.ticket_id,
                title=message.subject[:500],
                body=message.text,
                url=message.url,
            )
            for message in messages
            if message.user_id is not None
        ]
        insert_many(Notification, rows)
        push.announce(row.user_id for row in rows)
