"""Celery tasks of webhooks: the kick after a fan-out commits, and beat's sweep of due retries."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="webhooks.deliver", ignore_result=True)
def deliver_webhooks(ids: list[int] | None = None) -> int:
    """With ids: the kick after a fan-out; without: beat's sweep, which also prunes the log."""
    done = services.deliver_due(ids)
    if ids is None:
        services.prune()
    return done
