"""Celery tasks of the core: thin wrappers that call one service function."""

from __future__ import annotations

from celery import shared_task

from .services.heartbeat import WORKER, record_heartbeat


@shared_task(name="servicedesk.heartbeat", ignore_result=True, acks_late=False)
def heartbeat() -> None:
    """Scheduled by beat; running it proves a worker consumes the queue."""
    record_heartbeat(WORKER)
