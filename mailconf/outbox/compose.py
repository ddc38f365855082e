"""From an outbox row to the bytes sent, and the company signature: each in one place."""

from __future__ import annotations

import html as html_lib
from collections.abc import Sequence

from django.utils import timezone

from mailconf.models import OutboxKind, OutboxMessage, OutboxStatus, OutgoingConnection, RecipientStatus

from .mime import MessageSpec, OutgoingAttachment, build_message

# Our messages that a new one about the same ticket may answer.
_THREADING_STATUSES = (OutboxStatus.SENT, OutboxStatus.PARTIAL, OutboxStatus.QUEUED, OutboxStatus.SENDING)


def company_signature(conn: OutgoingConnection | None = None) -> str:
    """The signature of the company mail settings, plain text ("" when none is set)."""
    return (conn or OutgoingConnection.load()).signature.strip()


def signs(kind: str, sign: bool | None = None) -> bool:
    """Whether the outbox appends the company signature: when asked to, by default to notifications."""
    return kind == OutboxKind.NOTIFICATION if sign is None else sign


def body_as_sent(
    text: str, html: str, *, kind: str, sign: bool | None = None, conn: OutgoingConnection | None = None
) -> tuple[str, str]:
    """(text, html) as the outbox stores them for a message of `kind` (see `signs`); a preview
    shows a message through this, so it looks exactly as it will arrive."""
    if not signs(kind, sign):
        return text, html
    return with_signature(text, html, company_signature(conn))


def with_signature(text: str, html: str, signature: str) -> tuple[str, str]:
    """`text` and `html` with `signature` below the "-- " separator (unchanged without one); the
    one place a signature is added."""
    signature = signature.strip()
    if not signature:
        return text, html
    text = f"{text.rstrip()}\n\n-- \n{signature}\n"
    if html:
        html = f"{html}\n<p>--<br>{html_lib.escape(signature).replace(chr(10), '<br>')}</p>"
    return text, html


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
