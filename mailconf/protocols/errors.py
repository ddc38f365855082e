"""The one error type every protocol maps its library's failures onto."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class RecipientFailure:
    """A server's refusal of one recipient; `permanent` for 5xx replies."""

    message: str
    permanent: bool


class TransportError(Exception):
    """A protocol operation failed.

    `permanent` is True when repeating the same request cannot succeed (5xx replies, a rejected
    login, a malformed request); False for anything worth retrying later (refused or dropped
    connections, timeouts, 4xx). `recipients` carries per-recipient refusals when the server
    refused every recipient of a message. Messages never contain secrets.
    """

    def __init__(
        self, message: str, permanent: bool = False, recipients: Mapping[str, RecipientFailure] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.recipients = dict(recipients or {})

    def __str__(self) -> str:
        return self.message
