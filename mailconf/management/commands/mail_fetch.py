"""`manage.py mail_fetch [NAME ...] [--once]`: read incoming mail into tickets and comments.

With --once every enabled (or named) connection is polled once and the command exits; without
it the command runs until stopped, polling each connection when its interval has passed (the
same claim as the beat task, so it can run next to Celery workers without double work). Each
poll prints one JSON line: fetched, tickets, comments, ignored, failed, duplicates.
"""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mailconf.inbound import PollCounts, due_connections, poll_connection
from mailconf.models import IncomingConnection

COUNT_KEYS = ("fetched", "tickets", "comments", "ignored", "failed", "duplicates")


class Command(BaseCommand):
    help = "Fetch incoming mail and turn it into tickets and comments."
    # A worker, like the Celery worker that runs the same poll: the system checks import every
    # URL module and view (about 0.2 s of each `--once` run, e.g. from cron) and are run by the
    # web process, `migrate` and `check`, where a misconfiguration is meant to be caught.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("names", nargs="*", metavar="NAME", help="Connection names (default: every enabled one).")
        parser.add_argument("--once", action="store_true", help="Process what is waiting, print the counts and exit.")
        parser.add_argument("--tick", type=float, default=1.0, help="Seconds between due checks in loop mode.")

    def handle(self, *args: Any, **options: Any) -> None:
        ids = self._connection_ids(options["names"])
        if options["once"]:
            self._emit(self._poll_once(ids))
            return
        while True:
            # Without names, connections added or enabled while we run are picked up too.
            only = ids if options["names"] else None
            for pk in due_connections(only=only):
                counts = poll_connection(pk)
                if counts is not None and (counts.fetched or counts.acknowledged or counts.error):
                    self._emit(counts)
            time.sleep(max(options["tick"], 0.1))

    def _connection_ids(self, names: list[str]) -> list[int]:
        if not names:
            return list(IncomingConnection.objects.filter(enabled=True).values_list("pk", flat=True))
        found = dict(IncomingConnection.objects.filter(name__in=names).values_list("name", "pk"))
        missing = [name for name in names if name not in found]
        if missing:
            raise CommandError(f"no incoming connection named {', '.join(missing)}")
        return [found[name] for name in names]

    def _poll_once(self, ids: list[int]) -> PollCounts:
        total = PollCounts()
        for pk in ids:
            while True:
                counts = poll_connection(pk)
                if counts is None:
                    self.stderr.write(f"connection {pk} is being polled by another worker; skipped")
                    break
                total.add(counts)
                if not counts.more:
                    break
        return total

    def _emit(self, counts: PollCounts) -> None:
        data: dict[str, object] = {key: getattr(counts, key) for key in COUNT_KEYS}
        if counts.error:
            data["error"] = counts.error
        self.stdout.write(json.dumps(data, ensure_ascii=False))
