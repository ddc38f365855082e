"""Web Push: notifications that reach a closed tab, a desktop and the installed app on a phone.
One `Dispatch` row per browser subscription of the recipient; a person without one gets nothing
here (the journal still records the delivery)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from ..models import Dispatch, EventAction, PushSubscription
from ..recipients import Recipient
from .base import ChannelError, DispatchChannel, Outgoing, Released, register


def _subscriptions(user_ids: set[int]) -> dict[int, list[int]]:
    """Each person's subscribed browsers (subscription ids)."""
    found: dict[int, list[int]] = defaultdict(list)
    for pk, user_id in PushSubscription.objects.filter(user_id__in=user_ids).values_list("pk", "user_id"):
        found[user_id].append(pk)
    return found


@register
class WebPushChannel(DispatchChannel):
    code = "webpush"
    label = _("Web Push (browser and phone)")
    position = 30

    def expand(self, action: EventAction, recipients: Sequence[Recipient]) -> list[Recipient]:
        """Only people with a subscribed browser: the rest get no journal entry at all."""
        ids = {r.user_id for r in recipients if r.user_id is not None}
        subscribed = set(PushSubscription.objects.filter(user_id__in=ids).values_list("user_id", flat=True))
        return [r for r in recipients if r.user_id in subscribed]

    def endpoints(self, items: list[Outgoing]) -> list[tuple[Outgoing, str, dict[str, Any]]]:
        from ..webpush import payload

        subscriptions = _subscriptions({item.recipient.user_id for item in items if item.recipient.user_id is not None})
        found = []
        for item in items:
            message = payload(
                title=item.rendered.subject,
                body=item.rendered.text,
                url=item.path,
                tag=f"ticket-{item.ticket_id}" if item.ticket_id else f"event-{item.occurrence.pk}",
            )
            for pk in subscriptions.get(item.recipient.user_id or 0, ()):
                found.append((item, f"subscription:{pk}", message))
        return found

    def released_endpoints(self, messages: list[Released]) -> list[tuple[str, dict[str, Any]]]:
        from ..webpush import payload

        subscriptions = _subscriptions({m.user_id for m in messages if m.user_id is not None})
        found = []
        for message in messages:
            tag = f"ticket-{message.ticket_id}" if message.ticket_id else f"held-{message.event}"
            body = payload(title=message.subject, body=message.text, url=message.url, tag=tag)
            found += [(f"subscription:{pk}", body) for pk in subscriptions.get(message.user_id or 0, ())]
        return found

    def send_many(self, rows: Sequence[Dispatch]) -> list[ChannelError | None]:
        from .. import webpush

        ids = [int(row.target.partition(":")[2]) for row in rows]
        subscriptions = PushSubscription.objects.in_bulk(ids)
        results: list[ChannelError | None] = []
        with webpush.new_session() as session:
            for row, pk in zip(rows, ids, strict=True):
                subscription = subscriptions.get(pk)
                if subscription is None:  # unsubscribed since the row was written
                    results.append(ChannelError("the browser unsubscribed", gone=True))
                    continue
                try:
                    webpush.send(subscription, row.payload, session)
                    results.append(None)
                except ChannelError as error:
                    results.append(error)
        return results

    def forget(self, dispatch: Dispatch) -> None:
        PushSubscription.objects.filter(pk=int(dispatch.target.partition(":")[2])).delete()
