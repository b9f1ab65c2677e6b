"""The exports read into DuckDB as the four named tables: files found, encodings settled, columns mapped to fields,
cells typed; a cell that cannot be read stops the run with FILE:ROW:COLUMN."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import difflib
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crmcheck.errors import InputError, Problem, UsageError
from crmcheck.inert import one_line
from crmcheck.measure.catalog import Table
from crmcheck.measure.config import (
    FIELDS,
    KINDS,
    REQUIRED,
    MeasureConfig,
    candidates,
    mapped_columns,
    normal_name,
)
from crmcheck.measure.sql import literal

if TYPE_CHECKING:
    import duckdb

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
PARQUET_SUFFIXES = (".parquet", ".pq")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
# How a text cell is read as a time: ISO 8601 first (with or without an offset), then these, in order.
TIME_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d",
                "%d.%m.%Y %H:%M", "%d.%m.%Y", "%m/%d/%Y %I:%M %p", "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y",
                "%b %d, %Y %I:%M %p", "%b %d, %Y %H:%M", "%b %d, %Y", "%d %b %Y %H:%M", "%d %b %Y"]
TEMPORAL_TYPES = ("DATE", "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "TIMESTAMP WITH TIME ZONE")
NUMERIC_PREFIXES = ("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "UTINYINT", "USMALLINT", "UINTEGER",
                    "UBIGINT", "FLOAT", "DOUBLE", "DECIMAL", "REAL")


@dataclass
class LoadedTable:
    """One table as read: where from, how many rows, which column holds each field."""

    name: Table
    path: str
    files: list[str]
    rows: int = 0
    columns: dict[str, str] = field(default_factory=dict)  # field -> column name in the export
    found: list[str] = field(default_factory=list)  # every column of the export
    missing: list[str] = field(default_factory=list)  # fields without a column
    notes: list[str] = field(default_factory=list)

    def has(self, *names: str) -> bool:
        return all(n in self.columns for n in names)


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _files_of(path: str) -> tuple[str, list[str]]:
    """The kind (csv, parquet, xlsx) and files of an input: a file, or a folder of one kind (partitions welcome)."""
    p = Path(path)
    if not p.exists():
        raise InputError("no such file or folder", file=path)
    if p.is_dir():
        found = sorted(str(f) for f in p.rglob("*") if f.is_file() and not f.name.startswith((".", "_")))
        kinds = {_kind(f) for f in found} - {None}
        if not kinds:
            raise InputError("the folder holds no CSV, Parquet or xlsx file", file=path)
        if len(kinds) > 1:
            raise InputError(f"the folder mixes {' and '.join(sorted(str(k) for k in kinds))} files; give one "
                             "kind of file per table", file=path)
        kind = kinds.pop()
        assert kind is not None
        return kind, [f for f in found if _kind(f) == kind]
    kind = _kind(path)
    if kind is None:
        raise InputError("not a CSV, xlsx or Parquet file (by its name: .csv, .tsv, .txt, .xlsx, .parquet)", file=path)
    return kind, [path]


def _kind(path: str) -> str | None:
    lower = path.lower()
    if lower.endswith(CSV_SUFFIXES):
        return "csv"
    if lower.endswith(PARQUET_SUFFIXES):
        return "parquet"
    if lower.endswith(XLSX_SUFFIXES):
        return "xlsx"
    return None


class Workspace:
    """A temporary folder for files made on the way (a CSV in another encoding, an xlsx sheet as CSV)."""

    def __init__(self) -> None:
        self._dir: tempfile.TemporaryDirectory[str] | None = None

    def path(self, name: str) -> str:
        if self._dir is None:
            self._dir = tempfile.TemporaryDirectory(prefix="crmcheck-measure-")
        return os.path.join(self._dir.name, name)

    def close(self) -> None:
        if self._dir is not None:
            self._dir.cleanup()


def _utf8_copy(path: str, encoding: str, workspace: Workspace, n: int) -> tuple[str, bool]:
    """The file DuckDB reads: the file itself when it is UTF-8, else a UTF-8 copy (strictly decoded: a byte that
    is not `encoding` is an error with its offset). Also whether it starts with a byte order mark."""
    with open(path, "rb") as handle:
        head = handle.read(4)
    if head.startswith(codecs.BOM_UTF8):
        return path, True
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    try:
        codec = codecs.lookup(encoding)
    except LookupError:
        raise UsageError(f"--encoding: unknown encoding '{encoding}' (for example utf-8, cp1252, latin-1)") from None
    if codec.name == "utf-8":
        return path, False
    target = workspace.path(f"{n}.csv")
    decoder = codecs.getincrementaldecoder(codec.name)(errors="strict")
    offset = 0
    with open(path, "rb") as src, open(target, "w", encoding="utf-8", newline="") as out:
        while True:
            chunk = src.read(1 << 20)
            try:
                out.write(decoder.decode(chunk, final=not chunk))
            except UnicodeDecodeError as exc:
                raise InputError(f"not valid {encoding} (byte 0x{chunk[exc.start]:02x} at offset "
                                 f"{offset + exc.start}); give the file's encoding with --encoding",
                                 file=path) from None
            if not chunk:
                break
            offset += len(chunk)
    return target, False


def _check_utf8(path: str, encoding: str) -> None:
    """Where a file read as UTF-8 stops being UTF-8 (DuckDB says only the line): the byte and its offset."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    offset = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                raise InputError(f"not valid {encoding} (byte 0x{chunk[exc.start]:02x} at offset {offset + exc.start}"
                                 "); give the file's encoding with --encoding, e.g. --encoding cp1252",
                                 file=path) from None
            offset += len(chunk)


def _xlsx_as_csv(path: str, workspace: Workspace, n: int) -> str:
    """The first worksheet as a UTF-8 CSV (times in ISO form, numbers as written)."""
    from crmcheck.xlsx_library import openpyxl_imports

    with openpyxl_imports("reading .xlsx needs openpyxl: pip install 'crmcheck[xlsx]'"):
        from openpyxl import load_workbook
    from crmcheck.importers.xlsx_guard import check_workbook

    check_workbook(path)
    target = workspace.path(f"{n}.csv")
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise InputError(f"cannot read this workbook ({type(exc).__name__}: {exc})", file=path) from None
    try:
        ws = wb.worksheets[0]
        with open(target, "w", encoding="utf-8", newline="") as out:
            writer = csv.writer(out, quoting=csv.QUOTE_ALL)
            for row in ws.iter_rows(values_only=True):
                writer.writerow([_cell_text(v) for v in row])
    finally:
        wb.close()
    return target


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def time_expression(column: str, kind: str) -> str:
    """SQL reading one column as TIMESTAMP: typed columns as they are, text in ISO 8601 or a common form."""
    if kind.startswith(TEMPORAL_TYPES):
        return f"CAST({column} AS TIMESTAMP)"
    text = f"NULLIF(trim(CAST({column} AS VARCHAR)), '')"
    formats = "[" + ", ".join(literal(f) for f in TIME_FORMATS) + "]"
    return f"coalesce(CAST(TRY_CAST({text} AS TIMESTAMPTZ) AS TIMESTAMP), try_strptime({text}, {formats}))"


def number_expression(column: str, kind: str) -> str:
    """SQL reading one column as DOUBLE: a number, or text such as 1234.5, -12, $1,234.50 or EUR 99."""
    if kind.startswith(NUMERIC_PREFIXES):
        return f"CAST({column} AS DOUBLE)"
    text = f"NULLIF(trim(CAST({column} AS VARCHAR)), '')"
    bare = (f"regexp_replace(regexp_replace({text}, '^[A-Z]{{3}}\\s*|\\s*[A-Z]{{3}}$', ''), "
            f"'[\\s$€£¥]', '', 'g')")
    grouped = f"CASE WHEN regexp_full_match({bare}, '-?[0-9]{{1,3}}(,[0-9]{{3}})+(\\.[0-9]*)?') " \
              f"THEN replace({bare}, ',', '') ELSE {bare} END"
    return f"TRY_CAST({grouped} AS DOUBLE)"


def text_expression(column: str, kind: str = "VARCHAR", *, trimmed: bool = True) -> str:
    """SQL reading one column as text, blank as NULL. Text typed by Parquet is taken as stored (trimming ten
    million cells doubles the time of a scan); CSV and xlsx cells are trimmed."""
    if not trimmed and kind == "VARCHAR":
        return f"NULLIF({column}, '')"
    return f"NULLIF(trim(CAST({column} AS VARCHAR)), '')"


class Reader:
    """Reads the tables given into a DuckDB connection, as views (Parquet) or temp tables (CSV, xlsx)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, config: MeasureConfig, encoding: str,
                 explicit: set[Table], lenient: set[Table] | None = None) -> None:
        self.con = con
        self.config = config
        self.encoding = encoding
        self.explicit = explicit  # tables whose columns a config names (then every named column must exist)
        self.lenient = lenient or set()  # tables named only by presets: a column the export lacks is noted
        self.workspace = Workspace()
        self._n = 0

    def close(self) -> None:
        self.workspace.close()

    def load(self, name: Table, path: str) -> LoadedTable:
        kind, files = _files_of(path)
        table = LoadedTable(name, path, files)
        raw = f"raw_{name}"
        if kind == "parquet":
            listing = "[" + ", ".join(literal(f) for f in files) + "]"
            self._run(f"CREATE OR REPLACE TEMP VIEW {raw} AS SELECT * FROM read_parquet({listing}, "
                      f"filename = true, file_row_number = true, union_by_name = true, hive_partitioning = "
                      f"{'true' if Path(path).is_dir() else 'false'})", path)
            row = "file_row_number + 1"
        else:
            readable: list[str] = []
            for f in files:
                self._n += 1
                readable.append(_xlsx_as_csv(f, self.workspace, self._n) if kind == "xlsx"
                                else _utf8_copy(f, self.encoding, self.workspace, self._n)[0])
            self._origin = dict(zip(readable, files, strict=True))
            listing = "[" + ", ".join(literal(f) for f in readable) + "]"
            # every cell as text (typed below, so that a bad cell is reported, not guessed at); row 1 is the header
            self._run(f"CREATE OR REPLACE TEMP TABLE {raw} AS SELECT *, row_number() OVER (PARTITION BY filename) + 1 "
                      f"AS file_row_number FROM read_csv({listing}, header = true, all_varchar = true, "
                      "filename = true, union_by_name = true, strict_mode = false, null_padding = true, quote = '\"', "
                      "escape = '\"')", path,
                      files=[f for f in readable if f in files])
            row = "file_row_number"
            origin_case = " ".join(f"WHEN {literal(k)} THEN {literal(v)}" for k, v in self._origin.items())
            self._run(f"CREATE OR REPLACE TEMP VIEW {raw}_origin AS SELECT * REPLACE (CASE filename {origin_case} "
                      f"END AS filename) FROM {raw}", path)
            raw = f"{raw}_origin"
        described = self.con.execute(f"DESCRIBE {raw}").fetchall()
        types = {str(r[0]): str(r[1]) for r in described if r[0] not in ("filename", "file_row_number")}
        table.found = list(types)
        table.columns = self._map(table, list(types))
        table.missing = [f for f in FIELDS[name] if f not in table.columns]
        exprs: list[str] = []
        for f in FIELDS[name]:
            column = table.columns.get(f)
            kind_of = KINDS.get(f, "text")
            sql_type = {"text": "VARCHAR", "time": "TIMESTAMP", "number": "DOUBLE"}[kind_of]
            if column is None:
                exprs.append(f"CAST(NULL AS {sql_type}) AS {f}")
                continue
            ident = _quote_ident(column)
            if kind_of == "time":
                exprs.append(f"{time_expression(ident, types[column])} AS {f}")
            elif kind_of == "number":
                exprs.append(f"{number_expression(ident, types[column])} AS {f}")
            else:
                exprs.append(f"{text_expression(ident, types[column], trimmed=kind != 'parquet')} AS {f}")
        self._run(f"CREATE OR REPLACE TEMP VIEW {name}_typed AS SELECT {', '.join(exprs)}, filename AS _file, "
                  f"{row} AS _row FROM {raw}", path)
        self._check_cells(table, raw, types, row)
        self._run(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT {', '.join(FIELDS[name])} FROM {name}_typed", path)
        result = self.con.execute(f"SELECT count(*) FROM {raw}").fetchone()
        table.rows = int(result[0]) if result else 0
        return table

    def _run(self, sql: str, path: str, files: list[str] | None = None) -> None:
        import duckdb

        try:
            self.con.execute(sql)
        except duckdb.Error as exc:
            if "unicode" in str(exc).lower():
                for f in files or []:
                    _check_utf8(f, self.encoding)
            message = str(exc).splitlines()[0]
            raise InputError(f"cannot read this table ({message})", file=path) from None

    def _map(self, table: LoadedTable, found: list[str]) -> dict[str, str]:
        """field -> column: the config's names (each must exist), else the first common name found."""
        by_normal: dict[str, str] = {}
        for column in found:
            by_normal.setdefault(normal_name(column), column)
        mapped = mapped_columns(self.config, table.name)
        columns: dict[str, str] = {}
        problems: list[str] = []
        failed: set[str] = set()
        for f in FIELDS[table.name]:
            if f in mapped:
                wanted = mapped[f]
                if wanted in found:
                    columns[f] = wanted
                elif normal_name(wanted) in by_normal:
                    columns[f] = by_normal[normal_name(wanted)]
                elif table.name in self.lenient and f not in REQUIRED[table.name]:
                    table.notes.append(f"{table.name}: no column '{wanted}' for the field '{f}' (the preset's name); "
                                       "the metrics that need it are not measured")
                else:
                    problems.append(self._missing(table, f, wanted, found))
                    failed.add(f)
                continue
            if table.name in self.explicit:
                continue
            for name in candidates(table.name, f):
                if name in by_normal and by_normal[name] not in columns.values():
                    columns[f] = by_normal[name]
                    break
        problems += [self._missing(table, f, None, found) for f in REQUIRED[table.name]
                     if f not in columns and f not in failed]
        if problems:
            raise InputError(problems[0], problems=[Problem(p, table.path) for p in problems])
        return columns

    @staticmethod
    def _missing(table: LoadedTable, f: str, wanted: str | None, found: list[str]) -> str:
        shown = ", ".join(f"'{c}'" for c in found[:30]) + (f" and {len(found) - 30} more" if len(found) > 30 else "")
        looked = wanted or "one of " + ", ".join(f"'{c}'" for c in COMMON_SHOWN(table.name, f))
        lowered = {c.lower(): c for c in found}
        close = difflib.get_close_matches((wanted or f).lower(), list(lowered), n=1, cutoff=0.5)
        hint = f" (did you mean '{lowered[close[0]]}'?)" if close else ""
        return (f"{table.name}: no column for the field '{f}' (looked for {looked}){hint}; the columns found: "
                f"{shown}")

    def _check_cells(self, table: LoadedTable, raw: str, types: dict[str, str], row: str) -> None:
        """Stop on a time or amount cell that cannot be read: FILE:ROW:COLUMN, the cell quoted."""
        checks: list[tuple[str, str, str]] = []  # field, column, SQL that is true for a bad cell
        for f, column in table.columns.items():
            kind_of = KINDS.get(f, "text")
            if kind_of == "text":
                continue
            declared = types[column]
            if kind_of == "time" and declared.startswith(TEMPORAL_TYPES):
                continue
            if kind_of == "number" and declared.startswith(NUMERIC_PREFIXES):
                continue
            ident = _quote_ident(column)
            parsed = time_expression(ident, declared) if kind_of == "time" else number_expression(ident, declared)
            checks.append((f, column, f"({text_expression(ident)} IS NOT NULL AND {parsed} IS NULL)"))
        if not checks:
            return
        counts = self.con.execute("SELECT " + ", ".join(f"count(*) FILTER (WHERE {sql})" for _, _, sql in checks)
                                  + f" FROM {raw}").fetchone()
        assert counts is not None
        total = sum(int(c) for c in counts)
        if not total:
            return
        positions = {c: i + 1 for i, c in enumerate(table.found)}
        problems: list[Problem] = []
        union = " UNION ALL ".join(
            f"SELECT filename, {row} AS r, {i} AS k, CAST({_quote_ident(column)} AS VARCHAR) AS cell FROM {raw} "
            f"WHERE {sql}" for i, (_, column, sql) in enumerate(checks))
        first = self.con.execute(f"SELECT * FROM ({union}) ORDER BY filename, r, k LIMIT 50").fetchall()
        for file, r, k, cell in first:
            f, column, _ = checks[int(k)]
            what = "a date or time" if KINDS[f] == "time" else "an amount"
            problems.append(Problem(f"{column}: cannot read {_quoted_cell(cell)} as {what} (field '{f}' of "
                                    f"{table.name})", str(file), int(r), positions[column]))
        raise InputError(problems[0].message, problems=problems, more=total - len(problems))


def COMMON_SHOWN(table: Table, f: str) -> list[str]:  # noqa: N802 - reads as the constant it stands for
    from crmcheck.measure.config import COMMON_NAMES

    return COMMON_NAMES[table].get(f, [f])[:4]


def _quoted_cell(cell: object) -> str:
    text = "" if cell is None else str(cell)
    short = text if len(text) <= 60 else text[:57] + "..."
    return "'" + one_line(short) + "'"  # a cell's text in a one-line diagnostic: the line rule of crmcheck.inert
