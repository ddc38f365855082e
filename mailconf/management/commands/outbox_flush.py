"""Deliver every outbox message due now, then exit, printing one JSON line of counts."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mailconf.outbox import deliver_due


class Command(BaseCommand):
    help = 'Deliver everything due in the outbox and print {"sent": n, "retrying": n, "failed": n}.'

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=None, help="messages per connection")

    def handle(self, *args: Any, **options: Any) -> None:
        stats = deliver_due(batch_size=options["batch_size"])
        self.stdout.write(json.dumps(stats.as_dict()))
