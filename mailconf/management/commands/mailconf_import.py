"""Apply a JSON file of mail settings (as printed by mailconf_export; secrets may be included)."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from mailconf.connections import SettingsError, import_settings


class Command(BaseCommand):
    help = "Apply mail settings from a JSON file (- for standard input); nothing is applied if any value is bad."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path of the JSON file, or - for standard input")

    def handle(self, *args: Any, **options: Any) -> None:
        path = options["file"]
        try:
            if path == "-":
                data = json.load(sys.stdin)
            else:
                with open(path, encoding="utf-8") as fh:
                    data = json.load(fh)
        except (OSError, ValueError) as exc:
            raise CommandError(f"cannot read {path}: {exc}") from None
        try:
            import_settings(data)
        except SettingsError as exc:
            raise CommandError("settings refused:\n  " + "\n  ".join(exc.errors)) from None
        self.stdout.write("mail settings applied")
