"""Downloadable templates: a header row (required columns marked *) and two example rows, as CSV
(UTF-8 with BOM and `;`, which Excel opens correctly in Russian and English), XLSX and XLS."""

from __future__ import annotations

import csv
import io

from .columns import COLUMNS, Column

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xls": "application/vnd.ms-excel",
}
LANGUAGES = ("ru", "en")


def _header(column: Column, language: str) -> str:
    name = column.ru if language == "ru" else column.en
    return f"{name}*" if column.required else name


def _rows(kind: str, language: str) -> list[list[str]]:
    columns = COLUMNS[kind]
    return [
        [_header(c, language) for c in columns],
        [c.example for c in columns],
        [c.example_2 for c in columns],
    ]


def build_template(kind: str, file_format: str, language: str) -> bytes:
    rows = _rows(kind, language)
    if file_format == "csv":
        buffer = io.StringIO(newline="")
        csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
        return buffer.getvalue().encode("utf-8-sig")
    if file_format == "xlsx":
        return _xlsx(rows, kind)
    if file_format == "xls":
        return _xls(rows, kind)
    raise ValueError(f"unknown template format: {file_format}")


def _xlsx(rows: list[list[str]], title: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, header in enumerate(rows[0], start=1):
        sheet.column_dimensions[cell_letter(index)].width = max(14, len(header) + 2)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def cell_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _xls(rows: list[list[str]], title: str) -> bytes:
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet(title)
    bold = xlwt.easyxf("font: bold on")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value, bold if r == 0 else xlwt.Style.default_style)
    for c, header in enumerate(rows[0]):
        sheet.col(c).width = 256 * max(14, len(header) + 2)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def template_filename(kind: str, file_format: str, language: str) -> str:
    return f"{kind}-template-{language}.{file_format}"
