"""The deadline each escalation target watches, and when a level of it is due.

A level's position is a working duration on the object's clock: a share of the time (75 % of an
8-hour resolution time is 6 h) or the time plus an offset (-60 min is an hour before the
deadline). Its moment is the deadline moved by (position - time) in working time, so everything
is anchored on the deadline as the SLA computed it, pauses and reclassification included: when
the deadline moves, every pending level moves with it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from servicedesk.models import (
    OPEN_STATUSES,
    Approval,
    ApprovalStatus,
    TaskStatus,
    Ticket,
    TicketTask,
)
from servicedesk.services.sla import working_time_of
from servicedesk.worktime.engine import WorkingTime

from .models import Target, Trigger
from .schemes import LevelSpec

ZERO = dt.timedelta(0)


@dataclass(frozen=True)
class Clock:
    """`deadline` is None when the clock is stopped (no level can be due then)."""

    ticket: Ticket
    deadline: dt.datetime | None
    target: dt.timedelta
    clock: WorkingTime

    def due_at(self, level: LevelSpec) -> dt.datetime | None:
        if self.deadline is None:
            return None
        if level.trigger == Trigger.SHARE:
            position = self.target * level.percent / 100
        else:
            position = self.target + dt.timedelta(minutes=level.offset_minutes)
        return self.clock.shift(self.deadline, position - self.target)

    def left(self, now: dt.datetime) -> dt.timedelta:
        return self.clock.between(now, self.deadline) if self.deadline is not None else ZERO


def ticket_clock(ticket: Ticket, target: str) -> Clock:
    clock = working_time_of(ticket)
    if target == Target.TICKET_REACTION:
        running = ticket.reacted_at is None and ticket.status in OPEN_STATUSES
        deadline = ticket.reaction_deadline if running else None
        return Clock(ticket, deadline, ticket.reaction_target or ZERO, clock)
    running = ticket.status in OPEN_STATUSES and ticket.resolution_deadline is not None
    # Paused (Waiting) before the deadline: no deadline, nothing due; paused past it: still overdue.
    deadline = ticket.resolution_deadline if running else None
    return Clock(ticket, deadline, ticket.resolution_target or ZERO, clock)


def task_clock(task: TicketTask) -> Clock:
    clock = working_time_of(task.ticket)
    active = task.status == TaskStatus.OPEN and task.deadline is not None
    target = task.work_time or (clock.between(task.created_at, task.deadline) if task.deadline else ZERO)
    return Clock(task.ticket, task.deadline if active else None, max(target, ZERO), clock)


def approval_clock(approval: Approval) -> Clock:
    clock = working_time_of(approval.ticket)
    active = approval.status == ApprovalStatus.PENDING and approval.deadline is not None
    target = approval.work_time or (
        clock.between(approval.created_at, approval.deadline) if approval.deadline else ZERO
    )
    return Clock(approval.ticket, approval.deadline if active else None, max(target, ZERO), clock)


def clock_for(target: str, obj: object) -> Clock:
    if target == Target.TASK:
        return task_clock(obj)  # type: ignore[arg-type]
    if target == Target.APPROVAL:
        return approval_clock(obj)  # type: ignore[arg-type]
    return ticket_clock(obj, target)  # type: ignore[arg-type]


def ticket_of(obj: object) -> Ticket:
    return obj if isinstance(obj, Ticket) else obj.ticket  # type: ignore[attr-defined]
