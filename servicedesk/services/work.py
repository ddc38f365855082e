"""Tasks and approvals on a ticket.

Tasks: small work items with a responsible employee and/or team and a deadline in working time
(the ticket's schedule); an open mandatory task keeps the ticket from being resolved. Approvals:
one or more approvers, all or any of whom must agree, each deciding with a comment; asking puts a
working ticket into Waiting (its clock stops), and the outcome moves it back to In progress with
the result in its history. Every operation writes history, emits a domain event (notifications
turn them into "task assigned / done", "approval requested / decided") and tells deadline
listeners (escalation) in the same transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import events
from ..models import (
    COUNTED_STATUSES,
    Approval,
    ApprovalMode,
    ApprovalStatus,
    ApprovalVote,
    Employee,
    TaskStatus,
    Team,
    Ticket,
    TicketHistory,
    TicketStatus,
    TicketTask,
    User,
    Vote,
)
from . import sla
from .history import record
from .lifecycle import ensure_changeable


def _deadline(
    ticket: Ticket, now: dt.datetime, work_time: dt.timedelta | None, deadline: dt.datetime | None
) -> dt.datetime | None:
    if work_time is not None:
        if work_time <= dt.timedelta(0):
            raise ValidationError({"work_time": _("Give a positive time.")})
        return sla.working_time_of(ticket).add(now, work_time)
    if deadline is not None and deadline <= now:
        raise ValidationError({"deadline": _("The deadline must be in the future.")})
    return deadline


def _check_responsible(employee: Employee | None, team: Team | None) -> None:
    if employee is None and team is None:
        raise ValidationError({"responsible_employee": _("Choose a responsible employee or team.")})
    if employee is not None and team is not None and not team.members.filter(pk=employee.pk).exists():
        raise ValidationError(
            {
                "responsible_employee": _("%(employee)s is not a member of the team “%(team)s”.")
                % {"employee": employee, "team": team}
            }
        )


def _uid(actor: User | None) -> int | None:
    return actor.pk if actor is not None else None


# --- tasks -------------------------------------------------------------------------------------------------
def add_task(
    *,
    ticket: Ticket,
    actor: User | None,
    title: str,
    description: str = "",
    responsible_employee: Employee | None = None,
    responsible_team: Team | None = None,
    work_time: dt.timedelta | None = None,
    deadline: dt.datetime | None = None,
    is_mandatory: bool = False,
) -> TicketTask:
    """A new open task; `work_time` (working time from now) or an explicit `deadline`."""
    ensure_changeable(ticket)
    title = " ".join(title.split())[:300]
    if not title:
        raise ValidationError({"title": _("Name the task.")})
    _check_responsible(responsible_employee, responsible_team)
    now = timezone.now()
    with transaction.atomic():
        task = TicketTask.objects.create(
            ticket=ticket,
            title=title,
            description=description,
            responsible_employee=responsible_employee,
            responsible_team=responsible_team,
            work_time=work_time,
            deadline=_deadline(ticket, now, work_time, deadline),
            is_mandatory=is_mandatory,
            created_by=actor,
        )
        record(ticket, actor, TicketHistory.Kind.TASK, "task", "", _("added: %(title)s") % {"title": title})
        sla.deadlines_changed(sla.TASKS, [task], created=True)
        events.emit(events.DomainEvent(events.TASK_ASSIGNED, ticket.pk, _uid(actor), {"task_id": task.pk}))
    return task


def reassign_task(*, task: TicketTask, actor: User | None, employee: Employee | None, team: Team | None) -> TicketTask:
    _check_responsible(employee, team)
    with transaction.atomic():
        locked = TicketTask.objects.select_for_update().get(pk=task.pk)
        if (locked.responsible_employee_id, locked.responsible_team_id) == (_pk(employee), _pk(team)):
            return locked
        old = locked.responsible_display
        locked.responsible_employee, locked.responsible_team = employee, team
        locked.save(update_fields=["responsible_employee", "responsible_team"])
        label = _("“%(title)s” reassigned: %(old)s → %(new)s") % {
            "title": locked.title,
            "old": old or "—",
            "new": locked.responsible_display,
        }
        record(locked.ticket, actor, TicketHistory.Kind.TASK, "task", "", label)
        events.emit(events.DomainEvent(events.TASK_ASSIGNED, locked.ticket_id, _uid(actor), {"task_id": locked.pk}))
    return locked


def _pk(obj: object | None) -> int | None:
    return getattr(obj, "pk", None)


def finish_task(*, task: TicketTask, actor: User | None, status: str = TaskStatus.DONE, result: str = "") -> TicketTask:
    """Mark the task done (with its result) or cancelled."""
    if status not in (TaskStatus.DONE, TaskStatus.CANCELLED):
        raise ValidationError({"status": _("A task can be finished as done or cancelled.")})
    with transaction.atomic():
        locked = TicketTask.objects.select_for_update().select_related("ticket").get(pk=task.pk)
        ensure_changeable(locked.ticket)
        if locked.status != TaskStatus.OPEN:
            raise ValidationError({"status": _("The task is already finished.")})
        locked.status, locked.result = status, result.strip()
        locked.closed_at, locked.closed_by = timezone.now(), actor
        locked.save(update_fields=["status", "result", "closed_at", "closed_by"])
        label = _("“%(title)s”: %(status)s") % {"title": locked.title, "status": TaskStatus(status).label}
        record(locked.ticket, actor, TicketHistory.Kind.TASK, "task", "", label)
        sla.deadlines_changed(sla.TASKS, [locked])
        events.emit(
            events.DomainEvent(
                events.TASK_FINISHED, locked.ticket_id, _uid(actor), {"task_id": locked.pk, "status": status}
            )
        )
    task.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return locked


# --- approvals -----------------------------------------------------------------------------------------------
def request_approval(
    *,
    ticket: Ticket,
    actor: User | None,
    subject: str,
    approvers: Iterable[Employee],
    description: str = "",
    mode: str = ApprovalMode.ALL,
    work_time: dt.timedelta | None = None,
    deadline: dt.datetime | None = None,
) -> Approval:
    """Ask the approvers; a working ticket waits (its clock stops) until the outcome."""
    from .tickets import change_status

    ensure_changeable(ticket)
    subject = " ".join(subject.split())[:300]
    people = list(dict.fromkeys(approvers))
    if not subject:
        raise ValidationError({"subject": _("Say what is to be approved.")})
    if not people:
        raise ValidationError({"approvers": _("Choose at least one approver.")})
    if any(person.user_id is None or not person.is_active for person in people):
        raise ValidationError({"approvers": _("Approvers need an active login to decide.")})
    if mode not in ApprovalMode.values:
        raise ValidationError({"mode": _("Choose how the approvers decide.")})
    now = timezone.now()
    with transaction.atomic():
        approval = Approval.objects.create(
            ticket=ticket,
            subject=subject,
            description=description,
            mode=mode,
            work_time=work_time,
            deadline=_deadline(ticket, now, work_time, deadline),
            created_by=actor,
        )
        ApprovalVote.objects.bulk_create(ApprovalVote(approval=approval, approver=person) for person in people)
        names = ", ".join(person.full_name for person in people)
        label = _("requested: %(subject)s (%(names)s)") % {"subject": subject, "names": names}
        record(ticket, actor, TicketHistory.Kind.APPROVAL, "approval", "", label)
        if ticket.status in COUNTED_STATUSES:
            change_status(ticket=ticket, actor=actor, status=TicketStatus.WAITING)
        sla.deadlines_changed(sla.APPROVALS, [approval], created=True)
        events.emit(events.DomainEvent(events.APPROVAL_REQUESTED, ticket.pk, _uid(actor), {"approval_id": approval.pk}))
    return approval


def decide_approval(
    *, approval: Approval, approver: Employee, actor: User | None, decision: str, comment: str = ""
) -> Approval:
    """One approver's decision; when it settles the outcome the ticket goes back to In progress."""
    if decision not in (Vote.APPROVED, Vote.REJECTED):
        raise ValidationError({"decision": _("Approve or reject.")})
    if decision == Vote.REJECTED and not comment.strip():
        raise ValidationError({"comment": _("Say why you reject: the comment is required.")})
    with transaction.atomic():
        locked = Approval.objects.select_for_update().select_related("ticket").get(pk=approval.pk)
        if locked.status != ApprovalStatus.PENDING:
            raise ValidationError({"decision": _("This approval is already decided.")})
        vote = ApprovalVote.objects.filter(approval=locked, approver=approver).first()
        if vote is None:
            raise ValidationError({"decision": _("You are not an approver of this request.")})
        if vote.decision != Vote.PENDING:
            raise ValidationError({"decision": _("You have already decided.")})
        vote.decision, vote.comment, vote.decided_at = decision, comment.strip(), timezone.now()
        vote.save(update_fields=["decision", "comment", "decided_at"])
        outcome = _outcome(locked)
        if outcome is not None:
            _settle(locked, outcome, actor)
        sla.deadlines_changed(sla.APPROVALS, [locked])
    approval.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return locked


def _outcome(approval: Approval) -> str | None:
    decisions = list(approval.votes.values_list("decision", flat=True))
    if approval.mode == ApprovalMode.ANY:
        if Vote.APPROVED in decisions:
            return ApprovalStatus.APPROVED
        return ApprovalStatus.REJECTED if all(d == Vote.REJECTED for d in decisions) else None
    if Vote.REJECTED in decisions:
        return ApprovalStatus.REJECTED
    return ApprovalStatus.APPROVED if all(d == Vote.APPROVED for d in decisions) else None


def _settle(approval: Approval, outcome: str, actor: User | None) -> None:
    from .tickets import change_status

    approval.status, approval.decided_at = outcome, timezone.now()
    approval.save(update_fields=["status", "decided_at"])
    votes = approval.votes.select_related("approver").exclude(decision=Vote.PENDING)
    comments = "; ".join(
        f"{v.approver.full_name}: {v.get_decision_display()}" + (f" — {v.comment}" if v.comment else "") for v in votes
    )
    label = _("%(subject)s — %(result)s. %(comments)s") % {
        "subject": approval.subject,
        "result": ApprovalStatus(outcome).label,
        "comments": comments,
    }
    ticket = approval.ticket
    record(ticket, actor, TicketHistory.Kind.APPROVAL, "approval", "", label[:2000])
    if ticket.status == TicketStatus.WAITING:
        change_status(ticket=ticket, actor=actor, status=TicketStatus.IN_PROGRESS)
    events.emit(
        events.DomainEvent(
            events.APPROVAL_DECIDED, ticket.pk, _uid(actor), {"approval_id": approval.pk, "status": outcome}
        )
    )


def cancel_approval(*, approval: Approval, actor: User | None) -> Approval:
    with transaction.atomic():
        locked = Approval.objects.select_for_update().select_related("ticket").get(pk=approval.pk)
        if locked.status != ApprovalStatus.PENDING:
            raise ValidationError({"decision": _("This approval is already decided.")})
        locked.status, locked.decided_at = ApprovalStatus.CANCELLED, timezone.now()
        locked.save(update_fields=["status", "decided_at"])
        label = _("cancelled: %(subject)s") % {"subject": locked.subject}
        record(locked.ticket, actor, TicketHistory.Kind.APPROVAL, "approval", "", label)
        sla.deadlines_changed(sla.APPROVALS, [locked])
    return locked
