"""What a fired level does: notify through its event actions, reassign, raise the priority.

Notifications are occurrences of the escalation events restricted to the level's own event
actions, written in the scheduler's transaction and fanned out by the notifications app like any
other event (templates, recipients, mutes, rate limits, push and outbox); `hold` asks the fan-out
to hold them to the recipients' working hours. Placeholder values are computed here, at firing
time, in both languages.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.services import record_occurrences
from notifications.work_items import approval_assignees, approval_values, task_assignees, task_values
from servicedesk.models import Employee, Priority, Team, Ticket, TicketTask
from servicedesk.services.reclassify import reclassify_ticket
from servicedesk.services.sla_view import format_duration
from servicedesk.services.tickets import assign_ticket
from servicedesk.services.work import reassign_task

from .clocks import Clock, ticket_of
from .models import Target
from .schemes import LevelSpec, SchemeSpec

log = logging.getLogger(__name__)


def kind_of(target: str) -> str:
    return {Target.TASK: "task", Target.APPROVAL: "approval"}.get(target, "ticket")  # type: ignore[call-overload]


@dataclass(frozen=True)
class _Moment:
    """What an alert says about the deadline, computed once for both languages."""

    deadline: str
    left: dt.timedelta


def _moment(clock: Clock, now: dt.datetime) -> _Moment:
    deadline = timezone.localtime(clock.deadline).strftime("%d.%m.%Y %H:%M") if clock.deadline else ""
    return _Moment(deadline, clock.left(now))


def values(spec: SchemeSpec, obj: Any, moment: _Moment, language: str) -> dict[str, str]:
    """The placeholders of one object's alerts in `language` (already active), but the level."""
    left = moment.left
    result = {
        "DEADLINE": moment.deadline,
        "TIME_LEFT": format_duration(left) if left > dt.timedelta(0) else "0",
        "OVERDUE_BY": format_duration(-left) if left < dt.timedelta(0) else "",
    }
    if spec.target == Target.TICKET_REACTION:
        result["SLA_CLOCK"] = _("reaction time")
    elif spec.target == Target.TICKET_RESOLUTION:
        result["SLA_CLOCK"] = _("resolution time")
    elif spec.target == Target.TASK:
        result.update(task_values(obj, language))
    else:
        result.update(approval_values(obj, language))
    return result


def notify(fired: Sequence[tuple[SchemeSpec, LevelSpec, Any, Clock]], now: dt.datetime) -> None:
    """One occurrence per fired level with event actions, all written in one INSERT. The texts of
    an object are computed once per language however many of its levels fire together."""
    chosen = [item for item in fired if item[1].notify_ids]
    objects: dict[tuple[str, int], tuple[SchemeSpec, Any, Clock]] = {}
    for spec, _level, obj, clock in chosen:
        objects.setdefault((spec.target, obj.pk), (spec, obj, clock))
    moments = {key: _moment(clock, now) for key, (_spec, _obj, clock) in objects.items()}
    texts: dict[tuple[str, int], dict[str, dict[str, str]]] = {key: {} for key in objects}
    for language in ("ru", "en"):  # one switch of language per tick, not per alert
        with translation.override(language):
            for key, (spec, obj, _clock) in objects.items():
                texts[key][language] = values(spec, obj, moments[key], language)
    items = []
    for spec, level, obj, _clock in chosen:
        shared = texts[(spec.target, obj.pk)]
        data: dict[str, Any] = {
            "localized": {lang: {**shared[lang], "ESCALATION_LEVEL": level.label} for lang in shared},
            "action_ids": list(level.notify_ids),
            "hold": level.hold,
            "urgent": level.urgent,
            "level_id": level.pk,
            "object_id": obj.pk,
        }
        if spec.target == Target.TASK:
            data["assignees"] = task_assignees(obj)
        elif spec.target == Target.APPROVAL:
            data["assignees"] = approval_assignees(obj)
        items.append((spec.event, ticket_of(obj).pk, data))
    record_occurrences(items)


def act(fired: Sequence[tuple[SchemeSpec, LevelSpec, Any]]) -> set[tuple[str, int]]:
    """Reassignments and priority raises; returns the (kind, id) of objects they changed.

    A level whose action cannot apply (an employee outside the chosen team, a closed ticket) is
    logged and skipped: the firing stands, the other actions go on."""
    touched: set[tuple[str, int]] = set()
    for spec, level, obj in fired:
        try:
            if _reassign(level, obj):
                touched.add((kind_of(spec.target), obj.pk))
            if level.raise_priority and isinstance(obj, Ticket) and _raise(obj):
                touched.add(("ticket", obj.pk))
        except ValidationError as error:
            log.warning("escalation level %s could not act on %s %s: %s", level.pk, spec.target, obj.pk, error)
    return touched


def _reassign(level: LevelSpec, obj: Any) -> bool:
    if level.reassign_employee_id is None and level.reassign_team_id is None:
        return False
    employee = Employee.objects.filter(pk=level.reassign_employee_id).first() if level.reassign_employee_id else None
    team = Team.objects.filter(pk=level.reassign_team_id).first() if level.reassign_team_id else None
    if isinstance(obj, TicketTask):
        reassign_task(task=obj, actor=None, employee=employee, team=team)
    elif isinstance(obj, Ticket):
        assign_ticket(ticket=obj, actor=None, employee=employee, team=team)
    else:
        return False
    return True


def _raise(ticket: Ticket) -> bool:
    if ticket.priority <= Priority.CRITICAL:
        return False
    reclassify_ticket(ticket=ticket, actor=None, priority=ticket.priority - 1)
    return True
