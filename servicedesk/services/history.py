from __future__ import annotations

from ..models import Employee, Ticket, TicketHistory, User


def actor_label(actor: User | None) -> str:
    """How a person is named in history and comments: the employee's full name, else the login."""
    if actor is None:
        return ""
    try:
        return actor.employee.full_name
    except Employee.DoesNotExist:
        return actor.get_full_name() or actor.get_username()


def record(
    ticket: Ticket, actor: User | None, kind: str, field: str = "", old_value: str = "", new_value: str = ""
) -> TicketHistory:
    return TicketHistory.objects.create(
        ticket=ticket,
        actor=actor,
        actor_name=actor_label(actor),
        kind=kind,
        field=field,
        old_value=old_value,
        new_value=new_value,
    )
