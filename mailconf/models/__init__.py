"""Mail settings and the outbox."""

from __future__ import annotations

from .base import CheckStatus, Encryption, MailConnection
from .canary import CanaryProbe, CanaryState, MailCanary
from .incoming import (
    DONE_RESULTS,
    AutoReplyAction,
    ClosedTicketRule,
    IncomingConnection,
    IncomingProtocol,
    MailResult,
    ProcessedMessage,
    RawMail,
    UnregisteredRule,
)
from .outbox import OutboxAttachment, OutboxKind, OutboxMessage, OutboxStatus, RecipientStatus
from .outgoing import OutgoingConnection, OutgoingProtocol

__all__ = [
    "CanaryProbe",
    "CanaryState",
    "MailCanary",
    "DONE_RESULTS",
    "AutoReplyAction",
    "ClosedTicketRule",
    "IncomingConnection",
    "IncomingProtocol",
    "MailResult",
    "ProcessedMessage",
    "RawMail",
    "UnregisteredRule",
    "CheckStatus",
    "Encryption",
    "OutboxAttachment",
    "OutboxKind",
    "OutboxMessage",
    "OutboxStatus",
    "OutgoingConnection",
    "MailConnection",
    "OutgoingProtocol",
    "RecipientStatus",
]
