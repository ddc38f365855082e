"""Celery tasks of telephony: thin wrappers taking ids."""

from __future__ import annotations

import logging

from celery import Task, shared_task

from .services.digests import Outcome, send_digest, send_due_digests
from .services.dispatch import due_call_ids, pending_call_ids, postpone, process_call

log = logging.getLogger(__name__)

PENDING_BATCH = 100


@shared_task(name="telephony.send_digest", ignore_result=True, bind=True, max_retries=30)
def send_digest_task(self: Task, digest_id: int) -> None:
    """The kick at the digest's due time. Found locked (a call being added at that instant): again
    in a second. Early (clocks of two machines differ) or out of retries: the sweeper sends it."""
    if send_digest(digest_id) is Outcome.LOCKED:
        raise self.retry(countdown=1)


@shared_task(name="telephony.send_due_digests", ignore_result=True)
def send_due_digests_task() -> int:
    """Scheduled every few seconds: digests whose kick was lost (or that a kick found locked)."""
    return send_due_digests()


@shared_task(name="telephony.process_call", ignore_result=True)
def process_call_task(call_id: int) -> None:
    """One call (kept for kicks queued by an earlier version; the API now sends
    `process_pending_calls`)."""
    try:
        process_call(call_id)
    except Exception:
        postpone(call_id)  # the sweeper tries again later
        raise


def _process_each(call_ids: list[int]) -> int:
    done = 0
    for call_id in call_ids:
        try:
            done += process_call(call_id)
        except Exception:  # one broken call must not stop the others; it is due again later
            log.exception("processing of call %s failed", call_id)
            postpone(call_id)
    return done


@shared_task(name="telephony.process_pending_calls", ignore_result=True)
def process_pending_calls_task() -> int:
    """The API's (coalesced) kick: the calls not yet processed, oldest first, a batch at a time.
    A full batch first kicks the next one, so every worker process takes part in a burst (the
    SKIP LOCKED claim in `process_call` keeps them off each other's calls)."""
    call_ids = pending_call_ids(limit=PENDING_BATCH)
    if len(call_ids) == PENDING_BATCH:
        process_pending_calls_task.delay()
    return _process_each(call_ids)


@shared_task(name="telephony.process_due_calls", ignore_result=True)
def process_due_calls_task() -> int:
    """Scheduled: calls whose kick was lost or whose processing failed."""
    return _process_each(due_call_ids())
