"""The working-time engine on the cases people ask about: the seed's examples, breaks, weekends,
holidays, moved and shortened days, daylight-saving changes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from servicedesk.models import TimeUnit, working_duration
from servicedesk.worktime.engine import DayException, DayKind, NoWorkingTime, WorkingTime
from servicedesk.worktime.russia import shipped_days

H = 3600
MSK = ZoneInfo("Europe/Moscow")
BERLIN = ZoneInfo("Europe/Berlin")
EIGHT = {day: [(9 * H, 13 * H), (14 * H, 18 * H)] for day in range(1, 6)}  # 8 h a day with lunch
SEED_8X5 = {day: [(9 * H, 13 * H), (14 * H, 19 * H)] for day in range(1, 6)}  # seed: 09-19, 1 h break


def msk(month: int, day: int, hour: int, minute: int = 0, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=MSK)


def russian(week: dict) -> WorkingTime:
    days = {**shipped_days(2026), **shipped_days(2027)}
    exceptions = {day: DayException(kind, like, short, note) for day, (kind, note, like, short) in days.items()}
    return WorkingTime(zone="Europe/Moscow", week=week, exceptions=exceptions)


def test_two_working_days_at_8x5_are_16_hours() -> None:
    clock = WorkingTime(zone="Europe/Moscow", week=EIGHT)
    monday = msk(11, 16, 9)
    assert clock.add(monday, dt.timedelta(hours=16)) == msk(11, 17, 18)
    assert clock.between(monday, msk(11, 17, 18)) == dt.timedelta(hours=16)


def test_one_day_is_24_working_hours_three_days_at_8_hours() -> None:
    assert working_duration(1, TimeUnit.DAYS) == dt.timedelta(hours=24)
    clock = WorkingTime(zone="Europe/Moscow", week=EIGHT)
    assert clock.add(msk(11, 16, 9), working_duration(1, TimeUnit.DAYS)) == msk(11, 18, 18)  # Wednesday 18:00


def test_seed_schedule_09_to_19_with_a_break_has_9_hours_a_day() -> None:
    clock = WorkingTime(zone="Europe/Moscow", week=SEED_8X5)
    assert clock.between(msk(11, 16, 0), msk(11, 17, 0)) == dt.timedelta(hours=9)
    assert clock.add(msk(11, 16, 12), dt.timedelta(hours=2)) == msk(11, 16, 15)  # 12-13, break, 14-15


def test_friday_evening_plus_hours_lands_on_monday() -> None:
    clock = WorkingTime(zone="Europe/Moscow", week=EIGHT)
    assert clock.add(msk(11, 20, 17), dt.timedelta(hours=8)) == msk(11, 23, 17)


def test_start_outside_hours_counts_from_opening() -> None:
    clock = WorkingTime(zone="Europe/Moscow", week=EIGHT)
    assert clock.add(msk(11, 23, 7, 30), dt.timedelta(hours=2)) == msk(11, 23, 11)
    assert clock.add(msk(11, 23, 13, 20), dt.timedelta(minutes=30)) == msk(11, 23, 14, 30)


def test_deadline_at_closing_time_is_closing_time_not_next_morning() -> None:
    clock = WorkingTime(zone="Europe/Moscow", week=EIGHT)
    assert clock.add(msk(11, 23, 9), dt.timedelta(hours=8)) == msk(11, 23, 18)


def test_holiday_is_skipped_with_its_name_in_the_explanation() -> None:
    clock = russian(EIGHT)
    # 3 November 2026 is a shortened day (till 17:00); 4 November is a holiday.
    assert clock.add(msk(11, 3, 16), dt.timedelta(hours=2)) == msk(11, 5, 10)
    gaps = [p for p in clock.pieces(msk(11, 3, 16), msk(11, 5, 10)) if not p.working]
    assert gaps[0].reason == "holiday" and gaps[0].note == "День народного единства"


def test_working_saturday_and_shortened_day() -> None:
    clock = russian(EIGHT)
    saturday = dt.date(2027, 2, 20)
    assert clock.day_seconds(saturday) == 7 * H  # a working Saturday, one hour short before the holiday
    assert clock.day_seconds(dt.date(2027, 2, 22)) == 0  # the day off it was moved to
    assert clock.add(msk(2, 19, 17, year=2027), dt.timedelta(hours=3)) == msk(2, 20, 11, year=2027)


def test_around_the_clock_measures_real_time_across_daylight_saving() -> None:
    clock = WorkingTime(zone="Europe/Berlin", week={}, around_the_clock=True)
    start = dt.datetime(2026, 3, 28, 12, tzinfo=BERLIN)
    assert clock.add(start, dt.timedelta(hours=24)) == dt.datetime(2026, 3, 29, 13, tzinfo=BERLIN)
    autumn = dt.datetime(2026, 10, 24, 12, tzinfo=BERLIN)
    assert clock.between(autumn, dt.datetime(2026, 10, 25, 12, tzinfo=BERLIN)) == dt.timedelta(hours=25)


def test_office_hours_keep_their_wall_clock_across_daylight_saving() -> None:
    clock = WorkingTime(zone="Europe/Berlin", week=EIGHT)
    friday = dt.datetime(2026, 3, 27, 14, tzinfo=BERLIN)
    assert clock.add(friday, dt.timedelta(hours=5)) == dt.datetime(2026, 3, 30, 10, tzinfo=BERLIN)


def test_skipped_hour_starts_work_at_the_jump() -> None:
    clock = WorkingTime(zone="Europe/Berlin", week={7: [(2 * H + 1800, 5 * H)]})
    sunday = dt.datetime(2026, 3, 29, 0, tzinfo=BERLIN)
    assert clock.between(sunday, sunday + dt.timedelta(hours=6)) == dt.timedelta(hours=2)


def test_exact_to_the_microsecond() -> None:
    clock = WorkingTime(zone="Europe/Moscow", week=EIGHT)
    start = msk(11, 23, 9, 0) + dt.timedelta(seconds=17, microseconds=123456)
    end = clock.add(start, dt.timedelta(hours=30, seconds=1, microseconds=1))
    assert clock.between(start, end) == dt.timedelta(hours=30, seconds=1, microseconds=1)


def test_subtract_and_negative_durations() -> None:
    clock = WorkingTime(zone="Europe/Moscow", week=EIGHT)
    assert clock.subtract(msk(11, 23, 10), dt.timedelta(hours=2)) == msk(11, 20, 17)
    assert clock.add(msk(11, 23, 10), dt.timedelta(hours=-2)) == msk(11, 20, 17)
    assert clock.between(msk(11, 23, 10), msk(11, 20, 17)) == dt.timedelta(hours=-2)


def test_far_away_instants_grow_the_span() -> None:
    clock = WorkingTime(zone="Europe/Moscow", week=EIGHT)
    assert clock.add(msk(1, 5, 9, year=2035), dt.timedelta(hours=8)) == msk(1, 5, 18, year=2035)
    assert clock.between(msk(1, 1, 0, year=2019), msk(1, 1, 0, year=2020)).total_seconds() == 261 * 8 * H


def test_a_calendar_without_working_time_says_so() -> None:
    everything_off = {dt.date(2026, 1, 1) + dt.timedelta(days=n): DayException(DayKind.HOLIDAY) for n in range(800)}
    clock = WorkingTime(zone="Europe/Moscow", week={1: [(9 * H, 10 * H)]}, exceptions=everything_off)
    assert clock.add(msk(1, 5, 9), dt.timedelta(hours=1)) == msk(3, 13, 10, year=2028)  # first Monday after
    with pytest.raises(NoWorkingTime):
        WorkingTime(zone="Europe/Moscow", week={}).add(msk(1, 5, 9), dt.timedelta(hours=1))


def test_explanation_names_breaks_nights_and_weekends() -> None:
    clock = WorkingTime(zone="Europe/Moscow", week=EIGHT)
    pieces = list(clock.pieces(msk(11, 20, 12), msk(11, 23, 10)))
    assert [(p.working, p.reason) for p in pieces] == [
        (True, ""),
        (False, "break"),
        (True, ""),
        (False, "weekend"),
        (True, ""),
    ]
    assert sum(p.seconds for p in pieces if p.working) == 6 * H
