"""Checking and running an import. The same planning runs for the preview (nothing written) and for
the import (planned again against the data as it is then, and written in one transaction)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Protocol

from django.db import connection, connections, transaction
from django.utils.translation import gettext as _

from ..models import ImportKind, ImportMode
from .base import Outcome, Plan, RowError, RowSkipped
from .columns import HeaderError, map_headers
from .people import ContactImporter, EmployeeImporter
from .readers import FileFormatError, Table, read_table
from .units import CompanyImporter, DepartmentImporter

log = logging.getLogger(__name__)


class Importer(Protocol):
    def load(self) -> None: ...
    def plan(self, number: int, cells: dict[str, str]) -> Plan: ...
    def apply(self, plans: list[Plan], progress: Callable[[int], None]) -> None: ...


IMPORTERS: dict[str, Callable[[], Importer]] = {
    ImportKind.DEPARTMENTS: DepartmentImporter,
    ImportKind.EMPLOYEES: EmployeeImporter,
    ImportKind.COMPANIES: CompanyImporter,
    ImportKind.CONTACTS: ContactImporter,
}


class FileError(ValueError):
    """The whole file was refused (format, header); nothing was planned."""


class Report:
    """Callbacks of a long run: `read(n)` after n rows are planned, `written(n)` after n are stored."""

    def read(self, rows: int) -> None:
        pass

    def written(self, rows: int) -> None:
        pass

    def opened(self, table: Table, unknown_columns: list[str]) -> None:
        pass


def open_table(kind: str, data: bytes) -> tuple[Table, list[str | None], list[str]]:
    try:
        table = read_table(data)
        codes, unknown = map_headers(kind, table.headers)
    except (FileFormatError, HeaderError) as exc:
        raise FileError(str(exc)) from None
    return table, codes, unknown


def plan_file(kind: str, data: bytes, report: Report) -> tuple[Importer, list[Plan], Outcome]:
    """Read and plan every row; FileError when the file itself cannot be used."""
    table, codes, unknown = open_table(kind, data)
    report.opened(table, unknown)
    importer = IMPORTERS[kind]()
    importer.load()
    outcome = Outcome()
    plans: list[Plan] = []
    finish = getattr(importer, "finish", None)
    try:
        for number, cells in table.rows:
            outcome.total += 1
            row = {code: cells[i] if i < len(cells) else "" for i, code in enumerate(codes) if code is not None}
            try:
                plan = importer.plan(number, row)
            except RowError as error:
                outcome.add_error(number, str(error))
            except RowSkipped as skipped:
                outcome.add_error(number, str(skipped), level="skipped")
            else:
                # An unchanged person needs nothing more: counting it instead of keeping its plan
                # holds a re-import of 50,000 rows well under the memory of a first import.
                if plan.action == "unchanged" and finish is None:
                    outcome.unchanged += 1
                else:
                    plans.append(plan)
            if outcome.total % 1000 == 0:
                report.read(outcome.total)
    except FileFormatError as exc:
        raise FileError(str(exc)) from None
    if finish is not None:
        plans = finish(plans, outcome)
    outcome.errors.sort(key=lambda e: e["row"])
    outcome.skipped = sum(1 for e in outcome.errors if e["level"] == "skipped")
    report.read(outcome.total)
    return importer, plans, outcome


def check(kind: str, data: bytes, report: Report | None = None) -> Outcome:
    """What an import of `data` would do, without writing anything."""
    _importer, plans, outcome = plan_file(kind, data, report or Report())
    outcome.count(plans)
    return outcome


def run(kind: str, data: bytes, mode: str, report: Report | None = None) -> Outcome:
    """Import `data`. All-or-nothing writes nothing if any row has an error; valid-only skips those
    rows. The writing is one transaction: a failure midway leaves the data as it was."""
    report = report or Report()
    importer, plans, outcome = plan_file(kind, data, report)
    if mode == ImportMode.ALL_OR_NOTHING and outcome.error_count:
        outcome.skipped = outcome.total
        return outcome
    with transaction.atomic():
        importer.apply(plans, report.written)
    outcome.count(plans)
    outcome.skipped += outcome.error_count
    return outcome


class SideChannel:
    """Writes progress that other requests can see while the import's own transaction is open.

    On PostgreSQL a second connection commits each update at once. SQLite allows one writer, so
    there progress is only recorded outside the write transaction (the bar jumps over that part).
    """

    def __init__(self) -> None:
        self._side: Any = None

    def execute(self, sql: str, params: list[Any]) -> None:
        if not connection.in_atomic_block:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
            return
        if connection.vendor != "postgresql":
            return
        if self._side is None:
            self._side = connections.create_connection("default")
        with self._side.cursor() as cursor:
            cursor.execute(sql, params)

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None


def file_error_message(exc: Exception) -> str:
    return str(exc) or _("The file cannot be read.")
