"""Celery tasks of telephony: thin wrappers taking ids."""

from __future__ import annotations

import logging

from celery import Task, shared_task

from .services.digests import Outcome, send_digest, send_due_digests
from .services.dispatch import due_call_ids, postpone, process_call

log = logging.getLogger(__name__)


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
    try:
        process_call(call_id)
    except Exception:
        postpone(call_id)  # the sweeper tries again later
        raise


@shared_task(name="telephony.process_due_calls", ignore_result=True)
def process_due_calls_task() -> int:
    done = 0
    for call_id in due_call_ids():
        try:
            done += process_call(call_id)
        except Exception:  # one broken call must not stop the others; it is due again later
            log.exception("processing of call %s failed", call_id)
            postpone(call_id)
    return done
