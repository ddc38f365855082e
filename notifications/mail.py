"""The seam between notifications and the mail app: notification mail goes into the outbox through
its public functions (`mailconf.outbox`), threaded on the ticket and marked with our origin header;
the outbox appends the company signature. `notifications` knows no protocol; the mail app never
imports notifications (what it announces arrives through `receivers.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from django.conf import settings

from mailconf.models import IncomingConnection, OutgoingConnection
from mailconf.outbox import body_as_sent, enqueue_mail_many, ticket_subject_tag, ticket_thread_headers
from mailconf.parsing import ORIGIN_HEADER, REPLY_MARKERS

ORIGIN_VALUE = "notification"


def reply_marker(language: str) -> str:
    """The "type your reply above this line" line in the recipient's language (the parser knows
    every one of them)."""
    return REPLY_MARKERS["en" if language.startswith("en") else "ru"]


def own_addresses() -> frozenset[str]:
    """Addresses that are ours: mail to them would come straight back as a new ticket or comment."""
    outgoing = OutgoingConnection.load()
    found = {settings.DEFAULT_FROM_EMAIL, outgoing.from_address, outgoing.reply_to}
    # Each mailbox's login is its address.
    found.update(IncomingConnection.objects.values_list("login", flat=True))
    return frozenset(address.strip().lower() for address in found if address and "@" in address)


def thread_headers(ticket_id: int | None) -> tuple[str, tuple[str, ...]]:
    if ticket_id is None:
        return "", ()
    in_reply_to, references = ticket_thread_headers(ticket_id)
    return in_reply_to, tuple(references)


def subject_tag(ticket_id: int | None) -> str:
    return ticket_subject_tag(ticket_id) if ticket_id is not None else ""


@dataclass
class Letter:
    """One rendered message for one address. `sign` asks the outbox for the company signature
    (None: as the outbox decides by kind, i.e. notifications are signed)."""

    to: str
    subject: str
    text: str
    html: str = ""
    ticket_id: int | None = None
    kind: str = "notification"
    thread: tuple[str, tuple[str, ...]] = ("", ())
    headers: dict[str, str] = field(default_factory=dict)
    sign: bool | None = None


def as_sent(letter: Letter) -> Letter:
    """The letter as it will arrive, with the signature the outbox appends (for previews)."""
    text, html = body_as_sent(letter.text, letter.html, kind=letter.kind, sign=letter.sign)
    return replace(letter, text=text, html=html)


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
        "headers": {ORIGIN_HEADER: ORIGIN_VALUE, **letter.headers},
        "sign": letter.sign,
    }


def enqueue(letter: Letter) -> int:
    """Queue one message in the caller's transaction; returns the outbox row id."""
    return enqueue_many([letter])[0]


def enqueue_many(letters: list[Letter]) -> list[int]:
    """Queue several messages in the caller's transaction with one call to the outbox (one INSERT,
    one delivery request); returns the outbox row ids in order."""
    if not letters:
        return []
    rows = enqueue_mail_many([_outbox_arguments(letter) for letter in letters])
    return [row.pk for row in rows]
