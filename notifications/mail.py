"""The narrow seam between notifications and the mail app: queue a message, read the signature,
thread headers and our own addresses. `notifications` knows no protocol; `mailconf` does.

Imports of `mailconf` are lazy so that this app loads (and its tests run) without it; when the
outbox service is missing, the message goes through Django's mail API after commit instead.
"""

from __future__ import annotations

import importlib
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction

log = logging.getLogger(__name__)

REPLY_MARKER_FALLBACK = "##- Please type your reply above this line -##"
ORIGIN_HEADER_FALLBACK = "X-Servicedesk-Origin"
ORIGIN_VALUE = "notification"


def _module(name: str) -> Any | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def reply_marker() -> str:
    parsing = _module("mailconf.parsing")
    return getattr(parsing, "REPLY_MARKER", REPLY_MARKER_FALLBACK)


def origin_header() -> str:
    parsing = _module("mailconf.parsing")
    return getattr(parsing, "ORIGIN_HEADER", ORIGIN_HEADER_FALLBACK)


def _outgoing_settings() -> Any | None:
    models = _module("mailconf.models")
    connection = getattr(models, "OutgoingConnection", None)
    return connection.load() if connection is not None else None


def company_signature() -> str:
    """The signature appended to notification mail (outgoing-mail settings), plain text."""
    outgoing = _outgoing_settings()
    return (getattr(outgoing, "signature", "") or "").strip() if outgoing is not None else ""


def outbox_signs_notifications() -> bool:
    """The outbox appends the company signature to kind="notification" mail on its own."""
    return hasattr(_module("mailconf.services.outbox"), "enqueue_mail")


def own_addresses() -> frozenset[str]:
    """Addresses that are ours: mail to them would come straight back as a new ticket or comment."""
    found = {settings.DEFAULT_FROM_EMAIL}
    outgoing = _outgoing_settings()
    if outgoing is not None:
        found.update(getattr(outgoing, name, "") for name in ("from_address", "reply_to"))
    incoming = getattr(_module("mailconf.models"), "IncomingConnection", None)
    if incoming is not None:  # each mailbox's login is its address
        found.update(incoming.objects.values_list("login", flat=True))
    return frozenset(address.strip().lower() for address in found if address and "@" in address)


def thread_headers(ticket_id: int | None) -> tuple[str, tuple[str, ...]]:
    outbox = _module("mailconf.services.outbox")
    if ticket_id is None or outbox is None or not hasattr(outbox, "ticket_thread_headers"):
        return "", ()
    in_reply_to, references = outbox.ticket_thread_headers(ticket_id)
    return in_reply_to or "", tuple(references or ())


def subject_tag(ticket_id: int | None) -> str:
    if ticket_id is None:
        return ""
    outbox = _module("mailconf.services.outbox")
    if outbox is not None and hasattr(outbox, "ticket_subject_tag"):
        return outbox.ticket_subject_tag(ticket_id)
    return f"[#{ticket_id}]"


@dataclass
class Letter:
    to: str
    subject: str
    text: str
    html: str = ""
    ticket_id: int | None = None
    kind: str = "notification"
    thread: tuple[str, tuple[str, ...]] = ("", ())
    headers: dict[str, str] = field(default_factory=dict)


def _outbox_arguments(letter: Letter) -> dict[str, Any]:
    in_reply_to, references = letter.thread
    return {
        "to": [letter.to],
        "subject": letter.subject,
        "text": letter.text,
        "html": letter.html,
        "kind": letter.kind,
        "ticket_id": letter.ticket_id,
        "in_reply_to": in_reply_to,
        "references": references,
        "headers": {origin_header(): ORIGIN_VALUE, **letter.headers},
    }


def enqueue(letter: Letter) -> int | None:
    """Queue one message in the caller's transaction; returns the outbox row id when there is one."""
    return enqueue_many([letter])[0]


def enqueue_many(letters: list[Letter]) -> list[int | None]:
    """Queue several messages in the caller's transaction, in one call to the outbox when it offers
    `enqueue_mail_many(messages)` (a list of enqueue_mail keyword dicts), else one call each."""
    if not letters:
        return []
    outbox = _module("mailconf.services.outbox")
    if outbox is not None and hasattr(outbox, "enqueue_mail_many"):
        rows = outbox.enqueue_mail_many([_outbox_arguments(letter) for letter in letters])
        return [getattr(row, "pk", None) for row in rows]
    if outbox is not None and hasattr(outbox, "enqueue_mail"):
        return [getattr(outbox.enqueue_mail(**_outbox_arguments(letter)), "pk", None) for letter in letters]
    for letter in letters:
        _send_after_commit(letter, {origin_header(): ORIGIN_VALUE, **letter.headers})
    return [None] * len(letters)


def _send_after_commit(letter: Letter, headers: dict[str, str]) -> None:
    in_reply_to, references = letter.thread
    if in_reply_to:
        headers["In-Reply-To"] = in_reply_to
    if references:
        headers["References"] = " ".join(references)
    message = EmailMultiAlternatives(letter.subject, letter.text, to=[letter.to], headers=headers)
    if letter.html:
        message.attach_alternative(letter.html, "text/html")
    transaction.on_commit(lambda: _send(message))


def _send(message: EmailMultiAlternatives) -> None:
    try:
        message.send()
    except Exception:  # the outbox-less path has no retry: log and keep the other messages going
        log.exception("notification mail to %s failed", message.to)
