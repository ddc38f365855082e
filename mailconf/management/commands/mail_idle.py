"""`manage.py mail_idle`: hold IMAP IDLE on every enabled IMAP connection and poll on new mail.

One thread per connection. Connections added, enabled or disabled later are picked up within
`--rescan` seconds. EWS and Graph connections are left to the polling schedule (see
mailconf.inbound.idle). Stops cleanly on SIGTERM or Ctrl+C.

Other apps' watchers run in the same process: each dotted path in MAIL_IDLE_EXTRA_WATCHERS names a
`run(stop, *, shard, shards, stdout)` started in a thread of its own (personal mailboxes hold all
their IDLE connections in one event loop, see personalmail/idle.py). Named in settings rather than
imported, so the mail app does not depend on the apps built on top of it. `--shard N --shards M`
split the work between processes: connection ids and the watchers' own stable keys modulo M.
"""

from __future__ import annotations

import signal
import threading
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.module_loading import import_string

from mailconf.inbound.idle import (
    DEFAULT_WAIT_SECONDS,
    IdleWatcher,
    idle_connection_ids,
    run_poll_inline,
    run_poll_via_celery,
)

# How long a stop waits for the watcher threads, all together. They are daemon threads and what
# they may be doing is safe to cut short (nothing is acknowledged on the server before its ledger
# row commits; a poll's lease passes), while a thread stuck in a connect or a long IDLE must not
# keep the process alive: after a supervisor's SIGKILL nobody would escalate to SIGKILL for us.
STOP_GRACE_SECONDS = 5.0


class Command(BaseCommand):
    help = "Wait for new mail with IMAP IDLE and process it at once (EWS and Graph keep polling)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--via-celery",
            action="store_true",
            help="Enqueue mailconf.poll_connection instead of polling in this process.",
        )
        parser.add_argument(
            "--wait", type=float, default=DEFAULT_WAIT_SECONDS, help="Seconds before each IDLE is ended and re-issued."
        )
        parser.add_argument(
            "--rescan", type=float, default=60.0, help="Seconds between looks for added or disabled connections."
        )
        parser.add_argument("--shard", type=int, default=0, help="This process's shard (0-based).")
        parser.add_argument("--shards", type=int, default=1, help="How many mail_idle processes share the work.")
        parser.add_argument(
            "--no-connections",
            action="store_true",
            help="Watch only what MAIL_IDLE_EXTRA_WATCHERS names (e.g. personal mailboxes), not the desk's mailboxes.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        trigger = run_poll_via_celery if options["via_celery"] else run_poll_inline
        watchers: dict[int, IdleWatcher] = {}
        shard, shards = options["shard"], max(options["shards"], 1)
        extras = self._start_extras(stop, shard, shards)
        try:
            while not stop.is_set():
                if not options["no_connections"]:
                    self._sync(watchers, trigger, options["wait"], shard, shards)
                stop.wait(max(options["rescan"], 1.0))
        except KeyboardInterrupt:
            stop.set()
        finally:
            stop.set()
            for watcher in watchers.values():
                watcher.stop()
            deadline = time.monotonic() + STOP_GRACE_SECONDS
            for thread in [*watchers.values(), *extras]:
                thread.join(timeout=max(0.0, deadline - time.monotonic()))

    def _start_extras(self, stop: threading.Event, shard: int, shards: int) -> list[threading.Thread]:
        threads = []
        for path in settings.MAIL_IDLE_EXTRA_WATCHERS:
            run = import_string(path)
            kwargs = {"shard": shard, "shards": shards, "stdout": self.stdout}
            thread = threading.Thread(target=run, args=(stop,), kwargs=kwargs, name=f"mail-idle-{path}", daemon=True)
            thread.start()
            threads.append(thread)
        return threads

    def _sync(self, watchers: dict[int, IdleWatcher], trigger: Any, wait: float, shard: int, shards: int) -> None:
        wanted = {pk for pk in idle_connection_ids() if pk % shards == shard}
        for pk in list(watchers):
            if pk not in wanted or not watchers[pk].is_alive():
                watchers.pop(pk).stop()
        for pk in wanted - set(watchers):
            watcher = IdleWatcher(pk, trigger=trigger, wait_seconds=wait)
            watcher.start()
            watchers[pk] = watcher
            self.stdout.write(f"watching incoming connection {pk} with IMAP IDLE")
