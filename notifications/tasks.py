"""Celery tasks of notifications: thin wrappers around the fan-out service."""

from __future__ import annotations

import logging
import time

from celery import shared_task
from django.conf import settings

from . import quiet
from .fanout import due_occurrence_ids, fan_out, postpone

log = logging.getLogger(__name__)


@shared_task(name="notifications.fan_out", ignore_result=True)
def fan_out_task(occurrence_id: int) -> None:
    try:
        fan_out(occurrence_id)
    except Exception:
        postpone(occurrence_id)  # the sweeper tries again later
        raise


@shared_task(name="notifications.fan_out_many", ignore_result=True)
def fan_out_many_task(occurrence_ids: list[int]) -> None:
    """The occurrences of one commit (e.g. a batch of incoming mail), in order. A failing one
    backs off for the sweeper and the others still go out."""
    for occurrence_id in occurrence_ids:
        try:
            fan_out(occurrence_id)
        except Exception:
            log.exception("fan-out of occurrence %s failed", occurrence_id)
            postpone(occurrence_id)


@shared_task(name="notifications.fan_out_due", ignore_result=True)
def fan_out_due() -> int:
    """Scheduled every SWEEP_SECONDS: occurrences whose kick was lost or whose fan-out failed,
    batch after batch until none is due or the sweep's time is up. Returns how many ran."""
    done = 0
    deadline = time.monotonic() + max(1.0, float(settings.SWEEP_SECONDS) * 0.8)
    while time.monotonic() < deadline:
        claimed = due_occurrence_ids()
        for occurrence_id in claimed:
            try:
                fan_out(occurrence_id)
                done += 1
            except Exception:  # one bad occurrence must not stop the others; it backs off
                log.exception("fan-out of occurrence %s failed", occurrence_id)
                postpone(occurrence_id)
        if not claimed:
            break
    return done


@shared_task(name="notifications.dispatch", ignore_result=True)
def dispatch_task(ids: list[int]) -> int:
    """The rows of one fan-out, kicked after its commit (Web Push, Telegram), batch after
    batch until none of them is due (a failed row waits for its next try, so this ends)."""
    from .dispatch import deliver_due

    done = total = deliver_due(ids)
    while done:
        done = deliver_due(ids)
        total += done
    return total


@shared_task(name="notifications.dispatch_due", ignore_result=True)
def dispatch_due_task() -> int:
    """Scheduled every minute: retries and rows whose kick was lost."""
    from .dispatch import deliver_due

    done = total = deliver_due()
    while done:  # a backlog bigger than one batch is drained in this run
        done = deliver_due()
        total += done
    return total


@shared_task(name="notifications.release_held", ignore_result=True)
def release_held() -> int:
    """Scheduled every minute: held notifications whose time has come, folded per recipient."""
    released = quiet.release_due()
    quiet.prune_released()
    return released
