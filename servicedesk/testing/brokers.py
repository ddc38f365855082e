"""Brokers for outage tests: point this process's Celery app elsewhere, run a real redis-server and a
real Celery worker on the test database.

The suite runs tasks eagerly; these helpers turn that off for one block, so kicks really go through
a broker (or fail to), as in production.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from kombu import pools

from servicedesk import kicks
from servicedesk.celery import app
from servicedesk.testing.mailservers.net import LOOPBACK, free_ports, port_accepts

ROOT = Path(__file__).resolve().parents[2]


def _reset_pools() -> None:
    # Celery keeps its pools on private attributes and kombu in a registry keyed by the connection:
    # a new broker URL needs both emptied (a closed pool left registered fails the next publish).
    pools.reset()
    app.__dict__["_pool"] = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@contextmanager
def broker_at(url: str, options: dict[str, Any] | None = None) -> Iterator[None]:
    """This process publishes to `url` (not eagerly) inside the block; pending kicks are flushed
    at the end so none leaks into the next test."""
    conf: Any = app.conf  # celery-types marks the settings read-only; they are a plain mapping
    saved = (conf.broker_url, conf.broker_transport_options, conf.task_always_eager)
    conf.broker_url, conf.broker_transport_options = url, options or {}
    conf.task_always_eager = False
    _reset_pools()
    try:
        yield
    finally:
        kicks.flush()
        conf.broker_url, conf.broker_transport_options, conf.task_always_eager = saved
        _reset_pools()


class RedisServer:
    """A throw-away redis-server on a spare loopback port, without persistence."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_ports(1)[0]
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://{LOOPBACK}:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", LOOPBACK, "--save", "", "--appendonly", "no"],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not port_accepts(LOOPBACK, self.port):
            if time.monotonic() > deadline or self.process.poll() is not None:
                raise RuntimeError("redis-server did not start")
            time.sleep(0.05)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
        self.process = None


def worker_env(broker_url: str, var_dir: Path) -> dict[str, str]:
    """A subprocess on this test's database, publishing to and consuming from `broker_url`."""
    db = connection.settings_dict
    return {
        **os.environ,
        # Its own VAR_DIR, but this process's keys: it must read the secrets the test stored.
        "SECRET_KEY": settings.SECRET_KEY,
        "FIELD_ENCRYPTION_KEYS": ",".join(settings.FIELD_ENCRYPTION_KEYS),
        "DJANGO_SETTINGS_MODULE": "servicedesk.settings_test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_BROKER_URL": broker_url,
        "VAR_DIR": str(var_dir),
    }


@contextmanager
def celery_worker(broker_url: str, var_dir: Path, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """One real worker process (solo pool); stopped (and reaped) at the end of the block."""
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "servicedesk",
                "worker",
                "-P",
                "solo",
                "--without-mingle",
                "--without-gossip",
                "--without-heartbeat",
                "-l",
                "INFO",
            ],
            cwd=ROOT,
            env=worker_env(broker_url, var_dir),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
