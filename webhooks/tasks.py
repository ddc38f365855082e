"""Celery tasks of webhooks: the kick after a fan-out commits, and beat's sweep of due retries."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="webhooks.deliver", ignore_result=True)
def deliver_webhooks(ids: list[int] | None = None) -> int:
    return services.deliver_due(ids)
