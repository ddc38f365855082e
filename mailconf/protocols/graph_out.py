"""Microsoft 365 through Microsoft Graph: `POST /v1.0/users/{id}/sendMail` with the MIME message.

Graph accepts the whole RFC 5322 message base64-encoded (Content-Type: text/plain), so the bytes,
Message-ID and threading headers are the same as over SMTP. Graph accepts or refuses a message as
a whole; it reports no per-recipient results.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any, Self
from urllib.parse import quote

import requests

from .base import (
    DEFAULT_GRAPH_URL,
    DEFAULT_TIMEOUT,
    GRAPH_SCOPE,
    CheckReport,
    ConnectionSettings,
    TokenProvider,
    fetch_token,
)
from .errors import Reason, TransportError
from .https import http_reason, trusting_session
from .outgoing import OUTGOING_PROTOCOLS, Envelope, OutgoingTransport, SendResult

# 401 is temporary: a token can expire between the check and the request; 408/429/5xx are load.
_TEMPORARY = frozenset({401, 408, 409, 423, 429})


@dataclass(frozen=True)
class GraphConfig:
    """Sending as the mailbox `user` with app-only tokens from `token`."""

    user: str
    token: TokenProvider | None = field(default=None, repr=False)
    base_url: str = DEFAULT_GRAPH_URL
    ca_file: str | None = None
    timeout: float = DEFAULT_TIMEOUT

    @classmethod
    def from_settings(cls, settings: ConnectionSettings) -> Self:
        return cls(
            user=settings.from_address,
            token=settings.token_provider,
            base_url=settings.graph_base_url,
            ca_file=settings.ca_file,
            timeout=settings.timeout,
        )


def _graph_error(response: requests.Response) -> TransportError:
    try:
        error = response.json().get("error", {})
        detail = f"{error.get('code', '')}: {error.get('message', '')}".strip(": ")
    except ValueError:
        detail = response.text[:200]
    permanent = response.status_code < 500 and response.status_code not in _TEMPORARY
    reason = Reason.AUTH if response.status_code in (401, 403) else Reason.REJECTED
    return TransportError(f"Microsoft Graph answered {response.status_code} {detail}".strip(), permanent, reason=reason)


@OUTGOING_PROTOCOLS.register
class GraphTransport(OutgoingTransport[GraphConfig]):
    kind = "graph"
    card_fields = ("client_id", "tenant_id", "client_secret")
    config_class = GraphConfig
    oauth_scope = GRAPH_SCOPE
    token_only = True

    @classmethod
    def required_settings(cls, *, oauth2: bool, auth: bool) -> tuple[str, ...]:
        return ("from_address",)

    def __init__(self, config: GraphConfig) -> None:
        super().__init__(config)
        self._session: requests.Session | None = None

    @property
    def _user_url(self) -> str:
        return f"{self.config.base_url.rstrip('/')}/v1.0/users/{quote(self.config.user, safe='@')}"

    def open(self) -> None:
        if not self.config.user:
            raise TransportError(
                "The system e-mail address (the Microsoft 365 mailbox) is not set.", True, reason=Reason.CONFIG
            )
        token = fetch_token(self.config.token)
        session = trusting_session(self.config.ca_file or True)
        session.headers["Authorization"] = f"Bearer {token}"
        self._session = session

    def close(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            session.close()

    def _request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        if self._session is None:
            raise TransportError("the Graph session is closed")
        try:
            return self._session.request(method, url, timeout=self.config.timeout, **kwargs)
        except requests.RequestException as exc:
            raise TransportError(
                f"cannot reach Microsoft Graph: {type(exc).__name__}", reason=http_reason(exc)
            ) from None

    def check_report(self) -> CheckReport:
        https = self.config.base_url.lower().startswith("https://")
        return CheckReport(
            server=self.config.base_url,
            encrypted=https,
            certificate_verified=https,
            authenticated=True,
            login=self.config.user,
            oauth2=True,
        )

    def check(self) -> None:
        """Authenticated read of the sending mailbox's user object (needs User.Read.All or similar)."""
        self.open()
        try:
            response = self._request("GET", f"{self._user_url}?$select=id,mail")
            if response.status_code != 200:
                raise _graph_error(response)
        finally:
            self.close()

    def send(self, envelope: Envelope) -> SendResult:
        body = base64.b64encode(envelope.raw)
        response = self._request(
            "POST", f"{self._user_url}/sendMail", data=body, headers={"Content-Type": "text/plain"}
        )
        if response.status_code != 202:
            raise _graph_error(response)
        return SendResult(accepted=list(envelope.recipients))
