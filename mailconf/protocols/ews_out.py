"""On-premises Exchange (or Exchange Online while it lasts) through EWS with exchangelib.

The message goes as MimeContent in a CreateItem with MessageDisposition=SendOnly, so the bytes
are the ones built for SMTP. Password logins let exchangelib pick the auth scheme the server
advertises; OAuth2 uses an app-only token (impersonating the sending mailbox).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Self

import requests
from exchangelib import DELEGATE, IMPERSONATION, OAUTH2, Account, Build, Configuration, Credentials, Version
from exchangelib.credentials import OAuth2AuthorizationCodeCredentials
from exchangelib.errors import (
    EWSError,
    RateLimitError,
    ResponseMessageError,
    UnauthorizedError,
)
from exchangelib.errors import (
    TransportError as ExchangelibTransportError,
)
from exchangelib.items import Message

from .base import CheckReport, ConnectionSettings, TokenProvider, fetch_token
from .errors import Reason, TransportError
from .https import http_reason
from .outgoing import OUTGOING_PROTOCOLS, Envelope, OutgoingTransport, SendResult

# Exchange 2013 SP1 requests are understood by every Exchange since, and by Exchange Online;
# fixing the version spares a probing round trip on every connection.
_VERSION = Version(build=Build(15, 0, 847, 32))


@dataclass(frozen=True)
class EwsConfig:
    """Sending through Exchange.asmx at `url` as the mailbox `sender`: with `token` (app-only,
    impersonating the sender) when set, else with `login` and `password`."""

    url: str
    sender: str
    login: str = ""
    password: str = field(default="", repr=False)
    token: TokenProvider | None = field(default=None, repr=False)
    max_connections: int = 1

    @classmethod
    def from_settings(cls, settings: ConnectionSettings) -> Self:
        return cls(
            url=settings.ews_url,
            sender=settings.from_address,
            login=settings.login,
            password=settings.password,
            token=settings.token_provider if settings.oauth2 else None,
        )


# Response codes that say "later", not "never".
_TRANSIENT_CODES = frozenset(
    {
        "ErrorServerBusy",
        "ErrorTimeoutExpired",
        "ErrorInternalServerTransientError",
        "ErrorConnectionFailed",
        "ErrorConnectionFailedTransientError",
        "ErrorMailboxStoreUnavailable",
        "ErrorMailboxMoveInProgress",
        "ErrorTooManyObjectsOpened",
        "ErrorInternalServerError",
    }
)


def _map_error(exc: Exception) -> TransportError:
    if isinstance(exc, ResponseMessageError):
        code = type(exc).__name__
        return TransportError(
            f"EWS refused: {code}: {exc}", permanent=code not in _TRANSIENT_CODES, reason=Reason.REJECTED
        )
    if isinstance(exc, UnauthorizedError):
        return TransportError(f"EWS authentication failed: {exc}", permanent=True, reason=Reason.AUTH)
    if isinstance(exc, (RateLimitError, ExchangelibTransportError, requests.RequestException, ConnectionError)):
        return TransportError(f"cannot reach the EWS server: {exc}", reason=http_reason(exc))
    if isinstance(exc, EWSError):
        return TransportError(f"EWS error: {exc}", permanent=True)
    return TransportError(f"EWS error: {type(exc).__name__}: {exc}")


@OUTGOING_PROTOCOLS.register
class EwsTransport(OutgoingTransport[EwsConfig]):
    kind = "ews"
    card_fields = ("ews_url", "login", "password", "oauth2", "client_id", "tenant_id", "client_secret")
    config_class = EwsConfig

    @classmethod
    def required_settings(cls, *, oauth2: bool, auth: bool) -> tuple[str, ...]:
        credentials = () if oauth2 else ("login", "password")
        return ("ews_url", *credentials, "from_address")

    def __init__(self, config: EwsConfig) -> None:
        super().__init__(config)
        self._account: Account | None = None

    def open(self) -> None:
        cfg = self.config
        if not cfg.url or not cfg.sender:
            raise TransportError(
                "EWS needs the server URL and the system e-mail address.", permanent=True, reason=Reason.CONFIG
            )
        try:
            if cfg.token is not None:
                token = {"access_token": fetch_token(cfg.token), "token_type": "Bearer"}
                credentials = OAuth2AuthorizationCodeCredentials(access_token=token)
                config = Configuration(
                    service_endpoint=cfg.url,
                    credentials=credentials,
                    auth_type=OAUTH2,
                    version=_VERSION,
                    max_connections=cfg.max_connections,
                )
                access = IMPERSONATION
            else:
                config = Configuration(
                    service_endpoint=cfg.url,
                    credentials=Credentials(cfg.login, cfg.password),
                    version=_VERSION,
                    max_connections=cfg.max_connections,
                )
                access = DELEGATE
            self._account = Account(cfg.sender, config=config, autodiscover=False, access_type=access)
        except TransportError:
            raise
        except Exception as exc:  # exchangelib raises many unrelated types; all become one error
            raise _map_error(exc) from None

    def close(self) -> None:
        account, self._account = self._account, None
        if account is not None:
            account.protocol.close()

    def check_report(self) -> CheckReport:
        https = self.config.url.lower().startswith("https://")
        return CheckReport(
            server=self.config.url,
            encrypted=https,
            certificate_verified=https,
            authenticated=True,
            login=self.config.login or self.config.sender,
            oauth2=self.config.token is not None,
        )

    def check(self) -> None:
        """An authenticated read: GetFolder on the mailbox root."""
        self.open()
        try:
            assert self._account is not None
            _ = self._account.root
        except Exception as exc:  # see open()
            raise _map_error(exc) from None
        finally:
            self.close()

    def send(self, envelope: Envelope) -> SendResult:
        if self._account is None:
            raise TransportError("the EWS session is closed")
        try:
            Message(account=self._account, mime_content=envelope.raw).send(save_copy=False)
        except Exception as exc:  # see open()
            raise _map_error(exc) from None
        return SendResult(accepted=list(envelope.recipients))
