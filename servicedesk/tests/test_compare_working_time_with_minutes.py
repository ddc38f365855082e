"""Property tests: the engine agrees with a brute-force walk over every minute.

The reference knows only the definition: a minute is working time when its local wall-clock time
lies inside one of that local day's working intervals (weekly hours, or the dated exception's).
Schedules, exceptions, time zones (with and without daylight saving), starts and durations are
drawn by hypothesis. Interval boundaries avoid 01:00-04:00, where daylight-saving changes happen
in the zones drawn: there the engine's rule (a boundary in a skipped hour starts at the jump, one
in a repeated hour at its first occurrence) is a choice the per-minute definition cannot express.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicedesk.worktime.engine import DayException, DayKind, WorkingTime

MINUTE = dt.timedelta(minutes=1)
ZONES = ["Europe/Moscow", "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney"]
# Quarter hours outside 01:00-04:00, plus the day's ends.
BOUNDS = [0, *range(4 * 60, 24 * 60 + 1, 15)]


@st.composite
def day_intervals(draw: st.DrawFn) -> list[tuple[int, int]]:
    points = sorted(set(draw(st.lists(st.sampled_from(BOUNDS), min_size=0, max_size=6))))
    pairs = [(points[i] * 60, points[i + 1] * 60) for i in range(0, len(points) - 1, 2)]
    return [pair for pair in pairs if pair[1] > pair[0]]


@st.composite
def calendars(draw: st.DrawFn) -> WorkingTime:
    zone = draw(st.sampled_from(ZONES))
    week = {day: draw(day_intervals()) for day in range(1, 8)}
    if not any(week.values()):
        week[1] = [(9 * 3600, 18 * 3600)]
    exceptions = {}
    for _ in range(draw(st.integers(0, 6))):
        day = dt.date(2026, 3, 20) + dt.timedelta(days=draw(st.integers(0, 30)))
        kind = draw(st.sampled_from([DayKind.HOLIDAY, DayKind.DAY_OFF, DayKind.WORKDAY, DayKind.SHORT]))
        exceptions[day] = DayException(kind, draw(st.integers(1, 7)), draw(st.sampled_from([0, 30, 60, 600])))
    return WorkingTime(
        zone=zone,
        week=week,
        exceptions=exceptions,
    )


def working_minute(clock: WorkingTime, moment: dt.datetime) -> bool:
    local = moment.astimezone(clock.zone)
    second = local.hour * 3600 + local.minute * 60
    return any(start <= second < end for start, end in clock.day_intervals(local.date()))


def reference_add(clock: WorkingTime, start: dt.datetime, minutes: int) -> dt.datetime:
    moment, counted = start, 0
    if minutes == 0:
        return start
    while True:
        if working_minute(clock, moment):
            counted += 1
            if counted == minutes:
                return moment + MINUTE
        moment += MINUTE


def reference_between(clock: WorkingTime, start: dt.datetime, end: dt.datetime) -> int:
    moment, counted = start, 0
    while moment < end:
        counted += working_minute(clock, moment)
        moment += MINUTE
    return counted


# Starts around the March and (for Sydney) April daylight-saving changes of 2026.
starts = st.integers(0, 24 * 60 * 30).map(lambda m: dt.datetime(2026, 3, 20, tzinfo=dt.UTC) + m * MINUTE)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(clock=calendars(), start=starts, minutes=st.integers(0, 3 * 24 * 60))
def test_add_matches_the_minute_walk(clock: WorkingTime, start: dt.datetime, minutes: int) -> None:
    assert clock.add(start, minutes * MINUTE) == reference_add(clock, start, minutes)


@SETTINGS
@given(clock=calendars(), start=starts, length=st.integers(0, 6 * 24 * 60))
def test_between_matches_the_minute_walk(clock: WorkingTime, start: dt.datetime, length: int) -> None:
    end = start + length * MINUTE
    assert clock.between(start, end) == reference_between(clock, start, end) * MINUTE


@SETTINGS
@given(clock=calendars(), start=starts, minutes=st.integers(1, 10 * 24 * 60))
def test_add_and_between_are_inverse(clock: WorkingTime, start: dt.datetime, minutes: int) -> None:
    end = clock.add(start, minutes * MINUTE)
    assert clock.between(start, end) == minutes * MINUTE
    assert start <= clock.subtract(end, minutes * MINUTE) < end
    assert clock.between(clock.subtract(end, minutes * MINUTE), end) == minutes * MINUTE


@SETTINGS
@given(clock=calendars(), start=starts, length=st.integers(1, 4 * 24 * 60))
def test_pieces_cover_the_range_and_sum_to_between(clock: WorkingTime, start: dt.datetime, length: int) -> None:
    end = start + length * MINUTE
    pieces = list(clock.pieces(start, end))
    assert pieces[0].start == start and pieces[-1].end == end
    assert all(a.end == b.start and a.working != b.working for a, b in zip(pieces, pieces[1:], strict=False))
    assert sum((p.end - p.start for p in pieces if p.working), dt.timedelta()) == clock.between(start, end)


@SETTINGS
@given(clock=calendars(), start=starts, minutes=st.integers(1, 3 * 24 * 60), back=st.integers(1, 3 * 24 * 60))
def test_shift_back_is_the_earliest_instant(clock: WorkingTime, start: dt.datetime, minutes: int, back: int) -> None:
    anchor = clock.add(start, minutes * MINUTE)
    moment = clock.shift(anchor, -back * MINUTE)
    assert clock.between(moment, anchor) == back * MINUTE
    assert moment == clock.add(clock.subtract(moment, MINUTE), MINUTE)  # nothing earlier has the same count
