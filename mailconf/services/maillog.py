"""The mail ledger / log: raw message storage, ledger rows and the "reprocess" action."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from ..models import IncomingConnection, MailResult, ProcessedMessage

log = logging.getLogger(__name__)

RAW_PREFIX = "mail/raw"


@dataclass
class Outcome:
    """What intake decided for one message; written onto its ledger row."""

    result: str
    reason: str = ""
    ticket_id: int | None = None
    comment_id: int | None = None
    duplicate_of_id: int | None = None
    outbox_message_id: str = ""
    bounce: dict | None = None


def store_raw(raw: bytes) -> str:
    """Save the exact bytes as mail/raw/YYYY/MM/<uuid>.eml in the default storage; return the name.

    Written before the ledger transaction: if that transaction is rolled back the file is an
    orphan, which costs disk space but never a message.
    """
    now = timezone.now()
    name = f"{RAW_PREFIX}/{now:%Y/%m}/{uuid.uuid4().hex}.eml"
    return default_storage.save(name, ContentFile(raw))


def read_raw(entry: ProcessedMessage) -> bytes:
    if not entry.raw:
        raise FileNotFoundError(f"mail log entry {entry.pk} has no stored message")
    with default_storage.open(entry.raw.name, "rb") as handle:
        return handle.read()


def find_processed_by_message_id(
    connection: IncomingConnection, message_id: str, *, exclude_pk: int | None = None
) -> ProcessedMessage | None:
    """An earlier, finished ledger row of the same connection with this Message-ID (dedupe key 2)."""
    if not message_id:
        return None
    rows = ProcessedMessage.objects.filter(
        connection=connection,
        message_id=message_id,
        result__in=(MailResult.TICKET, MailResult.COMMENT, MailResult.IGNORED),
    )
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    return rows.order_by("pk").first()


def apply_outcome(entry: ProcessedMessage, outcome: Outcome, *, save: bool = True) -> None:
    """Write `outcome` onto the row (inside the caller's transaction); an unsaved row is inserted.

    `save=False` only sets the fields (the caller inserts new rows in bulk)."""
    entry.result = outcome.result
    entry.reason = outcome.reason[:5000]
    entry.ticket_id = outcome.ticket_id
    entry.comment_id = outcome.comment_id
    entry.duplicate_of_id = outcome.duplicate_of_id
    entry.outbox_message_id = outcome.outbox_message_id[:255]
    entry.bounce = outcome.bounce or {}
    entry.processed_at = timezone.now()
    if not save:
        return
    if entry.pk is None:
        entry.save(force_insert=True)
        return
    entry.save(
        update_fields=[
            "result",
            "reason",
            "ticket",
            "comment",
            "duplicate_of",
            "outbox_message_id",
            "bounce",
            "processed_at",
            "message_id",
            "sender",
            "sender_name",
            "subject",
            "attempts",
        ]
    )


def mark_acknowledged(pks: list[int]) -> None:
    if pks:
        ProcessedMessage.objects.filter(pk__in=pks).update(acknowledged_at=timezone.now())


def reprocess(entry: ProcessedMessage) -> ProcessedMessage:
    """Parse the stored raw message again and run intake on it.

    Idempotent: a row that already became a ticket or a comment is returned unchanged, so pressing
    the button twice (or on a finished row) never files the message twice. Error and ignored rows
    run again; if they now succeed, the next poll moves the message on the server accordingly.
    """
    from .intake import process_raw

    with transaction.atomic():
        locked = ProcessedMessage.objects.select_for_update().get(pk=entry.pk)
        if locked.result in (MailResult.TICKET, MailResult.COMMENT, MailResult.DUPLICATE):
            return locked
        raw = read_raw(locked)
        connection = locked.connection
        if connection is None:
            raise ValueError("the connection of this message has been deleted")
        locked.attempts += 1
        outcome = process_raw(connection, locked, raw)
        apply_outcome(locked, outcome)
    log.info("mail log entry %s reprocessed: %s", locked.pk, locked.result)
    return locked
