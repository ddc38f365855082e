"""Polling one incoming connection: lease, list, fetch, record, act, commit, and only then acknowledge.

Exactly once rests on two facts. The ledger row (UNIQUE connection + server identity) is written
in the same transaction as the ticket or comment, so a crash before commit leaves nothing behind
and the message still on the server. The server-side move/delete happens after commit, so a crash
between the two leaves a done row whose message is still listed; the next poll sees the row and
only acknowledges. A message re-listed under a new identity (IMAP UIDVALIDITY change, a copy
delivered twice) is caught by the second key, the Message-ID, and counted as a duplicate.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from dataclasses import asdict, dataclass
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from ..models import IncomingConnection, MailResult, ProcessedMessage
from ..protocols.errors import TransportError
from ..protocols.incoming import IncomingMailbox, RemoteMessage, folder_label
from .intake import max_message_bytes, process_raw
from .mailboxes import notify, open_connection, record_result
from .maillog import Outcome, apply_outcome, mark_acknowledged, store_raw

log = logging.getLogger(__name__)

DEFAULT_LEASE_SECONDS = 300
DEFAULT_BATCH = 1000
DEFAULT_COMMIT_EVERY = 25


@dataclass
class PollCounts:
    """What one poll did; `mail_fetch` prints these as JSON."""

    fetched: int = 0
    tickets: int = 0
    comments: int = 0
    ignored: int = 0
    failed: int = 0
    duplicates: int = 0
    acknowledged: int = 0
    more: bool = False  # the batch limit stopped the poll with mail left on the server
    error: str = ""

    def add(self, other: PollCounts) -> None:
        for name in ("fetched", "tickets", "comments", "ignored", "failed", "duplicates", "acknowledged"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.error = self.error or other.error

    def count(self, result: str) -> None:
        attribute = {
            MailResult.TICKET: "tickets", MailResult.COMMENT: "comments", MailResult.IGNORED: "ignored",
            MailResult.DUPLICATE: "duplicates", MailResult.ERROR: "failed",
        }[MailResult(result)]
        setattr(self, attribute, getattr(self, attribute) + 1)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class LeaseLost(Exception):
    """Another worker took the connection over (our lease expired); stop without acknowledging more."""


def lease_seconds() -> int:
    return int(getattr(settings, "MAIL_INCOMING_LEASE_SECONDS", DEFAULT_LEASE_SECONDS))


def worker_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}:{uuid.uuid4().hex[:8]}"[:100]


def claim(connection_id: int, owner: str) -> bool:
    """Take the connection's lease with a conditional UPDATE; False when another worker holds it."""
    now = timezone.now()
    return bool(
        IncomingConnection.objects.filter(pk=connection_id)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .update(locked_until=now + timedelta(seconds=lease_seconds()), locked_by=owner)
    )


def renew(connection_id: int, owner: str) -> None:
    now = timezone.now()
    renewed = IncomingConnection.objects.filter(pk=connection_id, locked_by=owner).update(
        locked_until=now + timedelta(seconds=lease_seconds())
    )
    if not renewed:
        raise LeaseLost(f"lease on incoming connection {connection_id} lost")


def release(connection_id: int, owner: str, *, next_poll_in: float) -> None:
    IncomingConnection.objects.filter(pk=connection_id, locked_by=owner).update(
        locked_until=None, locked_by="", next_poll_at=timezone.now() + timedelta(seconds=next_poll_in)
    )


def poll_connection(connection_id: int, *, batch: int | None = None) -> PollCounts | None:
    """Process what waits in the connection's folders; None when another worker is polling it.

    Transport failures become the connection's status (and, repeated, an alert), never an
    exception: a scheduler calling this in a loop must survive a mail server being down.
    """
    owner = worker_identity()
    if not claim(connection_id, owner):
        return None
    conn = IncomingConnection.objects.get(pk=connection_id)
    counts = PollCounts()
    limit = batch or int(getattr(settings, "MAIL_INCOMING_BATCH", DEFAULT_BATCH))
    next_poll_in: float = conn.interval
    try:
        with open_connection(conn) as box:
            more = _poll_folders(conn, box, counts, owner, limit)
        record_result(conn, None)
        if more:
            counts.more = True
            next_poll_in = 0
    except TransportError as exc:
        log.warning("polling %s failed: %s", conn.name, exc.message)
        counts.error = exc.message
        record_result(conn, exc)
    except (LeaseLost, IntegrityError) as exc:
        # Another worker took the connection over; what we did not commit it will do.
        log.warning("polling %s stopped: %s", conn.name, exc)
        counts.error = str(exc)
    finally:
        release(connection_id, owner, next_poll_in=next_poll_in)
    return counts


def commit_every() -> int:
    return max(1, int(getattr(settings, "MAIL_INCOMING_COMMIT_EVERY", DEFAULT_COMMIT_EVERY)))


def _poll_folders(
    conn: IncomingConnection, box: IncomingMailbox, counts: PollCounts, owner: str, limit: int
) -> bool:
    """Walk every folder in chunks; True when the batch limit stopped us (mail may be left)."""
    handled = 0
    step = commit_every()
    for folder in box.config.folder_paths():
        listed = box.list_messages(folder)
        while listed:
            if handled >= limit:
                return True
            size = min(step, limit - handled)
            chunk, listed = listed[:size], listed[size:]
            process_chunk(conn, box, chunk, counts)
            handled += len(chunk)
            renew(conn.pk, owner)
    return False


def process_chunk(conn: IncomingConnection, box: IncomingMailbox, chunk: list[RemoteMessage],
                  counts: PollCounts) -> None:
    """Record and act on a few messages in one transaction, then acknowledge them after it commits.

    One commit per chunk rather than per message saves a disk flush per message; the guarantee
    is unchanged because nothing is acknowledged before the commit. Each message still runs in
    its own savepoint, so one failure costs only that message.
    """
    known = {
        entry.server_id: entry
        for entry in ProcessedMessage.objects.filter(connection=conn, server_id__in=[m.server_id for m in chunk])
    }
    listed: list[tuple[RemoteMessage, ProcessedMessage]] = []
    new: list[ProcessedMessage] = []
    with transaction.atomic():
        for msg in chunk:
            entry = known.get(msg.server_id)
            if entry is None or entry.result == MailResult.PENDING:
                entry = _record_new(conn, box, msg, counts)
                new.append(entry)
            listed.append((msg, entry))
    for entry in new:
        counts.count(entry.result)
        if entry.result == MailResult.ERROR:
            _notify_unprocessable(conn, entry)
    acknowledged = [entry.pk for msg, entry in listed if _acknowledge(box, msg, entry)]
    mark_acknowledged(acknowledged)
    counts.acknowledged += len(acknowledged)


def _record_new(
    conn: IncomingConnection, box: IncomingMailbox, msg: RemoteMessage, counts: PollCounts
) -> ProcessedMessage:
    limit = max_message_bytes()
    if msg.size is not None and msg.size > limit:
        return _record_without_body(conn, msg, f"the message is {msg.size} bytes, over the {limit} byte limit")
    try:
        raw = box.fetch(msg, max_bytes=limit)
    except TransportError as exc:
        if not exc.permanent:
            raise
        # The server refused this one message for good (too big once measured, gone, unreadable).
        return _record_without_body(conn, msg, exc.message)
    counts.fetched += 1
    entry = ProcessedMessage(
        connection=conn, connection_name=conn.name, server_id=msg.server_id, folder=folder_label(msg.folder),
        size=len(raw), raw=store_raw(raw), attempts=1,
    )
    # The row is inserted after intake so it is written once; its UNIQUE key still guards the
    # whole transaction: if another worker recorded the message meanwhile (only possible once our
    # lease expired) the insert fails and the chunk, tickets included, is rolled back.
    apply_outcome(entry, process_raw(conn, entry, raw))
    return entry


def _record_without_body(conn: IncomingConnection, msg: RemoteMessage, reason: str) -> ProcessedMessage:
    with transaction.atomic():
        entry, _created = ProcessedMessage.objects.get_or_create(
            connection=conn, server_id=msg.server_id,
            defaults={"connection_name": conn.name, "folder": folder_label(msg.folder), "size": msg.size},
        )
        entry.attempts += 1
        apply_outcome(entry, Outcome(MailResult.ERROR, reason))
    return entry


def _acknowledge(box: IncomingMailbox, msg: RemoteMessage, entry: ProcessedMessage) -> bool:
    """Move/delete after commit. Failed mail moves only to an error folder; otherwise it stays put
    (and is skipped on later polls by its ledger row) so nothing unprocessed is ever deleted."""
    if entry.result == MailResult.ERROR:
        if not (box.supports_folders and box.config.error_folder):
            return False
        box.acknowledge(msg, outcome="error")
    else:
        box.acknowledge(msg, outcome="processed")
    return True


def _notify_unprocessable(conn: IncomingConnection, entry: ProcessedMessage) -> None:
    notify("mail.unprocessable", {
        "MAIL_CONNECTION": conn.name, "MAIL_FROM": entry.sender, "MAIL_SUBJECT": entry.subject,
        "MAIL_ERROR": entry.reason,
    })


def due_connections(only: list[int] | None = None) -> list[int]:
    """Claim the connections whose poll is due by pushing `next_poll_at` forward, so beat ticking
    every few seconds enqueues each one once per interval even while a poll waits in the queue."""
    now = timezone.now()
    due = IncomingConnection.objects.filter(enabled=True).filter(
        Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now)
    ).filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
    if only is not None:
        due = due.filter(pk__in=only)
    claimed: list[int] = []
    for pk, interval in due.values_list("pk", "interval"):
        pushed = IncomingConnection.objects.filter(pk=pk).filter(
            Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now)
        ).update(next_poll_at=now + timedelta(seconds=max(interval, 1)))
        if pushed:
            claimed.append(pk)
    return claimed


def poll_all(names: list[str] | None = None) -> PollCounts:
    """Poll every enabled connection (or the named ones) once, in this process."""
    rows = IncomingConnection.objects.all()
    rows = rows.filter(name__in=names) if names else rows.filter(enabled=True)
    total = PollCounts()
    for pk in rows.values_list("pk", flat=True):
        counts = poll_connection(pk)
        if counts is not None:
            total.add(counts)
    return total
