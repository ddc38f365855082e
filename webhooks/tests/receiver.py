"""A test receiver for webhooks: a loopback HTTP server that verifies each call's signature the way
a customer's endpoint would, and answers as the test tells it (status, redirect, delay)."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from webhooks.signing import HEADER, verify


@dataclass
class Call:
    path: str
    headers: dict[str, str]
    body: bytes
    signature_ok: bool

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    secret: str
    calls: list[Call] = field(default_factory=list)
    status: int = 200
    redirect_to: str = ""
    delay: float = 0.0

    def __post_init__(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 (the http.server naming)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                ok = verify(receiver.secret, self.headers.get(HEADER, ""), body)
                receiver.calls.append(Call(self.path, dict(self.headers), body, ok))
                if receiver.delay:
                    time.sleep(receiver.delay)
                redirect = receiver.redirect_to if self.path == "/hook" else ""
                status = 307 if redirect else receiver.status
                self.send_response(status)
                if redirect:
                    self.send_header("Location", redirect)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                return

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}/hook"

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
