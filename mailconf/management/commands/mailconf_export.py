"""Print all mail settings as JSON (secrets left out)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from mailconf.connections import export_settings


class Command(BaseCommand):
    help = "Print all mail settings as JSON, without passwords and client secrets."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(json.dumps(export_settings(), ensure_ascii=False, indent=2, sort_keys=True))
