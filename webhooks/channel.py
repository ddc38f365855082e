"""The "webhook" delivery channel, registered into the notifications registry from
`WebhooksConfig.ready` (so imports point webhooks -> notifications, never back).

A webhook reaches a system, not a person: each enabled webhook chosen for an event action is one
pseudo-recipient keyed "webhook:<id>" (so the journal, de-duplication and the action's history
read like any channel's), never muted, held or rate-limited. Its messages are this app's own
outbox rows (`WebhookDelivery`: signing, backoff, switching off after failures), not the generic
`Dispatch` rows, because a call's body is frozen JSON from the webhook's template and its delivery
log is what the technologist reads on the webhook's card.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from notifications.channels import DeliveryChannel, Outgoing
from notifications.models import Channel, EventAction
from notifications.recipients import Recipient, default_language

from .models import Webhook, WebhookDelivery
from .payload import render_payload

PREFIX = "webhook:"


class WebhookChannel(DeliveryChannel):
    code = Channel.WEBHOOK.value
    label = _("Webhook")
    position = 50
    needs_user: ClassVar[bool] = False
    personal: ClassVar[bool] = False

    def expand(self, action: EventAction, recipients: Sequence[Recipient]) -> list[Recipient]:
        """The action's enabled webhooks; the people the action would address play no part."""
        hooks = Webhook.objects.filter(enabled=True, actions=action).values_list("pk", "name")
        # The payload's values are in the installation's language, as the technologist wrote it.
        return [Recipient(None, "", name, default_language(), endpoint=f"{PREFIX}{pk}") for pk, name in hooks]

    def accepts(self, recipient: Recipient) -> bool:
        return recipient.endpoint.startswith(PREFIX)

    def key(self, recipient: Recipient) -> str:
        return recipient.endpoint

    def queue(self, items: list[Outgoing]) -> None:
        """One call per webhook and event, its body frozen now; kicked after commit."""
        hooks = Webhook.objects.in_bulk([int(item.entry.recipient.removeprefix(PREFIX)) for item in items])
        rows: list[WebhookDelivery] = []
        for item in items:
            hook = hooks[int(item.entry.recipient.removeprefix(PREFIX))]
            occurrence = item.occurrence
            values = {**item.values, "EVENT_CODE": occurrence.event, "EVENT_ID": str(occurrence.pk)}
            row = WebhookDelivery(
                webhook=hook, occurrence_id=occurrence.pk, event=occurrence.event, next_attempt_at=item.entry.created_at
            )
            try:
                row.body = render_payload(hook.payload, values)
            except ValueError as exc:  # the card checks the template; a value can still not break JSON
                row.body, row.status, row.last_error = "", WebhookDelivery.Status.FAILED, f"payload: {exc}"[:1000]
            rows.append(row)
        WebhookDelivery.objects.bulk_create(rows)
        queued = [row.pk for row in rows if row.status == WebhookDelivery.Status.QUEUED]
        if queued:
            from .tasks import deliver_webhooks

            transaction.on_commit(lambda: deliver_webhooks.delay(queued))
