"""The default schemes fire their levels at the right working moments, exactly once; pending
levels move with the deadline, fired ones are not repeated; failures back off."""

from __future__ import annotations

import datetime as dt

import pytest

from escalation import actions, schemes
from escalation.models import EscalationFiring, EscalationLevel, EscalationScheme, EscalationTrack, Target
from escalation.services import fire_due_escalations
from notifications.models import Notification, Occurrence
from notifications.tasks import fan_out_due
from servicedesk.models import ClockKind, Priority, TicketStatus
from servicedesk.services.reclassify import reclassify_ticket
from servicedesk.services.tickets import change_status, create_ticket
from servicedesk.testing.cast import Cast
from servicedesk.tests.sla_helpers import add_rule

from .conftest import at, msk, use_office_hours

pytestmark = pytest.mark.django_db


def new_ticket(cast: Cast, when: dt.datetime, **extra: object):
    use_office_hours(cast)
    fields = {"requester_contact": cast.client, "responsible_employee": cast.second_line, "responsible_team": cast.team}
    with at(when):
        return create_ticket(actor=None, ticket_type=cast.incident, subject="Упал сервер", **{**fields, **extra})


def track(ticket_id: int, target: str) -> EscalationTrack:
    return EscalationTrack.objects.get(object_id=ticket_id, scheme__target=target)


def tick(when: dt.datetime, committed=None) -> int:
    with at(when):
        if committed is None:
            return fire_due_escalations().fired
        with committed():
            return fire_due_escalations().fired


def fired_levels(ticket_id: int) -> list[str]:
    rows = EscalationFiring.objects.filter(ticket_id=ticket_id).select_related("level").order_by("due_at", "pk")
    return [row.level.when_label() for row in rows]


def test_levels_fire_at_their_share_of_working_time(cast: Cast, committed) -> None:
    ticket = new_ticket(cast, msk(11, 23, 9))
    assert track(ticket.pk, Target.TICKET_RESOLUTION).next_at == msk(11, 23, 13)  # 50 % of 8 h
    assert track(ticket.pk, Target.TICKET_REACTION).next_at == msk(11, 23, 11)  # 100 % of 2 h
    assert tick(msk(11, 23, 12, 59)) == 1  # the reaction is overdue since 11:00
    assert tick(msk(11, 23, 13), committed) == 1  # 50 %
    assert track(ticket.pk, Target.TICKET_RESOLUTION).next_at == msk(11, 23, 16)  # 75 %: 6 h
    # The 50 % reminder is held to working hours: 13:00 starts the lunch break.
    held = Occurrence.objects.get(event="escalation.ticket", data__has_key="held_from")
    assert held.next_attempt_at == msk(11, 23, 14)
    assert not Notification.objects.filter(title__startswith="Прошла").exists()
    with at(msk(11, 23, 14)), committed():
        fan_out_due()
    note = Notification.objects.get(user=cast.second_line.user, event="escalation.ticket", title__startswith="Прошла")
    assert "Осталось 4 ч" in note.body
    assert tick(msk(11, 23, 18), committed) == 2  # 75 % and 100 %
    assert fired_levels(ticket.pk) == ["100 %", "50 %", "75 %", "100 %"]
    assert track(ticket.pk, Target.TICKET_RESOLUTION).next_at is None  # the +4 h level ships switched off


def test_a_level_fires_once_however_often_the_scheduler_runs(cast: Cast) -> None:
    ticket = new_ticket(cast, msk(11, 23, 9))
    assert tick(msk(11, 23, 14)) == 2
    EscalationTrack.objects.filter(object_id=ticket.pk).update(next_at=msk(11, 23, 9))  # as after a crash
    assert tick(msk(11, 23, 14)) == 0
    assert EscalationFiring.objects.filter(ticket=ticket).count() == 2
    assert Occurrence.objects.filter(event="escalation.ticket").count() == 2


def test_pending_levels_move_with_the_deadline_and_fired_ones_stay(cast: Cast) -> None:
    ticket = new_ticket(cast, msk(11, 23, 9))
    tick(msk(11, 23, 13))  # 50 % fired
    with at(msk(11, 23, 13)):
        change_status(ticket=ticket, actor=None, status=TicketStatus.WAITING)
    assert track(ticket.pk, Target.TICKET_RESOLUTION).next_at is None  # paused: nothing due
    assert tick(msk(11, 25, 18)) == 0
    with at(msk(11, 26, 9)):
        change_status(ticket=ticket, actor=None, status=TicketStatus.IN_PROGRESS)  # 4 h left from Thursday 09:00
    assert track(ticket.pk, Target.TICKET_RESOLUTION).next_at == msk(11, 26, 11)  # 75 % moved out by the pause
    assert tick(msk(11, 26, 14)) == 2  # 75 % and 100 % (at 14:00: 09-13 and the break)
    assert fired_levels(ticket.pk).count("50 %") == 1


def test_reclassification_moves_levels_and_passed_ones_fire_now(cast: Cast) -> None:
    ticket = new_ticket(cast, msk(11, 23, 9))
    add_rule(cast.base_agreement, ClockKind.RESOLUTION, "2", priorities=[Priority.CRITICAL])
    with at(msk(11, 23, 10, 30)):
        reclassify_ticket(ticket=ticket, actor=None, priority=Priority.CRITICAL)
    assert track(ticket.pk, Target.TICKET_RESOLUTION).next_at == msk(11, 23, 10)  # 50 % of 2 h: already passed
    assert tick(msk(11, 23, 10, 30)) == 2  # 50 % and 75 % at once, once each
    assert track(ticket.pk, Target.TICKET_RESOLUTION).next_at == msk(11, 23, 11)


def test_a_failing_track_is_pushed_forward_and_the_others_fire(cast: Cast, monkeypatch, caplog) -> None:
    good, bad = new_ticket(cast, msk(11, 23, 9)), new_ticket(cast, msk(11, 23, 9))
    real = actions.notify

    def broken(fired, now):
        if any(obj.pk == bad.pk for _s, _l, obj, _c in fired):
            raise RuntimeError("template store unavailable")
        return real(fired, now)

    monkeypatch.setattr(actions, "notify", broken)
    with at(msk(11, 23, 11, 30)):
        result = fire_due_escalations()
    assert (result.claimed, result.fired, result.failed) == (2, 1, 1)
    failing = track(bad.pk, Target.TICKET_REACTION)
    assert failing.next_at == msk(11, 23, 11, 32) and failing.attempts == 1
    assert "template store unavailable" in failing.last_error
    assert "escalation of scheme" in caplog.text
    assert EscalationFiring.objects.filter(ticket=good).count() == 1
    assert not EscalationFiring.objects.filter(ticket=bad).exists()


def test_reassign_and_raise_priority(cast: Cast) -> None:
    ticket = new_ticket(cast, msk(11, 23, 9))
    level = EscalationLevel.objects.get(scheme__code="ticket-resolution", position=4)
    level.enabled, level.reassign_team, level.reassign_employee = True, cast.other_team, cast.second_line_peer
    level.save()
    schemes.forget()  # as the resync after an edit does; otherwise within a second
    assert tick(msk(11, 24, 13)) == 5  # reaction, 50 %, 75 %, 100 % and +4 h
    ticket.refresh_from_db()
    assert ticket.priority == Priority.HIGH
    assert (ticket.responsible_employee, ticket.responsible_team) == (cast.second_line_peer, cast.other_team)
    assert ticket.history.filter(field="priority").exists()


def test_switched_off_level_and_scheme_do_not_fire(cast: Cast) -> None:
    EscalationScheme.objects.filter(code="ticket-reaction").update(enabled=False)
    EscalationLevel.objects.filter(scheme__code="ticket-resolution", position=1).update(enabled=False)
    EscalationScheme.objects.filter(code="ticket-resolution").update(name="Решение заявки")  # moves the version
    ticket = new_ticket(cast, msk(11, 23, 9))
    assert not EscalationTrack.objects.filter(object_id=ticket.pk, scheme__target=Target.TICKET_REACTION).exists()
    assert tick(msk(11, 23, 16)) == 1
    assert fired_levels(ticket.pk) == ["75 %"]


def test_alerts_are_at_most_a_tick_late(cast: Cast) -> None:
    ticket = new_ticket(cast, msk(11, 23, 9))
    tick(msk(11, 23, 11) + dt.timedelta(seconds=5))
    firing = EscalationFiring.objects.get(ticket=ticket)
    assert firing.due_at == msk(11, 23, 11) and 0 <= firing.late_by_seconds <= 60
