"""Near-instant intake for IMAP: one thread per connection holding IDLE, polling on each wake-up.

IDLE only shortens the wait; the poll it triggers is the ordinary leased, ledgered poll, so a
watcher and the beat schedule (still running as the safety net) never process a message twice.
EWS and Microsoft Graph mailboxes are polled only: Graph change notifications need a public
HTTPS endpoint, which a server behind a firewall does not have, and EWS streaming needs a
long-lived Exchange subscription per mailbox for little gain over a short polling interval.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.db import close_old_connections, connection

from mailconf.connections import mailbox_config, open_mailbox
from mailconf.models import IncomingConnection, ProcessedMessage
from mailconf.protocols.errors import TransportError
from mailconf.protocols.incoming import INBOX, INCOMING_PROTOCOLS, FolderPath, IncomingMailbox

from .polling import PollCounts, poll_connection
from .tasks import poll_connection as poll_task

log = logging.getLogger(__name__)

# Each IDLE command is ended and re-issued after this long: NAT boxes and some servers drop an
# idle TCP connection after 5-15 minutes of silence (RFC 2177 allows up to 29).
DEFAULT_WAIT_SECONDS = 240.0
MAX_BACKOFF_SECONDS = 300.0
# How long to wait before polling again when mail is still unrecorded right after a poll.
SETTLE_SECONDS = 0.2
# Bound on back-to-back polls after one wake-up (each handles up to MAIL_INCOMING_BATCH messages).
MAX_REPOLLS = 20

Trigger = Callable[[int], object]


def run_poll_inline(connection_id: int) -> object:
    return poll_connection(connection_id)


def run_poll_via_celery(connection_id: int) -> object:
    return poll_task.delay(connection_id)


class IdleWatcher(threading.Thread):
    """Holds IDLE on the first scanned folder of one IMAP connection until `stop()` is called.

    The first poll runs at start (mail that arrived while nobody watched); after that, every
    announcement of new mail triggers one poll. Connection failures back off (bounded) and retry.
    """

    def __init__(
        self, connection_id: int, *, trigger: Trigger = run_poll_inline, wait_seconds: float = DEFAULT_WAIT_SECONDS
    ) -> None:
        super().__init__(name=f"mail-idle-{connection_id}", daemon=True)
        self.connection_id = connection_id
        self.trigger = trigger
        self.wait_seconds = wait_seconds
        self.stopped = threading.Event()
        self.wakeups = 0

    def stop(self) -> None:
        self.stopped.set()

    def run(self) -> None:
        backoff = 1.0
        try:
            while not self.stopped.is_set():
                try:
                    self._watch()
                    backoff = 1.0
                except TransportError as exc:
                    log.warning("IDLE on connection %s failed: %s", self.connection_id, exc.message)
                except Exception:  # the thread's outermost boundary: log, back off, try again
                    log.exception("IDLE watcher of connection %s crashed", self.connection_id)
                if self.stopped.wait(backoff):
                    break
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
        finally:
            connection.close()

    def _watch(self) -> None:
        close_old_connections()
        conn = IncomingConnection.objects.filter(pk=self.connection_id, enabled=True).first()
        if conn is None or conn.protocol not in idle_protocols():
            self.stop()
            return
        folder = mailbox_config(conn).folder_paths()[0] if conn.folders else INBOX
        with open_mailbox(conn) as box:
            if not box.supports_idle:
                raise TransportError(f"the server of {conn.name} does not support IDLE", permanent=True)
            self._poll()
            while not self.stopped.is_set():
                # Mail that arrived while the poll ran was announced to nobody (we were not idling):
                # look before idling, or it would wait for the next message or IDLE renewal. Right
                # after a poll that left mail unprocessed (another worker holds the lease, or the
                # poll went to Celery) only idle briefly, so we neither spin nor sleep on it.
                if self._unrecorded(box, folder):
                    if box.idle_wait(folder, SETTLE_SECONDS):
                        self.wakeups += 1
                    self._poll()
                elif box.idle_wait(folder, self.wait_seconds):
                    self.wakeups += 1
                    self._poll()

    def _unrecorded(self, box: IncomingMailbox[Any], folder: FolderPath) -> bool:
        """Whether the folder holds a message the ledger has no row for.

        Listed twice on purpose: an IMAP server brings a session's view up to date at the end of a
        command, so the first listing may still miss what arrived while we were not idling (and the
        server will not announce it again once IDLE starts); the second one sees it.
        """
        box.list_messages(folder)
        listed = {msg.server_id for msg in box.list_messages(folder)}
        if not listed:
            return False
        close_old_connections()
        known = set(
            ProcessedMessage.objects.filter(connection_id=self.connection_id, server_id__in=listed).values_list(
                "server_id", flat=True
            )
        )
        return bool(listed - known)

    def _poll(self) -> None:
        """Run the trigger; an inline poll that found mail is repeated (with a fresh session, which
        sees everything) until one finds none, so mail delivered during a poll is not left waiting."""
        for _ in range(MAX_REPOLLS):
            close_old_connections()
            counts = self.trigger(self.connection_id)
            if not isinstance(counts, PollCounts) or not (counts.fetched or counts.acknowledged):
                return


def idle_protocols() -> list[str]:
    """The protocols whose servers can announce new mail (IMAP IDLE)."""
    return [kind for kind, cls in INCOMING_PROTOCOLS.items() if cls.can_idle]


def idle_connection_ids() -> list[int]:
    return list(
        IncomingConnection.objects.filter(enabled=True, protocol__in=idle_protocols()).values_list("pk", flat=True)
    )
