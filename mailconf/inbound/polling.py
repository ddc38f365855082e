"""Polling one incoming connection: lease, list, fetch, record, act, commit, and only then acknowledge.

Exactly once rests on two facts. The ledger row (UNIQUE connection + server identity) is written
in the same transaction as the ticket or comment, so a crash before commit leaves nothing behind
and the message still on the server. The server-side move/delete happens after commit, so a crash
between the two leaves a done row whose message is still listed; the next poll sees the row and
only acknowledges. A message re-listed under a new identity (IMAP UIDVALIDITY change, a copy
delivered twice) is caught by the second key, the Message-ID, and counted as a duplicate when its
content matches too (a reused Message-ID on a different mail is imported: see dedupe.py).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from mailconf.connections import open_mailbox, record_result
from mailconf.connections.explain import failure_text
from mailconf.models import IncomingConnection, MailResult, ProcessedMessage
from mailconf.parsing import ParsedMessage
from mailconf.protocols.errors import TransportError
from mailconf.protocols.incoming import IncomingMailbox, RemoteMessage, folder_label
from mailconf.signals import announce, message_unprocessable
from servicedesk import events
from servicedesk.services.batch import SavepointNeeded

from .intake import process_parsed
from .lease import Heartbeat, LeaseLost, claim, release, renew, worker_identity
from .ledger import Outcome, apply_outcome, mark_acknowledged
from .lookups import Lookups
from .staging import Prepared, Staged, Stager, discard_unused

log = logging.getLogger(__name__)

# A chunk's bodies and parsed messages are held together until its commit: this bounds their bytes
# (a bigger message makes a chunk of its own).
CHUNK_BYTES = 16 * 1024 * 1024


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
            MailResult.TICKET: "tickets",
            MailResult.COMMENT: "comments",
            MailResult.IGNORED: "ignored",
            MailResult.DUPLICATE: "duplicates",
            MailResult.ERROR: "failed",
        }[MailResult(result)]
        setattr(self, attribute, getattr(self, attribute) + 1)

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


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
    limit = batch or settings.MAIL_INCOMING_BATCH
    next_poll_in: float = conn.interval
    try:
        with Heartbeat(connection_id, owner), open_mailbox(conn) as box:
            more = _poll_folders(conn, box, counts, owner, limit)
        record_result(conn, None)
        if more:
            counts.more = True
            next_poll_in = 0
    except TransportError as exc:
        log.warning("polling %s failed: %s", conn.name, exc.message)
        # Worded in the language of whoever asked (the card's "Fetch mail now"); a worker only logs it.
        counts.error = failure_text(exc, protocol=conn.get_protocol_display())
        record_result(conn, exc)
    except (LeaseLost, IntegrityError) as exc:
        # Another worker took the connection over; what we did not commit it will do.
        log.warning("polling %s stopped: %s", conn.name, exc)
        counts.error = str(exc)
    finally:
        release(connection_id, owner, next_poll_in=next_poll_in)
    return counts


def _poll_folders(
    conn: IncomingConnection, box: IncomingMailbox[Any], counts: PollCounts, owner: str, limit: int
) -> bool:
    """Walk every folder in chunks; True when the batch limit stopped us (mail may be left)."""
    with Stager(conn, box) as stager:
        try:
            return _walk(conn, box, stager, counts, owner, limit)
        finally:
            counts.fetched += stager.fetched


def _walk(
    conn: IncomingConnection, box: IncomingMailbox[Any], stager: Stager, counts: PollCounts, owner: str, limit: int
) -> bool:
    """Pipelined: chunk n+1 is fetched and handed to the parser (a helper process on a big poll,
    see staging.py) before chunk n is recorded, so parsing overlaps the database work. Nothing of
    chunk n+1 is recorded or acknowledged before chunk n committed and was acknowledged; a failure
    on the way drops the staged chunk, which the next poll fetches again."""
    handled = 0
    step = max(1, settings.MAIL_INCOMING_COMMIT_EVERY)
    savepoints = False
    pending: Staged | None = None
    more = False
    for folder in box.config.folder_paths():
        # One more than the poll may handle, so a full poll knows that mail is left.
        listed = box.list_oldest(folder, limit - handled + 1)
        stager.expect(-(-min(len(listed), limit - handled) // step))
        while listed:
            if handled >= limit:
                more = True
                break
            size = _chunk_length(listed, min(step, limit - handled))
            chunk, listed = listed[:size], listed[size:]
            staged = stager.stage(chunk)
            if pending is not None:
                savepoints = _finish_chunk(conn, box, stager, pending, counts, savepoints=savepoints)
                renew(conn.pk, owner)
            pending = staged
            handled += len(chunk)
        if more:
            break
    if pending is not None:
        _finish_chunk(conn, box, stager, pending, counts, savepoints=savepoints)
        renew(conn.pk, owner)
    return more


def _chunk_length(listed: list[RemoteMessage], most: int) -> int:
    held = 0
    for count, msg in enumerate(listed[:most]):
        held += msg.size or 0
        if count and held > CHUNK_BYTES:
            return count
    return min(most, len(listed))


def _finish_chunk(
    conn: IncomingConnection,
    box: IncomingMailbox[Any],
    stager: Stager,
    staged: Staged,
    counts: PollCounts,
    *,
    savepoints: bool = False,
) -> bool:
    """Record and act on a staged chunk in one transaction, then acknowledge it after it commits.

    One commit per chunk rather than per message saves a disk flush per message; the guarantee
    is unchanged because nothing is acknowledged before the commit. The bodies came in one fetch
    and were stored and parsed before the transaction opens (staging.py), and what intake looks
    up (senders, earlier copies, threads) is asked once for the chunk; the domain events of the
    chunk reach their handlers together after the commit.

    The messages run without savepoints first (two round trips each saved). If one fails, the
    transaction is rolled back and the chunk runs again with a savepoint per message, so the
    failure costs only that message; the rest of the poll keeps the savepoints (returned True).
    """
    prepared = stager.finish(staged)
    committed = False
    try:
        try:
            listed, new = _record_chunk(conn, staged.chunk, staged.known, prepared, savepoints=savepoints)
        except SavepointNeeded as exc:
            log.info("a message of %s failed without a savepoint (%s); running its chunk again", conn.name, exc)
            savepoints = True
            listed, new = _record_chunk(conn, staged.chunk, staged.known, prepared, savepoints=True)
        committed = True
    finally:
        discard_unused(prepared, committed=committed)
    for entry in new:
        counts.count(entry.result)
        if entry.result == MailResult.ERROR:
            announce(message_unprocessable, IncomingConnection, connection=conn, entry=entry)
    _acknowledge_all(box, listed, counts)
    return savepoints


def _record_chunk(
    conn: IncomingConnection,
    chunk: list[RemoteMessage],
    known: dict[str, ProcessedMessage],
    prepared: dict[str, Prepared],
    *,
    savepoints: bool,
) -> tuple[list[tuple[RemoteMessage, ProcessedMessage]], list[ProcessedMessage]]:
    lookups = Lookups(conn, savepoints=savepoints)
    lookups.prefetch([item for _entry, item in prepared.values() if isinstance(item, ParsedMessage)])
    listed: list[tuple[RemoteMessage, ProcessedMessage]] = []
    new: list[ProcessedMessage] = []
    # The chunk's events are journaled together just before the commit (`journaled`), and handed
    # to the after-commit handlers together once it committed (`collected`).
    with events.collected(), transaction.atomic(), events.journaled():
        lookups.lock_tickets()
        for msg in chunk:
            if msg.server_id in prepared:
                entry = _record_new(conn, msg, prepared[msg.server_id], lookups)
                new.append(entry)
            else:
                entry = known[msg.server_id]  # recorded by an earlier poll: only acknowledged now
            listed.append((msg, entry))
        lookups.save_rows()
        lookups.tickets.flush()
    return listed, new


def _record_new(conn: IncomingConnection, msg: RemoteMessage, prepared: Prepared, lookups: Lookups) -> ProcessedMessage:
    template, item = prepared
    if template is None:
        return _record_without_body(conn, msg, str(item))
    entry = _fresh(template)  # a rolled-back first run leaves its copy behind
    if isinstance(item, ParsedMessage):
        outcome = process_parsed(conn, entry, item, lookups=lookups)
    else:
        outcome = item if isinstance(item, Outcome) else Outcome(MailResult.ERROR, item)
    # The row is inserted with the chunk's others, after intake, so it is written once; its UNIQUE
    # key still guards the whole transaction: if another worker recorded the message meanwhile
    # (only possible once our lease expired) the insert fails and the chunk, tickets included,
    # is rolled back.
    apply_outcome(entry, outcome, save=False)
    lookups.queue_row(entry)
    return entry


def _fresh(template: ProcessedMessage) -> ProcessedMessage:
    values = {field.attname: getattr(template, field.attname) for field in ProcessedMessage._meta.concrete_fields}
    values["raw"] = template.raw.name
    fresh = ProcessedMessage(**values)
    fresh.pending_raw = template.pending_raw
    return fresh


def _record_without_body(conn: IncomingConnection, msg: RemoteMessage, reason: str) -> ProcessedMessage:
    with transaction.atomic():
        entry, _created = ProcessedMessage.objects.get_or_create(
            connection=conn,
            server_id=msg.server_id,
            defaults={"connection_name": conn.name, "folder": folder_label(msg.folder), "size": msg.size},
        )
        entry.attempts += 1
        apply_outcome(entry, Outcome(MailResult.ERROR, reason))
    return entry


def _acknowledge_all(
    box: IncomingMailbox[Any], listed: list[tuple[RemoteMessage, ProcessedMessage]], counts: PollCounts
) -> None:
    """Move/delete after commit, one server command per outcome. Failed mail moves only to an
    error folder; otherwise it stays put (and is skipped on later polls by its ledger row) so
    nothing unprocessed is ever deleted."""
    errors_move = box.supports_folders and bool(box.config.error_folder)
    groups: dict[str, list[tuple[RemoteMessage, ProcessedMessage]]] = {"processed": [], "error": []}
    for msg, entry in listed:
        if entry.result != MailResult.ERROR:
            groups["processed"].append((msg, entry))
        elif errors_move:
            groups["error"].append((msg, entry))
    for outcome, pairs in groups.items():
        if not pairs:
            continue
        box.acknowledge_many([msg for msg, _entry in pairs], outcome=outcome)  # type: ignore[arg-type]
        mark_acknowledged([entry.pk for _msg, entry in pairs])
        counts.acknowledged += len(pairs)


def due_connections(only: list[int] | None = None) -> list[int]:
    """Claim the connections whose poll is due by pushing `next_poll_at` forward, so beat ticking
    every few seconds enqueues each one once per interval even while a poll waits in the queue."""
    now = timezone.now()
    due = (
        IncomingConnection.objects.filter(enabled=True)
        .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
    )
    if only is not None:
        due = due.filter(pk__in=only)
    claimed: list[int] = []
    for pk, interval in due.values_list("pk", "interval"):
        pushed = (
            IncomingConnection.objects.filter(pk=pk)
            .filter(Q(next_poll_at__isnull=True) | Q(next_poll_at__lte=now))
            .update(next_poll_at=now + timedelta(seconds=max(interval, 1)))
        )
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
