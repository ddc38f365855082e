"""An occurrence whose task was lost, or whose fan-out failed, is taken up again by the sweeper,
backing off, exactly once per success."""

from __future__ import annotations

import pytest
import time_machine
from django.utils import timezone

from notifications import catalogue, fanout
from notifications.models import Channel, Notification, Occurrence
from notifications.services import notify_event
from notifications.tasks import fan_out_due
from notifications.tests.factories import make_action, only_actions


def _action(cast):
    only_actions(
        make_action(catalogue.MAIL_CONNECTION_FAILING, Channel.PUSH, groups=list(cast.technologist.groups.all()))
    )


@pytest.mark.django_db
def test_lost_task_is_swept_after_the_grace_period(cast):
    _action(cast)
    occurrence = notify_event(catalogue.MAIL_CONNECTION_FAILING, context={"MAIL_CONNECTION": "a"})  # never committed
    assert fan_out_due() == 0  # not due yet: its own task may still be on the way
    with time_machine.travel(timezone.now() + fanout.sweep_grace() * 2):
        assert fan_out_due() == 1
        assert fan_out_due() == 0
    occurrence.refresh_from_db()
    assert occurrence.processed_at is not None
    assert Notification.objects.count() == 1


@pytest.mark.django_db
def test_failure_backs_off_and_is_retried(cast, monkeypatch):
    _action(cast)
    occurrence = notify_event(catalogue.MAIL_CONNECTION_FAILING, context={"MAIL_CONNECTION": "a"})
    real = fanout.deliver

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(fanout, "deliver", broken)
    start = timezone.now()
    with time_machine.travel(start + fanout.sweep_grace() * 2):
        assert fan_out_due() == 0
    occurrence.refresh_from_db()
    assert occurrence.attempts == 1 and occurrence.next_attempt_at > start + fanout.sweep_grace() * 2
    monkeypatch.setattr(fanout, "deliver", real)
    with time_machine.travel(occurrence.next_attempt_at + timezone.timedelta(seconds=1)):
        assert fan_out_due() == 1
    assert Occurrence.objects.get().processed_at is not None
    assert Notification.objects.count() == 1
