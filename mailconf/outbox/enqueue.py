"""Putting mail in the outbox: the way every part of the product sends mail.

`enqueue_mail` writes the row in the caller's transaction and asks for delivery after commit, so a
rolled-back change sends nothing and a committed one loses nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from mailconf.connections import message_id_domain
from mailconf.models import (
    OutboxAttachment,
    OutboxKind,
    OutboxMessage,
    OutboxStatus,
    OutgoingConnection,
    RecipientStatus,
)
from servicedesk.dbutil import insert_many
from servicedesk.models import Contact, Employee, User

from .compose import build_raw, signs, with_signature
from .mime import InvalidAddress, OutgoingAttachment, clean_header_text, make_message_id, parse_address
from .tasks import schedule_delivery


def enqueue_mail(
    *,
    to: Sequence[str],
    subject: str,
    text: str,
    html: str = "",
    cc: Sequence[str] = (),
    reply_to: str | None = None,
    kind: str = "notification",
    ticket_id: int | None = None,
    in_reply_to: str = "",
    references: Sequence[str] = (),
    auto_submitted: bool = True,
    attachments: Sequence[OutgoingAttachment] = (),
    headers: Mapping[str, str] | None = None,
    schedule: bool = True,
    bcc: Sequence[str] = (),
    sign: bool | None = None,
) -> OutboxMessage:
    """Write one outbox row (in the caller's transaction) and deliver it after commit.

    Invalid addresses are recorded as failed recipients rather than raising, so a bad address in a
    contact card never breaks the ticket change that caused the mail. For notifications the global
    "use e-mail notifications" switch and the unregistered-users setting apply: suppressed
    recipients are recorded with the reason. `schedule=False` leaves delivery to the next run;
    `bcc` recipients are in the SMTP envelope only. The company signature is appended when `sign`
    is True, by default to kind "notification" only.
    """
    message = {
        "to": to,
        "subject": subject,
        "text": text,
        "html": html,
        "cc": cc,
        "reply_to": reply_to,
        "kind": kind,
        "ticket_id": ticket_id,
        "in_reply_to": in_reply_to,
        "references": references,
        "auto_submitted": auto_submitted,
        "attachments": attachments,
        "headers": headers,
        "bcc": bcc,
        "sign": sign,
    }
    return _enqueue([message], schedule=schedule)[0]


def enqueue_mail_many(messages: Sequence[Mapping[str, Any]]) -> list[OutboxMessage]:
    """`enqueue_mail(**m)` for each of `messages`, in one INSERT and with one delivery request.

    Each dict takes enqueue_mail's keyword arguments (its `schedule` is ignored: the whole batch is
    scheduled once). Settings are read once; the rows are returned in the order given.
    """
    return _enqueue([{k: v for k, v in m.items() if k != "schedule"} for m in messages], schedule=True)


@dataclass
class _Batch:
    """What every message of one enqueue call shares: read once, not once per message."""

    conn: OutgoingConnection
    domain: str
    now: datetime
    give_up_at: datetime
    buildable: bool
    signature: str
    addresses: dict[str, tuple[str, str] | None] = field(default_factory=dict)


def _enqueue(messages: Sequence[Mapping[str, Any]], *, schedule: bool) -> list[OutboxMessage]:
    if not messages:
        return []
    for m in messages:
        if m.get("kind", OutboxKind.NOTIFICATION) not in OutboxKind.values:
            raise ValueError(f"unknown mail kind: {m.get('kind')!r}")
    conn = OutgoingConnection.load()
    now = timezone.now()
    batch = _Batch(
        conn, message_id_domain(conn), now, retry_deadline(), not conn.missing_send_parameters(), conn.signature
    )
    rows = [_row(batch, **m) for m in messages]
    _suppress(rows, conn)
    files = [list(m.get("attachments") or ()) for m in messages]
    for msg, attachments in zip(rows, files, strict=True):
        msg.status, msg.last_error = _initial_status(msg)
        if msg.status == OutboxStatus.QUEUED and batch.buildable:
            # Frozen now so every attempt sends the same bytes; without send parameters the delivery
            # builds it once they are set. Building first keeps the whole batch to one INSERT.
            msg.raw = build_raw(msg, conn, attachments)
    _insert(rows, files)
    queued = [msg.pk for msg in rows if msg.status == OutboxStatus.QUEUED]
    if schedule and queued:
        schedule_delivery(queued)
    return rows


def _row(
    batch: _Batch,
    *,
    to: Sequence[str],
    subject: str,
    text: str,
    html: str = "",
    cc: Sequence[str] = (),
    reply_to: str | None = None,
    kind: str = OutboxKind.NOTIFICATION,
    ticket_id: int | None = None,
    in_reply_to: str = "",
    references: Sequence[str] = (),
    auto_submitted: bool = True,
    attachments: Sequence[OutgoingAttachment] = (),
    headers: Mapping[str, str] | None = None,
    bcc: Sequence[str] = (),
    sign: bool | None = None,
) -> OutboxMessage:
    """The unsaved row for one message (status and bytes follow once suppression is known)."""
    if signs(kind, sign):
        text, html = with_signature(text, html, batch.signature)
    return OutboxMessage(
        message_id=make_message_id(batch.domain),
        kind=kind,
        recipients=_recipients(to, cc, bcc, batch.addresses),
        subject=clean_header_text(subject)[:998],
        text=text,
        html=html,
        reply_to=_reply_to(reply_to, batch.addresses),
        headers=dict(headers or {}),
        in_reply_to=in_reply_to,
        references=list(references),
        auto_submitted=auto_submitted,
        ticket_id=ticket_id,
        created_at=batch.now,
        next_attempt_at=batch.now,
        give_up_at=batch.give_up_at,
    )


def _insert(rows: list[OutboxMessage], files: list[list[OutgoingAttachment]]) -> None:
    """Write the rows (ids set on them) and all their attachments, together or not at all."""
    with transaction.atomic(savepoint=any(files)):
        insert_many(OutboxMessage, rows)  # COPY for a big fan-out on PostgreSQL; ids set either way
        attachments = [
            OutboxAttachment(message=msg, filename=a.filename, content_type=a.content_type, content=a.content)
            for msg, items in zip(rows, files, strict=True)
            for a in items
        ]
        if attachments:
            OutboxAttachment.objects.bulk_create(attachments)


def _parsed(value: str, cache: dict[str, tuple[str, str] | None]) -> tuple[str, str] | None:
    """parse_address(value), or None when invalid; remembered for the rest of the batch."""
    if value not in cache:
        try:
            cache[value] = parse_address(value)
        except InvalidAddress:
            cache[value] = None
    return cache[value]


def _recipients(
    to: Sequence[str], cc: Sequence[str], bcc: Sequence[str], cache: dict[str, tuple[str, str] | None]
) -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = {}
    seen: set[str] = set()
    for kind, values in (("to", to), ("cc", cc), ("bcc", bcc)):
        for value in values:
            parsed = _parsed(value, cache)
            if parsed is None:
                key = clean_header_text(value)[:320] or "?"
                seen.add(key.lower())
                result.setdefault(
                    key,
                    {"kind": kind, "status": RecipientStatus.FAILED, "error": _("invalid address"), "invalid": True},
                )
                continue
            name, addr = parsed
            if addr.lower() not in seen:
                seen.add(addr.lower())
                result[addr] = {"kind": kind, "status": RecipientStatus.PENDING, "error": "", "name": name}
    return result


def is_demo_address(address: str) -> bool:
    """In a domain of MAIL_DEMO_DOMAINS (or below one): the demo's made-up people."""
    domain = address.rpartition("@")[2].lower().rstrip(".")
    return any(domain == d or domain.endswith(f".{d}") for d in settings.MAIL_DEMO_DOMAINS)


def _hold_demo(rows: Sequence[OutboxMessage]) -> None:
    # Demo mail must never reach a real relay: held for good at enqueue, whatever its kind, and
    # "Resend" does not queue a suppressed recipient again.
    if not settings.MAIL_DEMO_DOMAINS:
        return
    reason = _("demo address (MAIL_DEMO_DOMAINS): never sent")
    for msg in rows:
        for addr, info in msg.recipients.items():
            if info["status"] == RecipientStatus.PENDING and is_demo_address(addr):
                info.update(status=RecipientStatus.SUPPRESSED, error=reason)


def _suppress(rows: Sequence[OutboxMessage], conn: OutgoingConnection) -> None:
    """Mark recipients the settings exclude as suppressed (demo addresses; for notifications, the
    switches of the card), with one lookup for all rows."""
    _hold_demo(rows)
    notes = [msg for msg in rows if msg.kind == OutboxKind.NOTIFICATION]
    if not notes or (conn.notifications_enabled and conn.notify_unregistered):
        return
    if not conn.notifications_enabled:
        reason, registered = _("e-mail notifications are turned off"), set()
    else:
        reason = _("not a registered user")
        registered = registered_addresses([a for msg in notes for a in msg.addresses(RecipientStatus.PENDING)])
    for msg in notes:
        for addr, info in msg.recipients.items():
            if info["status"] == RecipientStatus.PENDING and addr.lower() not in registered:
                info.update(status=RecipientStatus.SUPPRESSED, error=reason)


def registered_addresses(addresses: Sequence[str]) -> set[str]:
    """The lower-cased addresses among `addresses` that belong to a user, employee or contact."""
    wanted = sorted({a.lower() for a in addresses})
    if not wanted:
        return set()
    found: set[str] = set()
    for model in (User, Employee, Contact):
        # One `IN` over lower-cased values: a thousand OR-ed iexact lookups took longer to build than to run.
        matches = model.objects.annotate(_email_lower=Lower("email")).filter(_email_lower__in=wanted)
        found.update(matches.values_list("_email_lower", flat=True))
    return found


def _reply_to(value: str | None, cache: dict[str, tuple[str, str] | None]) -> str:
    parsed = _parsed(value, cache) if value else None
    return parsed[1] if parsed else ""


def _initial_status(msg: OutboxMessage) -> tuple[str, str]:
    infos = msg.recipients.values()
    if any(i["status"] == RecipientStatus.PENDING for i in infos):
        return OutboxStatus.QUEUED, ""
    errors = sorted({i["error"] for i in infos})
    if any(i["status"] == RecipientStatus.SUPPRESSED for i in infos):
        return OutboxStatus.SKIPPED, "; ".join(errors)
    return OutboxStatus.FAILED, "; ".join(errors) or _("no recipients")


def resend_messages(ids: Sequence[int]) -> int:
    """Queue failed, partly sent or cancelled messages again (only to recipients not yet served)."""
    count = 0
    with transaction.atomic():
        rows = OutboxMessage.objects.select_for_update().filter(
            pk__in=ids, status__in=(OutboxStatus.FAILED, OutboxStatus.PARTIAL, OutboxStatus.CANCELLED)
        )
        for msg in rows:
            for info in msg.recipients.values():
                if info["status"] == RecipientStatus.FAILED and not info.get("invalid"):
                    info.update(status=RecipientStatus.PENDING, error="")
            if not msg.addresses(RecipientStatus.PENDING):
                continue
            msg.status, msg.next_attempt_at, msg.last_error = OutboxStatus.QUEUED, timezone.now(), ""
            msg.give_up_at = retry_deadline()
            msg.save(update_fields=["recipients", "status", "next_attempt_at", "last_error", "give_up_at"])
            count += 1
        if count:
            schedule_delivery(list(ids))
    return count


def cancel_messages(ids: Sequence[int]) -> int:
    """Stop delivery of messages still waiting; a message being sent right now finishes first."""
    return OutboxMessage.objects.filter(pk__in=ids, status=OutboxStatus.QUEUED).update(
        status=OutboxStatus.CANCELLED, next_attempt_at=None
    )


def retry_deadline() -> datetime:
    """Until when temporary failures of a message queued now are retried."""
    return timezone.now() + timedelta(days=settings.MAIL_RETRY_DAYS)
