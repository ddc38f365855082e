"""Per person: quiet hours, digests and folded bursts, with time frozen; urgent ones go through."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from mailconf.models import OutboxMessage
from notifications import catalogue
from notifications.fanout import fan_out
from notifications.models import Channel, Delivery, DeliverySchedule, HeldNotification, Notification
from notifications.quiet import release_due
from notifications.services import record_occurrences
from notifications.tests.factories import make_action, new_ticket, only_actions

pytestmark = pytest.mark.django_db

MSK = ZoneInfo("Europe/Moscow")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=MSK)


@pytest.fixture
def push_to_responsible(cast):
    action = make_action(catalogue.TICKET_REGISTERED_OPERATOR, Channel.PUSH, to_responsible=True)
    only_actions(action)
    return action


def notes(cast) -> list[str]:
    return list(Notification.objects.filter(user=cast.second_line.user).order_by("pk").values_list("title", flat=True))


def quiet(cast, **fields) -> DeliverySchedule:
    return DeliverySchedule.objects.create(user=cast.second_line.user, **fields)


def test_quiet_hours_hold_until_they_end(cast, committed, push_to_responsible) -> None:
    quiet(cast, quiet_from=dt.time(22), quiet_to=dt.time(7))
    with time_machine.travel(at(4, 23, 30), tick=False), committed():
        new_ticket(cast, subject="Night call")
    assert notes(cast) == []
    held = HeldNotification.objects.get()
    assert held.release_at == at(5, 7) and held.reason == "quiet"
    assert Delivery.objects.get(channel=Channel.PUSH).status == Delivery.Status.HELD

    with time_machine.travel(at(5, 6, 59), tick=False):
        assert release_due() == 0
    with time_machine.travel(at(5, 7), tick=False):
        assert release_due() == 1
    assert len(notes(cast)) == 1 and "Night call" in notes(cast)[0]
    with time_machine.travel(at(5, 8), tick=False):
        assert release_due() == 0  # released once


def test_outside_quiet_hours_it_goes_at_once(cast, committed, push_to_responsible) -> None:
    quiet(cast, quiet_from=dt.time(22), quiet_to=dt.time(7))
    with time_machine.travel(at(4, 12), tick=False), committed():
        new_ticket(cast, subject="Day call")
    assert len(notes(cast)) == 1 and not HeldNotification.objects.exists()


def test_urgent_action_goes_through_quiet_hours(cast, committed, push_to_responsible) -> None:
    push_to_responsible.is_urgent = True
    push_to_responsible.save()
    quiet(cast, quiet_from=dt.time(22), quiet_to=dt.time(7))
    with time_machine.travel(at(4, 23, 30), tick=False), committed():
        new_ticket(cast, subject="Server room flooded")
    assert len(notes(cast)) == 1


def test_urgent_escalation_level_passes_through(cast, committed, push_to_responsible) -> None:
    quiet(cast, quiet_from=dt.time(22), quiet_to=dt.time(7), digest=DeliverySchedule.Digest.DAILY)
    with time_machine.travel(at(4, 23, 30), tick=False):
        with committed():
            ticket = new_ticket(cast, subject="Breach")
        Notification.objects.all().delete()
        HeldNotification.objects.all().delete()
        data = {"action_ids": [push_to_responsible.pk], "urgent": True}
        with committed():
            [occurrence] = record_occurrences([(catalogue.TICKET_REGISTERED_OPERATOR, ticket.pk, data)])
        fan_out(occurrence.pk)
    assert len(notes(cast)) == 1 and not HeldNotification.objects.exists()


def test_digest_every_30_minutes_folds_into_one_message(cast, committed, push_to_responsible) -> None:
    quiet(cast, digest=DeliverySchedule.Digest.INTERVAL, digest_minutes=30)
    for minute, subject in ((5, "First"), (10, "Second"), (20, "Third")):
        with time_machine.travel(at(4, 10, minute), tick=False), committed():
            new_ticket(cast, subject=subject)
    assert notes(cast) == []
    assert set(HeldNotification.objects.values_list("release_at", flat=True)) == {at(4, 10, 30)}

    with time_machine.travel(at(4, 10, 30), tick=False):
        assert release_due() == 1
    [digest] = Notification.objects.filter(user=cast.second_line.user)
    assert digest.title in ("Digest: 3 notifications", "Сводка: 3 уведомления")
    assert [word in digest.body for word in ("First", "Second", "Third")] == [True] * 3
    assert digest.body.index("First") < digest.body.index("Third")


def test_daily_digest_by_mail_is_one_letter(cast, committed, outgoing) -> None:
    only_actions(make_action(catalogue.TICKET_REGISTERED_OPERATOR, Channel.EMAIL, to_responsible=True))
    quiet(cast, digest=DeliverySchedule.Digest.DAILY, digest_at=dt.time(9))
    for hour in (18, 19):
        with time_machine.travel(at(4, hour), tick=False), committed():
            new_ticket(cast, subject=f"Evening {hour}")
    address = cast.second_line.email
    assert not OutboxMessage.objects.filter(recipients__has_key=address).exists()
    with time_machine.travel(at(5, 9), tick=False), committed():
        release_due()
    [letter] = OutboxMessage.objects.filter(recipients__has_key=address)
    assert "Evening 18" in letter.text and "Evening 19" in letter.text


def test_quiet_hours_push_a_digest_past_their_end(cast, committed, push_to_responsible) -> None:
    quiet(cast, quiet_from=dt.time(22), quiet_to=dt.time(7), digest=DeliverySchedule.Digest.INTERVAL, digest_minutes=60)
    with time_machine.travel(at(4, 21, 30), tick=False), committed():
        new_ticket(cast)
    assert HeldNotification.objects.get().release_at == at(5, 7)


def test_burst_of_one_kind_becomes_one_message(cast, committed, push_to_responsible, settings) -> None:
    settings.NOTIFY_BURST_THRESHOLD, settings.NOTIFY_BURST_SECONDS = 10, 60
    settings.NOTIFY_RATE_PER_RECIPIENT = (1000, 3600)
    settings.NOTIFY_RATE_PER_TICKET = (1000, 600)
    with time_machine.travel(at(4, 10), tick=False):
        for number in range(25):
            with committed():
                new_ticket(cast, subject=f"Ticket {number}")
    assert len(notes(cast)) == 10
    held = HeldNotification.objects.all()
    assert held.count() == 15 and {row.reason for row in held} == {"burst"}
    assert {row.release_at for row in held} == {at(4, 10, 1)}

    with time_machine.travel(at(4, 10, 1), tick=False):
        assert release_due() == 1
    folded = notes(cast)[-1]
    assert folded in ("15 notifications of one kind at once", "15 уведомлений одного вида сразу")
    body = Notification.objects.filter(user=cast.second_line.user).latest("pk").body
    assert "Ticket 10" in body and "Ticket 24" in body and "Ticket 9\n" not in body


def test_person_sets_quiet_hours_in_the_centre(cast, client) -> None:
    client.force_login(cast.second_line.user)
    page = client.get("/notifications/").content.decode()
    assert 'name="quiet_from"' in page and 'name="digest"' in page
    client.post(
        "/notifications/schedule",
        {
            "quiet_from": "22:00",
            "quiet_to": "07:00",
            "digest": "interval",
            "digest_minutes": "30",
            "digest_at": "09:00",
        },
    )
    schedule = DeliverySchedule.objects.get(user=cast.second_line.user)
    assert (schedule.quiet_from, schedule.quiet_to, schedule.digest_minutes) == (dt.time(22), dt.time(7), 30)
    client.post(
        "/notifications/schedule",
        {"quiet_from": "22:00", "digest": "off", "digest_minutes": "30", "digest_at": "09:00"},
    )
    assert DeliverySchedule.objects.get().quiet_to == dt.time(7)  # half a range is refused


def test_non_working_time_of_the_schedule_counts_as_quiet(cast, committed, push_to_responsible) -> None:
    from servicedesk.tests.sla_helpers import office_schedule

    cast.second_line.work_schedule = office_schedule()
    cast.second_line.save()
    quiet(cast, quiet_outside_working_hours=True)
    # Friday 4 December 2026, 19:00: the next working hour is Monday 7 December, 09:00.
    with time_machine.travel(at(4, 19), tick=False), committed():
        new_ticket(cast, subject="Friday evening")
    assert notes(cast) == [] and HeldNotification.objects.get().release_at == at(7, 9)


def test_released_rows_are_pruned_after_the_retention(cast, committed, push_to_responsible) -> None:
    from notifications.quiet import prune_released

    quiet(cast, digest=DeliverySchedule.Digest.INTERVAL, digest_minutes=30)
    with time_machine.travel(at(4, 10, 5), tick=False), committed():
        new_ticket(cast)
    with time_machine.travel(at(4, 10, 30), tick=False):
        release_due()
    assert prune_released(at(4, 10, 30) + dt.timedelta(days=29)) == 0
    assert prune_released(at(4, 10, 30) + dt.timedelta(days=31)) == 1
