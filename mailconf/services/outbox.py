"""Putting mail in the outbox: the public API every part of the product sends mail through.

`enqueue_mail` writes the row in the caller's transaction and asks for delivery after commit, so a
rolled-back change sends nothing and a committed one loses nothing.
"""

from __future__ import annotations

import html as html_lib
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from mailconf.conf import mail_setting
from mailconf.mime import (
    InvalidAddress,
    MessageSpec,
    OutgoingAttachment,
    build_message,
    clean_header_text,
    make_message_id,
    parse_address,
)
from mailconf.models import (
    OutboxAttachment,
    OutboxKind,
    OutboxMessage,
    OutboxStatus,
    OutgoingConnection,
    RecipientStatus,
)

from .connection import message_id_domain

__all__ = [
    "OutgoingAttachment",
    "build_raw",
    "cancel_messages",
    "enqueue_mail",
    "enqueue_mail_many",
    "prune_sent",
    "resend_messages",
    "ticket_subject_tag",
    "ticket_thread_headers",
]

_THREADING_STATUSES = (OutboxStatus.SENT, OutboxStatus.PARTIAL, OutboxStatus.QUEUED, OutboxStatus.SENDING)


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
) -> OutboxMessage:
    """Write one outbox row (in the caller's transaction) and deliver it after commit.

    Invalid addresses are recorded as failed recipients rather than raising, so a bad address in a
    contact card never breaks the ticket change that caused the mail. For notifications the global
    "use e-mail notifications" switch and the unregistered-users setting apply: suppressed
    recipients are recorded with the reason. `schedule=False` leaves delivery to the next run;
    `bcc` recipients are in the SMTP envelope only.
    """
    if kind not in OutboxKind.values:
        raise ValueError(f"unknown mail kind: {kind!r}")
    conn = OutgoingConnection.load()
    recipients = _recipients(to, cc, bcc)
    if kind == OutboxKind.NOTIFICATION:
        _suppress(recipients, conn)
    if kind == OutboxKind.NOTIFICATION and conn.signature.strip():
        text, html = _with_signature(text, html, conn.signature)
    now = timezone.now()
    msg = OutboxMessage(
        message_id=make_message_id(message_id_domain(conn)),
        kind=kind,
        recipients=recipients,
        subject=clean_header_text(subject)[:998],
        text=text,
        html=html,
        reply_to=_reply_to(reply_to),
        headers=dict(headers or {}),
        in_reply_to=in_reply_to,
        references=list(references),
        auto_submitted=auto_submitted,
        ticket_id=ticket_id,
        created_at=now,
        next_attempt_at=now,
        give_up_at=retry_deadline(),
    )
    msg.status, msg.last_error = _initial_status(msg, conn)
    if msg.status == OutboxStatus.QUEUED and not conn.missing_send_parameters():
        # Frozen now so every attempt sends the same bytes; without send parameters the delivery
        # builds it once they are set. Building first keeps the common case to one INSERT.
        msg.raw = build_raw(msg, conn, attachments)
    with transaction.atomic(savepoint=bool(attachments)):
        msg.save()
        if attachments:
            OutboxAttachment.objects.bulk_create(
                OutboxAttachment(message=msg, filename=a.filename, content_type=a.content_type, content=a.content)
                for a in attachments
            )
    if schedule and msg.status == OutboxStatus.QUEUED:
        schedule_delivery([msg.pk])
    return msg


def enqueue_mail_many(messages: Sequence[Mapping[str, Any]]) -> list[OutboxMessage]:
    """`enqueue_mail(**m)` for each of `messages`, with one delivery request for them all."""
    rows = [enqueue_mail(**{**m, "schedule": False}) for m in messages]
    queued = [r.pk for r in rows if r.status == OutboxStatus.QUEUED]
    if queued:
        schedule_delivery(queued)
    return rows


def schedule_delivery(ids: Sequence[int]) -> None:
    """Ask a worker to deliver `ids` once the current transaction commits."""
    from mailconf.tasks import deliver_outbox

    ids = list(ids)
    transaction.on_commit(lambda: deliver_outbox.delay(ids))


def _recipients(to: Sequence[str], cc: Sequence[str], bcc: Sequence[str]) -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = {}
    for kind, values in (("to", to), ("cc", cc), ("bcc", bcc)):
        for value in values:
            try:
                name, addr = parse_address(value)
            except InvalidAddress:
                key = clean_header_text(value)[:320] or "?"
                result.setdefault(
                    key,
                    {"kind": kind, "status": RecipientStatus.FAILED, "error": _("invalid address"), "invalid": True},
                )
                continue
            if addr.lower() not in {a.lower() for a in result}:
                result[addr] = {"kind": kind, "status": RecipientStatus.PENDING, "error": "", "name": name}
    return result


def _suppress(recipients: dict[str, dict[str, Any]], conn: OutgoingConnection) -> None:
    pending = [a for a, info in recipients.items() if info["status"] == RecipientStatus.PENDING]
    if not conn.notifications_enabled:
        reason, suppressed = _("e-mail notifications are turned off"), pending
    elif not conn.notify_unregistered:
        registered = registered_addresses(pending)
        reason, suppressed = _("not a registered user"), [a for a in pending if a.lower() not in registered]
    else:
        return
    for addr in suppressed:
        recipients[addr].update(status=RecipientStatus.SUPPRESSED, error=reason)


def registered_addresses(addresses: Sequence[str]) -> set[str]:
    """The lower-cased addresses among `addresses` that belong to a user, employee or contact."""
    if not addresses:
        return set()
    from servicedesk.models import Contact, Employee, User

    query = Q()
    for addr in addresses:
        query |= Q(email__iexact=addr)
    found: set[str] = set()
    for model in (User, Employee, Contact):
        found.update(e.lower() for e in model.objects.filter(query).values_list("email", flat=True))
    return found


def _with_signature(text: str, html: str, signature: str) -> tuple[str, str]:
    text = f"{text.rstrip()}\n\n-- \n{signature.strip()}\n"
    if html:
        html = f"{html}\n<p>--<br>{html_lib.escape(signature.strip()).replace(chr(10), '<br>')}</p>"
    return text, html


def _reply_to(value: str | None) -> str:
    if not value:
        return ""
    try:
        return parse_address(value)[1]
    except InvalidAddress:
        return ""


def _initial_status(msg: OutboxMessage, conn: OutgoingConnection) -> tuple[str, str]:
    infos = msg.recipients.values()
    if any(i["status"] == RecipientStatus.PENDING for i in infos):
        return OutboxStatus.QUEUED, ""
    errors = sorted({i["error"] for i in infos})
    if any(i["status"] == RecipientStatus.SUPPRESSED for i in infos):
        return OutboxStatus.SKIPPED, "; ".join(errors)
    return OutboxStatus.FAILED, "; ".join(errors) or _("no recipients")


def build_raw(
    msg: OutboxMessage, conn: OutgoingConnection, attachments: Sequence[OutgoingAttachment] | None = None
) -> bytes:
    """The RFC 5322 bytes of `msg` with the connection's current send parameters."""
    if attachments is None:
        attachments = [OutgoingAttachment(a.filename, bytes(a.content), a.content_type) for a in msg.attachments.all()]
    live = {
        a: i for a, i in msg.recipients.items() if i["status"] != RecipientStatus.SUPPRESSED and not i.get("invalid")
    }
    spec = MessageSpec(
        from_address=conn.from_address,
        sender_name=conn.sender_name,
        to=[a for a, i in live.items() if i["kind"] == "to"],
        cc=[a for a, i in live.items() if i["kind"] == "cc"],
        reply_to=msg.reply_to or conn.reply_to,
        subject=msg.subject,
        text=msg.text,
        html=msg.html,
        message_id=msg.message_id,
        date=msg.created_at or timezone.now(),
        in_reply_to=msg.in_reply_to,
        references=msg.references,
        auto_submitted=msg.auto_submitted and msg.kind != OutboxKind.REPLY,
        attachments=attachments,
        headers=msg.headers,
        names={a: i.get("name", "") for a, i in live.items()},
    )
    return build_message(spec)


def ticket_thread_headers(ticket_id: int) -> tuple[str, list[str]]:
    """(In-Reply-To, References) for a new message about the ticket: our earlier messages, oldest first."""
    ids = list(
        OutboxMessage.objects.filter(ticket_id=ticket_id, status__in=_THREADING_STATUSES)
        .order_by("created_at", "id")
        .values_list("message_id", flat=True)
    )
    if not ids:
        return "", []
    # The first message roots the thread; the last twenty keep the header short but useful.
    references = ids if len(ids) <= 21 else [ids[0], *ids[-20:]]
    return ids[-1], references


def ticket_subject_tag(ticket_id: int) -> str:
    """The subject tag that lets replies find their ticket: "[#N]"."""
    return f"[#{int(ticket_id)}]"


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
    return timezone.now() + timedelta(days=float(mail_setting("MAIL_RETRY_DAYS")))


def prune_sent(now: datetime | None = None) -> int:
    """Delete sent and skipped messages older than the retention period; returns how many."""
    limit = (now or timezone.now()) - timedelta(days=mail_setting("MAIL_OUTBOX_RETENTION_DAYS"))
    old = OutboxMessage.objects.filter(
        Q(status__in=(OutboxStatus.SENT, OutboxStatus.SKIPPED, OutboxStatus.CANCELLED)),
        Q(sent_at__lt=limit) | Q(sent_at__isnull=True, created_at__lt=limit),
    )
    deleted, _detail = old.delete()
    return deleted
