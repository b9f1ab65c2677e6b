"""Reading a survey export (CSV in any common dialect, or XLSX) into numbered rows of text cells."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crmcheck.errors import CrmcheckError, InputError, UsageError
from crmcheck.importers.xlsx_guard import MAX_CELL_CHARS, check_workbook

MAX_BYTES = 512 * 1024 * 1024
CSV_SUFFIXES = (".csv", ".tsv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
_DELIMITERS = (",", ";", "\t")
_ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class Row:
    """One spreadsheet row: its number as a spreadsheet shows it (the header is row 1) and its cells."""

    number: int
    cells: list[str]

    def cell(self, index: int) -> str:
        return self.cells[index] if index < len(self.cells) else ""

    @property
    def blank(self) -> bool:
        return not any(c.strip() for c in self.cells)


@dataclass
class SurveyTable:
    """Every row of the export, header rows included; `delimiter` is None for XLSX."""

    path: str
    rows: list[Row]
    delimiter: str | None = None


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: the column name a spreadsheet shows."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_table(path: str, *, encoding: str = "utf-8", delimiter: str | None = None,
               sheet: str | None = None) -> SurveyTable:
    """Read a CSV or XLSX survey export; the kind is taken from the file's name and checked against its bytes."""
    suffix = Path(path).suffix.lower()
    if suffix == ".xls":
        raise InputError("old Excel .xls files cannot be read; save the sheet as .xlsx or CSV", file=path)
    if not Path(path).exists():
        raise InputError("no such file", file=path)
    if Path(path).is_dir():
        raise InputError("is a directory, not a survey export", file=path)
    if suffix in XLSX_SUFFIXES:
        return _read_xlsx(path, sheet)
    if sheet is not None:
        raise UsageError("--sheet is for .xlsx files; this is a CSV file")
    return _read_csv(path, encoding, delimiter)


def _decode(path: str, raw: bytes, encoding: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte order mark settles the encoding
        return _strict_decode(path, raw[3:], "utf-8")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict_decode(path, raw, "utf-16")
    return _strict_decode(path, raw, encoding)


def _strict_decode(path: str, raw: bytes, encoding: str) -> str:
    try:
        return raw.decode(encoding)
    except LookupError:
        raise UsageError(f"unknown encoding '{encoding}' (for example utf-8, cp1252, latin-1)") from None
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        hint = " (Excel's plain 'CSV' is often cp1252: try --encoding cp1252)" if encoding.lower() in (
            "utf-8", "utf8") else ""
        raise InputError(f"not valid {encoding} (byte 0x{raw[exc.start]:02x} at offset {exc.start}){hint}",
                         file=path, line=line, column=column) from None


def sniff_delimiter(text: str) -> str:
    """The delimiter used in the first record: whichever of , ; and tab appears most outside quotes."""
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for char in text[:1_000_000]:
        if char == '"':
            quoted = not quoted
        elif not quoted:
            if char == "\n":
                break
            if char in counts:
                counts[char] += 1
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _read_csv(path: str, encoding: str, delimiter: str | None) -> SurveyTable:
    try:
        with open(path, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=path) from None
    if len(raw) > MAX_BYTES:
        raise InputError(f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB", file=path)
    if raw.startswith(_ZIP_MAGIC):
        raise InputError("this is an Excel workbook (a zip file), not CSV; name it .xlsx", file=path)
    text = _decode(path, raw, encoding)
    if "\x00" in text:
        nul = text.index("\x00")
        line = text.count("\n", 0, nul) + 1
        raise InputError("NUL byte in file; this is not a CSV text file", file=path, line=line, column=1)
    if delimiter is None:
        delimiter = sniff_delimiter(text)
    elif delimiter in ("\\t", "tab"):
        delimiter = "\t"
    if len(delimiter) != 1:
        raise UsageError(f"--delimiter must be one character, not '{delimiter}'")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[Row] = []
    try:
        for number, cells in enumerate(reader, start=1):
            rows.append(Row(number, cells))
    except csv.Error as exc:
        raise InputError(f"row {len(rows) + 1}: broken CSV ({exc})", file=path, line=len(rows) + 1,
                         column=1) from None
    return SurveyTable(path, rows, delimiter)


def cell_text(value: Any) -> str:
    """A spreadsheet cell as text: whole numbers without '.0', dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _check_cells(path: str, number: int, cells: list[str]) -> None:
    for index, text in enumerate(cells):
        if len(text) > MAX_CELL_CHARS:
            raise InputError(f"cell {column_letter(index)}{number} holds {len(text):,} characters, more than a "
                             f"spreadsheet cell can ({MAX_CELL_CHARS:,}); this is not a survey export", file=path,
                             line=number, column=index + 1)


def _read_xlsx(path: str, sheet: str | None) -> SurveyTable:
    try:
        import openpyxl
    except ImportError:
        raise UsageError("reading .xlsx files needs openpyxl: pip install 'crmcheck[xlsx]' "
                         "(or save the sheet as CSV)") from None
    with open(path, "rb") as handle:
        if handle.read(4) != _ZIP_MAGIC:
            raise InputError("not an Excel .xlsx workbook (it is not a zip file); if it is CSV, name it .csv",
                             file=path)
    check_workbook(path)  # sizes, DTDs and damage, before openpyxl parses any XML
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a damaged workbook
        raise InputError(f"cannot read this workbook ({type(exc).__name__}: {exc})", file=path) from None
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise UsageError(f"no sheet '{sheet}' in {path} (sheets: {', '.join(workbook.sheetnames)})")
        worksheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]
        rows: list[Row] = []
        try:
            for number, values in enumerate(worksheet.iter_rows(min_row=1, values_only=True), start=1):
                cells = [cell_text(v) for v in values]
                _check_cells(path, number, cells)
                while cells and not cells[-1]:
                    cells.pop()
                rows.append(Row(number, cells))
        except CrmcheckError:
            raise
        except Exception as exc:  # noqa: BLE001 - openpyxl parses lazily: a damaged sheet fails while rows are read
            raise InputError(f"cannot read this workbook ({type(exc).__name__}: {exc})", file=path) from None
    finally:
        workbook.close()
    return SurveyTable(path, rows, None)
