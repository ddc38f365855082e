"""`manage.py telegram_bot`: long-poll the Bot API for link codes and button presses.

Started by `make run` (runstack) next to the worker. Without a connected bot it checks again every
`--idle` seconds, so connecting one in the technologist interface needs no restart. Errors are
recorded on the bot's card and retried after a pause; SIGTERM ends it between polls.
"""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.core.management.base import BaseCommand

from notifications.channels import ChannelError
from notifications.telegram.updates import poll_once


class Command(BaseCommand):
    help = "Receive Telegram updates (link codes, button presses) by long polling."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true", help="Poll once and exit.")
        parser.add_argument("--idle", type=float, default=15.0, help="Seconds between checks without a bot.")

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        while not stop.is_set():
            try:
                handled = poll_once(timeout=0 if options["once"] else None)
            except ChannelError as error:
                self.stderr.write(f"Telegram: {error}")
                stop.wait(10.0)
                continue
            if options["once"]:
                self.stdout.write(f"{handled} updates")
                return
            # With a bot, the long poll itself waited; without one, check again later.
            if handled == 0 and not self._bot_connected():
                stop.wait(options["idle"])

    @staticmethod
    def _bot_connected() -> bool:
        from notifications.telegram.linking import active_bot

        return active_bot() is not None
