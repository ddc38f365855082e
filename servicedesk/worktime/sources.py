"""Filling a production calendar: generated for a country and year with the `holidays` package,
or imported from an iCalendar (.ics) file; and exported back to iCalendar.

Every function returns plain `DayDraft`s or writes rows through `store_days`, which upserts by
date and tells the compiled-calendar caches (touch_calendar) in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from ..models import CalendarDay, HolidayCalendar
from ..models.worktime import touch_calendar
from .engine import DayKind
from .russia import shipped_days

# "Day off (substituted from 02/20/2027)": the date after "from" was worked instead.
_SUBSTITUTED = re.compile(r"substituted from (\d{2})/(\d{2})/(\d{4})")
KIND_PROPERTY = "X-SERVICEDESK-KIND"
SHORTEN_PROPERTY = "X-SERVICEDESK-SHORTEN-MINUTES"
LIKE_PROPERTY = "X-SERVICEDESK-LIKE-WEEKDAY"
_KIND_WORDS = (
    (DayKind.HOLIDAY, ("нерабоч", "non-working", "non working")),
    (DayKind.WORKDAY, ("рабочий день", "рабочая суббота", "working day", "working saturday", "workday")),
    (DayKind.SHORT, ("сокращ", "предпраздн", "short")),
    (DayKind.DAY_OFF, ("перенос", "выходной", "day off", "observed", "substituted")),
)
# Far enough for recurring events, short enough that an endless rule cannot flood the table.
RECURRENCE_YEARS = 5


class CalendarSourceError(ValueError):
    """The source could not be read; the message says why, for the person who gave it."""


@dataclass(frozen=True)
class DayDraft:
    date: dt.date
    kind: str
    note: str = ""
    like_weekday: int | None = None
    shorten_minutes: int = 0


def generate(country: str, year: int, *, language: str = "ru") -> list[DayDraft]:
    """The year's days off by the `holidays` package, plus what it cannot say.

    For Russia the shipped data of the year is used when there is one (it has the working
    Saturdays and shortened days); otherwise the days worked instead of moved days off become
    working days, and, by Labour Code art. 95, a working day right before a public holiday is one
    hour shorter."""
    import holidays

    code = country.strip().upper()
    if code == "RU" and shipped_days(year):
        return [DayDraft(day, kind, note, like, short) for day, (kind, note, like, short) in shipped_days(year).items()]
    try:
        english = holidays.country_holidays(code, years=year, language="en_US")
    except NotImplementedError as exc:
        raise CalendarSourceError(
            _("The holidays package does not know the country “%(code)s”.") % {"code": code}
        ) from exc
    names = _local_names(holidays, code, year, language) or {}
    drafts: dict[dt.date, DayDraft] = {}
    for day, name in sorted(english.items()):
        if day.year != year:
            continue
        kind = (
            DayKind.DAY_OFF
            if any(w in name.lower() for w in ("observed", "substituted", "day off"))
            else DayKind.HOLIDAY
        )
        drafts[day] = DayDraft(day, kind, names.get(day, name))
        moved_from = _SUBSTITUTED.search(name)
        if moved_from:
            month, dom, yr = (int(x) for x in moved_from.groups())
            worked = dt.date(yr, month, dom)
            if worked.year == year and worked not in english:
                drafts[worked] = DayDraft(
                    worked,
                    DayKind.WORKDAY,
                    _("working day instead of %(day)s") % {"day": day.strftime("%d.%m")},
                    day.isoweekday(),
                )
    if code == "RU":
        _add_short_days(drafts, year)
    return sorted(drafts.values(), key=lambda draft: draft.date)


def _local_names(module: object, code: str, year: int, language: str) -> dict[dt.date, str] | None:
    try:
        local = module.country_holidays(code, years=year, language=language)  # type: ignore[attr-defined]
    except (NotImplementedError, ValueError):
        return None
    return dict(local.items())


def _add_short_days(drafts: dict[dt.date, DayDraft], year: int) -> None:
    holidays = [d for d, draft in drafts.items() if draft.kind == DayKind.HOLIDAY]
    for holiday in holidays:
        before = holiday - dt.timedelta(days=1)
        existing = drafts.get(before)
        if before.year != year:
            continue
        if existing is not None and existing.kind == DayKind.WORKDAY:
            drafts[before] = DayDraft(before, DayKind.WORKDAY, existing.note, existing.like_weekday, 60)
        elif existing is None and before.isoweekday() <= 5:
            drafts[before] = DayDraft(before, DayKind.SHORT, _("pre-holiday day"), None, 60)


def parse_ics(data: bytes, *, today: dt.date | None = None) -> list[DayDraft]:
    """Every all-day (or timed: its date counts) event of the file as a calendar day.

    The kind comes from the X-SERVICEDESK-KIND property our export writes, else from words of the
    summary or categories ("рабочий день"/"working day", "сокращённый"/"short",
    "перенос"/"day off"), else a public holiday. Multi-day events give one day each; recurring
    events are expanded for RECURRENCE_YEARS years around `today`."""
    import icalendar

    try:
        calendar = icalendar.Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError) as exc:
        raise CalendarSourceError(_("This is not an iCalendar file: %(error)s") % {"error": str(exc)[:200]}) from exc
    today = today or dt.date.today()
    drafts: dict[dt.date, DayDraft] = {}
    events = list(calendar.walk("VEVENT"))
    if not events:
        raise CalendarSourceError(_("The file has no events."))
    for event in events:
        for day in _event_days(event, today):
            drafts[day] = _draft(event, day)
    return sorted(drafts.values(), key=lambda draft: draft.date)


def _as_date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    raise CalendarSourceError(_("An event has a start that is not a date."))


def _event_days(event: object, today: dt.date) -> Iterable[dt.date]:
    start_prop = event.get("DTSTART")  # type: ignore[attr-defined]
    if start_prop is None:
        raise CalendarSourceError(_("An event has no start date."))
    start = _as_date(start_prop.dt)
    end_prop = event.get("DTEND")  # type: ignore[attr-defined]
    duration = event.get("DURATION")  # type: ignore[attr-defined]
    if end_prop is not None:
        length = max((_as_date(end_prop.dt) - start).days, 1)
    elif duration is not None:
        length = max(duration.dt.days, 1)
    else:
        length = 1
    starts = [start]
    rule = event.get("RRULE")  # type: ignore[attr-defined]
    if rule is not None:
        starts = _expand(rule.to_ical().decode(), start, today)
    for first in starts:
        for offset in range(min(length, 366)):
            yield first + dt.timedelta(days=offset)


def _expand(rule: str, start: dt.date, today: dt.date) -> list[dt.date]:
    from dateutil.rrule import rrulestr  # type: ignore[import-untyped]

    try:
        recurrence = rrulestr(rule, dtstart=dt.datetime.combine(start, dt.time()))
    except (ValueError, TypeError) as exc:
        raise CalendarSourceError(_("A recurrence rule cannot be read: %(rule)s") % {"rule": rule[:100]}) from exc
    low = dt.datetime(today.year - RECURRENCE_YEARS, 1, 1)
    high = dt.datetime(today.year + RECURRENCE_YEARS, 12, 31)
    return [moment.date() for moment in recurrence.between(low, high, inc=True)][:2000]


def _draft(event: object, day: dt.date) -> DayDraft:
    summary = str(event.get("SUMMARY") or "").strip()  # type: ignore[attr-defined]
    declared = str(event.get(KIND_PROPERTY) or "").strip().lower()  # type: ignore[attr-defined]
    categories = event.get("CATEGORIES")  # type: ignore[attr-defined]
    words = f"{summary} {_categories_text(categories)}".lower()
    kind = declared if declared in CalendarDay.Kind.values else DayKind.HOLIDAY
    if not declared:
        for candidate, markers in _KIND_WORDS:
            if any(marker in words for marker in markers):
                kind = candidate
                break
    shorten = _number(event, SHORTEN_PROPERTY, 0, 600, 60 if kind == DayKind.SHORT else 0)
    like = _number(event, LIKE_PROPERTY, 1, 7, 1) if kind == DayKind.WORKDAY else None
    return DayDraft(day, kind, summary[:200], like, shorten)


def _number(event: object, name: str, low: int, high: int, default: int) -> int:
    raw = str(event.get(name) or "").strip()  # type: ignore[attr-defined]
    return int(raw) if raw.isdigit() and low <= int(raw) <= high else default


def _categories_text(categories: object) -> str:
    if categories is None:
        return ""
    items = categories if isinstance(categories, list) else [categories]
    return " ".join(str(cat) for item in items for cat in getattr(item, "cats", [item]))


def store_days(calendar: HolidayCalendar, drafts: Iterable[DayDraft], *, source: str) -> tuple[int, int]:
    """Upsert the drafts by date; returns (created, updated)."""
    created = updated = 0
    with transaction.atomic():
        existing = {row.date: row for row in CalendarDay.objects.filter(calendar=calendar)}
        new_rows = []
        for draft in drafts:
            row = existing.get(draft.date)
            values = {
                "kind": draft.kind,
                "note": draft.note[:200],
                "like_weekday": draft.like_weekday,
                "shorten_minutes": draft.shorten_minutes,
                "source": source,
            }
            if row is None:
                new_rows.append(CalendarDay(calendar=calendar, date=draft.date, **values))
                created += 1
            elif any(getattr(row, name) != value for name, value in values.items()):
                CalendarDay.objects.filter(pk=row.pk).update(**values)
                updated += 1
        CalendarDay.objects.bulk_create(new_rows)
        touch_calendar(calendar.pk)
    return created, updated


def export_ics(calendar: HolidayCalendar) -> bytes:
    """The calendar as iCalendar: one all-day event per day, kind kept in X-SERVICEDESK-KIND."""
    import icalendar

    out = icalendar.Calendar()
    out.add("prodid", "-//servicedesk//production calendar//RU")
    out.add("version", "2.0")
    out.add("x-wr-calname", calendar.name)
    for row in calendar.days.order_by("date"):
        event = icalendar.Event()
        event.add("uid", f"{calendar.pk}-{row.date.isoformat()}@servicedesk")
        event.add("dtstamp", dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
        event.add("dtstart", row.date)
        event.add("dtend", row.date + dt.timedelta(days=1))
        event.add("summary", row.note or row.get_kind_display())
        event.add(KIND_PROPERTY, row.kind)
        if row.shorten_minutes:
            event.add(SHORTEN_PROPERTY, str(row.shorten_minutes))
        if row.like_weekday:
            event.add(LIKE_PROPERTY, str(row.like_weekday))
        out.add_component(event)
    return out.to_ical()
