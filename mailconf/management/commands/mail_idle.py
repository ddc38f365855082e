"""`manage.py mail_idle`: hold IMAP IDLE on every enabled IMAP connection and poll on new mail.

One thread per connection. Connections added, enabled or disabled later are picked up within
`--rescan` seconds. EWS and Graph connections are left to the polling schedule (see
mailconf.inbound.idle). Stops cleanly on SIGTERM or Ctrl+C.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mailconf.inbound.idle import (
    DEFAULT_WAIT_SECONDS,
    IdleWatcher,
    idle_connection_ids,
    run_poll_inline,
    run_poll_via_celery,
)


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

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        trigger = run_poll_via_celery if options["via_celery"] else run_poll_inline
        watchers: dict[int, IdleWatcher] = {}
        try:
            while not stop.is_set():
                self._sync(watchers, trigger, options["wait"])
                stop.wait(max(options["rescan"], 1.0))
        except KeyboardInterrupt:
            pass
        finally:
            for watcher in watchers.values():
                watcher.stop()
            for watcher in watchers.values():
                watcher.join(timeout=options["wait"] + 5)

    def _sync(self, watchers: dict[int, IdleWatcher], trigger: Any, wait: float) -> None:
        wanted = set(idle_connection_ids())
        for pk in list(watchers):
            if pk not in wanted or not watchers[pk].is_alive():
                watchers.pop(pk).stop()
        for pk in wanted - set(watchers):
            watcher = IdleWatcher(pk, trigger=trigger, wait_seconds=wait)
            watcher.start()
            watchers[pk] = watcher
            self.stdout.write(f"watching incoming connection {pk} with IMAP IDLE")
