"""Garbage-collector thresholds for our processes (web, workers, management commands).

Start-up leaves about a million long-lived objects (Django, the apps' models, admin, Celery).
With CPython's default first-generation threshold of 700 allocations the collector runs
thousands of times during start-up and during a big intake batch (every model instance and
parsed message is an allocation), and each older-generation pass walks all of those objects
again: measured, 5-10 % of a 2,000-message `mail_fetch` and 70 ms of start-up. Collections stay
on (reference cycles are still freed), only less often.
"""

from __future__ import annotations

import gc

FIRST_GENERATION = 20_000
OLDER_GENERATIONS = 20


def tune() -> None:
    gc.set_threshold(FIRST_GENERATION, OLDER_GENERATIONS, OLDER_GENERATIONS)
