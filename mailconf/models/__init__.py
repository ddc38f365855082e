"""Mail settings and the outbox."""

from __future__ import annotations

from .incoming import (
    DONE_RESULTS,
    AutoReplyAction,
    IncomingConnection,
    IncomingProtocol,
    MailResult,
    ProcessedMessage,
    UnregisteredRule,
)
from .outbox import OutboxAttachment, OutboxKind, OutboxMessage, OutboxStatus, RecipientStatus
from .outgoing import CheckStatus, Encryption, OutgoingConnection, OutgoingProtocol

__all__ = [
    "DONE_RESULTS",
    "AutoReplyAction",
    "IncomingConnection",
    "IncomingProtocol",
    "MailResult",
    "ProcessedMessage",
    "UnregisteredRule",
    "CheckStatus",
    "Encryption",
    "OutboxAttachment",
    "OutboxKind",
    "OutboxMessage",
    "OutboxStatus",
    "OutgoingConnection",
    "OutgoingProtocol",
    "RecipientStatus",
]
