"""Service schedules and production calendars compiled into `WorkingTime`, cached per process.

The cache key is the schedule's id and `updated_at`; a change of the schedule or of its calendar
moves `updated_at` (see `touch_calendar`), so every process compiles the new version the next
time it loads the schedule row. Compiling reads the calendar's days once (a few hundred rows).
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from ..models import CalendarDay, ServiceSchedule
from .engine import DAY_SECONDS, DayException, Interval, WorkingTime

DEFAULT_ZONE = "Europe/Moscow"
# With no schedule at all: 09:00-18:00 with a 13:00-14:00 break, Monday to Friday (8 hours a day).
DEFAULT_WEEK: dict[int, tuple[Interval, ...]] = {
    day: ((9 * 3600, 13 * 3600), (14 * 3600, 18 * 3600)) for day in range(1, 6)
}

_cache: dict[tuple[int, Any], WorkingTime] = {}
_lock = threading.Lock()
_default: WorkingTime | None = None


def parse_clock(text: str) -> int:
    """Seconds since midnight of "HH:MM" or "HH:MM:SS"; "24:00" is the end of the day."""
    parts = [int(part) for part in str(text).strip().split(":")]
    if len(parts) not in (2, 3) or any(part < 0 for part in parts):
        raise ValueError(f"not a time of day: {text!r}")
    hours, minutes, seconds = (parts + [0])[:3]
    value = hours * 3600 + minutes * 60 + seconds
    if minutes > 59 or seconds > 59 or value > DAY_SECONDS:
        raise ValueError(f"not a time of day: {text!r}")
    return value


def format_clock(seconds: int) -> str:
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours:02d}:{minutes:02d}" + (f":{secs:02d}" if secs else "")


def week_of(intervals: Mapping[str, Sequence[Sequence[str]]] | None) -> dict[int, tuple[Interval, ...]]:
    """The stored JSON (weekday -> [["HH:MM", "HH:MM"], ...]) as seconds per ISO weekday."""
    week: dict[int, tuple[Interval, ...]] = {}
    for day in range(1, 8):
        pairs = (intervals or {}).get(str(day)) or []
        week[day] = tuple((parse_clock(a), parse_clock(b)) for a, b in pairs)
    return week


def exceptions_of(calendar_id: int | None) -> dict[dt.date, DayException]:
    if calendar_id is None:
        return {}
    rows = CalendarDay.objects.filter(calendar_id=calendar_id).values_list(
        "date", "kind", "like_weekday", "shorten_minutes", "note"
    )
    return {day: DayException(kind, like, shorten or 0, note) for day, kind, like, shorten, note in rows}


def compile_schedule(schedule: ServiceSchedule) -> WorkingTime:
    week = week_of(schedule.intervals)
    around = schedule.around_the_clock or not any(week.values())  # an empty week would never end
    return WorkingTime(
        zone=schedule.timezone or DEFAULT_ZONE,
        week=week,
        exceptions={} if schedule.around_the_clock else exceptions_of(schedule.calendar_id),
        around_the_clock=around,
    )


def default_working_time() -> WorkingTime:
    global _default
    if _default is None:
        _default = WorkingTime(zone=DEFAULT_ZONE, week=DEFAULT_WEEK)
    return _default


def working_time(schedule: ServiceSchedule | None) -> WorkingTime:
    """The compiled working time of `schedule` (the default 8×5 for None)."""
    if schedule is None:
        return default_working_time()
    key = (schedule.pk, schedule.updated_at)
    found = _cache.get(key)
    if found is not None and schedule.pk is not None:
        return found
    compiled = compile_schedule(schedule)
    if schedule.pk is not None:
        with _lock:
            for stale in [k for k in _cache if k[0] == schedule.pk]:
                del _cache[stale]
            _cache[key] = compiled
    return compiled


def clear_cache() -> None:
    with _lock:
        _cache.clear()
