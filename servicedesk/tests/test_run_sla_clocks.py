"""Reaction and resolution clocks: what counts, what pauses, what moves the deadline (seed 004)."""

from __future__ import annotations

import datetime as dt

import pytest

from servicedesk.models import ClockKind, SlaBreach, Ticket, TicketStatus
from servicedesk.services.sla_view import State, clock_views, explain
from servicedesk.services.tickets import add_comment, change_status, create_ticket
from servicedesk.testing.cast import Cast

from .sla_helpers import at, msk, use_office_hours

pytestmark = pytest.mark.django_db


def new_ticket(cast: Cast, **extra: object) -> Ticket:
    fields = {"responsible_team": cast.team, "requester_contact": cast.client, **extra}
    return create_ticket(actor=cast.operator.user, ticket_type=cast.incident, subject="Почта не уходит", **fields)


def move(ticket: Ticket, cast: Cast, status: str, when: dt.datetime, comment: str = "") -> Ticket:
    with at(when):
        return change_status(ticket=ticket, actor=cast.operator.user, status=status, comment=comment)


def test_registration_sets_both_deadlines_in_working_time(cast: Cast) -> None:
    use_office_hours(cast)
    with at(msk(11, 20, 17)):  # Friday 17:00
        ticket = new_ticket(cast)
    assert ticket.reaction_deadline == msk(11, 23, 10)  # 1 h on Friday + 1 h on Monday
    assert ticket.resolution_deadline == msk(11, 23, 17)
    assert ticket.resolution_target == dt.timedelta(hours=8)


def test_reaction_stops_at_in_progress(cast: Cast) -> None:
    use_office_hours(cast)
    with at(msk(11, 23, 9)):
        ticket = new_ticket(cast)
    move(ticket, cast, TicketStatus.IN_PROGRESS, msk(11, 23, 12))  # one hour late
    reaction, _resolution = clock_views(Ticket.objects.get(pk=ticket.pk), msk(11, 23, 12))
    assert reaction.state == State.LATE and reaction.late_by == dt.timedelta(hours=1)
    breach = SlaBreach.objects.get(ticket=ticket, kind=ClockKind.REACTION)
    assert breach.deadline == msk(11, 23, 11) and breach.overdue == dt.timedelta(hours=1)


def test_reaction_stops_at_first_public_staff_comment_only(cast: Cast) -> None:
    use_office_hours(cast)
    with at(msk(11, 23, 9)):
        ticket = new_ticket(cast)
    with at(msk(11, 23, 9, 30)):
        add_comment(ticket=ticket, actor=cast.operator.user, body="Смотрю", is_private=True)
        add_comment(ticket=ticket, actor=cast.client.user, body="Срочно!")
    assert Ticket.objects.get(pk=ticket.pk).reacted_at is None
    with at(msk(11, 23, 10)):
        add_comment(ticket=ticket, actor=cast.operator.user, body="Проверяем настройки")
    ticket.refresh_from_db()
    assert ticket.reacted_at == msk(11, 23, 10)
    assert clock_views(ticket, msk(11, 23, 10))[0].state == State.MET
    assert not SlaBreach.objects.exists()


def test_waiting_pauses_resolution_and_the_deadline_moves_out(cast: Cast) -> None:
    use_office_hours(cast)
    with at(msk(11, 23, 9)):
        ticket = new_ticket(cast)
    move(ticket, cast, TicketStatus.IN_PROGRESS, msk(11, 23, 10))
    ticket = move(ticket, cast, TicketStatus.WAITING, msk(11, 23, 11))  # 2 h spent
    assert ticket.resolution_deadline is None
    _r, resolution = clock_views(ticket, msk(11, 24, 15))
    assert resolution.state == State.PAUSED and resolution.remaining == dt.timedelta(hours=6)
    ticket = move(ticket, cast, TicketStatus.IN_PROGRESS, msk(11, 24, 15))  # Tuesday 15:00, 6 h left
    assert ticket.resolution_deadline == msk(11, 25, 12)  # 3 h on Tuesday, 3 h on Wednesday


def test_pause_and_resume_across_a_holiday(cast: Cast) -> None:
    use_office_hours(cast)
    with at(msk(11, 2, 9)):  # Monday 2 November 2026; the 3rd is shortened, the 4th a holiday
        ticket = new_ticket(cast)
    ticket = move(ticket, cast, TicketStatus.WAITING, msk(11, 2, 13))  # 4 h spent
    ticket = move(ticket, cast, TicketStatus.IN_PROGRESS, msk(11, 3, 16))  # 1 h left on the 3rd
    assert ticket.resolution_deadline == msk(11, 5, 12)  # 3rd 16-17, holiday 4th, 5th 09-12
    text = [row.label for row in explain(ticket, ClockKind.RESOLUTION, msk(11, 3, 16)).rows]
    assert "clock stopped: Waiting" in text
    assert any(label.startswith("public holiday: День народного единства") for label in text)


def test_resolution_counts_new_in_progress_and_resumed_only(cast: Cast) -> None:
    use_office_hours(cast)
    with at(msk(11, 23, 9)):
        ticket = new_ticket(cast)
    move(ticket, cast, TicketStatus.IN_PROGRESS, msk(11, 23, 10))
    ticket = move(ticket, cast, TicketStatus.RESOLVED, msk(11, 23, 12), comment="Перезапустили службу")
    assert ticket.resolution_spent == dt.timedelta(hours=3)
    ticket = move(ticket, cast, TicketStatus.RESUMED, msk(11, 24, 9))  # the night after resolving not counted
    assert ticket.resolution_deadline == msk(11, 24, 15)  # 5 h left: 09-13, 14-15
    ticket = move(ticket, cast, TicketStatus.RESOLVED, msk(11, 24, 10), comment="Снова работает")
    assert clock_views(ticket, msk(11, 24, 10))[1].state == State.MET


def test_late_resolution_is_a_breach_with_the_delay(cast: Cast) -> None:
    use_office_hours(cast)
    with at(msk(11, 23, 9)):
        ticket = new_ticket(cast)
    move(ticket, cast, TicketStatus.IN_PROGRESS, msk(11, 23, 9, 30))
    ticket = move(ticket, cast, TicketStatus.RESOLVED, msk(11, 24, 11, 15), comment="Готово")
    _r, resolution = clock_views(ticket, msk(11, 25, 9))
    assert resolution.state == State.LATE and resolution.late_by == dt.timedelta(hours=2, minutes=15)
    breach = SlaBreach.objects.get(ticket=ticket, kind=ClockKind.RESOLUTION)
    assert breach.deadline == msk(11, 23, 18) and breach.met_at == msk(11, 24, 11, 15)


def test_running_and_overdue_states(cast: Cast) -> None:
    use_office_hours(cast)
    with at(msk(11, 23, 9)):
        ticket = new_ticket(cast)
    assert clock_views(ticket, msk(11, 23, 16))[1].remaining == dt.timedelta(hours=2)  # 6 h of 8 spent
    late = clock_views(ticket, msk(11, 24, 10))[1]
    assert late.state == State.OVERDUE and late.late_by == dt.timedelta(hours=1)


def test_explanation_shows_counted_stretches_breaks_and_the_rule(cast: Cast) -> None:
    use_office_hours(cast)
    with at(msk(11, 23, 9)):
        ticket = new_ticket(cast)
    explanation = explain(ticket, ClockKind.RESOLUTION, msk(11, 23, 15))
    kinds = [(row.kind, row.label) for row in explanation.rows]
    assert kinds[:3] == [("counted", "New"), ("gap", "break"), ("counted", "New")]
    assert ("projected", "left until the deadline") in kinds
    assert explanation.spent == dt.timedelta(hours=5)
    assert "default time: 8 h" in explanation.rule
