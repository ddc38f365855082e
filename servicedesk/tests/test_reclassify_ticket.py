"""Reclassifying on the card: one validating service, history, an event, deadlines recomputed from
the time already spent; closed tickets refuse changes; resolving needs a responsible and a solution."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from servicedesk import events
from servicedesk.models import Agreement, ClockKind, Priority, ServiceSchedule, TicketStatus
from servicedesk.services.reclassify import reclassify_ticket
from servicedesk.services.tickets import assign_ticket, change_status, create_ticket
from servicedesk.testing.cast import Cast

from .sla_helpers import add_rule, at, msk, use_office_hours

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(cast: Cast):
    use_office_hours(cast)
    with at(msk(11, 20, 9)):  # Friday
        return create_ticket(
            actor=cast.operator.user,
            ticket_type=cast.incident,
            subject="Не печатает",
            service=cast.email_service,
            requester_contact=cast.client,
            responsible_team=cast.team,
        )


def test_raising_priority_recomputes_from_time_spent(cast: Cast, ticket) -> None:
    add_rule(cast.base_agreement, ClockKind.RESOLUTION, "2", priorities=[Priority.CRITICAL])
    with at(msk(11, 20, 10)):
        reclassify_ticket(ticket=ticket, actor=cast.operator.user, priority=Priority.CRITICAL)
    assert ticket.resolution_target == dt.timedelta(hours=2)
    assert ticket.resolution_deadline == msk(11, 20, 11)
    rows = dict(ticket.history.filter(kind="field").values_list("field", "new_value"))
    assert rows["priority"] == "Critical" and rows["resolution_deadline"] == "20.11.2026 11:00"


def test_new_agreement_measures_spent_time_under_its_schedule(cast: Cast, ticket) -> None:
    around = Agreement.objects.create(
        name="24×7", resolution_amount=24, schedule=ServiceSchedule.objects.get(name="24×7")
    )
    around.services.add(cast.email_service)
    around.contacts.add(cast.client)
    with at(msk(11, 21, 9)):  # Saturday: 24 wall-clock hours spent under 24×7
        reclassify_ticket(ticket=ticket, actor=cast.operator.user, agreement=around)
    assert ticket.agreement == around
    assert ticket.resolution_deadline == msk(11, 21, 9)


def test_changes_are_validated(cast: Cast, ticket) -> None:
    with pytest.raises(ValidationError) as error:
        reclassify_ticket(ticket=ticket, actor=None, service=cast.printer_service, ticket_type=cast.request)
    assert "type" in error.value.message_dict
    stranger = Agreement.objects.create(name="Чужое")
    with pytest.raises(ValidationError) as error:
        reclassify_ticket(ticket=ticket, actor=None, agreement=stranger)
    assert "agreement" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        reclassify_ticket(ticket=ticket, actor=None, subject="   ")
    assert "subject" in error.value.message_dict


def test_service_outside_the_agreement_picks_an_agreement_that_covers_it(cast: Cast, ticket) -> None:
    cast.base_agreement.services.add(cast.printer_service)
    other = Agreement.objects.create(name="Принтеры клиента")
    other.services.add(cast.printer_service)
    other.contacts.add(cast.client)
    cast.base_agreement.services.remove(cast.printer_service)
    reclassify_ticket(ticket=ticket, actor=None, service=cast.printer_service)
    assert ticket.agreement == other


def test_one_event_lists_the_changed_fields(cast: Cast, ticket, django_capture_on_commit_callbacks) -> None:
    seen: list[events.DomainEvent] = []
    events.subscribe(seen.append)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            reclassify_ticket(ticket=ticket, actor=cast.operator.user, subject="Не печатает принтер", description="x")
    finally:
        events.unsubscribe(seen.append)
    [event] = [e for e in seen if e.name == events.TICKET_RECLASSIFIED]
    assert event.data["fields"] == ["description", "subject"]
    assert "Subject: Не печатает → Не печатает принтер" in event.data["localized"]["en"]["CHANGED_FIELDS"]
    assert "Тема: Не печатает → Не печатает принтер" in event.data["localized"]["ru"]["CHANGED_FIELDS"]


def test_resolving_needs_a_responsible_and_a_solution(cast: Cast, ticket) -> None:
    assign_ticket(ticket=ticket, actor=None, employee=None, team=None)
    with pytest.raises(ValidationError) as error:
        change_status(ticket=ticket, actor=None, status=TicketStatus.RESOLVED)
    assert set(error.value.message_dict) == {"status", "comment"}
    assign_ticket(ticket=ticket, actor=None, employee=cast.second_line, team=cast.team)
    change_status(ticket=ticket, actor=cast.operator.user, status=TicketStatus.RESOLVED, comment="Заменили картридж")
    assert ticket.solution == "Заменили картридж"


def test_closed_ticket_accepts_no_changes(cast: Cast, ticket) -> None:
    change_status(ticket=ticket, actor=cast.operator.user, status=TicketStatus.RESOLVED, comment="Готово")
    change_status(ticket=ticket, actor=cast.operator.user, status=TicketStatus.CLOSED)
    for attempt in (
        lambda: reclassify_ticket(ticket=ticket, actor=None, priority=Priority.HIGH),
        lambda: assign_ticket(ticket=ticket, actor=None, employee=cast.second_line, team=None),
        lambda: change_status(ticket=ticket, actor=None, status=TicketStatus.RESUMED),
    ):
        with pytest.raises(ValidationError):
            attempt()
    ticket.refresh_from_db()
    assert ticket.priority == Priority.NORMAL and ticket.status == TicketStatus.CLOSED


def test_reclassifying_moves_updated_at_and_nothing_changed_does_not(cast: Cast, ticket) -> None:
    registered = ticket.updated_at
    with at(msk(11, 20, 12)):
        reclassify_ticket(ticket=ticket, actor=cast.operator.user, subject="Не печатает ничего")
    ticket.refresh_from_db()
    assert ticket.updated_at == msk(11, 20, 12) != registered
    with at(msk(11, 20, 13)):
        reclassify_ticket(ticket=ticket, actor=cast.operator.user, subject="Не печатает ничего")
    ticket.refresh_from_db()
    assert ticket.updated_at == msk(11, 20, 12)  # no change, no new "updated"
    with at(msk(11, 20, 14)):
        reclassify_ticket(ticket=ticket, actor=cast.operator.user, priority=Priority.HIGH)
    ticket.refresh_from_db()
    assert ticket.updated_at == msk(11, 20, 14)
