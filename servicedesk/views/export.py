"""The ticket list as an XLSX workbook (openpyxl, write-only mode: rows are not kept in memory)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from ..models import Priority, Ticket, TicketStatus

# Bounds the time and memory of one export; the list's own count says when the filter is wider.
EXPORT_LIMIT = 50_000
DATE_FORMAT = "DD.MM.YYYY HH:MM"


def _local(value: datetime | None) -> datetime | None:
    """Excel has no time zones: the value in the user's zone, without its offset."""
    return timezone.localtime(value).replace(tzinfo=None) if value is not None else None


def _columns() -> list[tuple[str, int]]:
    return [
        (_("No."), 8),
        (_("Subject"), 60),
        (_("Type"), 20),
        (_("Service"), 28),
        (_("Status"), 14),
        (_("Priority"), 12),
        (_("Requester"), 30),
        (_("Requester e-mail"), 30),
        (_("Responsible"), 28),
        (_("Team"), 20),
        (_("Registered"), 17),
        (_("Resolution deadline"), 17),
        (_("Updated"), 17),
    ]


Cell = str | int | datetime | None


def _row(ticket: Ticket) -> list[Cell]:
    return [
        ticket.number,
        ticket.subject,
        str(ticket.type),
        str(ticket.service or ""),
        str(TicketStatus(ticket.status).label),
        str(Priority(ticket.priority).label),
        ticket.requester_display,
        ticket.requester_email,
        ticket.responsible_employee.full_name if ticket.responsible_employee else "",
        str(ticket.responsible_team or ""),
        _local(ticket.created_at),
        _local(ticket.resolution_deadline),
        _local(ticket.updated_at),
    ]


def tickets_workbook(tickets: Iterable[Ticket]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Tickets"))
    columns = _columns()
    for index, (_title, width) in enumerate(columns):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for title, _width in columns:
        cell = WriteOnlyCell(sheet, value=str(title))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for ticket in tickets:
        cells = []
        for value in _row(ticket):
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, datetime):
                cell.number_format = DATE_FORMAT
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
