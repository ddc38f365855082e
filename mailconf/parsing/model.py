"""Plain dataclasses produced by :func:`mailconf.parsing.parse_message`.

They hold decoded values only (``str``, ``bytes``, ``datetime``) and no reference to the
``email`` package objects, so callers may pickle them, pass them to Celery, or keep them
after the raw message is gone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

# Where ParsedMessage.from_ may come from, in the order they are tried.
AUTHOR_FALLBACK = ("From", "Sender", "Reply-To", "Return-Path")
MBOX_SOURCE = "mbox separator line"


class ParseError(Exception):
    """The message cannot be parsed safely; ``reason`` is a short English explanation.

    Raised for oversized mail and pathological structure (too many headers or parts, too deep
    nesting). The caller should keep the raw bytes aside (error folder) rather than retry.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Address:
    """One mailbox: ``address`` is lowercased and stripped; ``name`` is decoded, may be empty."""

    name: str
    address: str

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>" if self.name else self.address


@dataclass(slots=True)
class ParsedAttachment:
    """One file carried by the message (including inline images and unpacked TNEF/uuencoded files).

    ``filename`` is decoded, stripped of any path and control characters, never empty.
    ``content_id`` has no angle brackets. ``is_inline`` is true when the sanitised HTML body
    refers to it as ``cid:<content_id>``; ``disposition`` is the declared one
    (``"inline"``, ``"attachment"`` or ``""``).
    """

    filename: str
    content_type: str
    payload: bytes
    content_id: str | None = None
    is_inline: bool = False
    disposition: str = ""
    # Left empty by the parser: a caller that keeps the payload in storage before acting on the
    # message (mail intake's parse helper) records the storage name here.
    stored_as: str = ""

    @property
    def size(self) -> int:
        return len(self.payload)


@dataclass(frozen=True, slots=True)
class BounceRecipient:
    """One recipient reported by a delivery status notification."""

    address: str
    action: str = ""  # "failed", "delayed", "delivered", ... lowercased; "" when unknown
    status: str = ""  # RFC 3463 code such as "5.1.1"; "" when unknown
    diagnostic: str = ""


@dataclass(slots=True)
class BounceInfo:
    """What a bounce says: who failed, why, and which of our messages it returns."""

    recipients: list[BounceRecipient] = field(default_factory=list)
    original_message_id: str | None = None

    @property
    def failed_recipients(self) -> list[BounceRecipient]:
        """Recipients whose delivery failed (or whose action is unknown, as in plain-text bounces)."""
        return [r for r in self.recipients if r.action in ("failed", "")]


@dataclass(slots=True)
class ParsedMessage:
    """Everything the intake needs from one incoming message; see the package docstring."""

    message_id: str
    message_id_synthesized: bool = False
    in_reply_to: str | None = None
    references: list[str] = field(default_factory=list)
    subject: str = ""
    from_: Address | None = None
    from_source: str = ""
    to: list[Address] = field(default_factory=list)
    cc: list[Address] = field(default_factory=list)
    reply_to: list[Address] = field(default_factory=list)
    date: datetime | None = None
    ticket_number: int | None = None
    text: str = ""
    reply_text: str = ""
    html: str = ""
    attachments: list[ParsedAttachment] = field(default_factory=list)
    is_auto_reply: bool = False
    is_bulk: bool = False
    is_bounce: bool = False
    is_own_loop: bool = False
    auto_reason: str = ""
    bounce: BounceInfo | None = None
    size: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def from_note(self) -> str:
        """A sentence for the mail log when the author is not from the From field, else ""."""
        if self.from_ is None or self.from_source in ("", "From"):
            return ""
        return f"no usable From header; sender taken from {self.from_source}"

    @property
    def is_noise(self) -> bool:
        """True when no human should get an automatic answer to this message (loop prevention)."""
        return self.is_auto_reply or self.is_bounce or self.is_own_loop
