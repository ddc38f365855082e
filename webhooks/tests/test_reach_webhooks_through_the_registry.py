"""The webhook channel is one of the notification registry's channels (registered by this app): one
call per webhook and event whatever the action's audience, and, reaching a system rather than a
person, it is not among the notification centre's mutes, never held for quiet hours (no person's
schedule applies) and not cut by the per-recipient storm limits."""

from __future__ import annotations

import pytest

from notifications import catalogue, channels
from notifications.models import Channel, Delivery, EventAction
from notifications.tests.factories import make_action, new_ticket, only_actions
from webhooks.models import Webhook, WebhookDelivery

from .conftest import SECRET

pytestmark = pytest.mark.django_db


def _hook(url: str, *actions: EventAction, name: str = "CMDB") -> Webhook:
    hook = Webhook(name=name, url=url)
    hook.secret = SECRET
    hook.save()
    hook.actions.set(actions)
    return hook


def test_registered_from_the_app_and_not_personal() -> None:
    channel = channels.get(Channel.WEBHOOK)
    assert type(channel).__module__ == "webhooks.channel"
    assert not channel.personal and Channel.WEBHOOK not in dict(channels.personal_choices())


def test_each_enabled_webhook_of_the_action_gets_one_call(cast, committed, receiver) -> None:
    action = make_action(catalogue.TICKET_REGISTERED_OPERATOR, Channel.WEBHOOK, to_responsible=True, to_team=True)
    only_actions(action)
    first, second = _hook(receiver.url, action), _hook(receiver.url, action, name="Billing")
    off = _hook(receiver.url, action, name="Off")
    Webhook.objects.filter(pk=off.pk).update(enabled=False)
    with committed():
        new_ticket(cast)
    assert len(receiver.calls) == 2
    assert sorted(Delivery.objects.values_list("recipient", flat=True)) == sorted(
        [f"webhook:{first.pk}", f"webhook:{second.pk}"]
    )


def test_storm_limits_do_not_cut_a_systems_calls(cast, committed, receiver, settings) -> None:
    settings.NOTIFY_RATE_PER_RECIPIENT = (1, 3600)
    action = make_action(catalogue.TICKET_REGISTERED_OPERATOR, Channel.WEBHOOK)
    only_actions(action)
    _hook(receiver.url, action)
    with committed():
        for _ in range(3):
            new_ticket(cast)
    assert list(Delivery.objects.values_list("status", flat=True)) == ["queued"] * 3
    assert WebhookDelivery.objects.count() == 3
