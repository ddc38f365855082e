"""On-premises Exchange mailboxes through EWS (exchangelib): FindItem, MimeContent, MoveItem, DeleteItem.

Folders are resolved by display name: a path starting with "INBOX" starts at the well-known inbox,
anything else at the top of the information store (``msgfolderroot``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any, Self

import requests
from exchangelib import DELEGATE, IMPERSONATION, Account, Configuration, Credentials, FailFast, Message
from exchangelib import errors as ews_errors
from exchangelib.credentials import OAuth2AuthorizationCodeCredentials
from exchangelib.folders import Folder
from exchangelib.protocol import Protocol
from oauthlib.oauth2 import OAuth2Error, OAuth2Token

from .base import CheckReport, ConnectionSettings
from .errors import Reason, TransportError, network_reason
from .https import TrustAdapter, http_reason
from .incoming import (
    INCOMING_PROTOCOLS,
    FolderPath,
    IncomingMailbox,
    MailboxConfig,
    Outcome,
    RemoteMessage,
    check_size,
    folder_label,
)

_TEMPORARY_ERRORS = (
    ews_errors.RateLimitError,
    ews_errors.ErrorServerBusy,
    ews_errors.ErrorTimeoutExpired,
    ews_errors.ErrorInternalServerTransientError,
    ews_errors.ErrorConnectionFailedTransientError,
    ews_errors.ErrorMailboxStoreUnavailable,
)
_TLS_MARKERS = ("CERTIFICATE_VERIFY_FAILED", "SSLError", "certificate verify failed")
_PAGE_SIZE = 100


@dataclass
class EwsMailboxConfig(MailboxConfig):
    """An on-premises Exchange mailbox: ``ews_url`` is the full URL of Exchange.asmx and ``login``
    the mailbox's address."""

    ews_url: str = ""

    @classmethod
    def from_settings(cls, settings: ConnectionSettings) -> Self:
        return cls(**cls._common(settings), ews_url=settings.ews_url)


class _TokenCredentials(OAuth2AuthorizationCodeCredentials):
    """Bearer credentials fed by our token provider; exchangelib calls ``refresh`` on a 401."""

    def __init__(self, config: EwsMailboxConfig) -> None:
        super().__init__(access_token=_token(config.access_token()))
        # A bound method: exchangelib hashes every attribute into a signature, and the config is unhashable.
        self._fetch_token = config.access_token

    def refresh(self, session: Any) -> None:
        self.access_token = _token(self._fetch_token())

    # exchangelib hashes credentials into cache keys; ours hold a callable, so identity is the key.
    def __eq__(self, other: object) -> bool:
        return self is other

    def __hash__(self) -> int:
        return id(self)


def _token(value: str) -> OAuth2Token:
    return OAuth2Token({"access_token": value, "token_type": "Bearer"})


class _MailboxProtocol(Protocol):
    """A Protocol owned by one mailbox session, applying its TLS trust settings and timeout.

    exchangelib otherwise shares one process-wide Protocol per endpoint and only offers a global
    adapter class for TLS; a private instance keeps the CA file and timeout to this mailbox.
    """

    def __init__(self, *, config: Configuration, verify: bool | str, timeout: float) -> None:
        super().__init__(config=config)
        self.verify = verify
        self.TIMEOUT = timeout

    def raw_session(self, prefix: str, *args: Any, **kwargs: Any) -> requests.Session:
        session = super().raw_session(prefix, *args, **kwargs)
        # Same pool settings as exchangelib's own adapter (one connection, no urllib3 retries).
        session.mount(
            prefix,
            TrustAdapter(
                self.verify,
                pool_block=True,
                pool_connections=self.CONNECTIONS_PER_SESSION,
                pool_maxsize=self.CONNECTIONS_PER_SESSION,
                max_retries=0,
            ),
        )
        return session


def _new_protocol(config: Configuration, verify: bool | str, timeout: float) -> _MailboxProtocol:
    # Bypass the metaclass cache on purpose: this instance must not be shared with other mailboxes.
    protocol = _MailboxProtocol.__new__(_MailboxProtocol)
    _MailboxProtocol.__init__(protocol, config=config, verify=verify, timeout=timeout)
    return protocol


@INCOMING_PROTOCOLS.register
class EwsMailbox(IncomingMailbox[EwsMailboxConfig]):
    kind = "ews"
    card_fields = (
        "ews_url",
        "verify_certificate",
        "login",
        "password",
        "oauth2",
        "client_id",
        "tenant_id",
        "client_secret",
        "folders",
        "processed_folder",
        "error_folder",
    )
    config_class = EwsMailboxConfig

    @classmethod
    def required_settings(cls, *, oauth2: bool, auth: bool) -> tuple[str, ...]:
        return (*super().required_settings(oauth2=oauth2, auth=auth), "ews_url")

    def __init__(self, config: EwsMailboxConfig) -> None:
        super().__init__(config)
        self._account: Account | None = None
        self._folders: dict[FolderPath, Folder] = {}

    @property
    def is_open(self) -> bool:
        return self._account is not None

    @property
    def account(self) -> Account:
        if self._account is None:
            raise TransportError("the EWS mailbox is not open", permanent=False)
        return self._account

    def open(self) -> None:
        if self._account is not None:
            return
        config = self.config
        if not config.ews_url.lower().startswith(("https://", "http://")):
            raise TransportError(
                "The EWS address must be a full http(s):// URL to Exchange.asmx.", permanent=True, reason=Reason.CONFIG
            )
        if config.oauth2 and not config.ews_url.lower().startswith("https://"):
            # Bearer tokens must never travel in clear text; requests-oauthlib refuses it as well.
            raise TransportError(
                "OAuth2 authentication needs an https:// EWS address.", permanent=True, reason=Reason.CONFIG
            )
        action = f"EWS connection to {config.ews_url}"
        with self._errors(action):
            ews_config = Configuration(
                service_endpoint=config.ews_url,
                credentials=self._credentials(),
                retry_policy=FailFast(),
            )
            account = Account(
                primary_smtp_address=config.login,
                config=ews_config,
                autodiscover=False,
                # App-only OAuth tokens act on a mailbox through impersonation; a user's password acts as itself.
                access_type=IMPERSONATION if config.oauth2 else DELEGATE,
            )
            self._forget_shared_protocol(ews_config)
            account.protocol = _new_protocol(ews_config, config.requests_verify(), config.timeout)
        try:
            with self._errors(action):
                # Reading the inbox proves the endpoint, the credentials and the mailbox address at once.
                inbox = account.inbox
        except TransportError:
            account.protocol.close()
            raise
        self._account = account
        self._folders[("INBOX",)] = inbox

    def _credentials(self) -> Credentials | _TokenCredentials:
        if self.config.oauth2:
            return _TokenCredentials(self.config)
        return Credentials(self.config.login, self.config.password)

    @staticmethod
    def _forget_shared_protocol(ews_config: Configuration) -> None:
        # Account() registered a shared Protocol for this endpoint; we use our own, so drop that one.
        with suppress(KeyError):
            del Protocol[ews_config]

    def close(self) -> None:
        account, self._account = self._account, None
        self._folders.clear()
        if account is not None:
            account.protocol.close()

    def check_report(self) -> CheckReport:
        https = self.config.ews_url.lower().startswith("https://")
        return CheckReport(
            server=self.config.ews_url,
            encrypted=https,
            certificate_verified=https and self.config.verify_certificate,
            authenticated=True,
            login=self.config.login,
            oauth2=self.config.oauth2,
        )

    def summary(self) -> str:
        with self._errors("EWS server version"):
            version = self.account.version
            inbox = self._folders[("INBOX",)]
        return f'Exchange {version.build} (API {version.api_version}) at {self.config.ews_url}: inbox "{inbox.name}"'

    # --- folders -------------------------------------------------------------------------------

    def folder(self, path: Sequence[str], *, create: bool = False) -> Folder:
        key = tuple(path)
        if not key:
            raise TransportError("empty folder name", permanent=True)
        if key in self._folders:
            return self._folders[key]
        if len(key) == 1 and key[0] != "INBOX":
            with self._errors("EWS folder lookup"):
                parent = self.account.msg_folder_root
        else:
            parent = self.folder(key[:-1], create=create)
        folder = self._child(parent, key[-1], create=create, label=folder_label(key))
        self._folders[key] = folder
        return folder

    def _child(self, parent: Folder, name: str, *, create: bool, label: str) -> Folder:
        with self._errors(f"EWS folder {label}"):
            try:
                # "//" asks the server for one level (FindFolder Shallow) instead of caching the whole tree.
                return parent // name
            except ews_errors.ErrorFolderNotFound:
                if not create:
                    raise TransportError(f"mail folder {label} does not exist", permanent=True) from None
            created = Folder(parent=parent, name=name)
            created.save()
            return created

    # --- messages ------------------------------------------------------------------------------

    def list_messages(self, folder: Sequence[str]) -> list[RemoteMessage]:
        path = tuple(folder)
        source = self.folder(path)
        with self._errors(f"EWS FindItem in {folder_label(path)}"):
            items = source.all().only("id", "changekey", "size").order_by("datetime_received")
            items.page_size = _PAGE_SIZE
            return [
                RemoteMessage(server_id=item.id, folder=path, size=item.size, handle=item.changekey)
                for item in items
                if getattr(item, "id", None)
            ]

    def fetch(self, msg: RemoteMessage, *, max_bytes: int | None = None) -> bytes:
        max_bytes = self.size_limit(max_bytes)
        check_size(msg, max_bytes)
        with self._errors(f"EWS GetItem {msg.server_id}"):
            results = list(self.account.fetch(ids=[(msg.server_id, msg.handle)], only_fields=["mime_content"]))
        item = results[0] if results else None
        if isinstance(item, Exception):
            raise self._map(item, f"EWS GetItem {msg.server_id}")
        content = getattr(item, "mime_content", None)
        if not content:
            raise TransportError(f"message {msg.server_id} has no MIME content", permanent=True)
        raw = bytes(content) if not isinstance(content, str) else content.encode("utf-8")
        # When FindItem gave no size the whole body is already here; still refuse it for the caller.
        check_size(msg, max_bytes, len(raw))
        return raw

    def acknowledge(self, msg: RemoteMessage, *, outcome: Outcome) -> None:
        target = self.config.target_folder(outcome)
        destination = self.folder(target, create=True) if target else None
        item = Message(account=self.account, id=msg.server_id, changekey=msg.handle)
        with self._errors(f"EWS acknowledge {msg.server_id}"):
            if destination is None:
                item.delete()
            else:
                item.move(destination)

    # --- errors --------------------------------------------------------------------------------

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        try:
            yield
        except TransportError:
            raise
        except (ews_errors.EWSError, OAuth2Error, requests.RequestException, OSError, ValueError) as exc:
            raise self._map(exc, action) from exc

    @staticmethod
    def _map(exc: BaseException, action: str) -> TransportError:
        text = str(exc) or type(exc).__name__
        if isinstance(exc, ews_errors.UnauthorizedError):
            return TransportError(f"{action}: authentication failed ({text})", permanent=True, reason=Reason.AUTH)
        if isinstance(exc, _TEMPORARY_ERRORS):
            return TransportError(f"{action}: {text}", permanent=False, reason=Reason.REJECTED)
        if isinstance(exc, ews_errors.ResponseMessageError):
            return TransportError(f"{action}: {type(exc).__name__}: {text}", permanent=True, reason=Reason.REJECTED)
        if isinstance(exc, ews_errors.TransportError | requests.RequestException | OSError):
            tls = isinstance(exc, requests.exceptions.SSLError) or any(marker in text for marker in _TLS_MARKERS)
            if tls:
                reason = Reason.CERTIFICATE if "CERTIFICATE_VERIFY_FAILED" in text else Reason.TLS
                return TransportError(
                    f"{action}: TLS failed ({text}); check the certificate settings", permanent=True, reason=reason
                )
            reason = network_reason(exc) if isinstance(exc, OSError) else http_reason(exc)
            return TransportError(f"{action}: {text}", permanent=False, reason=reason)
        if isinstance(exc, OAuth2Error):
            return TransportError(f"{action}: {text}", permanent=True, reason=Reason.TOKEN)
        return TransportError(f"{action}: {text}", permanent=True)
