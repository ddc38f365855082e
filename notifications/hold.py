"""Occurrences raised for chosen actions and recipients, and notifications held to working hours.

Escalation raises its alerts as ordinary occurrences with three extra keys in `data`:
- `action_ids`: only these event actions (an escalation level's own), not every action of the event;
- `recipient_keys`: only these [channel, key] pairs (a held part of an earlier occurrence);
- `hold`: recipients outside their working hours get their part later. Their share becomes a new
  occurrence restricted to them, due when their working time starts; the sweeper
  (`notifications.fan_out_due`) delivers it then, through the same fan-out.
A recipient's working hours are their employee card's schedule, else the ticket's agreement's.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from servicedesk.models import Employee, ServiceSchedule, Ticket
from servicedesk.worktime.calendars import working_time

from .models import EventAction, Occurrence

if TYPE_CHECKING:
    from .fanout import Planned


def chosen(actions: list[EventAction], data: Mapping[str, Any]) -> list[EventAction]:
    wanted = data.get("action_ids")
    if wanted is None:
        return actions
    ids = {int(pk) for pk in wanted}
    return [action for action in actions if action.pk in ids]


def restrict(planned: list[Planned], data: Mapping[str, Any]) -> list[Planned]:
    wanted = data.get("recipient_keys")
    if wanted is None:
        return planned
    keys = {(str(channel), str(key)) for channel, key in wanted}
    return [item for item in planned if (item.action.channel, item.key) in keys]


def _schedules(planned: Sequence[Planned]) -> dict[tuple[str, Any], ServiceSchedule | None]:
    """(kind, user id or address) -> the schedule on that employee's card."""
    user_ids = {item.recipient.user_id for item in planned if item.recipient.user_id}
    emails = {item.recipient.email.lower() for item in planned if item.recipient.email}
    rows = Employee.objects.filter(user_id__in=user_ids) | Employee.objects.filter(email__in=emails)
    found: dict[tuple[str, Any], ServiceSchedule | None] = {}
    for employee in rows.select_related("work_schedule"):
        if employee.work_schedule is not None:
            found[("user", employee.user_id)] = employee.work_schedule
            found[("email", employee.email.lower())] = employee.work_schedule
    return found


def _resume_at(
    item: Planned,
    schedules: Mapping[tuple[str, Any], ServiceSchedule | None],
    fallback: ServiceSchedule | None,
    now: dt.datetime,
) -> dt.datetime:
    recipient = item.recipient
    schedule = (
        schedules.get(("user", recipient.user_id)) or schedules.get(("email", recipient.email.lower())) or fallback
    )
    return working_time(schedule).next_working(now)


def split_held(occurrence: Occurrence, ticket: Ticket | None, planned: list[Planned]) -> list[Planned]:
    """The part to deliver now; the rest is queued as occurrences due at each recipient's start."""
    if not occurrence.data.get("hold") or not planned:
        return planned
    now = timezone.now()
    fallback = ticket.agreement.schedule if ticket is not None else None
    schedules = _schedules(planned)
    now_part: list[Planned] = []
    later: dict[dt.datetime, list[list[str]]] = defaultdict(list)
    for item in planned:
        resume = _resume_at(item, schedules, fallback, now)
        if resume <= now:
            now_part.append(item)
        else:
            later[resume].append([item.action.channel, item.key])
    for resume, keys in sorted(later.items()):
        Occurrence.objects.create(
            event=occurrence.event,
            ticket_id=occurrence.ticket_id,
            actor_id=occurrence.actor_id,
            data={**occurrence.data, "hold": False, "recipient_keys": keys, "held_from": occurrence.pk},
            next_attempt_at=resume,
        )
    return now_part
