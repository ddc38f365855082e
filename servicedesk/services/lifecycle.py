"""Rules of the ticket lifecycle that guard changes: what resolving needs, and that a closed or
cancelled ticket accepts no changes (only the transitions the lifecycle still allows)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..models import Ticket, TicketStatus, TicketTask


def ensure_changeable(ticket: Ticket) -> None:
    """Refuse any change of a closed or cancelled ticket."""
    if ticket.is_final:
        raise ValidationError(
            _("The ticket is %(status)s and accepts no changes.")
            % {"status": TicketStatus(ticket.status).label.lower()}
        )


def check_transition(ticket: Ticket, new: str, comment: str) -> None:
    """Resolving needs a responsible, a solution text and no open mandatory task."""
    if new != TicketStatus.RESOLVED:
        return
    errors: dict[str, str] = {}
    if ticket.responsible_employee_id is None and ticket.responsible_team_id is None:
        errors["status"] = _("Assign a responsible employee or team before resolving the ticket.")
    if not comment.strip():
        errors["comment"] = _("Describe the solution: it is required to resolve the ticket.")
    open_tasks = list(
        TicketTask.objects.filter(ticket=ticket, is_mandatory=True, status="open").values_list("title", flat=True)[:5]
    )
    if open_tasks:
        names = ", ".join(f"“{title}”" for title in open_tasks)
        errors.setdefault("status", _("Mandatory tasks are still open: %(tasks)s.") % {"tasks": names})
    if errors:
        raise ValidationError(errors)
