"""How many SLA deadlines the working-time engine computes per second, on one core.

Run from the checkout:  .venv/bin/python bench/worktime.py [--count 200000]

No database: the Russian production calendar of 2026-2027 (shipped data) on an 8×5 schedule with a
lunch break, compiled once, as every process caches it. Random registration instants over two
years and random SLA times from 15 minutes to 5 days (a day being 24 working hours) are drawn
first; then it times `add` (a deadline), `between` (working time spent) and `shift` (an
escalation level's moment), and a mix of 24×7 and DST-zone calendars. The last line is JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from servicedesk.worktime.engine import DayException, WorkingTime  # noqa: E402
from servicedesk.worktime.russia import shipped_days  # noqa: E402

H = 3600
TARGET_PER_SECOND = 50_000


def russian_office() -> WorkingTime:
    days = {**shipped_days(2026), **shipped_days(2027)}
    exceptions = {day: DayException(kind, like, short, note) for day, (kind, note, like, short) in days.items()}
    week = {day: [(9 * H, 13 * H), (14 * H, 18 * H)] for day in range(1, 6)}
    return WorkingTime(zone="Europe/Moscow", week=week, exceptions=exceptions)


def timed(label: str, count: int, call) -> float:
    started = time.perf_counter()
    call()
    seconds = time.perf_counter() - started
    rate = count / seconds
    print(f"{label:<48} {count:>9,} in {seconds * 1000:8.1f} ms  = {rate:>12,.0f} /s")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=200_000)
    args = parser.parse_args()
    rng = random.Random(42)
    first = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    starts = [first + dt.timedelta(seconds=rng.randrange(0, 2 * 365 * 86400)) for _ in range(args.count)]
    durations = [dt.timedelta(minutes=rng.randrange(15, 5 * 24 * 60)) for _ in range(args.count)]
    office = russian_office()
    office.add(starts[0], durations[0])  # compile the span once, as a warm process has
    deadlines: list[dt.datetime] = []

    def adds() -> None:
        deadlines.extend(office.add(s, d) for s, d in zip(starts, durations, strict=True))

    rates = {"add": timed("deadline = add(start, time), 8×5 + RU calendar", args.count, adds)}
    rates["between"] = timed(
        "spent = between(start, end)",
        args.count,
        lambda: [office.between(s, e) for s, e in zip(starts, deadlines, strict=True)],
    )
    rates["shift"] = timed(
        "escalation level = shift(deadline, -25 %)",
        args.count,
        lambda: [office.shift(e, -d / 4) for e, d in zip(deadlines, durations, strict=True)],
    )
    berlin = WorkingTime(zone="Europe/Berlin", week={d: [(8 * H, 17 * H)] for d in range(1, 6)})
    around = WorkingTime(zone="Europe/Moscow", week={}, around_the_clock=True)
    berlin.add(starts[0], durations[0])
    around.add(starts[0], durations[0])
    rates["mixed"] = timed(
        "add on 24×7 / DST-zone calendars, alternating",
        args.count,
        lambda: [
            (berlin if i % 2 else around).add(s, d) for i, (s, d) in enumerate(zip(starts, durations, strict=True))
        ],
    )
    slowest = min(rates.values())
    print(f"target: >= {TARGET_PER_SECOND:,} deadlines/s on one core; slowest operation {slowest:,.0f}/s")
    print(json.dumps({f"{name}_per_s": round(rate) for name, rate in rates.items()} | {"count": args.count}))


if __name__ == "__main__":
    main()
