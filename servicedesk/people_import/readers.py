"""Rows out of a CSV, XLS or XLSX file, with the format, encoding and separator detected.

The libraries do the parsing (csv, openpyxl, xlrd); this module only chooses between them and
normalises cell values to text the way a person reads them in the spreadsheet (a phone extension
Excel stored as the number 201.0 is "201").
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
DELIMITERS = ";,\t"


class FileFormatError(ValueError):
    """The file cannot be read as a table; the message says why, in the user's language."""


@dataclass
class Table:
    file_format: str  # "csv", "xls" or "xlsx"
    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (row number as the spreadsheet shows it, cells)
    total: int  # data rows, possibly an estimate (used for the progress bar)
    encoding: str = ""
    delimiter: str = ""


def read_table(data: bytes) -> Table:
    """The table in `data`; FileFormatError when it is empty or not a CSV/XLS/XLSX file."""
    if not data.strip():
        raise FileFormatError(_("The file is empty."))
    if data.startswith(XLSX_MAGIC):
        return _read_xlsx(data)
    if data.startswith(XLS_MAGIC):
        return _read_xls(data)
    return _read_csv(data)


def cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _data_rows(numbered: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    for number, cells in numbered:
        if any(cell.strip() for cell in cells):
            yield number, [cell.strip() for cell in cells]


def _split_header(rows: Iterator[list[str]] | Iterator[tuple[int, list[str]]]) -> list[str]:
    """The first non-empty row, consumed from `rows` (plain rows or (number, row) pairs)."""
    for item in rows:
        cells = item[1] if isinstance(item, tuple) else item
        if any(cell.strip() for cell in cells):
            return [cell.strip() for cell in cells]
    raise FileFormatError(_("The file has no header row."))


# --- CSV --------------------------------------------------------------------------------------


def detect_encoding(data: bytes) -> str:
    """utf-8-sig with a BOM, utf-16 with its BOM, utf-8 when the bytes decode, else cp1251 (Excel in Russian)."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1251"
    return "utf-8"


def detect_delimiter(text: str) -> str:
    """The separator of the header line: the one of `;` `,` tab that splits it most (`;` on a tie,
    as Russian Excel writes it)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    try:
        return csv.Sniffer().sniff(first, delimiters=DELIMITERS).delimiter
    except csv.Error:
        counts = {d: first.count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: (counts[d], d == ";"))
        return best if counts[best] else ";"


def _read_csv(data: bytes) -> Table:
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise FileFormatError(_("This is not a CSV, XLS or XLSX file."))
    encoding = detect_encoding(data)
    text = data.decode(encoding)
    delimiter = detect_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = _split_header(reader)
    except csv.Error as exc:
        raise FileFormatError(_("The CSV file cannot be read: %(error)s") % {"error": exc})
    first_number = reader.line_num + 1
    total = max(0, text.count("\n") - reader.line_num + (0 if text.endswith("\n") else 1))
    return Table("csv", headers, _csv_rows(reader, first_number), total, encoding, delimiter)


def _csv_rows(reader: Iterator[list[str]], first_number: int) -> Iterator[tuple[int, list[str]]]:
    number = first_number
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                yield number, [cell.strip() for cell in cells]
            number = getattr(reader, "line_num", number) + 1
    except csv.Error as exc:
        raise FileFormatError(_("Row %(row)s cannot be read: %(error)s") % {"row": number, "error": exc})


# --- Excel ------------------------------------------------------------------------------------


def _read_xlsx(data: bytes) -> Table:
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileFormatError(_("The XLSX file cannot be read: %(error)s") % {"error": exc})
    sheet = book.worksheets[0]
    numbered = enumerate(([cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)), start=1)
    headers = _split_header(numbered)
    total = max(0, (sheet.max_row or 1) - 1)
    return Table("xlsx", headers, _data_rows(numbered), total)


def _read_xls(data: bytes) -> Table:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
        sheet = book.sheet_by_index(0)
    except (xlrd.XLRDError, OSError, ValueError, IndexError, AssertionError) as exc:
        raise FileFormatError(_("The XLS file cannot be read: %(error)s") % {"error": exc})

    def values(index: int) -> list[str]:
        row = []
        for cell in sheet.row(index):
            if cell.ctype == xlrd.XL_CELL_DATE:
                row.append(cell_text(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)))
            else:
                row.append(cell_text(cell.value))
        return row

    numbered = ((i + 1, values(i)) for i in range(sheet.nrows))
    headers = _split_header(numbered)
    return Table("xls", headers, _data_rows(numbered), max(0, sheet.nrows - 1), encoding=book.encoding or "")
