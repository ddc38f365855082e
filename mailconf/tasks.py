"""The mail app's Celery tasks, for autodiscovery (`<app>.tasks`); each lives with its subpackage."""

from __future__ import annotations

from celery import shared_task

from . import canary
from .inbound.tasks import poll_connection, poll_due_connections
from .outbox.tasks import deliver_outbox, prune_outbox


@shared_task(name="mailconf.canary_tick", ignore_result=True)
def canary_tick() -> None:
    """Scheduled by beat every minute: send due canary probes and judge the ones still out."""
    canary.tick()


__all__ = ["canary_tick", "deliver_outbox", "poll_connection", "poll_due_connections", "prune_outbox"]
