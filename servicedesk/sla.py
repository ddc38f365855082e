"""Working-time arithmetic for SLA deadlines, driven by a service schedule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from .models import ServiceSchedule

# Default 8x5 when an agreement has no schedule: 09:00–18:00, Monday to Friday.
DEFAULT_INTERVALS: dict[str, list[list[str]]] = {str(d): [["09:00", "18:00"]] for d in range(1, 6)}


def _parse(hhmm: str) -> dt.time:
    hours, minutes = hhmm.split(":")
    return dt.time(int(hours) % 24, int(minutes))


def add_working_time(start: dt.datetime, hours: Decimal | float, schedule: ServiceSchedule | None) -> dt.datetime:
    """`start` plus `hours` of working time under `schedule` (aware datetimes in and out)."""
    remaining = dt.timedelta(hours=float(hours))
    if schedule is not None and schedule.around_the_clock:
        return start + remaining
    intervals = schedule.intervals if schedule and schedule.intervals else DEFAULT_INTERVALS
    zone = ZoneInfo(schedule.timezone if schedule else "Europe/Moscow")
    local = start.astimezone(zone)
    if not any(intervals.get(str(d)) for d in range(1, 8)):
        return start + remaining  # an empty schedule would never end: treat as 24x7
    day = local.date()
    for _ in range(3660):  # ten years of days at most: a malformed schedule cannot loop forever
        for begin_s, end_s in sorted(intervals.get(str(day.isoweekday()), [])):
            begin = dt.datetime.combine(day, _parse(begin_s), zone)
            end = (
                dt.datetime.combine(day, _parse(end_s), zone)
                if end_s not in ("24:00", "00:00")
                else (dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), zone))
            )
            if end <= local:
                continue
            begin = max(begin, local)
            if begin + remaining <= end:
                return (begin + remaining).astimezone(dt.UTC)
            remaining -= end - begin
        day += dt.timedelta(days=1)
        local = dt.datetime.combine(day, dt.time(0), zone)
    return start + dt.timedelta(hours=float(hours))
