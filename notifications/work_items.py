"""Catalogue events of reclassification, tasks and approvals, and their placeholder values.

The core emits domain events with ids only; `codes_for` maps them to catalogue events and
`enrich` adds what the templates and recipients need: the values of the task's or approval's
placeholders in both languages (`localized`) and the people the event is about (`assignees`,
reached by the "people the event is about" recipient of an event action). Escalation reuses
`task_values` and `approval_values` for its own alerts.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from servicedesk import events
from servicedesk.models import Approval, ApprovalMode, TaskStatus, TicketTask, Vote

from . import catalogue
from .catalogue import EventSpec, register_event, register_group

GROUP_WORK = "work"
TICKET_RECLASSIFIED = "ticket.reclassified"
TASK_ASSIGNED = "task.assigned"
TASK_DONE = "task.done"
APPROVAL_REQUESTED = "approval.requested"
APPROVAL_DECIDED = "approval.decided"

TASK_PLACEHOLDERS = (
    "TASK_TITLE",
    "TASK_DESCRIPTION",
    "TASK_RESPONSIBLE",
    "TASK_DEADLINE",
    "TASK_STATUS",
    "TASK_RESULT",
    "MY_TASKS_URL",
)
APPROVAL_PLACEHOLDERS = (
    "APPROVAL_SUBJECT",
    "APPROVAL_DESCRIPTION",
    "APPROVAL_RULE",
    "APPROVAL_DEADLINE",
    "APPROVAL_RESULT",
    "APPROVAL_COMMENTS",
    "APPROVERS",
    "MY_TASKS_URL",
)
LABELS = {
    "CHANGED_FIELDS": _("What changed"),
    "TASK_TITLE": _("Task"),
    "TASK_DESCRIPTION": _("Task description"),
    "TASK_RESPONSIBLE": _("Responsible for the task"),
    "TASK_DEADLINE": _("Task deadline"),
    "TASK_STATUS": _("Task status"),
    "TASK_RESULT": _("Task result"),
    "MY_TASKS_URL": _("Link to “My tasks”"),
    "APPROVAL_SUBJECT": _("What is to be approved"),
    "APPROVAL_DESCRIPTION": _("Approval details"),
    "APPROVAL_RULE": _("Decision rule"),
    "APPROVAL_DEADLINE": _("Approval deadline"),
    "APPROVAL_RESULT": _("Approval outcome"),
    "APPROVAL_COMMENTS": _("Approvers' decisions and comments"),
    "APPROVERS": _("Approvers"),
}


def register() -> None:
    register_group(GROUP_WORK, _("Tasks and approvals"))
    ticket = catalogue.TICKET_PLACEHOLDERS
    specs = [
        EventSpec(TICKET_RECLASSIFIED, _("Ticket reclassified"), catalogue.GROUP_TICKETS, (*ticket, "CHANGED_FIELDS")),
        EventSpec(TASK_ASSIGNED, _("Task assigned"), GROUP_WORK, (*ticket, *TASK_PLACEHOLDERS)),
        EventSpec(TASK_DONE, _("Task done"), GROUP_WORK, (*ticket, *TASK_PLACEHOLDERS)),
        EventSpec(APPROVAL_REQUESTED, _("Approval requested"), GROUP_WORK, (*ticket, *APPROVAL_PLACEHOLDERS)),
        EventSpec(APPROVAL_DECIDED, _("Approval decided"), GROUP_WORK, (*ticket, *APPROVAL_PLACEHOLDERS)),
    ]
    for spec in specs:
        register_event(spec, LABELS)


def codes_for(event: events.DomainEvent) -> list[str] | None:
    """The catalogue events of a domain event of this module; None for events it does not own."""
    if event.name == events.TICKET_RECLASSIFIED:
        return [TICKET_RECLASSIFIED]
    if event.name == events.TASK_ASSIGNED:
        return [TASK_ASSIGNED]
    if event.name == events.TASK_FINISHED:
        return [TASK_DONE] if event.data.get("status") == TaskStatus.DONE else []
    if event.name == events.APPROVAL_REQUESTED:
        return [APPROVAL_REQUESTED]
    if event.name == events.APPROVAL_DECIDED:
        return [APPROVAL_DECIDED]
    return None


def enrich(code: str, event: events.DomainEvent) -> dict[str, Any]:
    """The occurrence data of a catalogue event: the event's own data plus values and assignees."""
    data = dict(event.data)
    if code in (TASK_ASSIGNED, TASK_DONE):
        task = (
            TicketTask.objects.select_related("responsible_employee", "responsible_team")
            .filter(pk=int(data.get("task_id") or 0))
            .first()
        )
        if task is not None:
            data["localized"] = {lang: task_values(task, lang) for lang in ("ru", "en")}
            data["assignees"] = task_assignees(task) if code == TASK_ASSIGNED else _creator(task.created_by_id)
    elif code in (APPROVAL_REQUESTED, APPROVAL_DECIDED):
        approval = Approval.objects.filter(pk=int(data.get("approval_id") or 0)).first()
        if approval is not None:
            data["localized"] = {lang: approval_values(approval, lang) for lang in ("ru", "en")}
            data["assignees"] = (
                approval_assignees(approval) if code == APPROVAL_REQUESTED else _creator(approval.created_by_id)
            )
    return data


def task_assignees(task: TicketTask) -> dict[str, list[int]]:
    if task.responsible_employee_id:
        return {"employee_ids": [task.responsible_employee_id]}
    return {"team_ids": [task.responsible_team_id]} if task.responsible_team_id else {}


def approval_assignees(approval: Approval) -> dict[str, list[int]]:
    pending = approval.votes.filter(decision=Vote.PENDING).values_list("approver_id", flat=True)
    return {"employee_ids": list(pending)}


def _creator(user_id: int | None) -> dict[str, list[int]]:
    from servicedesk.models import Employee

    ids = list(Employee.objects.filter(user_id=user_id).values_list("pk", flat=True)) if user_id else []
    return {"employee_ids": ids}


def _when(value: Any) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT") if value is not None else ""


def my_tasks_url() -> str:
    try:
        return f"{settings.SITE_URL}{reverse('my_tasks')}"
    except NoReverseMatch:
        return settings.SITE_URL


def task_values(task: TicketTask, language: str) -> dict[str, str]:
    with translation.override(language):
        return {
            "TASK_TITLE": task.title,
            "TASK_DESCRIPTION": task.description,
            "TASK_RESPONSIBLE": task.responsible_display,
            "TASK_DEADLINE": _when(task.deadline),
            "TASK_STATUS": str(TaskStatus(task.status).label),
            "TASK_RESULT": task.result,
            "MY_TASKS_URL": my_tasks_url(),
        }


def approval_values(approval: Approval, language: str) -> dict[str, str]:
    with translation.override(language):
        votes = list(approval.votes.select_related("approver"))
        decided = [v for v in votes if v.decision != Vote.PENDING]
        return {
            "APPROVAL_SUBJECT": approval.subject,
            "APPROVAL_DESCRIPTION": approval.description,
            "APPROVAL_RULE": str(ApprovalMode(approval.mode).label),
            "APPROVAL_DEADLINE": _when(approval.deadline),
            "APPROVAL_RESULT": str(approval.get_status_display()),
            "APPROVAL_COMMENTS": "; ".join(
                f"{v.approver.full_name}: {v.get_decision_display()}" + (f" — {v.comment}" if v.comment else "")
                for v in decided
            ),
            "APPROVERS": ", ".join(v.approver.full_name for v in votes),
            "MY_TASKS_URL": my_tasks_url(),
        }
