"""SLA clocks of tickets: reaction and resolution deadlines in working time (seed 004, step 5).

- Reaction runs from registration until the ticket goes In progress or gets its first public
  comment from staff; it never pauses.
- Resolution counts only while the ticket is New, In progress or Resumed. Every status stretch is
  a `TicketClockPeriod`; the counted ones make up `resolution_spent` (finished periods) plus the
  running one since `sla_running_since`. While the clock stops (Waiting) the deadline is empty and
  moves out by the pause when it restarts; once the target is reached, the deadline is that
  instant and stays.
- Reclassifying recomputes both deadlines from the periods, measured under the (possibly new)
  agreement's schedule, with the (possibly new) rule: the time already spent is kept.
- A clock that stops late records an `SlaBreach` (deadline, when, by how much working time).

Other apps follow deadline changes through `on_deadlines_changed` (escalation moves its pending
levels); listeners run inside the caller's transaction, so a deadline and what depends on it
commit together.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from ..models import (
    COUNTED_STATUSES,
    Agreement,
    ClockKind,
    Contact,
    Service,
    SlaBreach,
    Ticket,
    TicketClockPeriod,
    TicketStatus,
    TicketType,
)
from ..worktime.calendars import working_time
from ..worktime.engine import WorkingTime
from .sla_rules import targets_for

TICKETS = "ticket"
TASKS = "task"
APPROVALS = "approval"
ZERO = dt.timedelta(0)
STOPPED_FINAL = (TicketStatus.RESOLVED, TicketStatus.CLOSED, TicketStatus.CANCELLED)

Listener = Callable[..., None]
_listeners: list[Listener] = []


def on_deadlines_changed(listener: Listener) -> Listener:
    """Register `listener(kind, objects, created=bool)`, called in the transaction that moved
    their deadlines; `created` says the objects are new (nothing can exist about them yet)."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def deadlines_changed(kind: str, objects: Sequence[Any], *, created: bool = False) -> None:
    for listener in list(_listeners):
        listener(kind, objects, created=created)


def working_time_of(ticket: Ticket) -> WorkingTime:
    return working_time(ticket.agreement.schedule)


# --- registration ------------------------------------------------------------------------------------
def initial_clocks(
    *,
    agreement: Agreement,
    ticket_type: TicketType,
    service: Service | None,
    priority: int,
    requester_contact: Contact | None,
    now: dt.datetime,
) -> dict[str, Any]:
    """The clock fields of a ticket registered at `now` (for `Ticket.objects.create`)."""
    clock = working_time(agreement.schedule)
    targets = targets_for(
        agreement=agreement,
        type_id=ticket_type.pk,
        service_id=service.pk if service else None,
        priority=priority,
        contact=requester_contact,
    )
    return {
        "reaction_target": targets.reaction,
        "resolution_target": targets.resolution,
        "reaction_rule_id": targets.reaction_rule_id,
        "resolution_rule_id": targets.resolution_rule_id,
        "reaction_deadline": clock.add(now, targets.reaction),
        "resolution_deadline": clock.add(now, targets.resolution),
        "resolution_spent": ZERO,
        "sla_running_since": now,
    }


def start_clocks(ticket: Ticket, now: dt.datetime, *, deferred: bool = False) -> None:
    """Listeners learn of a just-registered ticket's deadlines, in this transaction; or, when
    `deferred` (tickets filed in bulk), through `deadlines_pending`, which the escalation
    scheduler takes up within a tick.

    The first period is implicit (New, from `sla_running_since`) until the first status change
    writes it: registering a ticket costs no row but its own (see `periods_of`)."""
    if deferred:
        return
    deadlines_changed(TICKETS, [ticket], created=True)


def periods_of(ticket: Ticket) -> list[TicketClockPeriod]:
    """The ticket's status periods in order, the implicit first one included."""
    periods = list(TicketClockPeriod.objects.filter(ticket=ticket).order_by("started_at", "pk"))
    return periods or [_implicit_period(ticket)]


def _implicit_period(ticket: Ticket) -> TicketClockPeriod:
    start = ticket.sla_running_since or ticket.created_at
    return TicketClockPeriod(
        ticket=ticket, status=ticket.status, counted=ticket.status in COUNTED_STATUSES, started_at=start
    )


# --- status changes --------------------------------------------------------------------------------------
def apply_status_change(ticket: Ticket, *, old: str, new: str, now: dt.datetime) -> list[str]:
    """Move the resolution clock of the locked `ticket` for old -> new; returns the fields it set.

    The caller saves those fields and then calls `deadlines_changed(TICKETS, [ticket])`."""
    rows = [TicketClockPeriod(ticket=ticket, status=new, counted=new in COUNTED_STATUSES, started_at=now)]
    closed = TicketClockPeriod.objects.filter(ticket=ticket, ended_at__isnull=True).update(ended_at=now)
    if not closed and not TicketClockPeriod.objects.filter(ticket=ticket).exists():
        first = _implicit_period(ticket)  # the registration period, written now that it ends
        first.status, first.counted, first.ended_at = old, old in COUNTED_STATUSES, now
        rows.insert(0, first)
    TicketClockPeriod.objects.bulk_create(rows)
    clock = working_time_of(ticket)
    target = _resolution_target(ticket)
    if old in COUNTED_STATUSES and ticket.sla_running_since is not None:
        ticket.resolution_spent += clock.between(ticket.sla_running_since, now)
    runs = new in COUNTED_STATUSES
    ticket.sla_running_since = now if runs else None
    over = ticket.resolution_spent >= target
    if runs and not over:
        ticket.resolution_deadline = clock.add(now, target - ticket.resolution_spent)
    elif not runs and not over and new not in STOPPED_FINAL:
        ticket.resolution_deadline = None  # paused: the deadline moves out by the pause
    if new in STOPPED_FINAL and ticket.resolution_spent > target:
        record_breach(ticket, ClockKind.RESOLUTION, ticket.resolution_deadline, now, ticket.resolution_spent - target)
    return ["resolution_spent", "sla_running_since", "resolution_deadline"]


def _resolution_target(ticket: Ticket) -> dt.timedelta:
    return ticket.resolution_target if ticket.resolution_target is not None else ticket.agreement.resolution_time


def write_periods(ticket: Ticket) -> None:
    """Write the implicit first period as a row (the demo moves periods back in time)."""
    if not TicketClockPeriod.objects.filter(ticket=ticket).exists():
        _implicit_period(ticket).save()


def note_reaction(ticket: Ticket, reacted_at: dt.datetime) -> None:
    """The ticket was reacted to at `reacted_at` (its row is already updated): record a late one."""
    ticket.reacted_at = reacted_at
    deadline = ticket.reaction_deadline
    if deadline is not None and reacted_at > deadline:
        record_breach(
            ticket, ClockKind.REACTION, deadline, reacted_at, working_time_of(ticket).between(deadline, reacted_at)
        )
    deadlines_changed(TICKETS, [ticket])


def record_breach(
    ticket: Ticket, kind: str, deadline: dt.datetime | None, met_at: dt.datetime, overdue: dt.timedelta
) -> None:
    SlaBreach.objects.update_or_create(
        ticket=ticket, kind=kind, defaults={"deadline": deadline, "met_at": met_at, "overdue": overdue}
    )


# --- recomputation ------------------------------------------------------------------------------------------
def measure(
    clock: WorkingTime, periods: Sequence[TicketClockPeriod], target: dt.timedelta
) -> tuple[dt.timedelta, dt.datetime | None, dt.datetime | None]:
    """(time spent in finished counted periods, start of the running one, deadline).

    The deadline is the instant the counted time reaches `target`: inside a finished period when
    it was already reached, else `target - spent` after the running period's start, else (a
    stopped clock that never reached it) None."""
    spent = ZERO
    reached: dt.datetime | None = None
    running: dt.datetime | None = None
    last_end: dt.datetime | None = None
    for period in periods:
        if not period.counted:
            continue
        if period.ended_at is None:
            running = period.started_at
            break
        length = clock.between(period.started_at, period.ended_at)
        if reached is None and spent + length >= target:
            reached = clock.add(period.started_at, target - spent)
        spent += length
        last_end = period.ended_at
    if reached is not None:
        return spent, running, reached
    if running is not None:
        return spent, running, clock.add(running, target - spent)
    return spent, None, clock.add(last_end, target - spent) if last_end is not None else None


def recompute_clocks(ticket: Ticket, now: dt.datetime) -> list[str]:
    """Targets from the current rules and deadlines from the time already spent; returns the
    fields set on the locked `ticket` (the caller saves them, then calls deadlines_changed)."""
    clock = working_time_of(ticket)
    targets = targets_for(
        agreement=ticket.agreement,
        type_id=ticket.type_id,
        service_id=ticket.service_id,
        priority=ticket.priority,
        contact=ticket.requester_contact,
    )
    periods = periods_of(ticket)
    registered = periods[0].started_at
    spent, running, deadline = measure(clock, periods, targets.resolution)
    ticket.reaction_target, ticket.resolution_target = targets.reaction, targets.resolution
    ticket.reaction_rule_id, ticket.resolution_rule_id = targets.reaction_rule_id, targets.resolution_rule_id
    ticket.reaction_deadline = clock.add(registered, targets.reaction)
    ticket.resolution_spent, ticket.sla_running_since = spent, running
    paused = running is None and ticket.status not in STOPPED_FINAL
    ticket.resolution_deadline = None if paused and spent < targets.resolution else deadline
    _review_breaches(ticket, clock, now)
    return [
        "reaction_target",
        "resolution_target",
        "reaction_rule",
        "resolution_rule",
        "reaction_deadline",
        "resolution_spent",
        "sla_running_since",
        "resolution_deadline",
    ]


def _review_breaches(ticket: Ticket, clock: WorkingTime, now: dt.datetime) -> None:
    """Breach rows that agree with the recomputed deadlines: written when late, removed when not."""
    target = _resolution_target(ticket)
    if ticket.reacted_at is not None and ticket.reaction_deadline is not None:
        if ticket.reacted_at > ticket.reaction_deadline:
            late = clock.between(ticket.reaction_deadline, ticket.reacted_at)
            record_breach(ticket, ClockKind.REACTION, ticket.reaction_deadline, ticket.reacted_at, late)
        else:
            SlaBreach.objects.filter(ticket=ticket, kind=ClockKind.REACTION).delete()
    if ticket.resolution_spent <= target:
        SlaBreach.objects.filter(ticket=ticket, kind=ClockKind.RESOLUTION).delete()
    elif ticket.status in STOPPED_FINAL:
        stopped = ticket.resolved_at or ticket.closed_at or now
        record_breach(
            ticket, ClockKind.RESOLUTION, ticket.resolution_deadline, stopped, ticket.resolution_spent - target
        )


# --- reading the clocks ---------------------------------------------------------------------------------------
def resolution_left(ticket: Ticket, now: dt.datetime, clock: WorkingTime | None = None) -> dt.timedelta:
    """Working time left until the resolution target (negative: overdue by that much)."""
    clock = clock or working_time_of(ticket)
    spent = ticket.resolution_spent
    if ticket.sla_running_since is not None:
        spent += clock.between(ticket.sla_running_since, now)
    return _resolution_target(ticket) - spent
