"""Celery tasks of the mail app: thin wrappers around one service function each."""

from __future__ import annotations

import logging

from celery import shared_task

log = logging.getLogger(__name__)


@shared_task(name="mailconf.deliver_outbox", ignore_result=True, acks_late=False)
def deliver_outbox(ids: list[int] | None = None) -> dict[str, int]:
    """Deliver the given outbox rows, or (from beat) everything due; then look for a stuck outbox."""
    from .services.alerts import check_outbox_stuck
    from .services.delivery import deliver_due

    stats = deliver_due(ids=ids)
    if ids is None:
        check_outbox_stuck()
    return stats.as_dict()


@shared_task(name="mailconf.prune_outbox", ignore_result=True)
def prune_outbox() -> int:
    """Daily: delete sent rows older than the retention period."""
    from .services.outbox import prune_sent

    deleted = prune_sent()
    log.info("outbox pruned: %d rows", deleted)
    return deleted


# Incoming mail tasks live in their own module; importing it registers them for autodiscovery.
from . import tasks_incoming  # noqa: E402,F401
