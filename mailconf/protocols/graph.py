"""Microsoft 365 through Microsoft Graph: `POST /v1.0/users/{id}/sendMail` with the MIME message.

Graph accepts the whole RFC 5322 message base64-encoded (Content-Type: text/plain), so the bytes,
Message-ID and threading headers are the same as over SMTP. Graph accepts or refuses a message as
a whole; it reports no per-recipient results.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from urllib.parse import quote

import requests

from .errors import TransportError
from .outgoing import Envelope, OutgoingTransport, SendResult, TokenProvider, register

DEFAULT_BASE_URL = "https://graph.microsoft.com"
# 401 is temporary: a token can expire between the check and the request; 408/429/5xx are load.
_TEMPORARY = frozenset({401, 408, 409, 423, 429})


@dataclass(frozen=True)
class GraphConfig:
    user: str
    token: TokenProvider
    base_url: str = DEFAULT_BASE_URL
    ca_file: str | None = None
    timeout: float = 30.0


def _graph_error(response: requests.Response) -> TransportError:
    try:
        error = response.json().get("error", {})
        detail = f"{error.get('code', '')}: {error.get('message', '')}".strip(": ")
    except ValueError:
        detail = response.text[:200]
    permanent = response.status_code < 500 and response.status_code not in _TEMPORARY
    return TransportError(f"Microsoft Graph answered {response.status_code} {detail}".strip(), permanent)


@register
class GraphTransport(OutgoingTransport):
    kind = "graph"
    config_class = GraphConfig

    def __init__(self, config: GraphConfig) -> None:
        super().__init__(config)
        self._session: requests.Session | None = None

    @property
    def _user_url(self) -> str:
        return f"{self.config.base_url.rstrip('/')}/v1.0/users/{quote(self.config.user, safe='@')}"

    def open(self) -> None:
        if not self.config.user:
            raise TransportError("the system e-mail address (the Microsoft 365 mailbox) is not set", True)
        token = self.config.token()
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        self._session = session

    def close(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            session.close()

    def _request(self, method: str, url: str, **kwargs: object) -> requests.Response:
        if self._session is None:
            raise TransportError("the Graph session is closed")
        try:
            # `verify` per request: requests lets REQUESTS_CA_BUNDLE override a session's own.
            return self._session.request(
                method, url, timeout=self.config.timeout, verify=self.config.ca_file or True, **kwargs
            )
        except requests.RequestException as exc:
            raise TransportError(f"cannot reach Microsoft Graph: {type(exc).__name__}") from None

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
