"""Celery tasks of escalation: the scheduler tick (beat, every few seconds) and a full resync."""

from __future__ import annotations

import time

from celery import shared_task
from django.conf import settings

from .services import ADOPT_BATCH, BATCH, adopt_pending_tickets, fire_due_escalations, resync


@shared_task(name="escalation.tick", ignore_result=True, acks_late=False)
def tick() -> int:
    """Fire what is due, batch after batch, for at most ESCALATION_TICK_BUDGET seconds; the next
    tick (ESCALATION_TICK_SECONDS later, on this or another worker) takes up the rest."""
    started, fired = time.monotonic(), 0
    # Tickets filed in bulk since the last tick get their tracks first.
    while adopt_pending_tickets() == ADOPT_BATCH and time.monotonic() - started < settings.ESCALATION_TICK_BUDGET:
        pass
    while time.monotonic() - started < settings.ESCALATION_TICK_BUDGET:
        result = fire_due_escalations(limit=BATCH)
        fired += result.fired
        if result.claimed < BATCH:
            break
    return fired


@shared_task(name="escalation.resync", ignore_result=True)
def resync_task() -> int:
    """After a scheme or level changed: recompute the tracks of every open ticket, task, approval."""
    return resync()
