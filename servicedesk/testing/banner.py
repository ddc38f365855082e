"""Tiny TCP services for connection-check tests: one that answers every connection with a banner
that is not mail (as a web server or any other service would), and one that accepts but never
says anything. Both listen on a free port of 127.0.0.1."""

from __future__ import annotations

import socket
import threading
from types import TracebackType


class BannerServer:
    """Accepts connections, sends `banner`, waits briefly, closes."""

    def __init__(self, banner: bytes | None) -> None:
        self.banner = banner
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self.port: int = self._sock.getsockname()[1]
        self._stop = threading.Event()
        self._held: list[socket.socket] = []
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        self._sock.settimeout(0.2)
        while not self._stop.is_set():
            try:
                conn, _addr = self._sock.accept()
            except OSError:
                continue
            if self.banner is None:
                self._held.append(conn)  # silent: keep it open, say nothing
                continue
            try:
                conn.sendall(self.banner)
                conn.settimeout(0.5)
                try:
                    conn.recv(1024)
                except OSError:
                    pass
            finally:
                conn.close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        for conn in self._held:
            conn.close()
        self._sock.close()

    def __enter__(self) -> BannerServer:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.stop()


def closed_port() -> int:
    """A port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
