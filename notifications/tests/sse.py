"""A minimal blocking Server-Sent Events reader for tests (bounded by a deadline)."""

from __future__ import annotations

import http.client
import json
import time
from urllib.parse import urlsplit


class SseClient:
    def __init__(self, url: str, session: str, last_event_id: int | None = None) -> None:
        parts = urlsplit(url)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        headers = {"Cookie": f"sessionid={session}", "Accept": "text/event-stream"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        self.conn.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers)
        self.response = self.conn.getresponse()
        self.status = self.response.status
        self.content_type = self.response.getheader("Content-Type", "")
        self._buffer = b""

    def events(self, count: int, timeout: float = 5.0) -> list[dict]:
        """The next `count` notification events; AssertionError if they do not come in time."""
        found: list[dict] = []
        deadline = time.monotonic() + timeout
        sock = self.response.fp.raw._sock if hasattr(self.response.fp, "raw") else None
        while len(found) < count:
            left = deadline - time.monotonic()
            assert left > 0, f"expected {count} events, got {len(found)}: {found}"
            if sock is not None:
                sock.settimeout(left)
            try:
                chunk = self.response.read1(4096)
            except TimeoutError:
                continue
            assert chunk, "stream closed"
            self._buffer += chunk
            while b"\n\n" in self._buffer:
                block, self._buffer = self._buffer.split(b"\n\n", 1)
                lines = dict(line.split(": ", 1) for line in block.decode().splitlines() if ": " in line)
                if lines.get("event") == "notification":
                    found.append({**json.loads(lines["data"]), "_id": int(lines["id"])})
        return found

    def close(self) -> None:
        self.conn.close()
