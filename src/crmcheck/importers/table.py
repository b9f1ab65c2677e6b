"""Reading a survey export (CSV in any common dialect, or XLSX) row by row, as numbered rows of text cells.

A survey can be large: the file is never held in memory. Its bytes are checked in one streamed pass when
it is opened (size, kind, encoding, NUL bytes, the delimiter), and then its rows are read, one at a time,
as often as the import needs them.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from crmcheck.errors import CrmcheckError, InputError, UsageError
from crmcheck.importers.xlsx_guard import MAX_CELL_CHARS, check_workbook

MAX_BYTES = 512 * 1024 * 1024
CSV_SUFFIXES = (".csv", ".tsv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
_DELIMITERS = (",", ";", "\t")
_ZIP_MAGIC = b"PK\x03\x04"
_CHUNK = 256 * 1024
_SNIFF_CHARS = 1_000_000


@dataclass(frozen=True)
class Row:
    """One spreadsheet row: its number as a spreadsheet shows it (the header is row 1) and its cells."""

    number: int
    cells: list[str]

    def cell(self, index: int) -> str:
        return self.cells[index] if index < len(self.cells) else ""

    @property
    def blank(self) -> bool:
        return not "".join(self.cells).strip()  # every cell empty or spaces


@dataclass
class SurveyTable:
    """A survey export, open for reading row by row; `delimiter` is None for XLSX.

    `head` holds its first two rows (the header, and SurveyMonkey's second header row). `rows()` reads the
    rows again from the start of the file; a broken row raises InputError when it is reached.
    """

    path: str
    head: list[Row]
    delimiter: str | None
    _read: Callable[[], Iterator[Row]]
    _close: Callable[[], None] = field(default=lambda: None)

    def rows(self, start: int = 0) -> Iterator[Row]:
        """Every row after the first `start`, in file order."""
        for row in self._read():
            if row.number > start:
                yield row

    def check(self) -> None:
        """Read every row, raising the first problem in the file itself (broken CSV, a damaged sheet)."""
        for _ in self._read():
            pass

    def count_filled(self, start: int = 0) -> int:
        """How many rows after the first `start` have any text (one more pass over the file)."""
        return sum(1 for row in self.rows(start) if not row.blank)

    def close(self) -> None:
        self._close()

    def __enter__(self) -> SurveyTable:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


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
    """Open a CSV or XLSX survey export; the kind is taken from the file's name and checked against its bytes.

    The table holds the file open: close it (or use it in a `with` block) when done.
    """
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


class _Sniffer:
    """`sniff_delimiter`, fed the text piece by piece: it reads only as far as the end of the first record."""

    def __init__(self) -> None:
        self.counts = dict.fromkeys(_DELIMITERS, 0)
        self.quoted = False
        self.seen = 0
        self.done = False

    def feed(self, text: str) -> None:
        if self.done:
            return
        text = text[: _SNIFF_CHARS - self.seen]
        self.seen += len(text)
        counts = self.counts
        for char in text:
            if char == '"':
                self.quoted = not self.quoted
            elif not self.quoted:
                if char == "\n":
                    self.done = True
                    return
                if char in counts:
                    counts[char] += 1
        if self.seen >= _SNIFF_CHARS:
            self.done = True

    def delimiter(self) -> str:
        best = max(_DELIMITERS, key=lambda d: self.counts[d])
        return best if self.counts[best] else ","


def sniff_delimiter(text: str) -> str:
    """The delimiter used in the first record: whichever of , ; and tab appears most outside quotes."""
    sniffer = _Sniffer()
    sniffer.feed(text)
    return sniffer.delimiter()


def _open_bytes(path: str) -> IO[bytes]:
    """The file, open for reading from the start as often as needed (a pipe is read into memory once)."""
    try:
        handle: IO[bytes] = open(path, "rb")  # noqa: SIM115 - the table keeps it open until closed
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=path) from None
    try:
        if handle.seekable():
            return handle
        with handle:
            raw = handle.read(MAX_BYTES + 1)
        return io.BytesIO(raw)
    except OSError as exc:
        handle.close()
        raise InputError(f"cannot read: {exc.strerror}", file=path) from None


def _read_csv(path: str, encoding: str, delimiter: str | None) -> SurveyTable:
    handle = _open_bytes(path)
    try:
        start, text_encoding, sniffed = _check_bytes(path, handle, encoding)
        if delimiter is None:
            delimiter = sniffed
        elif delimiter in ("\\t", "tab"):
            delimiter = "\t"
        if len(delimiter) != 1:
            raise UsageError(f"--delimiter must be one character, not '{delimiter}'")
        chosen = delimiter

        def read() -> Iterator[Row]:
            handle.seek(start)
            text = io.TextIOWrapper(handle, encoding=text_encoding, errors="strict", newline="")
            number = 0
            try:
                for number, cells in enumerate(csv.reader(text, delimiter=chosen, strict=True), start=1):  # noqa: B007
                    yield Row(number, cells)
            except csv.Error as exc:
                raise InputError(f"row {number + 1}: broken CSV ({exc})", file=path, line=number + 1,
                                 column=1) from None
            except UnicodeDecodeError:  # it read cleanly a moment ago: it is being written to
                raise InputError("the file changed while it was read; nothing written", file=path) from None
            finally:
                text.detach()

        return SurveyTable(path, _first_rows(read), chosen, read, handle.close)
    except BaseException:
        handle.close()
        raise


def _first_rows(read: Callable[[], Iterator[Row]]) -> list[Row]:
    """The header and the first data row (when there is one): what layout detection looks at."""
    return list(itertools.islice(read(), 2))


def _check_bytes(path: str, handle: IO[bytes], encoding: str) -> tuple[int, str, str]:
    """One streamed pass over the bytes: refuse a file too large, a workbook, bad text or a NUL byte.

    Returns where the text starts (after a UTF-8 byte order mark), the encoding to read it with, and the
    delimiter its first record suggests. The problems are raised in the order a whole-file read finds them.
    """
    first = handle.read(_CHUNK)
    if first.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte order mark settles the encoding
        start, text_encoding = 3, "utf-8"
    elif first.startswith((b"\xff\xfe", b"\xfe\xff")):
        start, text_encoding = 0, "utf-16"
    else:
        start, text_encoding = 0, encoding
    try:
        if not getattr(codecs.lookup(text_encoding), "_is_text_encoding", True):
            raise LookupError(text_encoding)  # rot13, hex: bytes.decode() refuses them as unknown text encodings
        decoder: codecs.IncrementalDecoder | None = codecs.getincrementaldecoder(text_encoding)(errors="strict")
    except LookupError:
        decoder = None
    size = len(first)
    chunk = first[start:]
    bad_text = decoder is None
    sniffer = _Sniffer()
    lines = 0  # line breaks before this chunk
    nul_line = 0
    while True:
        if not bad_text and decoder is not None:
            try:
                text = decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError:
                bad_text = True
            else:
                sniffer.feed(text)
                if not nul_line and "\x00" in text:
                    nul_line = lines + text.count("\n", 0, text.index("\x00")) + 1
                lines += text.count("\n")
        if not chunk or size > MAX_BYTES:
            break
        chunk = handle.read(_CHUNK)
        size += len(chunk)
    if size > MAX_BYTES:
        raise InputError(f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB", file=path)
    if first.startswith(_ZIP_MAGIC):
        raise InputError("this is an Excel workbook (a zip file), not CSV; name it .xlsx", file=path)
    if bad_text:  # read it whole to say exactly where (the file is bounded by MAX_BYTES)
        handle.seek(0)
        _decode(path, handle.read(MAX_BYTES + 1), encoding)
        raise InputError("the file changed while it was read; nothing written", file=path)
    if nul_line:
        raise InputError("NUL byte in file; this is not a CSV text file", file=path, line=nul_line, column=1)
    return start, text_encoding, sniffer.delimiter()


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
    from crmcheck.xlsx_library import openpyxl_imports

    with openpyxl_imports("reading .xlsx files needs openpyxl: pip install 'crmcheck[xlsx]' (or save the sheet as "
                          "CSV)"):
        import openpyxl
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

        def read() -> Iterator[Row]:
            try:
                for number, values in enumerate(worksheet.iter_rows(min_row=1, values_only=True), start=1):
                    cells = [cell_text(v) for v in values]
                    _check_cells(path, number, cells)
                    while cells and not cells[-1]:
                        cells.pop()
                    yield Row(number, cells)
            except CrmcheckError:
                raise
            except Exception as exc:  # noqa: BLE001 - openpyxl parses lazily: a damaged sheet fails while rows are read
                raise InputError(f"cannot read this workbook ({type(exc).__name__}: {exc})", file=path) from None

        return SurveyTable(path, _first_rows(read), None, read, workbook.close)
    except BaseException:
        workbook.close()
        raise
