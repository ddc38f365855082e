"""The contract of an outgoing transport and the registry that picks one by kind.

A transport is used as::

    with transport_for(kind, config) as transport:   # opens: connects and authenticates
        result = transport.send(envelope)             # as many times as there are messages

`open()` raises TransportError if the server cannot be reached or refuses the login; `send()`
returns a SendResult (recipients the server accepted, and per-recipient refusals) or raises
TransportError for a failure of the whole message. After a non-permanent error from `send()` the
connection may be unusable: callers close it and open a new one. `check()` opens and closes
without sending anything (the "Check" button).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, ClassVar, Generic, Self, TypeVar

from .base import EXCHANGE_SCOPE, CheckReport, ConnectionSettings
from .errors import RecipientFailure, TransportError
from .registry import Registry

__all__ = [
    "OUTGOING_PROTOCOLS",
    "Envelope",
    "OutgoingTransport",
    "SendResult",
    "TransportError",
    "transport_for",
]


@dataclass(frozen=True)
class Envelope:
    """One message to send: the RFC 5322 bytes plus the SMTP envelope."""

    sender: str
    recipients: Sequence[str]
    raw: bytes


@dataclass
class SendResult:
    accepted: list[str] = field(default_factory=list)
    refused: dict[str, RecipientFailure] = field(default_factory=dict)


C = TypeVar("C")


class OutgoingTransport(ABC, Generic[C]):
    """Base class; subclasses set the class attributes and implement open/close/send.

    Class attributes, read by the connection settings without naming any protocol:
    `kind` (the stored protocol value), `config_class` (the typed config; it has a
    `from_settings(ConnectionSettings)` constructor), `oauth_scope` (the resource its app-only
    token is for) and `token_only` (True when the protocol has no password login).
    """

    kind: ClassVar[str] = ""
    config_class: ClassVar[type[Any]] = object
    oauth_scope: ClassVar[str] = EXCHANGE_SCOPE
    token_only: ClassVar[bool] = False
    # The connection card's fields this protocol reads; the card shows only these (see
    # connections.forms.protocol_field_css).
    card_fields: ClassVar[tuple[str, ...]] = ()

    def __init__(self, config: C) -> None:
        if not isinstance(config, self.config_class):
            raise TypeError(f"{type(self).__name__} needs a {self.config_class.__name__}")
        self.config: C = config

    @classmethod
    def from_settings(cls, settings: ConnectionSettings) -> Self:
        """A transport built from neutral connection settings (not yet opened)."""
        return cls(cls.config_class.from_settings(settings))

    @classmethod
    def required_settings(cls, *, oauth2: bool, auth: bool) -> tuple[str, ...]:
        """Names of the `ConnectionSettings` fields (plus "password") that must not be empty."""
        return ()

    @abstractmethod
    def open(self) -> None:
        """Connect and authenticate; TransportError on failure."""

    @abstractmethod
    def close(self) -> None:
        """End the session; never raises."""

    @abstractmethod
    def send(self, envelope: Envelope) -> SendResult:
        """Send one message over the open session; per-recipient outcome in the result."""

    def check(self) -> None:
        """Connect and authenticate, send nothing; TransportError on failure."""
        self.open()
        self.close()

    @abstractmethod
    def check_report(self) -> CheckReport:
        """What a successful `check()` of this config proved (see CheckReport)."""

    def __enter__(self) -> Self:
        self.open()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


# Imported on first use: the protocol modules import this one for their base class.
_BUILTIN_MODULES = {"smtp": f"{__package__}.smtp", "ews": f"{__package__}.ews_out", "graph": f"{__package__}.graph_out"}


OUTGOING_PROTOCOLS: Registry[OutgoingTransport[Any]] = Registry("outgoing protocol", _BUILTIN_MODULES)


def transport_for(kind: str, config: Any) -> OutgoingTransport[Any]:
    """An unopened transport of the given kind ("smtp", "graph", "ews") built from its typed config."""
    return OUTGOING_PROTOCOLS.class_for(kind)(config)
