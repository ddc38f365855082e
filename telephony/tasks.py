"""Celery tasks of telephony: thin wrappers taking ids."""

from __future__ import annotations

import logging

from celery import shared_task

from .services.calls import due_call_ids, process_call
from .services.digests import send_digest, send_due_digests

log = logging.getLogger(__name__)


@shared_task(name="telephony.send_digest", ignore_result=True)
def send_digest_task(digest_id: int) -> None:
    send_digest(digest_id)


@shared_task(name="telephony.send_due_digests", ignore_result=True)
def send_due_digests_task() -> int:
    """Scheduled every few seconds: digests whose kick was lost (or that a kick found locked)."""
    return send_due_digests()


@shared_task(name="telephony.process_call", ignore_result=True)
def process_call_task(call_id: int) -> None:
    process_call(call_id)


@shared_task(name="telephony.process_due_calls", ignore_result=True)
def process_due_calls_task() -> int:
    done = 0
    for call_id in due_call_ids():
        try:
            done += process_call(call_id)
        except Exception:  # one broken call must not stop the others; it is due again later
            log.exception("processing of call %s failed", call_id)
    return done
