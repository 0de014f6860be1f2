"""Reading a metadata table as curators save it: CSV in UTF-8 (with or without BOM, CRLF or LF),
CSV in GB18030/GBK (Excel's "CSV" on Chinese Windows), or an Excel workbook (.xlsx).

The CSV module reads the whole text, so quoted cells keep their line breaks (Alt+Enter in
Excel); each row is numbered as the spreadsheet numbers it (the header is row 1), whatever
line breaks its cells hold.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

MAX_TABLE_BYTES = 64 * 1024 * 1024
MAX_ROWS = 1_000_000
#: Encodings Excel on Chinese Windows writes; GB18030 reads all of them.
_CHINESE = {"gb2312", "gbk", "gb18030", "hz", "cp936", "euc_cn"}


class TableError(ValueError):
    """The file cannot be read as a table; ``problem`` says why, for a person."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


@dataclass
class Table:
    header: list[str]
    #: (spreadsheet row number, cells) for each row after the header, blank rows included
    rows: list[tuple[int, list[str]]]
    warnings: list[str] = field(default_factory=list)


def read_table(path: Path) -> Table:
    """The header and rows of a CSV or .xlsx file; TableError when it cannot be read."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise TableError(f"cannot be read ({exc.strerror})") from None
    if size > MAX_TABLE_BYTES:
        raise TableError(f"the file is {size} bytes, over the limit of {MAX_TABLE_BYTES}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TableError(f"cannot be read ({exc.strerror})") from None
    if data.startswith(b"PK\x03\x04"):
        return _read_xlsx(data)
    text, warnings = decode_text(data)
    table = _read_csv(text)
    table.warnings[:0] = warnings
    return table


def decode_text(data: bytes) -> tuple[str, list[str]]:
    """UTF-8 (BOM or not), else GB18030 when the bytes are Chinese text in it, with a warning."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        text = _decode_chinese(data)
        if text is None:
            raise TableError(f"not UTF-8 text (byte {exc.start}) nor GB18030/GBK; save the CSV as UTF-8") from None
        warnings = ["the CSV is not UTF-8; it was read as GB18030/GBK (what Excel on Chinese Windows saves). "
                    "Save it as \"CSV UTF-8\" to be sure every character is right"]
    else:
        warnings = []
    if "\x00" in text:
        raise TableError("contains NUL bytes; this is not a CSV text file")
    return text, warnings


def _decode_chinese(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding.lower().replace("-", "_") not in _CHINESE:
        return None
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        return None


def _read_csv(text: str) -> Table:
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    number = 0
    try:
        for cells in reader:
            number += 1
            if number > MAX_ROWS + 1:
                raise TableError(f"more than {MAX_ROWS} rows")
            cells = [_cell(c) for c in cells]
            if header is None:
                header = cells
            else:
                rows.append((number, cells))
    except csv.Error as exc:
        raise TableError(f"row {number + 1}: {exc}") from None
    return Table(header or [], rows)


def _cell(value: str) -> str:
    # a line break inside a cell is one newline, whatever the file's line endings
    return value.replace("\r\n", "\n").replace("\r", "\n")


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise TableError(f"not an Excel workbook (.xlsx) that can be read ({exc})") from None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            raise TableError("the workbook has no sheet")
        header: list[str] | None = None
        rows: list[tuple[int, list[str]]] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS + 1:
                raise TableError(f"more than {MAX_ROWS} rows")
            cells = [_xlsx_cell(v) for v in values]
            while cells and cells[-1] == "":
                cells.pop()
            if header is None:
                header = cells
            else:
                rows.append((number, cells))
    finally:
        book.close()
    warnings = [f"read the first sheet ({sheet.title}) of the workbook; other sheets are ignored"] if len(book.sheetnames) > 1 else []
    return Table(header or [], rows, warnings)


def _xlsx_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a year typed as a number
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return _cell(str(value))
