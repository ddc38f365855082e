"""Incoming mail: one small interface over POP3, IMAP4, EWS and Microsoft Graph mailboxes.

Protocol code only: a mailbox lists messages, hands back their raw RFC 822 bytes and acknowledges
(moves or deletes) a message only when the caller says so, after the caller has safely recorded it.
Nothing here knows about tickets or Django models.
"""

from __future__ import annotations

import re
import socket
import ssl
from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, ClassVar, Generic, Literal, Self, TypeVar

from .base import (
    DEFAULT_TIMEOUT,
    EXCHANGE_SCOPE,
    CheckReport,
    ConnectionSettings,
    FolderParts,
    TokenProvider,
    fetch_token,
)
from .errors import Reason, TransportError, network_reason
from .registry import Registry
from .tls import client_context, requests_verify

Encryption = Literal["ssl", "starttls", "none"]
Outcome = Literal["processed", "error"]
FolderPath = tuple[str, ...]

OUTCOMES: tuple[Outcome, ...] = ("processed", "error")
INBOX: FolderPath = ("INBOX",)

_FOLDER_SEPARATORS = re.compile(r"[,;]")
_PATH_SEPARATORS = re.compile(r"[/\\]")


def parse_folder_list(text: str) -> list[list[str]]:
    """Parse the user's "folders to scan" string into path components.

    Folders are separated by "," or ";", path components by "/" or "\\":
    ``"INBOX/Support; Входящие\\Заявки"`` -> ``[["INBOX", "Support"], ["Входящие", "Заявки"]]``.
    A leading "inbox" in any letter case becomes "INBOX" (IMAP treats it case-insensitively and the
    Exchange protocols map it to the well-known inbox). Empty entries and repeats are dropped.
    """
    result: list[list[str]] = []
    for entry in _FOLDER_SEPARATORS.split(text or ""):
        parts = [part.strip() for part in _PATH_SEPARATORS.split(entry)]
        parts = [part for part in parts if part]
        if not parts:
            continue
        if parts[0].upper() == "INBOX":
            parts[0] = "INBOX"
        if parts not in result:
            result.append(parts)
    return result


def parse_folder(text: str) -> FolderPath | None:
    """One folder path (e.g. the processed/error folder setting); None when the text is blank."""
    parsed = parse_folder_list(text)
    return tuple(parsed[0]) if parsed else None


@dataclass
class MailboxConfig:
    """What every mailbox client needs; each protocol's config adds its own fields.

    ``token_provider`` returns a current OAuth2 access token; it is used when ``oauth2`` is set
    (XOAUTH2 SASL for IMAP/POP3, bearer for EWS) and always for Graph. ``folders``,
    ``processed_folder`` and ``error_folder`` are path components (see :func:`parse_folder_list`).
    ``max_message_bytes`` is the size guard of ``fetch`` (None: no limit).
    """

    verify_certificate: bool = True
    ca_file: str | None = None
    login: str = ""
    password: str = field(default="", repr=False)
    oauth2: bool = False
    token_provider: TokenProvider | None = field(default=None, repr=False)
    folders: list[FolderParts] = field(default_factory=lambda: [list(INBOX)])
    processed_folder: FolderParts | None = None
    error_folder: FolderParts | None = None
    timeout: float = DEFAULT_TIMEOUT
    max_message_bytes: int | None = None

    @classmethod
    def from_settings(cls, settings: ConnectionSettings) -> Self:
        return cls(**cls._common(settings))

    @staticmethod
    def _common(settings: ConnectionSettings) -> dict[str, Any]:
        return {
            "verify_certificate": settings.verify_certificate,
            "ca_file": settings.ca_file,
            "login": settings.login,
            "password": settings.password,
            "oauth2": settings.oauth2,
            "token_provider": settings.token_provider,
            "folders": [list(path) for path in settings.folders] or [list(INBOX)],
            "processed_folder": settings.processed_folder,
            "error_folder": settings.error_folder,
            "timeout": settings.timeout,
            "max_message_bytes": settings.max_message_bytes,
        }

    def folder_paths(self) -> list[FolderPath]:
        return [tuple(path) for path in self.folders] or [INBOX]

    def target_folder(self, outcome: Outcome) -> FolderPath | None:
        """Where an acknowledged message goes; None means delete it."""
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown outcome {outcome!r}")
        target = self.processed_folder if outcome == "processed" else self.error_folder
        return tuple(target) if target else None

    def access_token(self) -> str:
        return fetch_token(self.token_provider)

    def ssl_context(self) -> ssl.SSLContext:
        """A client context honouring ``verify_certificate`` and ``ca_file`` (hostname check on when verifying)."""
        return client_context(verify=self.verify_certificate, ca_file=self.ca_file)

    def requests_verify(self) -> bool | str:
        """The ``verify`` argument for requests: False, a CA bundle path, or True for the system store."""
        return requests_verify(verify=self.verify_certificate, ca_file=self.ca_file)


@dataclass
class ServerMailboxConfig(MailboxConfig):
    """A mailbox on a server of its own (POP3, IMAP): ``port`` None means the protocol's default
    for the chosen encryption."""

    host: str = ""
    port: int | None = None
    encryption: Encryption = "ssl"

    @classmethod
    def from_settings(cls, settings: ConnectionSettings) -> Self:
        encryption: Any = settings.encryption
        return cls(**cls._common(settings), host=settings.host, port=settings.port, encryption=encryption)


@dataclass(frozen=True)
class RemoteMessage:
    """One message as the server lists it.

    ``server_id`` is stable across sessions: "UIDVALIDITY:UID" for IMAP, the UIDL for POP3, the item
    id for EWS and Graph. ``size`` is in bytes when the server says (None otherwise). ``handle`` is
    protocol-private (POP3 message number, EWS change key) and only valid in the session that listed it.
    """

    server_id: str
    folder: FolderPath
    size: int | None = None
    uid: int | None = None
    uidvalidity: int | None = None
    handle: str | int | None = field(default=None, compare=False)


C = TypeVar("C", bound=MailboxConfig)


class IncomingMailbox(ABC, Generic[C]):
    """A connection to one mailbox. Contract shared by every protocol:

    * Use as a context manager: ``__enter__`` connects and authenticates, ``__exit__`` logs out.
      ``check()`` may also be called on its own; it then opens and closes a connection itself.
    * ``list_messages(folder)`` lists what is in a folder (path components, oldest first); it never
      moves, deletes or flags anything. ``RemoteMessage.server_id`` is what the caller records to
      recognise a message it has already handled.
    * ``fetch(msg, max_bytes=...)`` returns the raw RFC 822 bytes without marking the message seen.
      A message bigger than ``max_bytes`` (by default the config's ``max_message_bytes``) is refused
      with ``TransportError(permanent=True)`` before (or while, if the size is unknown up front)
      downloading it.
    * ``acknowledge(msg, outcome="processed"|"error")`` moves the message to the configured processed
      or error folder (created when missing) or, with no such folder, deletes it. POP3 has no
      folders: "processed" marks the message deleted, "error" leaves it on the server, and marked
      deletions only take effect when ``close()`` ends the session with QUIT.
    * ``fetch_many``/``acknowledge_many`` do the same for several messages; the base class loops
      over the single calls, a protocol overrides them when the server takes one command for many
      (IMAP: one UID FETCH, one MOVE or STORE+EXPUNGE per folder).
    * Every failure surfaces as :class:`TransportError`; ``permanent`` is True for authentication
      failures and bad settings (retrying will not help) and False for network trouble. The
      server's own message is kept in the error text. Secrets never appear in messages.
    * ``supports_idle``/``idle_wait`` let a worker wait for new mail instead of polling (IMAP only).

    Pick a class through ``INCOMING_PROTOCOLS``/``open_mailbox(kind, config)``, never by name.

    Class attributes, read by the connection settings without naming any protocol: ``kind``,
    ``config_class`` (with a ``from_settings(ConnectionSettings)`` constructor), ``oauth_scope``,
    ``token_only`` (no password login), ``supports_folders`` (False for POP3: only the inbox can be
    read and nothing can be moved), ``folders_required`` (the folder list may not be empty) and
    ``can_idle`` (the server may announce new mail, see ``idle_wait``).
    """

    kind: ClassVar[str] = ""
    config_class: ClassVar[type[MailboxConfig]] = MailboxConfig
    oauth_scope: ClassVar[str] = EXCHANGE_SCOPE
    token_only: ClassVar[bool] = False
    # The connection card's fields this protocol reads; the card shows only these (see
    # connections.forms.protocol_field_css).
    card_fields: ClassVar[tuple[str, ...]] = ()
    supports_folders: ClassVar[bool] = True
    folders_required: ClassVar[bool] = False
    can_idle: ClassVar[bool] = False

    def __init__(self, config: C) -> None:
        if not isinstance(config, self.config_class):
            raise TypeError(f"{type(self).__name__} needs a {self.config_class.__name__}")
        self.config: C = config

    @classmethod
    def from_settings(cls, settings: ConnectionSettings) -> Self:
        """A mailbox client built from neutral connection settings (not yet opened)."""
        config: Any = cls.config_class.from_settings(settings)
        return cls(config)

    @classmethod
    def required_settings(cls, *, oauth2: bool, auth: bool) -> tuple[str, ...]:
        """Names of the `ConnectionSettings` fields (plus "password") that must not be empty."""
        return ("login",) if oauth2 else ("login", "password")

    def __enter__(self) -> Self:
        self.open()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            self.close()
        except TransportError:
            # The original error matters more than a failed logout on a connection that already broke.
            if exc_type is None:
                raise

    @property
    @abstractmethod
    def is_open(self) -> bool:
        """Whether a connection is established and authenticated."""

    @abstractmethod
    def open(self) -> None:
        """Connect and authenticate."""

    @abstractmethod
    def close(self) -> None:
        """Log out (POP3: QUIT, which commits marked deletions); safe to call when not open."""

    @abstractmethod
    def summary(self) -> str:
        """Server greeting and capabilities of the open connection, for the "check" button."""

    @abstractmethod
    def list_messages(self, folder: Sequence[str]) -> list[RemoteMessage]:
        """Messages currently in ``folder`` (path components), oldest first."""

    @abstractmethod
    def fetch(self, msg: RemoteMessage, *, max_bytes: int | None = None) -> bytes:
        """Raw RFC 822 bytes of ``msg``; see the class docstring for the size guard."""

    @abstractmethod
    def acknowledge(self, msg: RemoteMessage, *, outcome: Outcome) -> None:
        """Move ``msg`` to the outcome's folder or delete it; call only after the message is recorded."""

    def list_oldest(self, folder: Sequence[str], limit: int) -> list[RemoteMessage]:
        """The first ``limit`` messages of ``list_messages(folder)``; a protocol that can skip
        describing the rest (IMAP: sizes) overrides it."""
        return self.list_messages(folder)[:limit]

    def fetch_many(
        self, msgs: Sequence[RemoteMessage], *, max_bytes: int | None = None
    ) -> dict[str, bytes | TransportError]:
        """Raw bytes of each message by ``server_id``; a message the server refuses for good (too
        big, unreadable) maps to its permanent ``TransportError``. Any other failure raises."""
        result: dict[str, bytes | TransportError] = {}
        for msg in msgs:
            try:
                result[msg.server_id] = self.fetch(msg, max_bytes=max_bytes)
            except TransportError as exc:
                if not exc.permanent:
                    raise
                result[msg.server_id] = exc
        return result

    def acknowledge_many(self, msgs: Sequence[RemoteMessage], *, outcome: Outcome) -> None:
        """``acknowledge`` every message in ``msgs`` with the same outcome."""
        for msg in msgs:
            self.acknowledge(msg, outcome=outcome)

    def size_limit(self, max_bytes: int | None) -> int | None:
        """The size guard of one fetch: `max_bytes` when given, else the config's limit."""
        return self.config.max_message_bytes if max_bytes is None else max_bytes

    def check_report(self) -> CheckReport:
        """What a successful `check()` proved; a server of its own (POP3, IMAP) overrides it."""
        return CheckReport(
            server="", encrypted=True, certificate_verified=self.config.verify_certificate, authenticated=True
        )

    def check(self) -> str:
        """Connect and authenticate (unless already open) and describe the server (for the log:
        the greeting is the remote's own text, never shown to the person checking)."""
        if self.is_open:
            return self.summary()
        with self:
            return self.summary()

    @property
    def supports_idle(self) -> bool:
        """Whether ``idle_wait`` can wait for new mail (IMAP IDLE); polling is the fallback."""
        return False

    def idle_wait(self, folder: Sequence[str], timeout: float) -> bool:
        """Block up to ``timeout`` seconds until the server announces new mail in ``folder``."""
        raise TransportError(f"{self.kind} mailboxes cannot wait for new mail; poll instead", permanent=True)


def check_size(msg: RemoteMessage, max_bytes: int | None, size: int | None = None) -> None:
    """Refuse a message whose known size exceeds the limit."""
    size = msg.size if size is None else size
    if max_bytes is not None and size is not None and size > max_bytes:
        raise TransportError(
            f"message {msg.server_id} is {size} bytes, more than the {max_bytes} byte limit", permanent=True
        )


def network_error(exc: BaseException, action: str) -> TransportError:
    """Map socket/TLS failures onto TransportError: certificate and TLS setup problems are permanent."""
    reason = network_reason(exc)
    if reason == Reason.CERTIFICATE:
        text = getattr(exc, "verify_message", "") or str(exc)
        return TransportError(
            f"{action}: the server certificate could not be verified ({text}); "
            "trust its CA or turn certificate verification off",
            permanent=True,
            reason=reason,
        )
    if reason == Reason.TLS and not isinstance(exc, (ssl.SSLEOFError, ssl.SSLZeroReturnError)):
        # Typically TLS spoken to a plain port or the reverse: a settings problem, not a network blip.
        return TransportError(
            f"{action}: TLS negotiation failed ({exc}); check the port and encryption", permanent=True, reason=reason
        )
    if reason == Reason.UNRESOLVED:
        permanent = getattr(exc, "errno", None) in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", socket.EAI_NONAME))
        return TransportError(f"{action}: cannot resolve the server name ({exc})", permanent=permanent, reason=reason)
    if reason == Reason.TIMEOUT:
        return TransportError(f"{action}: the server did not answer in time", permanent=False, reason=reason)
    if reason == Reason.REFUSED:
        return TransportError(f"{action}: connection refused ({exc})", permanent=False, reason=reason)
    return TransportError(f"{action}: {exc}", permanent=False, reason=Reason.LOST if reason == Reason.TLS else reason)


def folder_label(folder: Sequence[str]) -> str:
    return "/".join(folder)


# Imported on first use: the protocol modules import this one for their base class.
_BUILTIN_MODULES = {
    "pop3": f"{__package__}.pop3",
    "imap": f"{__package__}.imap",
    "ews": f"{__package__}.ews_in",
    "graph": f"{__package__}.graph_in",
}


INCOMING_PROTOCOLS: Registry[IncomingMailbox[Any]] = Registry("incoming mail protocol", _BUILTIN_MODULES)


def open_mailbox(kind: str, config: MailboxConfig) -> IncomingMailbox[Any]:
    """An unopened mailbox client of the given kind ("pop3", "imap", "ews", "graph")."""
    return INCOMING_PROTOCOLS.class_for(kind)(config)
