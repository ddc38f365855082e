"""The Russian production calendar ships exactly for 2026 and 2027, stays editable, and any
calendar can be generated with the holidays package or imported from iCalendar."""

from __future__ import annotations

import datetime as dt

import holidays
import pytest

from servicedesk.models import CalendarDay, HolidayCalendar, ServiceSchedule
from servicedesk.worktime.calendars import working_time
from servicedesk.worktime.engine import DayKind
from servicedesk.worktime.russia import install_russian_calendar, shipped_days
from servicedesk.worktime.sources import CalendarSourceError, export_ics, generate, parse_ics, store_days

pytestmark = pytest.mark.django_db
EIGHT_HOURS = {str(d): [["09:00", "13:00"], ["14:00", "18:00"]] for d in range(1, 6)}


def russian_schedule() -> ServiceSchedule:
    calendar = HolidayCalendar.objects.get(country="RU")
    return ServiceSchedule.objects.create(name="8 h", intervals=EIGHT_HOURS, calendar=calendar)


@pytest.mark.parametrize("year", [2026, 2027])
def test_year_has_247_working_days_and_1972_hours(year: int) -> None:
    clock = working_time(russian_schedule())
    days = [dt.date(year, 1, 1) + dt.timedelta(days=n) for n in range(365)]
    assert sum(1 for day in days if clock.day_seconds(day)) == 247
    assert sum(clock.day_seconds(day) for day in days) == 1972 * 3600


@pytest.mark.parametrize("year", [2026, 2027])
def test_days_off_agree_with_the_holidays_package(year: int) -> None:
    ours = {day for day, entry in shipped_days(year).items() if entry[0] in DayKind.OFF}
    theirs = set(holidays.country_holidays("RU", years=year))
    assert ours == theirs


def test_installed_once_so_edits_and_deletions_stay() -> None:
    calendar = HolidayCalendar.objects.get(country="RU")
    assert calendar.shipped_years == [2026, 2027]
    assert ServiceSchedule.objects.get(name="8×5, 09:00–18:00").calendar == calendar
    CalendarDay.objects.get(calendar=calendar, date=dt.date(2026, 11, 3)).delete()
    moved = CalendarDay.objects.get(calendar=calendar, date=dt.date(2026, 12, 31))
    moved.kind = DayKind.SHORT
    moved.save()
    install_russian_calendar()
    assert not CalendarDay.objects.filter(calendar=calendar, date=dt.date(2026, 11, 3)).exists()
    assert CalendarDay.objects.get(calendar=calendar, date=dt.date(2026, 12, 31)).kind == DayKind.SHORT


def test_edit_reaches_compiled_working_time() -> None:
    schedule = russian_schedule()
    assert working_time(schedule).day_seconds(dt.date(2026, 12, 30)) == 8 * 3600
    CalendarDay.objects.create(calendar=schedule.calendar, date=dt.date(2026, 12, 30), kind=DayKind.SHORT)
    schedule.refresh_from_db()
    assert working_time(schedule).day_seconds(dt.date(2026, 12, 30)) == 7 * 3600


def test_generate_a_year_that_is_not_shipped() -> None:
    drafts = {d.date: d for d in generate("RU", 2021)}
    # 2021: Saturday 20 February worked instead of Monday 22 February; 3 November shortened.
    assert drafts[dt.date(2021, 2, 20)].kind == DayKind.WORKDAY
    assert drafts[dt.date(2021, 2, 22)].kind == DayKind.DAY_OFF
    assert drafts[dt.date(2021, 11, 3)].kind == DayKind.SHORT
    assert drafts[dt.date(2021, 1, 7)].note == "Рождество Христово"
    assert {d.date for d in generate("DE", 2026)} >= {dt.date(2026, 10, 3), dt.date(2026, 12, 25)}
    with pytest.raises(CalendarSourceError):
        generate("XX", 2026)


def test_generated_days_are_stored_by_date() -> None:
    calendar = HolidayCalendar.objects.create(name="Kazakhstan", country="KZ")
    created, updated = store_days(calendar, generate("KZ", 2026), source=CalendarDay.Source.GENERATED)
    assert created > 5 and updated == 0
    assert store_days(calendar, generate("KZ", 2026), source=CalendarDay.Source.GENERATED) == (0, 0)


ICS = """BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:1
DTSTART;VALUE=DATE:20260101
DTEND;VALUE=DATE:20260104
SUMMARY:New Year
END:VEVENT
BEGIN:VEVENT
UID:2
DTSTART;VALUE=DATE:20260425
SUMMARY:Working Saturday
END:VEVENT
BEGIN:VEVENT
UID:3
DTSTART;VALUE=DATE:20250501
RRULE:FREQ=YEARLY
SUMMARY:Labour day
END:VEVENT
BEGIN:VEVENT
UID:4
DTSTART:20260430T090000
DTEND:20260430T100000
SUMMARY:Сокращённый день
END:VEVENT
END:VCALENDAR
""".encode()


def test_import_icalendar() -> None:
    drafts = {d.date: d for d in parse_ics(ICS, today=dt.date(2026, 6, 1))}
    assert [drafts[dt.date(2026, 1, d)].kind for d in (1, 2, 3)] == [DayKind.HOLIDAY] * 3
    assert dt.date(2026, 1, 4) not in drafts
    assert drafts[dt.date(2026, 4, 25)].kind == DayKind.WORKDAY
    assert drafts[dt.date(2026, 4, 30)].kind == DayKind.SHORT and drafts[dt.date(2026, 4, 30)].shorten_minutes == 60
    assert drafts[dt.date(2027, 5, 1)].note == "Labour day"


def test_export_and_import_round_trip() -> None:
    calendar = HolidayCalendar.objects.get(country="RU")
    copy = HolidayCalendar.objects.create(name="copy")
    store_days(copy, parse_ics(export_ics(calendar)), source=CalendarDay.Source.IMPORTED)
    fields = ("date", "kind", "note", "shorten_minutes", "like_weekday")
    original = list(calendar.days.values_list(*fields))
    assert list(copy.days.values_list(*fields)) == original


@pytest.mark.parametrize("data", [b"not a calendar", b"BEGIN:VCALENDAR\nVERSION:2.0\nEND:VCALENDAR\n"])
def test_bad_file_is_refused_with_a_reason(data: bytes) -> None:
    with pytest.raises(CalendarSourceError) as error:
        parse_ics(data)
    assert str(error.value)
