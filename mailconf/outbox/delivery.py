"""Delivering the outbox: claim due rows, send them over one connection, record every recipient.

Claiming marks rows SENDING with a lease; a worker killed mid-batch leaves them SENDING, and they are
due again when the lease passes. Outcomes are written in small groups (`MAIL_STATUS_GROUP_ROWS`
messages or `MAIL_STATUS_GROUP_SECONDS`, whichever comes first): one statement per group instead of
one round trip per message, which was as long as the SMTP transaction itself. The price is bounded:
a killed worker's server-accepted but unwritten messages are sent again when its lease passes — at
most one group, never a loss. `MAIL_STATUS_GROUP_ROWS=1` writes each outcome before the next send.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mailconf.connections import clear_alert, open_transport, raise_alert, record_result
from mailconf.models import OutboxMessage, OutboxStatus, OutgoingConnection, RecipientStatus
from mailconf.protocols.errors import TransportError
from mailconf.protocols.outgoing import Envelope, OutgoingTransport, SendResult

from .compose import build_raw

log = logging.getLogger(__name__)


@dataclass
class DeliveryStats:
    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def add(self, other: DeliveryStats) -> None:
        self.sent += other.sent
        self.retrying += other.retrying
        self.failed += other.failed

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def _due(now: datetime) -> Q:
    return Q(status=OutboxStatus.QUEUED, next_attempt_at__lte=now) | Q(status=OutboxStatus.SENDING, lease_until__lt=now)


def claim_due(limit: int, ids: Sequence[int] | None = None, as_of: datetime | None = None) -> list[OutboxMessage]:
    """Mark up to `limit` rows due at `as_of` SENDING under a fresh lease and return them, oldest first."""
    now = timezone.now()
    as_of = as_of or now
    lease = now + timedelta(seconds=settings.MAIL_LEASE_SECONDS)
    due = OutboxMessage.objects.filter(_due(as_of))
    if ids is not None:
        due = due.filter(pk__in=list(ids))
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        # Without SKIP LOCKED (SQLite) the conditional UPDATE below is the claim: writers are serialised.
        picked = list(due.order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit])
        if not picked:
            return []
        OutboxMessage.objects.filter(_due(as_of), pk__in=picked).update(
            status=OutboxStatus.SENDING, lease_until=lease, last_attempt_at=now
        )
    claimed = OutboxMessage.objects.filter(pk__in=picked, status=OutboxStatus.SENDING, lease_until=lease)
    # The body fields are needed only to build a message that has no raw bytes yet (loaded lazily then).
    return list(claimed.defer("text", "html").order_by("id"))


def deliver_due(
    *, ids: Sequence[int] | None = None, batch_size: int | None = None, max_batches: int = 1000
) -> DeliveryStats:
    """Deliver everything due now (or only `ids`), batch after batch, then return the counts."""
    total = DeliveryStats()
    conn = OutgoingConnection.load()
    if not conn.enabled:
        return total
    size = batch_size or settings.MAIL_BATCH_SIZE
    # Due as of the start: a row that failed in this run is rescheduled later and waits for the next.
    as_of = timezone.now()
    with _relaxed_commits():
        for _batch in range(max_batches):
            rows = claim_due(size, ids, as_of)
            if not rows:
                break
            total.add(deliver_batch(rows, OutgoingConnection.load()))
    return total


@contextmanager
def _relaxed_commits() -> Iterator[None]:
    """PostgreSQL: don't wait for the WAL flush on each per-message status update.

    A worker crash loses nothing (the commit is already in the server). Only a crash of the
    database server itself could forget the last fraction of a second of "sent" marks, and those
    messages would be sent again: a duplicate, never a loss. Waiting for the disk instead costs a
    flush per message and caps delivery at the disk's sync rate.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def deliver_batch(rows: list[OutboxMessage], conn: OutgoingConnection) -> DeliveryStats:
    """Send claimed `rows` over one connection; every row leaves SENDING, whatever happens."""
    stats = DeliveryStats()
    writes = StatusWrites()
    try:
        _deliver_rows(rows, conn, stats, writes)
    finally:
        # Whatever happened (an exception included), the outcomes gathered so far are written.
        writes.flush()
    return stats


def _deliver_rows(
    rows: list[OutboxMessage], conn: OutgoingConnection, stats: DeliveryStats, writes: StatusWrites
) -> None:
    missing = conn.missing_send_parameters()
    if missing:
        error = TransportError(_("Sending is refused until the send parameters are set: %s") % ", ".join(missing))
        for row in rows:
            _finish(row, stats, writes, error)
        return
    try:
        transport = _opened(conn)
    except TransportError as exc:
        for row in rows:
            _finish(row, stats, writes, exc)
        return
    try:
        _send_rows(rows, conn, transport, stats, writes)
    finally:
        transport.close()


def _opened(conn: OutgoingConnection) -> OutgoingTransport[Any]:
    try:
        transport = open_transport(conn)
        transport.open()
    except TransportError as exc:
        log.warning("outgoing mail connection failed: %s", exc.message)
        record_result(conn, exc)
        raise
    record_result(conn, None)
    return transport


def _send_rows(
    rows: list[OutboxMessage],
    conn: OutgoingConnection,
    transport: OutgoingTransport[Any],
    stats: DeliveryStats,
    writes: StatusWrites,
) -> None:
    for index, row in enumerate(rows):
        error: TransportError | None = None
        result = SendResult()
        built = False
        try:
            if not row.raw:
                row.raw = build_raw(row, conn)
                built = True
            envelope = Envelope(conn.from_address, row.addresses(RecipientStatus.PENDING), bytes(row.raw))
            result = transport.send(envelope)
        except TransportError as exc:
            error = exc
        except Exception as exc:  # one unbuildable message must not stop the batch; it is kept and logged
            log.exception("outbox message %s could not be sent", row.pk)
            error = TransportError(f"{type(exc).__name__}: {exc}")
        _finish(row, stats, writes, error, result, built=built)
        if error is not None and not error.permanent:
            # The connection may be dead: one fresh connection for the rest, or they all wait.
            transport.close()
            writes.flush()  # reconnecting can take a timeout's length: what was sent is written first
            try:
                transport = _opened(conn)
            except TransportError as exc:
                for rest in rows[index + 1 :]:
                    _finish(rest, stats, writes, exc)
                return


def _finish(
    row: OutboxMessage,
    stats: DeliveryStats,
    writes: StatusWrites,
    error: TransportError | None,
    result: SendResult | None = None,
    *,
    built: bool = False,
) -> None:
    """Apply one attempt's outcome to `row` and hand it to `writes` (written only if our lease still
    holds); `built`: the row's bytes were built in this attempt and are stored with it."""
    now = timezone.now()
    _apply(row, error, result or SendResult())
    pending = row.addresses(RecipientStatus.PENDING)
    delivered = row.addresses(RecipientStatus.SENT)
    row.attempts += 1
    row.last_error = (error.message if error else _recipient_errors(row))[:2000]
    row.last_error_reason = error.reason if error else ""
    if pending and (row.give_up_at is None or now < row.give_up_at):
        row.status = OutboxStatus.QUEUED
        row.next_attempt_at = _next_attempt(row, now)
        stats.retrying += 1
    else:
        for addr in pending:
            row.recipients[addr].update(status=RecipientStatus.FAILED)
        row.status = _final_status(row, bool(delivered))
        row.next_attempt_at = None
        if delivered:
            row.sent_at = now
        stats.sent += row.status == OutboxStatus.SENT
        stats.failed += row.status != OutboxStatus.SENT
    writes.add(row, built=built)


_OUTCOME_COLUMNS = (
    "status",
    "recipients",
    "attempts",
    "last_error",
    "last_error_reason",
    "next_attempt_at",
    "sent_at",
    "lease_until",
)


class StatusWrites:
    """Attempt outcomes waiting to be written, flushed as one group (see the module docstring)."""

    def __init__(self) -> None:
        self.max_rows = max(1, int(settings.MAIL_STATUS_GROUP_ROWS))
        self.max_seconds = float(settings.MAIL_STATUS_GROUP_SECONDS)
        self._plain: list[list[Any]] = []
        self._with_raw: list[list[Any]] = []
        self._since = 0.0

    def add(self, row: OutboxMessage, *, built: bool) -> None:
        ops = connection.ops
        values: list[Any] = [
            row.status,
            json.dumps(row.recipients),
            row.attempts,
            row.last_error,
            row.last_error_reason,
            ops.adapt_datetimefield_value(row.next_attempt_at),
            ops.adapt_datetimefield_value(row.sent_at),
            None,
        ]
        if built and row.raw:
            values.append(bytes(row.raw))
        values += [row.pk, ops.adapt_datetimefield_value(row.lease_until)]
        if not self._plain and not self._with_raw:
            self._since = time.monotonic()
        (self._with_raw if built and row.raw else self._plain).append(values)
        if (
            len(self._plain) + len(self._with_raw) >= self.max_rows
            or time.monotonic() - self._since >= self.max_seconds
        ):
            self.flush()

    def flush(self) -> None:
        """Write every gathered outcome in one transaction: an UPDATE per row guarded by our lease,
        sent together (psycopg pipelines `executemany`). Plain SQL: this is the delivery hot path."""
        groups = [(_OUTCOME_COLUMNS, self._plain), ((*_OUTCOME_COLUMNS, "raw"), self._with_raw)]
        if not self._plain and not self._with_raw:
            return
        self._plain, self._with_raw = [], []
        ops = connection.ops
        table = ops.quote_name(OutboxMessage._meta.db_table)
        with transaction.atomic(), connection.cursor() as cursor:
            for columns, params in groups:
                if params:
                    assignments = ", ".join(f"{ops.quote_name(c)} = %s" for c in columns)
                    sql = f"UPDATE {table} SET {assignments} WHERE id = %s AND lease_until = %s"
                    cursor.executemany(sql, params)


def _apply(row: OutboxMessage, error: TransportError | None, result: SendResult) -> None:
    recipients = row.recipients
    for addr in result.accepted:
        if addr in recipients:
            recipients[addr].update(status=RecipientStatus.SENT, error="")
    failures = dict(result.refused)
    if error is not None:
        failures.update(error.recipients)
    for addr, failure in failures.items():
        if addr in recipients:
            status = RecipientStatus.FAILED if failure.permanent else RecipientStatus.PENDING
            recipients[addr].update(status=status, error=failure.message)
    if error is not None and not error.recipients:
        # A failure of the whole message: it applies to every recipient still waiting.
        for addr in row.addresses(RecipientStatus.PENDING):
            status = RecipientStatus.FAILED if error.permanent else RecipientStatus.PENDING
            recipients[addr].update(status=status, error=error.message)


def _recipient_errors(row: OutboxMessage) -> str:
    return "; ".join(
        f"{addr}: {info['error']}"
        for addr, info in row.recipients.items()
        if info["status"] in (RecipientStatus.FAILED, RecipientStatus.PENDING) and info.get("error")
    )


def _final_status(row: OutboxMessage, delivered: bool) -> str:
    failed = row.addresses(RecipientStatus.FAILED)
    if delivered:
        return OutboxStatus.PARTIAL if failed else OutboxStatus.SENT
    return OutboxStatus.FAILED


def _next_attempt(row: OutboxMessage, now: datetime) -> datetime:
    base = float(settings.MAIL_RETRY_BASE_SECONDS)
    delay = min(base * 2 ** max(row.attempts - 1, 0), float(settings.MAIL_RETRY_MAX_SECONDS))
    when = now + timedelta(seconds=delay)
    return min(when, row.give_up_at) if row.give_up_at else when


def outbox_summary() -> dict[str, int]:
    """Rows per status, for the card and the flush command."""
    return dict(OutboxMessage.objects.values_list("status").annotate(n=Count("id")).values_list("status", "n"))


def check_outbox_stuck() -> bool:
    """Raise the "stuck" alert when mail has waited longer than MAIL_STUCK_ALERT_MINUTES; True if stuck."""
    limit = timezone.now() - timedelta(minutes=settings.MAIL_STUCK_ALERT_MINUTES)
    waiting = OutboxMessage.objects.filter(Q(status="queued") | Q(status="sending"), created_at__lt=limit)
    summary = waiting.aggregate(oldest=Min("created_at"))
    conn = OutgoingConnection.load()
    if summary["oldest"] is None:
        clear_alert(conn, "stuck")
        return False
    raise_alert(conn, "stuck", count=waiting.count(), oldest=summary["oldest"], detail="outbox stuck")
    return True


def prune_sent(now: datetime | None = None) -> int:
    """Delete sent and skipped messages older than the retention period; returns how many."""
    limit = (now or timezone.now()) - timedelta(days=settings.MAIL_OUTBOX_RETENTION_DAYS)
    old = OutboxMessage.objects.filter(
        Q(status__in=(OutboxStatus.SENT, OutboxStatus.SKIPPED, OutboxStatus.CANCELLED)),
        Q(sent_at__lt=limit) | Q(sent_at__isnull=True, created_at__lt=limit),
    )
    deleted, _detail = old.delete()
    return deleted
