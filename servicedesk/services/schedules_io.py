"""The "schedules" section of settings as code: service schedules (working hours) by name.

A schedule missing from the file is left alone: agreements and employee cards point at it.
Its production calendar is named; the calendar's days are data, not settings, and stay as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..mailbridge import SettingsSectionError, register_settings_section
from ..models import HolidayCalendar, ServiceSchedule

SECTION = "schedules"
KEYS = ("name", "name_en", "timezone", "around_the_clock", "intervals", "calendar")
_TIME = re.compile(r"^([01]\d|2[0-4]):[0-5]\d$")


def export_schedules() -> list[dict[str, Any]]:
    rows = ServiceSchedule.objects.select_related("calendar").order_by("name", "pk")
    return [
        {
            "name": row.name,
            "name_en": row.name_en,
            "timezone": row.timezone,
            "around_the_clock": row.around_the_clock,
            "intervals": row.intervals,
            "calendar": row.calendar.name if row.calendar else None,
        }
        for row in rows
    ]


def _interval_errors(where: str, intervals: Any) -> list[str]:
    if not isinstance(intervals, Mapping):
        return [f"{where}.intervals: must be an object of weekday → [[from, to], …]"]
    errors: list[str] = []
    for day, spans in intervals.items():
        if day not in {str(n) for n in range(1, 8)}:
            errors.append(f"{where}.intervals: {day!r} is not a weekday number 1–7")
            continue
        ok = isinstance(spans, list) and all(
            isinstance(span, list)
            and len(span) == 2
            and all(isinstance(t, str) and _TIME.match(t) for t in span)
            and span[0] < span[1]
            for span in spans
        )
        if not ok:
            errors.append(f'{where}.intervals.{day}: a list of ["HH:MM", "HH:MM"] pairs, each from < to')
    return errors


def _check(where: str, item: Any) -> list[str]:
    if not isinstance(item, Mapping):
        return [f"{where}: must be an object"]
    errors = [f"unknown key: {where}.{key}" for key in item if key not in KEYS]
    if not isinstance(item.get("name"), str) or not item["name"].strip():
        errors.append(f"{where}.name: required")
    try:
        ZoneInfo(str(item.get("timezone") or "Europe/Moscow"))
    except (ZoneInfoNotFoundError, ValueError):
        errors.append(f"{where}.timezone: unknown time zone {item.get('timezone')!r}")
    if not isinstance(item.get("around_the_clock", False), bool):
        errors.append(f"bad value for {where}.around_the_clock")
    errors += _interval_errors(where, item.get("intervals", {}))
    calendar = item.get("calendar")
    if calendar is not None and not HolidayCalendar.objects.filter(name=calendar).exists():
        errors.append(f"{where}.calendar: no production calendar named {calendar!r}")
    return errors


def validate_schedules(value: Any) -> Callable[[], None]:
    if not isinstance(value, list):
        raise SettingsSectionError([f"{SECTION}: must be a list of schedules"])
    errors: list[str] = []
    names = [item.get("name") for item in value if isinstance(item, Mapping)]
    if len(names) != len(set(names)):
        errors.append(f"{SECTION}: a name is used twice")
    for index, item in enumerate(value):
        errors += _check(f"{SECTION}[{index}]", item)
    if errors:
        raise SettingsSectionError(errors)
    return lambda: _apply(value)


def _apply(items: list[Mapping[str, Any]]) -> None:
    for item in items:
        row = ServiceSchedule.objects.filter(name=item["name"]).order_by("pk").first() or ServiceSchedule(
            name=item["name"]
        )
        row.name_en = item.get("name_en") or ""
        row.timezone = item.get("timezone") or "Europe/Moscow"
        row.around_the_clock = bool(item.get("around_the_clock"))
        row.intervals = dict(item.get("intervals") or {})
        calendar = item.get("calendar")
        row.calendar = HolidayCalendar.objects.filter(name=calendar).first() if calendar else None
        row.save()


def register_schedules_section() -> None:
    register_settings_section(SECTION, export_schedules, validate_schedules)
