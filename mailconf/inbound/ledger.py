"""The mail ledger / log: raw message storage and the ledger rows (see reprocess.py for the action)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.files.storage import default_storage
from django.utils import timezone

from mailconf.models import IncomingConnection, MailResult, ProcessedMessage, RawMail


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


def read_raw(entry: ProcessedMessage) -> bytes:
    if entry.raw_in_database:
        data = RawMail.objects.filter(entry_id=entry.pk).values_list("data", flat=True).first()
        if data is not None:
            return bytes(data)
    name = entry.raw.name if entry.raw else None
    if not name:
        raise FileNotFoundError(f"mail log entry {entry.pk} has no stored message")
    with default_storage.open(name, "rb") as handle:
        return handle.read()


def find_processed_by_message_id(
    connection: IncomingConnection, message_id: str, *, exclude_pk: int | None = None
) -> list[ProcessedMessage]:
    """The earlier, finished ledger rows of the same connection with this Message-ID, oldest first
    (candidates for dedupe key 2; see dedupe.same_mail)."""
    if not message_id:
        return []
    rows = ProcessedMessage.objects.filter(
        connection=connection,
        message_id=message_id,
        result__in=(MailResult.TICKET, MailResult.COMMENT, MailResult.IGNORED),
    )
    if exclude_pk is not None:
        rows = rows.exclude(pk=exclude_pk)
    return list(rows.order_by("pk")[:50])


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
            "content_digest",
            "sender",
            "sender_name",
            "subject",
            "attempts",
        ]
    )


def mark_acknowledged(pks: list[int]) -> None:
    if pks:
        ProcessedMessage.objects.filter(pk__in=pks).update(acknowledged_at=timezone.now())
