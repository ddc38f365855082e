from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from servicedesk.models import ServiceSchedule
from servicedesk.sla import add_working_time

MSK = ZoneInfo("Europe/Moscow")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=MSK)  # 2026-11-20 is a Friday


def test_default_8x5_skips_night_and_weekend() -> None:
    assert add_working_time(at(20, 17), 8, None) == at(23, 16)  # Fri 17:00 + 8h -> Mon 16:00


def test_start_before_opening_counts_from_opening() -> None:
    assert add_working_time(at(23, 7, 30), 2, None) == at(23, 11)


def test_around_the_clock_is_wall_clock() -> None:
    schedule = ServiceSchedule(name="24x7", around_the_clock=True)
    assert add_working_time(at(21, 23), 5, schedule) == at(22, 4)


def test_split_day_with_lunch_break() -> None:
    schedule = ServiceSchedule(
        name="lunch", timezone="Europe/Moscow", intervals={"1": [["09:00", "13:00"], ["14:00", "18:00"]]}
    )
    assert add_working_time(at(23, 12), 2, schedule) == at(23, 15)


def test_empty_schedule_does_not_loop() -> None:
    schedule = ServiceSchedule(name="empty", intervals={"1": []})
    assert add_working_time(at(23, 12), 1, schedule) == at(23, 13)
