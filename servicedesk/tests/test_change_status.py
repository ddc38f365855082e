from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from servicedesk.models import TicketStatus
from servicedesk.services.tickets import assign_ticket, change_status, create_ticket
from servicedesk.testing.cast import Cast


@pytest.fixture
def ticket(cast: Cast):
    return create_ticket(
        actor=None, ticket_type=cast.incident, subject="x", requester_contact=cast.client, responsible_team=cast.team
    )


def test_lifecycle_records_history_and_times(cast: Cast, ticket) -> None:
    actor = cast.operator.user
    change_status(ticket=ticket, actor=actor, status=TicketStatus.IN_PROGRESS)
    assert ticket.reacted_at is not None
    change_status(ticket=ticket, actor=actor, status=TicketStatus.RESOLVED, comment="Готово")
    assert ticket.resolved_at is not None
    change_status(ticket=ticket, actor=actor, status=TicketStatus.RESUMED)
    assert ticket.resolved_at is None
    rows = list(ticket.history.filter(field="status").values_list("old_value", "new_value", "actor_name"))
    assert rows == [
        ("new", "in_progress", "Иванова Анна"),
        ("in_progress", "resolved", "Иванова Анна"),
        ("resolved", "resumed", "Иванова Анна"),
    ]
    assert ticket.comments.get().body == "Готово"


def test_forbidden_transition_is_refused(cast: Cast, ticket) -> None:
    change_status(ticket=ticket, actor=None, status=TicketStatus.CANCELLED)
    with pytest.raises(ValidationError) as err:
        change_status(ticket=ticket, actor=None, status=TicketStatus.IN_PROGRESS)
    assert "status" in err.value.message_dict
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.CANCELLED


def test_assign_refuses_employee_outside_team(cast: Cast, ticket) -> None:
    with pytest.raises(ValidationError):
        assign_ticket(ticket=ticket, actor=None, employee=cast.operator, team=cast.team)
    assign_ticket(ticket=ticket, actor=None, employee=cast.second_line, team=cast.team)
    ticket.refresh_from_db()
    assert ticket.responsible_employee == cast.second_line
