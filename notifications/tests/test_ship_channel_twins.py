"""Every shipped in-app push action has Web Push and Telegram twins, also on the escalation levels,
and they reach only people who subscribed a browser or linked a chat."""

from __future__ import annotations

import pytest

from escalation.models import EscalationLevel
from notifications.models import Delivery, EventAction
from notifications.tests.factories import new_ticket
from notifications.tests.pushservice import BrowserKeys


@pytest.mark.django_db
def test_push_actions_have_enabled_twins_on_both_channels():
    for push in EventAction.objects.filter(channel="push").exclude(code=""):
        stem = push.code.removesuffix("-push")
        twins = EventAction.objects.filter(code__in=[f"{stem}-webpush", f"{stem}-telegram"], event=push.event)
        assert sorted(twins.values_list("channel", "enabled")) == [("telegram", True), ("webpush", True)], push.code


@pytest.mark.django_db
def test_escalation_levels_notify_through_the_twins():
    for level in EscalationLevel.objects.prefetch_related("notify"):
        channels = {action.channel for action in level.notify.all()}
        if "push" in channels:
            assert {"webpush", "telegram"} <= channels, level


@pytest.mark.django_db
def test_twins_address_only_subscribed_people(cast, committed, push_service):
    from notifications import webpush

    keys = BrowserKeys()
    webpush.subscribe(
        user=cast.second_line.user, endpoint=push_service.endpoint("x"), p256dh=keys.p256dh, auth=keys.auth
    )
    with committed():
        new_ticket(cast)
    webpush_journal = Delivery.objects.filter(channel="webpush")
    assert set(webpush_journal.values_list("recipient", flat=True)) == {f"user:{cast.second_line.user_id}"}
    assert not Delivery.objects.filter(channel="telegram").exists()
