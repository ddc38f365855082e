"""`manage.py import_people KIND FILE`: check and import a CSV/XLS/XLSX file of people or units.

Prints the counts and the row errors, then one JSON line with the counts (for scripts).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from servicedesk.models import ImportKind, ImportMode
from servicedesk.people_import import engine


class Command(BaseCommand):
    help = "Import departments, employees, companies or contacts from a CSV, XLS or XLSX file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=ImportKind.values)
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--valid-only",
            action="store_true",
            help="Import the valid rows and skip the rows with errors (default: all or nothing).",
        )
        parser.add_argument("--check", action="store_true", help="Only check the file; write nothing.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}")
        mode = ImportMode.VALID_ONLY if options["valid_only"] else ImportMode.ALL_OR_NOTHING
        try:
            if options["check"]:
                outcome = engine.check(options["kind"], data)
            else:
                outcome = engine.run(options["kind"], data, mode)
        except engine.FileError as exc:
            raise CommandError(str(exc))
        for error in outcome.errors:
            label = "skipped" if error["level"] == "skipped" else "error"
            self.stderr.write(f"row {error['row']}: {label}: {error['message']}")
        counts = {
            "rows": outcome.total,
            "created": outcome.created,
            "updated": outcome.updated,
            "unchanged": outcome.unchanged,
            "skipped": outcome.skipped,
            "errors": outcome.error_count,
        }
        if not options["check"] and mode == ImportMode.ALL_OR_NOTHING and outcome.error_count:
            self.stderr.write("nothing was imported: correct the rows above or use --valid-only")
        self.stdout.write(json.dumps(counts))
        if outcome.error_count and not options["check"] and mode == ImportMode.ALL_OR_NOTHING:
            raise CommandError(f"{outcome.error_count} row(s) with errors")
