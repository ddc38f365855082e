"""A local OAuth2 authorization server for tests, built on oauthlib's server (not hand-written
protocol code): authorization code with PKCE (S256 required), refresh tokens, revocation.

`/authorize` approves at once for the login given by `approve_as` (the test plays the person who
signs in), redirecting back with a code; `/token` trades a code (with its verifier) or a refresh
token for tokens. Every access token issued is also registered where the mail servers look tokens
up (`on_token(login, token)`: Dovecot's token-info table, the SMTP servers' XOAUTH2 table), so
IMAP and SMTP accept exactly what this server issued.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from oauthlib.common import Request
from oauthlib.oauth2 import RequestValidator, WebApplicationServer

from .net import LOOPBACK

TokenHook = Callable[[str, str], None]


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    scopes: list[str]
    login: str
    challenge: str
    method: str


@dataclass
class _State:
    client_id: str
    client_secret: str
    approve_as: str = ""
    codes: dict[str, _Grant] = field(default_factory=dict)
    refresh: dict[str, tuple[str, list[str]]] = field(default_factory=dict)
    access: dict[str, str] = field(default_factory=dict)
    token_requests: int = 0


class _Validator(RequestValidator):
    def __init__(self, state: _State, on_token: TokenHook) -> None:
        self.state = state
        self.on_token = on_token

    # --- clients -------------------------------------------------------------------------------
    def validate_client_id(self, client_id: str, request: Request, *args: Any, **kwargs: Any) -> bool:
        return client_id == self.state.client_id

    def client_authentication_required(self, request: Request, *args: Any, **kwargs: Any) -> bool:
        return True

    def authenticate_client(self, request: Request, *args: Any, **kwargs: Any) -> bool:
        if request.client_id == self.state.client_id and request.client_secret == self.state.client_secret:
            request.client = type("Client", (), {"client_id": request.client_id})()
            return True
        return False

    def authenticate_client_id(self, client_id: str, request: Request, *args: Any, **kwargs: Any) -> bool:
        return False  # a confidential client: the secret is required

    def validate_redirect_uri(self, client_id: str, redirect_uri: str, request: Request, *a: Any, **k: Any) -> bool:
        return redirect_uri.startswith(("http://", "https://"))

    def get_default_redirect_uri(self, client_id: str, request: Request, *args: Any, **kwargs: Any) -> str | None:
        return None

    def validate_response_type(
        self, client_id: str, response_type: str, client: Any, request: Request, *a: Any, **k: Any
    ) -> bool:
        return response_type == "code"

    def validate_scopes(
        self, client_id: str, scopes: list[str], client: Any, request: Request, *a: Any, **k: Any
    ) -> bool:
        return bool(scopes)

    def get_default_scopes(self, client_id: str, request: Request, *args: Any, **kwargs: Any) -> list[str]:
        return ["mail"]

    def validate_grant_type(
        self, client_id: str, grant_type: str, client: Any, request: Request, *a: Any, **k: Any
    ) -> bool:
        return grant_type in ("authorization_code", "refresh_token")

    # --- codes and PKCE ------------------------------------------------------------------------
    def is_pkce_required(self, client_id: str, request: Request) -> bool:
        return True

    def save_authorization_code(
        self, client_id: str, code: dict[str, str], request: Request, *a: Any, **k: Any
    ) -> None:
        self.state.codes[code["code"]] = _Grant(
            client_id,
            request.redirect_uri,
            list(request.scopes),
            self.state.approve_as,
            request.code_challenge,
            request.code_challenge_method,
        )

    def validate_code(self, client_id: str, code: str, client: Any, request: Request, *a: Any, **k: Any) -> bool:
        grant = self.state.codes.get(code)
        if grant is None or grant.client_id != client_id:
            return False
        request.scopes = grant.scopes
        request.user = grant.login
        return True

    def get_code_challenge(self, code: str, request: Request) -> str | None:
        grant = self.state.codes.get(code)
        return grant.challenge if grant else None

    def get_code_challenge_method(self, code: str, request: Request) -> str | None:
        grant = self.state.codes.get(code)
        return grant.method if grant else None

    def confirm_redirect_uri(
        self, client_id: str, code: str, redirect_uri: str, client: Any, request: Request, *a: Any, **k: Any
    ) -> bool:
        grant = self.state.codes.get(code)
        return grant is not None and grant.redirect_uri == redirect_uri

    def invalidate_authorization_code(self, client_id: str, code: str, request: Request, *a: Any, **k: Any) -> None:
        self.state.codes.pop(code, None)

    # --- tokens --------------------------------------------------------------------------------
    def save_bearer_token(self, token: dict[str, Any], request: Request, *args: Any, **kwargs: Any) -> None:
        login = request.user
        self.state.access[token["access_token"]] = login
        if "refresh_token" in token:
            self.state.refresh[token["refresh_token"]] = (login, list(request.scopes))
        self.on_token(login, token["access_token"])

    def validate_refresh_token(self, refresh_token: str, client: Any, request: Request, *a: Any, **k: Any) -> bool:
        entry = self.state.refresh.get(refresh_token)
        if entry is None:
            return False
        request.user = entry[0]
        return True

    def get_original_scopes(self, refresh_token: str, request: Request, *args: Any, **kwargs: Any) -> list[str]:
        return self.state.refresh[refresh_token][1]

    def rotate_refresh_token(self, request: Request) -> bool:
        return True


class OAuthAuthorizationServer:
    """The server on a free loopback port; `authorize_url`, `token_url`, `client_id`, `client_secret`."""

    def __init__(
        self, on_token: TokenHook, *, client_id: str = "servicedesk-test", client_secret: str = "s3cret"
    ) -> None:
        self.state = _State(client_id, client_secret)
        self.server = WebApplicationServer(_Validator(self.state, on_token), token_expires_in=3600)
        self._httpd = ThreadingHTTPServer((LOOPBACK, 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="oauth-authserver", daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def authorize_url(self) -> str:
        return f"{self.base_url}/authorize"

    @property
    def token_url(self) -> str:
        return f"{self.base_url}/token"

    @property
    def client_id(self) -> str:
        return self.state.client_id

    @property
    def client_secret(self) -> str:
        return self.state.client_secret

    @property
    def token_requests(self) -> int:
        return self.state.token_requests

    def approve_as(self, login: str) -> None:
        """Who "signs in" at the next /authorize."""
        self.state.approve_as = login

    def revoke_all(self) -> None:
        """The person revoked the application: refresh tokens stop working."""
        self.state.refresh.clear()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


def _handler_for(auth: OAuthAuthorizationServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if not self.path.startswith("/authorize"):
                self._reply(404, {}, b"")
                return
            uri = auth.base_url + self.path
            scopes, _credentials = auth.server.validate_authorization_request(uri, "GET")
            headers, body, status = auth.server.create_authorization_response(
                uri, "GET", scopes=scopes, credentials={"user": auth.state.approve_as}
            )
            self._reply(status, headers, (body or "").encode())

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode()
            auth.state.token_requests += 1
            headers, reply, status = auth.server.create_token_response(
                auth.token_url, "POST", body, dict(self.headers.items())
            )
            self._reply(status, headers, (reply or "").encode())

        def _reply(self, status: int, headers: dict[str, str], body: bytes) -> None:
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            """Silence per-request logging; pytest output stays readable."""

    return Handler
