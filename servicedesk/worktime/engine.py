"""The one working-time engine: add a working duration to an instant, measure the working time
between two instants, and explain both, exact to the microsecond.

A `WorkingTime` is compiled once from a weekly template (working intervals per ISO weekday, in
the schedule's own time zone, breaks being the gaps between intervals) and the dated exceptions
of a production calendar (days off, moved working days, shortened pre-holiday days). It turns
them into two sorted arrays of UTC instants, the starts and ends of every working interval over a
span of years, plus the cumulative working time before each interval. Then

    worked(t)       = cumulative time before the interval holding t, plus the part of it before t
    between(a, b)   = worked(b) - worked(a)
    add(t, d)       = the instant whose worked() equals worked(t) + d   (a bisect on the sums)

so each call is two binary searches, however long the duration, with no loop over days or
minutes. Local wall-clock times are converted to instants day by day with zoneinfo, so a
daylight-saving change makes that day's working hours really one hour shorter or longer. The
span grows by whole years on demand (backwards too). This module knows nothing of Django models;
`servicedesk.worktime.calendars` compiles them and caches the result per process.
"""

from __future__ import annotations

import datetime as dt
import threading
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
US = dt.timedelta(microseconds=1)
DAY_SECONDS = 86400
# How far the span may grow looking for working time before the calendar is declared empty.
MAX_SPAN_YEARS = 30
YEAR_US = 366 * DAY_SECONDS * 1_000_000

Interval = tuple[int, int]  # seconds since local midnight; the end may be 86400 ("24:00")


class NoWorkingTime(ValueError):
    """The calendar has no working time at all in the years searched."""


class DayKind:
    """Kinds of dated exceptions (`CalendarDay.kind` uses the same codes)."""

    HOLIDAY = "holiday"  # a public holiday: no work
    DAY_OFF = "day_off"  # a day off moved by decree: no work
    WORKDAY = "workday"  # a working day moved by decree (e.g. a working Saturday)
    SHORT = "short"  # a shortened pre-holiday day

    OFF = frozenset({HOLIDAY, DAY_OFF})


@dataclass(frozen=True)
class DayException:
    """One dated exception. `like_weekday` (1-7) gives a moved working day the hours of that
    weekday (default: Monday); `shorten_minutes` cuts the end of the day's last intervals."""

    kind: str
    like_weekday: int | None = None
    shorten_minutes: int = 0
    note: str = ""


def to_us(moment: dt.datetime) -> int:
    """Microseconds since the epoch of an aware datetime (exact integer arithmetic)."""
    if moment.tzinfo is None:
        raise ValueError("working-time arithmetic needs aware datetimes")
    return (moment - EPOCH) // US


def from_us(value: int) -> dt.datetime:
    return EPOCH + dt.timedelta(microseconds=value)


def shorten(intervals: Sequence[Interval], minutes: int) -> tuple[Interval, ...]:
    """Cut `minutes` off the end of the working day, taking whole intervals when needed."""
    cut = minutes * 60
    result = list(intervals)
    while cut > 0 and result:
        start, end = result[-1]
        if end - start > cut:
            result[-1] = (start, end - cut)
            cut = 0
        else:
            cut -= end - start
            result.pop()
    return tuple(result)


@dataclass(frozen=True)
class Piece:
    """A stretch of the timeline for explanations: working, or a gap with its reason."""

    start: dt.datetime
    end: dt.datetime
    working: bool
    reason: str = ""  # gaps: "break", "night", "weekend", "holiday", "day_off"
    note: str = ""  # gaps over a dated exception: its note (e.g. the holiday's name)

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds()


@dataclass
class _Span:
    first_day: int  # proleptic ordinal of the first local day covered
    last_day: int  # ... and of the day after the last one covered
    starts: list[int]
    ends: list[int]
    before: list[int]  # working microseconds before each interval
    total: int
    low: int  # instant where coverage starts (local midnight of first_day)
    high: int  # ... and ends


class WorkingTime:
    """A compiled calendar. Thread-safe: a grown span replaces the old one in one assignment."""

    def __init__(
        self,
        *,
        zone: str,
        week: Mapping[int, Sequence[Interval]],
        exceptions: Mapping[dt.date, DayException] | None = None,
        around_the_clock: bool = False,
    ) -> None:
        self.zone = ZoneInfo(zone)
        self.around_the_clock = around_the_clock
        full = ((0, DAY_SECONDS),)
        self.week: dict[int, tuple[Interval, ...]] = {
            day: full if around_the_clock else _normalise(week.get(day, ())) for day in range(1, 8)
        }
        self.exceptions = dict(exceptions or {})
        self._lock = threading.Lock()
        self._span: _Span | None = None

    # --- what a day looks like -----------------------------------------------------------------
    def day_intervals(self, day: dt.date) -> tuple[Interval, ...]:
        """The working intervals of a local date, exceptions applied."""
        exception = self.exceptions.get(day)
        if exception is None:
            return self.week[day.isoweekday()]
        if exception.kind in DayKind.OFF:
            return ()
        if exception.kind == DayKind.WORKDAY:
            base = self.week[exception.like_weekday or 1] or self.week[1]
        else:
            base = self.week[day.isoweekday()]
        return shorten(base, exception.shorten_minutes) if exception.shorten_minutes else base

    def day_seconds(self, day: dt.date) -> int:
        return sum(end - start for start, end in self.day_intervals(day))

    # --- the span ---------------------------------------------------------------------------------
    def _instant(self, day: dt.date, second: int) -> int:
        """The instant the wall clock of the zone first shows `second` of `day`.

        A time in an hour skipped by a daylight-saving change maps to the moment of the jump (work
        "from 02:30" starts when the clock jumps to 03:00); a time in a repeated hour maps to its
        first occurrence."""
        if second >= DAY_SECONDS:
            day, second = day + dt.timedelta(days=1), second - DAY_SECONDS
        hour, rest = divmod(second, 3600)
        local = dt.datetime.combine(day, dt.time(hour, rest // 60, rest % 60), self.zone)
        value = to_us(local)
        wall = local.replace(tzinfo=None)
        if from_us(value).astimezone(self.zone).replace(tzinfo=None) == wall:
            return value
        low, high = sorted((to_us(local.replace(fold=1)), value))
        while high - low > 1:  # bisect to the jump: the first instant whose wall time is not earlier
            middle = (low + high) // 2
            if from_us(middle).astimezone(self.zone).replace(tzinfo=None) >= wall:
                high = middle
            else:
                low = middle
        return high

    def _build(self, first_day: int, last_day: int) -> _Span:
        starts: list[int] = []
        ends: list[int] = []
        for ordinal in range(first_day, last_day):
            day = dt.date.fromordinal(ordinal)
            for begin, finish in self.day_intervals(day):
                start, end = self._instant(day, begin), self._instant(day, finish)
                if end <= start:  # an interval swallowed by a daylight-saving gap
                    continue
                if ends and start <= ends[-1]:  # continues the previous one (e.g. across midnight)
                    ends[-1] = max(ends[-1], end)
                else:
                    starts.append(start)
                    ends.append(end)
        before: list[int] = []
        total = 0
        for start, end in zip(starts, ends, strict=True):
            before.append(total)
            total += end - start
        low = self._instant(dt.date.fromordinal(first_day), 0)
        high = self._instant(dt.date.fromordinal(last_day), 0)
        return _Span(first_day, last_day, starts, ends, before, total, low, high)

    def _covering(self, low: int, high: int) -> _Span:
        """A span that covers [low, high], grown by whole years as needed."""
        span = self._span
        if span is not None and span.low <= low and high <= span.high:
            return span
        with self._lock:
            span = self._span
            if span is None:
                year = from_us(low).astimezone(self.zone).year
                first, last = dt.date(year - 1, 1, 1).toordinal(), dt.date(year + 2, 1, 1).toordinal()
            else:
                first, last = span.first_day, span.last_day
            while self._instant(dt.date.fromordinal(first), 0) > low:
                first -= 366
            while self._instant(dt.date.fromordinal(last), 0) < high:
                last += 366
            if span is None or (first, last) != (span.first_day, span.last_day):
                if (last - first) > 366 * (MAX_SPAN_YEARS + 4):
                    raise NoWorkingTime("the instant is too far from the calendar's working time")
                span = self._build(first, last)
                self._span = span
            return span

    def _forward(self, span: _Span, years: int) -> _Span:
        """The span grown by one more year; `years` counts the growths of the caller so far."""
        if years > MAX_SPAN_YEARS:
            raise NoWorkingTime("no working time in the calendar")
        return self._covering(span.low, span.high + YEAR_US)

    @staticmethod
    def _worked(span: _Span, moment: int) -> int:
        index = bisect_right(span.starts, moment) - 1
        if index < 0:
            return 0
        return span.before[index] + min(moment, span.ends[index]) - span.starts[index]

    # --- the public arithmetic --------------------------------------------------------------------
    def add(self, start: dt.datetime, duration: dt.timedelta) -> dt.datetime:
        """The instant `duration` of working time after `start` (which may be outside hours).

        A deadline that falls exactly on the end of a working interval is that end, not the start
        of the next interval: 8 hours from 09:00 on a 09:00-17:00 day is 17:00 the same day."""
        amount = duration // US
        if amount <= 0:
            return start if amount == 0 else self.subtract(start, -duration)
        moment = to_us(start)
        span = self._covering(moment, moment)
        years = 0
        # Sums are relative to the span's start: recompute them whenever the span is replaced.
        while (target := self._worked(span, moment) + amount) > span.total:
            years += 1
            span = self._forward(span, years)
        # `before` is strictly increasing: this is the interval in which the target is reached.
        index = bisect_left(span.before, target) - 1
        return from_us(span.starts[index] + target - span.before[index]).astimezone(start.tzinfo)

    def subtract(self, end: dt.datetime, duration: dt.timedelta) -> dt.datetime:
        """The latest instant that lies `duration` of working time before `end`."""
        amount = duration // US
        if amount <= 0:
            return end if amount == 0 else self.add(end, -duration)
        moment = to_us(end)
        span = self._covering(moment, moment)
        years = 0
        while (target := self._worked(span, moment) - amount) < 0:
            years += 1
            if years > MAX_SPAN_YEARS:
                raise NoWorkingTime("no working time in the calendar")
            span = self._covering(span.low - YEAR_US, span.high)
        index = bisect_right(span.before, target) - 1
        return from_us(span.starts[index] + target - span.before[index]).astimezone(end.tzinfo)

    def shift(self, anchor: dt.datetime, offset: dt.timedelta) -> dt.datetime:
        """The earliest instant whose working time from `anchor` is `offset` (negative: before it).

        Unlike `subtract`, which gives the latest such instant, a point half-way through a day
        with a lunch break is when the morning ends, not when the afternoon starts: 50 % of an
        8-hour time started at 09:00 with a 13:00-14:00 break is 13:00."""
        amount = offset // US
        if amount >= 0:
            return self.add(anchor, offset)
        moment = to_us(anchor)
        span = self._covering(moment, moment)
        years = 0
        while (target := self._worked(span, moment) + amount) <= 0:
            years += 1
            if years > MAX_SPAN_YEARS:
                raise NoWorkingTime("no working time in the calendar")
            span = self._covering(span.low - YEAR_US, span.high)
        index = bisect_left(span.before, target) - 1
        return from_us(span.starts[index] + target - span.before[index]).astimezone(anchor.tzinfo)

    def between(self, start: dt.datetime, end: dt.datetime) -> dt.timedelta:
        """Working time from `start` to `end`; negative when `end` is earlier."""
        a, b = to_us(start), to_us(end)
        span = self._covering(min(a, b), max(a, b))
        return dt.timedelta(microseconds=self._worked(span, b) - self._worked(span, a))

    def is_working(self, moment: dt.datetime) -> bool:
        value = to_us(moment)
        span = self._covering(value, value)
        index = bisect_right(span.starts, value) - 1
        return index >= 0 and value < span.ends[index]

    def next_working(self, moment: dt.datetime) -> dt.datetime:
        """`moment` itself when it is working time, else the start of the next working interval."""
        value = to_us(moment)
        span = self._covering(value, value)
        years = 0
        while True:
            index = bisect_right(span.starts, value)
            if index > 0 and value < span.ends[index - 1]:
                return moment
            if index < len(span.starts):
                return from_us(span.starts[index]).astimezone(moment.tzinfo)
            years += 1
            span = self._forward(span, years)

    # --- explanations -----------------------------------------------------------------------------
    def pieces(self, start: dt.datetime, end: dt.datetime) -> Iterator[Piece]:
        """The timeline from `start` to `end`: working stretches and the gaps between them."""
        a, b = to_us(start), to_us(end)
        if b <= a:
            return
        span = self._covering(a, b)
        index = max(bisect_right(span.starts, a) - 1, 0)
        cursor = a
        while cursor < b:
            if index >= len(span.starts) or span.starts[index] >= b:
                yield self._gap(cursor, b)
                return
            if span.ends[index] <= cursor:
                index += 1
                continue
            if span.starts[index] > cursor:
                yield self._gap(cursor, span.starts[index])
                cursor = span.starts[index]
            stop = min(span.ends[index], b)
            yield Piece(from_us(cursor), from_us(stop), True)
            cursor = stop
            index += 1

    def _gap(self, start: int, end: int) -> Piece:
        local_start = from_us(start).astimezone(self.zone)
        local_end = from_us(end).astimezone(self.zone)
        reason, note = "night", ""
        day = local_start.date()
        last = local_end.date()
        while day <= last:
            exception = self.exceptions.get(day)
            if exception is not None and exception.kind in DayKind.OFF:
                return Piece(from_us(start), from_us(end), False, exception.kind, exception.note)
            if not self.week[day.isoweekday()] and exception is None:
                reason = "weekend"
            day += dt.timedelta(days=1)
        if reason != "weekend" and local_start.date() == local_end.date():
            intervals = self.day_intervals(local_start.date())
            seconds = local_start.hour * 3600 + local_start.minute * 60 + local_start.second
            if intervals and intervals[0][0] <= seconds < intervals[-1][1]:
                reason = "break"
        return Piece(from_us(start), from_us(end), False, reason, note)


def _normalise(intervals: Sequence[Sequence[int]]) -> tuple[Interval, ...]:
    """Sorted, merged, clipped to the day; empty and inverted intervals dropped."""
    cleaned = sorted((max(0, int(a)), min(DAY_SECONDS, int(b))) for a, b in intervals if int(b) > int(a))
    merged: list[Interval] = []
    for start, end in cleaned:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)
