"""One poller per mailbox: a short lease on the connection row, kept alive by a heartbeat.

The lease is a conditional UPDATE of `locked_until`/`locked_by` (works on PostgreSQL and SQLite,
and shows on the connection's card who polls it). It is short (MAIL_INCOMING_LEASE_SECONDS, 20 s
by default) so that a poller killed with SIGKILL, which cannot release it, blocks the mailbox for
at most that long; while a poll runs, a heartbeat thread renews it every third of that time, so a
slow chunk (a big message, a slow server) never loses it. A poller that is alive but lost its
lease anyway (stopped for longer than the lease) learns it at its next chunk (`renew` raises
`LeaseLost`); the ledger's UNIQUE key still makes a second recording of the same message fail.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import connection as db_connection
from django.db.models import Q
from django.utils import timezone

from mailconf.models import IncomingConnection

log = logging.getLogger(__name__)


class LeaseLost(Exception):
    """Another worker took the connection over (our lease expired); stop without acknowledging more."""


def lease_seconds() -> int:
    return settings.MAIL_INCOMING_LEASE_SECONDS


def worker_identity() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}:{uuid.uuid4().hex[:8]}"[:100]


def claim(connection_id: int, owner: str) -> bool:
    """Take the connection's lease with a conditional UPDATE; False when another worker holds it."""
    now = timezone.now()
    return bool(
        IncomingConnection.objects.filter(pk=connection_id)
        .filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now))
        .update(locked_until=now + timedelta(seconds=lease_seconds()), locked_by=owner)
    )


def _extend(connection_id: int, owner: str) -> bool:
    return bool(
        IncomingConnection.objects.filter(pk=connection_id, locked_by=owner).update(
            locked_until=timezone.now() + timedelta(seconds=lease_seconds())
        )
    )


def renew(connection_id: int, owner: str) -> None:
    if not _extend(connection_id, owner):
        raise LeaseLost(f"lease on incoming connection {connection_id} lost")


def release(connection_id: int, owner: str, *, next_poll_in: float) -> None:
    IncomingConnection.objects.filter(pk=connection_id, locked_by=owner).update(
        locked_until=None, locked_by="", next_poll_at=timezone.now() + timedelta(seconds=next_poll_in)
    )


class Heartbeat:
    """Renews the lease every third of its length in a thread of its own (own database
    connection, closed when it stops) until `stop()`. Used as a context manager around a poll."""

    def __init__(self, connection_id: int, owner: str) -> None:
        self.connection_id, self.owner = connection_id, owner
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-{connection_id}", daemon=True)

    def __enter__(self) -> Heartbeat:
        # Inside an outer transaction (a test's) the row our claim updated stays locked by it: a
        # second connection could not renew it, only wait. Such a poll relies on renew() per chunk.
        if not db_connection.in_atomic_block:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()

    def _run(self) -> None:
        interval = max(lease_seconds() / 3, 0.1)
        try:
            while not self._stop.wait(interval):
                try:
                    if not _extend(self.connection_id, self.owner):
                        return  # taken over: the poll finds out at its next chunk
                except Exception:  # a database hiccup: the next beat tries again, the poll goes on
                    log.warning(
                        "renewing the lease on incoming connection %s failed", self.connection_id, exc_info=True
                    )
        finally:
            db_connection.close()
