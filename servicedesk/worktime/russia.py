"""The Russian production calendar, shipped as data for the current and the next year.

The `holidays` package knows the public holidays and the days off moved by decree, but not the
working Saturdays nor the shortened pre-holiday days, and an installation must be able to correct
any day without waiting for a release. So the calendar ships as plain data below, installed once
per year into the "Production calendar of Russia" (a year already installed is not installed
again, so edits and deletions stay), and every day is then an ordinary editable row.

Sources: Labour Code art. 112 (holidays) and 95 (pre-holiday days are one hour shorter); the
Government decrees moving days off for 2026 and 2027. Check: 247 working days and 1,972 hours at
a 40-hour week in each year (servicedesk/tests/test_ship_production_calendar.py).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.utils import timezone

from .engine import DayKind

CALENDAR_NAME = "Производственный календарь РФ"
CALENDAR_NAME_EN = "Production calendar of Russia"

# date -> (kind, note, like_weekday, shorten_minutes)
Entry = tuple[str, str, int | None, int]

_NEW_YEAR = "Новогодние каникулы"


def _holidays(year: int) -> dict[str, Entry]:
    days: dict[str, Entry] = {f"{year}-01-0{d}": (DayKind.HOLIDAY, _NEW_YEAR, None, 0) for d in range(1, 9)}
    days[f"{year}-01-07"] = (DayKind.HOLIDAY, "Рождество Христово", None, 0)
    days[f"{year}-02-23"] = (DayKind.HOLIDAY, "День защитника Отечества", None, 0)
    days[f"{year}-03-08"] = (DayKind.HOLIDAY, "Международный женский день", None, 0)
    days[f"{year}-05-01"] = (DayKind.HOLIDAY, "Праздник Весны и Труда", None, 0)
    days[f"{year}-05-09"] = (DayKind.HOLIDAY, "День Победы", None, 0)
    days[f"{year}-06-12"] = (DayKind.HOLIDAY, "День России", None, 0)
    days[f"{year}-11-04"] = (DayKind.HOLIDAY, "День народного единства", None, 0)
    return days


def _off(note: str) -> Entry:
    return (DayKind.DAY_OFF, note, None, 0)


def _short(before: str) -> Entry:
    return (DayKind.SHORT, f"Предпраздничный день ({before})", None, 60)


SHIPPED: dict[int, dict[str, Entry]] = {
    2026: {
        **_holidays(2026),
        "2026-01-09": _off("Перенос выходного с 3 января"),
        "2026-03-09": _off("Перенос выходного с 8 марта"),
        "2026-05-11": _off("Перенос выходного с 9 мая"),
        "2026-12-31": _off("Перенос выходного с 4 января"),
        "2026-04-30": _short("1 мая"),
        "2026-05-08": _short("9 мая"),
        "2026-06-11": _short("12 июня"),
        "2026-11-03": _short("4 ноября"),
    },
    2027: {
        **_holidays(2027),
        "2027-02-20": (DayKind.WORKDAY, "Рабочая суббота (выходной перенесён на 22 февраля)", 1, 60),
        "2027-02-22": _off("Перенос выходного с 20 февраля"),
        "2027-05-03": _off("Перенос выходного с 1 мая"),
        "2027-05-10": _off("Перенос выходного с 9 мая"),
        "2027-06-14": _off("Перенос выходного с 12 июня"),
        "2027-11-05": _off("Перенос выходного со 2 января"),
        "2027-12-31": _off("Перенос выходного с 3 января"),
        "2027-04-30": _short("1 мая"),
        "2027-06-11": _short("12 июня"),
        "2027-11-03": _short("4 ноября"),
    },
}


def shipped_days(year: int) -> dict[dt.date, Entry]:
    return {dt.date.fromisoformat(key): entry for key, entry in SHIPPED.get(year, {}).items()}


def install_russian_calendar(apps: Apps = global_apps, **_kwargs: Any) -> Any:
    """The Russian calendar with every shipped year it does not have yet; returns the calendar row.

    `apps` is a migration state's registry when called from post_migrate."""
    Calendar = apps.get_model("servicedesk", "HolidayCalendar")
    Day = apps.get_model("servicedesk", "CalendarDay")
    Schedule = apps.get_model("servicedesk", "ServiceSchedule")
    calendar, _created = Calendar.objects.get_or_create(
        country="RU", name=CALENDAR_NAME, defaults={"name_en": CALENDAR_NAME_EN}
    )
    missing = [year for year in sorted(SHIPPED) if year not in (calendar.shipped_years or [])]
    if not missing:
        return calendar
    rows = [
        Day(
            calendar=calendar,
            date=day,
            kind=kind,
            note=note,
            like_weekday=like,
            shorten_minutes=shorten,
            source="shipped",
        )
        for year in missing
        for day, (kind, note, like, shorten) in shipped_days(year).items()
    ]
    Day.objects.bulk_create(rows, ignore_conflicts=True)  # a day the installation entered itself wins
    calendar.shipped_years = sorted({*(calendar.shipped_years or []), *missing})
    calendar.save(update_fields=["shipped_years", "updated_at"])
    Schedule.objects.filter(calendar=calendar).update(updated_at=timezone.now())
    return calendar
