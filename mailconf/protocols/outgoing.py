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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, ClassVar

from .errors import RecipientFailure, TransportError

__all__ = [
    "Envelope",
    "OutgoingTransport",
    "SendResult",
    "TransportError",
    "register",
    "transport_class",
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


class OutgoingTransport(ABC):
    """Base class; subclasses set `kind`, `config_class` and implement open/close/send."""

    kind: ClassVar[str] = ""
    config_class: ClassVar[type] = object

    def __init__(self, config: Any) -> None:
        if not isinstance(config, self.config_class):
            raise TypeError(f"{type(self).__name__} needs a {self.config_class.__name__}")
        self.config = config

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

    def __enter__(self) -> OutgoingTransport:
        self.open()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


_REGISTRY: dict[str, type[OutgoingTransport]] = {}


def register(cls: type[OutgoingTransport]) -> type[OutgoingTransport]:
    """Class decorator: make `cls` available under `cls.kind`."""
    _REGISTRY[cls.kind] = cls
    return cls


def transport_class(kind: str) -> type[OutgoingTransport]:
    _load_builtin()
    try:
        return _REGISTRY[kind]
    except KeyError:
        raise TransportError(f"unknown outgoing protocol: {kind!r}", permanent=True) from None


def transport_for(kind: str, config: Any) -> OutgoingTransport:
    return transport_class(kind)(config)


TokenProvider = Callable[[], str]


def _load_builtin() -> None:
    # Imported lazily so that importing the base does not pull exchangelib in.
    from . import ews_out, graph, smtp  # noqa: F401
