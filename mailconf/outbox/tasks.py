"""Celery tasks of the outbox: thin wrappers around one service function each, and the kick."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from celery import shared_task

from servicedesk.kicks import kick_on_commit

from .delivery import check_outbox_stuck, deliver_due, prune_sent

log = logging.getLogger(__name__)


@shared_task(name="mailconf.deliver_outbox", ignore_result=True, acks_late=False)
def deliver_outbox(ids: list[int] | None = None) -> dict[str, int]:
    """A kick (`ids`: the rows it was sent for) or beat's sweep (None): deliver everything due.

    A kick takes the other due rows too: they are due anyway, and one worker sending a burst over
    one connection in batches beats one task per kick (kicks come in at most every
    KICK_DEBOUNCE_SECONDS; other workers' kicks claim other batches with SKIP LOCKED meanwhile).
    Only beat's sweep looks for a stuck outbox."""
    stats = deliver_due()
    if ids is None:
        check_outbox_stuck()
    return stats.as_dict()


@shared_task(name="mailconf.prune_outbox", ignore_result=True)
def prune_outbox() -> int:
    """Daily: delete sent rows older than the retention period."""
    deleted = prune_sent()
    log.info("outbox pruned: %d rows", deleted)
    return deleted


def schedule_delivery(ids: Sequence[int]) -> None:
    """Ask a worker to deliver `ids` once the current transaction commits: a kick, coalesced with
    the others of the moment and never raising (beat's sweep delivers what a lost kick leaves)."""
    kick_on_commit(deliver_outbox, ids)
