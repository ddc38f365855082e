"""A real ASGI server (uvicorn in a subprocess) against a given database, for stream tests, the
browser test and the push-latency bench. Stopping and starting again keeps the port, so a browser
sees a genuine connection loss and reconnects to the same address."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from servicedesk.testing.mailservers.net import LOOPBACK, free_ports

BASE_DIR = Path(__file__).resolve().parent.parent


@dataclass
class AsgiServer:
    database_url: str
    redis_url: str
    port: int = field(default_factory=lambda: free_ports(1)[0])
    settings_module: str = "servicedesk.settings_test"
    extra_env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def _env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": self.settings_module,
                "DATABASE_URL": self.database_url,
                "REDIS_URL": self.redis_url,
                "CONN_MAX_AGE": "0",
                "LOG_LEVEL": "WARNING",
                "ALLOWED_HOSTS": f"{LOOPBACK},localhost",
                "WHITENOISE_USE_FINDERS": "true",
                **self.extra_env,
            }
        )
        return env

    def start(self, timeout: float = 30.0) -> AsgiServer:
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "servicedesk.asgi:application",
                "--host",
                LOOPBACK,
                "--port",
                str(self.port),
                "--no-access-log",
                "--timeout-graceful-shutdown",
                "1",
            ],
            cwd=BASE_DIR,
            env=self._env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                stderr = self.process.stderr.read() if self.process.stderr else b""
                raise RuntimeError(f"uvicorn exited: {stderr.decode(errors='replace')[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/notifications/stream", timeout=2):
                    return self
            except urllib.error.HTTPError:  # 403 without a session: the server answers
                return self
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("uvicorn did not answer /health in time")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
        if process.stderr is not None:
            process.stderr.close()


def database_url_for(settings_dict: dict) -> str:
    """postgres://user@host:port/name of a Django database settings dict (the test database)."""
    user = settings_dict.get("USER") or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or LOOPBACK
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"
