"""The outbox of the channels that talk to an outside service (`channels.DispatchChannel`).

Rows are written in the fan-out's transaction (`enqueue`) and a worker is kicked after commit;
beat (`notifications.dispatch_due`, every minute) retries and finishes what a lost kick left.
A worker claims due rows with SKIP LOCKED and pushes their next try forward by a lease before
sending, so two workers never send one row and a crash mid-send retries it after the lease.
Errors become data: a temporary one backs off (1, 2, 4 … minutes, or what the service asked for),
a permanent one fails the row, a vanished endpoint is dropped and forgotten by its channel.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from servicedesk.dbutil import insert_many

from . import channels
from .channels import ChannelError, DispatchChannel
from .models import Delivery, Dispatch

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
BATCH = 200
MAX_BACKOFF = timedelta(hours=1)


def enqueue(channel: str, endpoints: Sequence[tuple[Delivery | None, str, dict[str, Any]]]) -> list[Dispatch]:
    """Write one pending row per (journal entry, target, payload) in the caller's transaction; kick a
    worker on commit. A released held message has no entry of its own (its HELD one was written)."""
    now = timezone.now()
    rows = insert_many(
        Dispatch,
        [
            Dispatch(delivery=entry, channel=channel, target=target, payload=payload, next_attempt_at=now)
            for entry, target, payload in endpoints
        ],
    )
    if rows:
        schedule([row.pk for row in rows])
    return rows


def schedule(ids: list[int]) -> None:
    from .tasks import dispatch_task

    transaction.on_commit(lambda: dispatch_task.delay(ids))


def claim(ids: Sequence[int] | None = None, limit: int | None = None) -> list[Dispatch]:
    """Due pending rows (only `ids` if given), at most `limit` (BATCH), leased to this worker."""
    now = timezone.now()
    with transaction.atomic():
        due = Dispatch.objects.select_for_update(skip_locked=True).filter(
            status=Dispatch.Status.PENDING, next_attempt_at__lte=now
        )
        if ids is not None:
            due = due.filter(pk__in=list(ids))
        rows = list(due.order_by("next_attempt_at", "pk")[: limit or BATCH])
        if rows:
            Dispatch.objects.filter(pk__in=[row.pk for row in rows]).update(next_attempt_at=now + LEASE)
    return rows


def _backoff(channel: DispatchChannel, row: Dispatch, error: ChannelError) -> dict[str, Any]:
    attempts = row.attempts + (1 if error.counts else 0)
    fields: dict[str, Any] = {"attempts": attempts, "last_error": str(error)[:2000]}
    if error.gone:
        channel.forget(row)
        return {**fields, "status": Dispatch.Status.DROPPED, "next_attempt_at": None}
    if error.permanent or attempts >= channel.max_attempts:
        return {**fields, "status": Dispatch.Status.FAILED, "next_attempt_at": None}
    wait = timedelta(seconds=error.retry_after) if error.retry_after else timedelta(minutes=2 ** (attempts - 1))
    return {**fields, "next_attempt_at": timezone.now() + min(wait, MAX_BACKOFF)}


def _record(channel: DispatchChannel, rows: Sequence[Dispatch], results: Sequence[ChannelError | None]) -> None:
    now = timezone.now()
    sent = [row.pk for row, error in zip(rows, results, strict=True) if error is None]
    if sent:
        Dispatch.objects.filter(pk__in=sent).update(
            status=Dispatch.Status.SENT, sent_at=now, next_attempt_at=None, last_error=""
        )
    for row, error in zip(rows, results, strict=True):
        if error is not None:
            log.info("%s message %s not delivered: %s", row.channel, row.pk, error)
            Dispatch.objects.filter(pk=row.pk).update(**_backoff(channel, row, error))


def deliver_due(ids: Sequence[int] | None = None) -> int:
    """Send what is due (only `ids` if given); returns how many rows were attempted."""
    rows = claim(ids)
    by_channel: dict[str, list[Dispatch]] = defaultdict(list)
    for row in rows:
        by_channel[row.channel].append(row)
    for code, group in by_channel.items():
        try:
            channel = channels.get(code)
        except KeyError:
            Dispatch.objects.filter(pk__in=[row.pk for row in group]).update(
                status=Dispatch.Status.FAILED, last_error=f"unknown channel {code!r}", next_attempt_at=None
            )
            continue
        assert isinstance(channel, DispatchChannel)
        _record(channel, group, channel.send_many(group))
    return len(rows)
