"""The one error type every protocol maps its library's failures onto, with what kind of failure
it was (`Reason`), so the product can say it in the reader's language without echoing the remote."""

from __future__ import annotations

import errno
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class Reason(StrEnum):
    """What went wrong, as a person fixing the settings needs to know it.

    The connection check shows only this (translated) for a failure, never the remote's own text:
    a check aimed at an arbitrary host:port must not print that service's banner.
    """

    CONFIG = "config"  # the settings are incomplete or refused before connecting
    UNRESOLVED = "unresolved"  # the server name does not resolve
    REFUSED = "refused"  # nothing listens on that port (connection refused)
    TIMEOUT = "timeout"  # no answer in time
    TLS = "tls"  # TLS negotiation failed (often: TLS against a plain port or the reverse)
    CERTIFICATE = "certificate"  # the server's certificate is not trusted
    NOT_SERVER = "not_server"  # something answered, but not the protocol we speak
    AUTH = "auth"  # the login or token was refused
    TOKEN = "token"  # no OAuth2 access token could be obtained
    REJECTED = "rejected"  # the server refused a command (a reply code)
    LOST = "lost"  # the connection dropped midway
    OTHER = "other"


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
    refused every recipient of a message. `reason` classifies the failure; `message` is the full
    technical text (English, for logs and as the detail after the translated sentence). For
    `Reason.CONFIG` the message is one of our own sentences, translated whole by the caller.
    Messages never contain secrets.
    """

    def __init__(
        self,
        message: str,
        permanent: bool = False,
        recipients: Mapping[str, RecipientFailure] | None = None,
        *,
        reason: Reason = Reason.OTHER,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.recipients = dict(recipients or {})
        self.reason = reason

    def __str__(self) -> str:
        return self.message


def network_reason(exc: BaseException) -> Reason:
    """The reason of a socket or TLS failure while connecting."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        return Reason.CERTIFICATE
    if isinstance(exc, ssl.SSLError):
        return Reason.TLS
    if isinstance(exc, socket.gaierror):
        return Reason.UNRESOLVED
    if isinstance(exc, TimeoutError):  # socket.timeout is TimeoutError
        return Reason.TIMEOUT
    if isinstance(exc, ConnectionRefusedError) or getattr(exc, "errno", None) == errno.ECONNREFUSED:
        return Reason.REFUSED
    if isinstance(exc, (ConnectionResetError, ConnectionAbortedError, BrokenPipeError)):
        return Reason.LOST
    return Reason.OTHER
