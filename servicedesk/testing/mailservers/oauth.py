"""A tiny OAuth2 token-info endpoint so Dovecot's ``oauth2`` passdb can check XOAUTH2/OAUTHBEARER.

Dovecot calls ``GET /tokeninfo?access_token=<token>``; a registered token answers 200 with
``{"username": <login>, "active": true}``, anything else 401. Runs in a daemon thread on loopback.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from .net import LOOPBACK


class OAuthTokenServer:
    """Holds ``token -> login`` and serves it to Dovecot; thread-safe."""

    path = "/tokeninfo"

    def __init__(self, host: str = LOOPBACK) -> None:
        self._tokens: dict[str, str] = {}
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer((host, 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="oauth-tokeninfo", daemon=True)
        self._thread.start()

    @property
    def tokeninfo_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        assert isinstance(host, str)
        return f"http://{host}:{port}{self.path}?access_token="

    def add_token(self, login: str, token: str) -> None:
        with self._lock:
            self._tokens[token] = login

    def clear(self) -> None:
        with self._lock:
            self._tokens.clear()

    def login_for(self, token: str) -> str | None:
        with self._lock:
            return self._tokens.get(token)

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


def _handler_for(server: OAuthTokenServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlsplit(self.path)
            token = (parse_qs(url.query).get("access_token") or [""])[0]
            login = server.login_for(token) if url.path == server.path else None
            if login is None:
                self._reply(401, {"error": "invalid_token", "active": False})
            else:
                self._reply(200, {"username": login, "active": True, "scope": "mail"})

        def _reply(self, status: int, body: dict[str, object]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            """Silence per-request logging; pytest output stays readable."""

    return Handler
