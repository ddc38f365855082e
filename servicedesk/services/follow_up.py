"""A requester's reply to a ticket nobody is working on any more (issue 10; Zammad's "follow-up
possible", OTRS's follow-up options): resume the ticket when its lifecycle allows it, and link a
new ticket to a final one instead of changing it (a closed ticket accepts no changes)."""

from __future__ import annotations

from ..models import Ticket, TicketHistory, TicketStatus, User
from .batch import current_batch
from .history import record
from .tickets import change_status

# The status a requester's reply moves a ticket to. The lifecycle has no Waiting → Resumed:
# "Resumed" is a ticket reopened after its resolution. A waiting ticket waits for exactly this
# answer, so it goes back In progress, which the lifecycle allows (and which also restarts the
# resolution clock, stopped while waiting).
REPLY_RESUMES: dict[str, str] = {
    TicketStatus.RESOLVED: TicketStatus.RESUMED,
    TicketStatus.WAITING: TicketStatus.IN_PROGRESS,
}


def resume_on_reply(*, ticket: Ticket, actor: User | None) -> Ticket | None:
    """Resume a resolved or waiting ticket its requester answered, through `change_status` (history,
    SLA clocks, the status event and its notifications); None when the status stays as it is."""
    new = REPLY_RESUMES.get(ticket.status)
    if new is None or new not in ticket.allowed_statuses():
        return None
    return change_status(ticket=ticket, actor=actor, status=new)


def link_follow_up(*, ticket: Ticket, original: Ticket, actor: User | None) -> None:
    """Record in both histories that `ticket` follows up the final `original`.

    Only history rows are written on the original: it stays as it is, closed or cancelled."""
    batch = current_batch()
    write = batch.record if batch is not None else record
    write(ticket, actor, TicketHistory.Kind.FIELD, "follow_up_of", "", f"#{original.pk}")
    write(original, actor, TicketHistory.Kind.FIELD, "follow_up", "", f"#{ticket.pk}")
