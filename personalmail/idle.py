"""IMAP IDLE for personal mailboxes without a thread per mailbox.

One loop thread owns every IDLE connection of its shard: their sockets sit in a `selectors`
selector, so 500 waiting mailboxes cost 500 sockets and 500 small client objects, not 500 threads
and their stacks. When a socket becomes readable (the server said something: new mail, "still
here", a disconnect) or an IDLE is due for renewal, the mailbox leaves the selector and a bounded
pool of workers (PERSONALMAIL_IDLE_WORKERS) ends IDLE, synchronises if mail was announced (the
ordinary leased `sync_mailbox`, which also raises the pop-up), re-enters IDLE and hands the socket
back. Connecting is done by the workers too, so a slow server never stalls the loop.

Mailboxes are split over processes by a stable key (the owner's user id modulo the number of
shards, `mail_idle --shard N --shards M`), so several processes or machines share the load and a
mailbox is watched by exactly one of them. A failing mailbox is retried with the same backoff as
its synchronisation (`accounts.retry_delay`); beat's polling (`sync_due_mailboxes`) stays the
safety net for mailboxes whose server has no IDLE or whose watcher is down.
"""

from __future__ import annotations

import logging
import queue
import selectors
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TextIO

from django.conf import settings
from django.db import close_old_connections, connection
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from mailconf.protocols.errors import TransportError
from mailconf.protocols.imap_user import UserImapMailbox

from .models import MailboxStatus, PersonalMailbox
from .services.accounts import retry_delay
from .services.clients import imap_client
from .services.sync import sync_mailbox

log = logging.getLogger(__name__)

INBOX = "INBOX"
# IDLE is ended and re-issued this often (RFC 2177 allows 29 minutes; NAT boxes drop sooner).
RENEW_SECONDS = 240.0
RESCAN_SECONDS = 30.0
TICK_SECONDS = 0.5

Sync = Callable[[int], object]


def shard_of(user_id: int, shards: int) -> int:
    """The shard a mailbox belongs to: stable while its owner exists (reconnecting keeps it)."""
    return user_id % max(shards, 1)


def watched_mailbox_ids(shard: int, shards: int) -> list[int]:
    """Mailboxes of this shard that should hold IDLE now (not backing off after failures)."""
    now = timezone.now()
    rows = PersonalMailbox.objects.filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)).exclude(
        status=MailboxStatus.BROKEN
    )
    return [pk for pk, user_id in rows.values_list("pk", "user_id") if shard_of(user_id, shards) == shard]


@dataclass
class Watch:
    mailbox_id: int
    box: UserImapMailbox | None = None
    renew_at: float = 0.0
    failures: int = 0
    retry_at: float = 0.0
    wakeups: int = 0
    # The server's answer is already buffered (see UserImapMailbox.idle_start): collect at once.
    pending: bool = False


@dataclass
class IdleLoop:
    """Holds IDLE for the mailboxes of one shard; `run(stop)` until `stop` is set."""

    shard: int = 0
    shards: int = 1
    workers: int = 4
    renew_seconds: float = RENEW_SECONDS
    rescan_seconds: float = RESCAN_SECONDS
    sync: Sync = field(default=lambda pk: sync_mailbox(pk, force=True))
    watches: dict[int, Watch] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._selector = selectors.DefaultSelector()
        self._ready: queue.SimpleQueue[Watch] = queue.SimpleQueue()
        self._busy: set[int] = set()
        self._pool = ThreadPoolExecutor(max_workers=max(self.workers, 1), thread_name_prefix="personal-idle")

    # --- the loop (one thread) ---------------------------------------------------------------

    def run(self, stop: threading.Event) -> None:
        # Importing the URL configuration takes about a second the first time; do it before the
        # first pop-up needs a link, not while a person waits for it.
        reverse("personalmail:index")
        next_scan = 0.0
        try:
            while not stop.is_set():
                now = time.monotonic()
                if now >= next_scan:
                    self._rescan()
                    next_scan = now + self.rescan_seconds
                self._take_ready()
                for key, _events in self._selector.select(timeout=TICK_SECONDS):
                    self._dispatch(key.data)
                self._renew_due()
        finally:
            self._shutdown()
            connection.close()

    def _rescan(self) -> None:
        close_old_connections()
        wanted = set(watched_mailbox_ids(self.shard, self.shards))
        for pk in list(self.watches):
            if pk not in wanted and pk not in self._busy:
                self._drop(self.watches.pop(pk))
        now = time.monotonic()
        for pk in wanted:
            watch = self.watches.setdefault(pk, Watch(pk))
            if watch.box is None and pk not in self._busy and now >= watch.retry_at:
                self._submit(watch, self._open)

    def _take_ready(self) -> None:
        while True:
            try:
                watch = self._ready.get_nowait()
            except queue.Empty:
                return
            self._busy.discard(watch.mailbox_id)
            if watch.box is None:
                continue
            if self.watches.get(watch.mailbox_id) is not watch:
                self._drop(watch)  # deleted while a worker held it
                continue
            if watch.pending:
                self._submit(watch, self._wake)
                continue
            self._selector.register(watch.box.idle_socket(), selectors.EVENT_READ, watch)

    def _dispatch(self, watch: Watch) -> None:
        assert watch.box is not None
        self._selector.unregister(watch.box.idle_socket())
        self._submit(watch, self._wake)

    def _renew_due(self) -> None:
        now = time.monotonic()
        for key in list(self._selector.get_map().values()):
            watch: Watch = key.data
            if now >= watch.renew_at:
                self._dispatch(watch)

    def _submit(self, watch: Watch, work: Callable[[Watch], None]) -> None:
        self._busy.add(watch.mailbox_id)
        self._pool.submit(self._guarded, watch, work)

    def _drop(self, watch: Watch) -> None:
        if watch.box is not None:
            try:
                self._selector.unregister(watch.box.idle_socket())
            except (KeyError, ValueError, TransportError):
                pass  # not registered (a worker held it) or already closed
            _close(watch.box)
            watch.box = None

    def _shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._take_ready()
        for watch in self.watches.values():
            self._drop(watch)
        self._selector.close()

    # --- the workers ---------------------------------------------------------------------------

    def _guarded(self, watch: Watch, work: Callable[[Watch], None]) -> None:
        try:
            work(watch)
            watch.failures = 0
        except TransportError as exc:
            self._failed(watch, exc.message)
        except Exception as exc:  # a worker's outermost boundary: log, back off, keep the loop alive
            log.exception("IDLE of personal mailbox %s crashed", watch.mailbox_id)
            self._failed(watch, str(exc))
        finally:
            # Pool threads outlive the jobs and have no exit hook: hold no database connection between jobs.
            connection.close()
            self._ready.put(watch)

    def _failed(self, watch: Watch, message: str) -> None:
        if watch.box is not None:
            _close(watch.box)
            watch.box = None
        watch.failures += 1
        watch.retry_at = time.monotonic() + retry_delay(watch.failures).total_seconds()
        log.warning("IDLE of personal mailbox %s failed (%s in a row): %s", watch.mailbox_id, watch.failures, message)

    def _open(self, watch: Watch) -> None:
        mailbox = PersonalMailbox.objects.filter(pk=watch.mailbox_id).first()
        if mailbox is None:
            return
        box = imap_client(mailbox)
        box.open()
        try:
            if not box.supports_idle:
                # Left to beat's polling; look again after the rescan interval's backoff.
                raise TransportError("the server does not support IDLE", permanent=True)
            # Mail that arrived while nobody watched.
            self.sync(watch.mailbox_id)
            watch.pending = box.idle_start(INBOX)
        except BaseException:
            _close(box)
            raise
        watch.box = box
        watch.renew_at = time.monotonic() + self.renew_seconds

    def _wake(self, watch: Watch) -> None:
        assert watch.box is not None
        announced = watch.box.idle_collect()
        log.debug("IDLE of personal mailbox %s woke (new mail: %s)", watch.mailbox_id, announced)
        if announced:
            watch.wakeups += 1
            self.sync(watch.mailbox_id)
        watch.pending = watch.box.idle_start(INBOX)
        watch.renew_at = time.monotonic() + self.renew_seconds


def _close(box: UserImapMailbox) -> None:
    try:
        box.close()
    except TransportError:
        pass  # closing a connection that already broke


def run(stop: threading.Event, *, shard: int = 0, shards: int = 1, stdout: TextIO | None = None) -> None:
    """The `mail_idle` entry point (settings.MAIL_IDLE_EXTRA_WATCHERS)."""
    if stdout is not None:
        stdout.write(f"watching personal mailboxes of shard {shard}/{shards} with IMAP IDLE\n")
        stdout.flush()
    IdleLoop(shard=shard, shards=shards, workers=settings.PERSONALMAIL_IDLE_WORKERS).run(stop)
