"""`crmcheck import`: a survey export in, one answers file per respondent out, all or nothing.

Columns are matched to questions by id or by wording (in either lens; case, spacing, punctuation
and question numbers ignored), or explicitly with a --map file. Cells are read as scale values or
labels, option ids or labels, and checklists as the tool joins them. Every unmatched column is
reported as a warning and every unreadable cell as an error with its row and column; on any error
nothing is written unless `skip_invalid`, which writes the good rows and lists the others.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import errno
import fnmatch
import functools
import itertools
import marshal
import os
import re
import tempfile
from array import array
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NoReturn, Protocol, overload

from crmcheck.answers.layout import Header, UnwritableText, answer_entry, comment_text, dump_answers, scalar
from crmcheck.answers.signals import Stopping
from crmcheck.errors import InputError, Problem, UsageError
from crmcheck.importers import layouts
from crmcheck.importers.cells import CellError, normalize, option_ticked, read_cell, without_number
from crmcheck.importers.column_map import IGNORE, ColumnMap, MapEntry, letter_index, load_column_map
from crmcheck.importers.layouts import Layout, LayoutName
from crmcheck.importers.table import Row, SurveyTable, column_letter, read_table
from crmcheck.models.questionnaire import Question, Questionnaire, with_company
from crmcheck.wording import counted, plural

ColumnKind = Literal["question", "option", "name", "first_name", "last_name", "role", "id", "ignore"]
_GRID_ROW = re.compile(r"^(.*)\[([^\[\]]+)\]\s*$")  # Google Forms grids: "Title [Row text]"
_FILE_SAFE = re.compile(r"[^A-Za-z0-9_-]+")
_YAML_NAME = re.compile(fnmatch.translate("*.y*ml"))
_RESPONDENT_FIELD_KINDS: dict[str, ColumnKind] = {"respondent.name": "name", "respondent.role": "role",
                                                  "respondent.id": "id"}


class Progress(Protocol):
    """Where a long import reports how far it has got (the CLI draws a bar on large files).

    `counting` says whether `start` needs its total: counting the rows is one more pass over the file.
    """

    counting: bool

    def start(self, description: str, total: int) -> None: ...

    def advance(self, count: int = 1) -> None: ...


class NoProgress:
    counting = False

    def start(self, description: str, total: int) -> None:
        pass

    def advance(self, count: int = 1) -> None:
        pass


@dataclass(frozen=True)
class ImportRequest:
    """Everything `crmcheck import` was asked to do."""

    survey: str
    questionnaire: Questionnaire
    lens: str
    company: str
    out_dir: Path
    assessed_on: dt.date
    assessor: str | None = None
    column_map: str | None = None
    skip_invalid: bool = False
    force: bool = False
    layout: LayoutName | None = None
    encoding: str = "utf-8"
    delimiter: str | None = None
    sheet: str | None = None


@dataclass
class ImportOutcome:
    """What was written, and what the user should know about."""

    layout: str
    written: Sequence[Path]
    warnings: list[Problem]
    invalid: list[Problem]  # unreadable cells of the rows left out with --skip-invalid
    skipped_rows: list[int]
    questions_matched: int
    questions_total: int
    other_files: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class Column:
    """What one column of the export holds."""

    index: int
    header: str
    kind: ColumnKind
    question: str | None = None
    option: str | None = None

    @property
    def where(self) -> str:
        return f"column {column_letter(self.index)} ('{_short(self.header)}')"


@dataclass
class _Respondent:
    row: int
    answers: dict[str, Any]
    respondent_id: str | None = None
    name: str | None = None
    role: str | None = None


def _short(text: str, limit: int = 50) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class _QuestionIndex:
    """Questions by normalized id and wording (every lens), to match column headers."""

    def __init__(self, questionnaire: Questionnaire, company: str | None = None) -> None:
        self.questionnaire = questionnaire
        self._by_text: dict[str, tuple[str, str | None]] = {}
        for full, (_, question) in questionnaire.questions.items():
            self._by_text.setdefault(normalize(full), (full, None))
            wordings = question.text.items() if isinstance(question.text, dict) else [(None, question.text)]
            for lens, text in wordings:
                # a survey may show `{company}` as the company's name (or, built before it was known, generically)
                for variant in (with_company(text, company), with_company(text, None), text):
                    self._by_text.setdefault(normalize(variant), (full, lens))

    def match(self, header: str) -> tuple[str, str | None] | None:
        """(full question id, the lens whose wording matched, or None for an id) for a header, if any."""
        raw = header.strip()
        current = self.questionnaire.current_id(raw)
        if current is not None:
            return current, None
        text = normalize(header)
        for candidate in (text, without_number(text)):
            if candidate in self._by_text:
                return self._by_text[candidate]
        grid = _GRID_ROW.match(header)
        if grid:
            return self.match(grid.group(2))
        return None


def _respondent_kind(header: str) -> ColumnKind | None:
    """Whether a column says who answered: their id, name, first or last name, or role."""
    text = normalize(header)
    if header.strip() == "#" or text in layouts.RESPONDENT_ID_COLUMNS:
        return "id"
    if text in layouts.NAME_COLUMNS:
        return "name"
    if text in layouts.FIRST_NAME_COLUMNS:
        return "first_name"
    if text in layouts.LAST_NAME_COLUMNS:
        return "last_name"
    if text in layouts.ROLE_COLUMNS:
        return "role"
    return None


@dataclass
class _Plan:
    columns: list[Column]
    width: int
    warnings: list[Problem]
    errors: list[Problem]


def _plan_columns(table: SurveyTable, layout: Layout, request: ImportRequest, column_map: ColumnMap | None) -> _Plan:
    q = request.questionnaire
    index = _QuestionIndex(q, request.company)
    path = table.path
    first = table.head[0].cells
    second = table.head[1].cells if layout.header_rows == 2 and len(table.head) > 1 else []
    width = max(len(first), len(second))
    warnings: list[Problem] = []
    errors: list[Problem] = []
    columns: list[Column] = []
    used_entries: set[int] = set()
    lens_votes = {"same": 0, "other": 0}
    group = ""

    def header_problem(i: int, message: str) -> Problem:
        return Problem(message, path, 1, i + 1)

    for i in range(width):
        top = first[i] if i < len(first) else ""
        sub = second[i] if i < len(second) else ""
        if layout.header_rows == 1 or top.strip():  # SurveyMonkey leaves the top cell blank after a group's first
            group = top
        whole = normalize(sub) in layouts.SUBHEADER_FOR_WHOLE_QUESTION
        display = group if whole or layout.header_rows == 1 else f"{group} / {sub}"
        if not display.strip():
            display = ""
        column: Column | None = None

        for n, entry in enumerate(column_map.entries if column_map else ()):
            if _entry_matches(entry, i, (top, sub, group, display)):
                used_entries.add(n)
                column = _mapped_column(entry, i, display, sub, whole, q, errors, column_map)
                break
        if column is None and whole:
            kind = _respondent_kind(group)
            if kind is not None:
                column = Column(i, display, kind)
            elif layouts.is_tool_column(group) or not group.strip():
                column = Column(i, display or f"column {column_letter(i)}", "ignore")
        if column is None:
            column = _matched_column(i, display, group, sub, whole, layout, index, lens_votes, request.lens)
        if column is None:
            warnings.append(header_problem(i, f"warning: column {column_letter(i)} ('{_short(display)}') matches no "
                                           f"question of {q.id}; ignored (name it in a --map file to import it)"))
            column = Column(i, display, "ignore")
        columns.append(column)

    for n, entry in enumerate(column_map.entries if column_map else ()):
        if n not in used_entries:
            assert column_map is not None
            errors.append(column_map.problem(entry, f"no column '{entry.key}' in {path}"))

    seen: dict[tuple[str | None, str | None, str], Column] = {}
    for column in columns:
        if column.kind == "ignore":
            continue
        key = (column.question, column.option, column.kind)
        if key in seen:
            what = (f"question {column.question}" + (f" option {column.option}" if column.option else "")
                    if column.question else f"the respondent's {column.kind.replace('_', ' ')}")
            errors.append(header_problem(column.index, f"column {column_letter(column.index)} and column "
                                         f"{column_letter(seen[key].index)} both hold {what}; map one of them "
                                         "to 'ignore' with --map"))
        else:
            seen[key] = column

    if lens_votes["other"] > lens_votes["same"]:
        other = next((lens for lens in q.lenses if lens != request.lens), "other")
        warnings.append(Problem(f"warning: most columns use the {other} wording of {q.id}, but --lens is "
                                f"{request.lens}; check that this is the {request.lens} survey", path, 1, 1))
    return _Plan(columns, width, warnings, errors)


def _entry_matches(entry: MapEntry, i: int, headers: Iterable[str]) -> bool:
    if entry.letter is not None:
        return letter_index(entry.letter) == i
    wanted = normalize(entry.key)
    return any(h.strip() and normalize(h) == wanted for h in headers)


def _mapped_column(entry: MapEntry, i: int, display: str, sub: str, whole: bool, q: Questionnaire,
                   errors: list[Problem], column_map: ColumnMap | None) -> Column:
    target = entry.target
    if target == IGNORE:
        return Column(i, display, "ignore")
    if target in _RESPONDENT_FIELD_KINDS:
        return Column(i, display, _RESPONDENT_FIELD_KINDS[target])
    question = q.questions[target][1]
    if question.type == "checklist" and sub.strip() and not whole:
        option = _option_for(question, sub)
        if option is None:
            assert column_map is not None
            errors.append(column_map.problem(entry, f"column {column_letter(i)} ('{_short(sub)}') is not an option "
                                             f"of {target}"))
            return Column(i, display, "ignore")
        return Column(i, display, "option", target, option)
    return Column(i, display, "question", target)


def _option_for(question: Question, label: str) -> str | None:
    wanted = normalize(label)
    return next((o.id for o in question.options or () if wanted in (normalize(o.label), normalize(o.id))), None)


def _matched_column(i: int, display: str, group: str, sub: str, whole: bool, layout: Layout, index: _QuestionIndex,
                    votes: dict[str, int], lens: str) -> Column | None:
    def vote(found: tuple[str, str | None]) -> str:
        if found[1] is not None:
            votes["same" if found[1] == lens else "other"] += 1
        return found[0]

    if layout.header_rows == 1 or whole:
        found = index.match(group)
        return Column(i, display, "question", vote(found)) if found else None
    # SurveyMonkey: a checklist spreads over one column per option; a matrix has one row per column
    found = index.match(group)
    if found is not None:
        question = index.questionnaire.questions[found[0]][1]
        if question.type == "checklist":
            option = _option_for(question, sub)
            return Column(i, display, "option", vote(found), option) if option else None
    found = index.match(sub)
    return Column(i, display, "question", vote(found)) if found else None


class _CellReader:
    """One question column's cells read as answers, each distinct text once: rows repeat the same few answers.

    A column of free text never repeats, so what is kept is bounded: the cache is emptied when it is full.
    """

    __slots__ = ("_cache", "_decimal_comma", "_q", "_question", "_values", "full")
    _KEEP = 256

    def __init__(self, full: str, question: Question, q: Questionnaire, values: Any, decimal_comma: bool) -> None:
        self.full = full
        self._question, self._q, self._values, self._decimal_comma = question, q, values, decimal_comma
        self._cache: dict[str, Any] = {}

    def read(self, text: str) -> Any:
        found = self._cache.get(text, _MISSING)
        if found is _MISSING:
            try:
                found = read_cell(self._question, self._q, text, self._values, decimal_comma=self._decimal_comma)
            except CellError as exc:
                found = exc
            if len(self._cache) >= self._KEEP:
                self._cache.clear()
            self._cache[text] = found
        if isinstance(found, CellError):
            raise CellError(str(found))
        return found


_MISSING = object()


class _RowReader:
    """Reads each data row as a respondent, with the problems found in its cells."""

    def __init__(self, plan: _Plan, request: ImportRequest, column_map: ColumnMap | None, decimal_comma: bool,
                 path: str) -> None:
        q = request.questionnaire
        self.width = plan.width
        self.path = path
        self.columns: list[tuple[Column, Any]] = []
        for column in plan.columns:
            if column.kind == "ignore":
                continue
            how: Any = None
            if column.kind == "question":
                assert column.question is not None
                question = q.questions[column.question][1]
                values = column_map.values.get(column.question) if column_map else None
                how = _CellReader(column.question, question, q, values, decimal_comma)
            elif column.kind == "option":
                assert column.question is not None and column.option is not None
                question = q.questions[column.question][1]
                option = question.option(column.option)
                assert option is not None
                how = (question, option, column.question)
            self.columns.append((column, how))

    def read(self, row: Row) -> tuple[_Respondent, list[Problem]]:
        path = self.path
        problems: list[Problem] = []
        respondent = _Respondent(row.number, {})
        cells = row.cells
        count = len(cells)
        if count > self.width and any(c.strip() for c in cells[self.width:]):
            problems.append(Problem(f"row {row.number} has {count} cells but the header has {self.width} "
                                    "columns (a delimiter or quote out of place?)", path, row.number, self.width + 1))
        answers = respondent.answers
        ticked: dict[str, list[str]] = {}
        first_last: list[str] = []
        for column, how in self.columns:
            text = cells[column.index] if column.index < count else ""
            kind = column.kind
            try:
                if kind == "question":
                    value = how.read(text)
                    if value is not None:
                        answers[how.full] = value
                elif kind == "option":
                    question, option, full = how
                    chosen = ticked.setdefault(full, [])
                    if text.strip() and option_ticked(question, option, text):
                        chosen.append(option.id)
                elif kind in ("name", "role", "id") and text.strip():
                    setattr(respondent, "respondent_id" if kind == "id" else kind, " ".join(text.split()))
                elif kind in ("first_name", "last_name") and text.strip():
                    first_last.append(" ".join(text.split()))
            except CellError as exc:
                problems.append(Problem(f"row {row.number}, {column.where}: {exc}", path, row.number,
                                        column.index + 1))
        for question_id, chosen in ticked.items():
            if chosen:
                answers[question_id] = chosen
        if respondent.name is None and first_last:
            respondent.name = " ".join(first_last)
        if respondent.name and normalize(respondent.name) in layouts.ANONYMOUS:
            respondent.name = None
        return respondent, problems


def _safe_id(respondent_id: str | None) -> str:
    return _FILE_SAFE.sub("-", respondent_id or "").strip("-")[:40]


class _Names:
    """The answers files' names: by respondent id when every row has a distinct one, else by row number.

    Known only once every row is read, so what is kept per row is small: the row number and, while every row
    so far has a distinct id, the ids (to find a repeat).
    """

    def __init__(self, lens: str) -> None:
        self.lens = lens
        self.ids: dict[str, None] | None = {}  # in row order; None once an id is missing or repeated
        self.rows = array("I")  # 4 bytes a row

    def add(self, row: int, safe_id: str) -> None:
        self.rows.append(row)
        if self.ids is not None:
            if not safe_id or safe_id in self.ids:
                self.ids = None
            else:
                self.ids[safe_id] = None

    @functools.cached_property
    def _digits(self) -> int:
        return max(3, len(str(max(self.rows, default=0))))

    def name(self, row: int, safe_id: str) -> str:
        if self.ids is not None:
            return f"{self.lens}-{safe_id}.yaml"
        return f"{self.lens}-row-{row:0{self._digits}d}.yaml"

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[str]:
        """Every name, in row order."""
        if self.ids is not None:
            return (f"{self.lens}-{safe_id}.yaml" for safe_id in self.ids)
        return (self.name(row, "") for row in self.rows)

    def nth(self, index: int) -> str:
        return next(itertools.islice(self, index, None))

    def holds(self, name: str) -> bool:
        prefix = f"{self.lens}-"
        if not (name.startswith(prefix) and name.endswith(".yaml")):
            return False
        middle = name[len(prefix):-len(".yaml")]
        if self.ids is not None:
            return middle in self.ids
        number = middle.removeprefix("row-")
        if number == middle or len(number) != self._digits or not number.isascii() or not number.isdigit():
            return False
        found = bisect.bisect_left(self.rows, int(number))
        return found < len(self.rows) and self.rows[found] == int(number)


class WrittenFiles(Sequence[Path]):
    """The answers files an import wrote, in row order; their names are made again when asked, not held."""

    def __init__(self, out: Path, names: _Names) -> None:
        self._out = out
        self._names = names

    def __len__(self) -> int:
        return len(self._names)

    @overload
    def __getitem__(self, index: int) -> Path: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Path]: ...

    def __getitem__(self, index: int | slice) -> Path | Sequence[Path]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return self._out / self._names.nth(index)

    def __contains__(self, item: object) -> bool:
        return isinstance(item, Path) and item.parent == self._out and self._names.holds(item.name)


class _Spool:
    """The respondents to write, in row order, in a temp file that has no name (in memory while small).

    Each is what its answers file needs and nothing more: row number, id, the file's header text and
    its answers' YAML, so the survey is read once and memory does not grow with its rows.
    """

    def __init__(self) -> None:
        self._file = tempfile.SpooledTemporaryFile(max_size=256 * 1024)  # noqa: SIM115 - closed by close()
        self.count = 0

    def add(self, record: _Record) -> None:
        data = marshal.dumps(record)
        try:
            self._file.write(len(data).to_bytes(4, "little"))
            self._file.write(data)
        except OSError as exc:
            raise InputError(f"cannot write a temporary file: {exc.strerror or exc}; no answers file was written",
                             file=tempfile.gettempdir()) from None
        self.count += 1

    def __iter__(self) -> Iterator[_Record]:
        handle = self._file
        handle.seek(0)
        for _ in range(self.count):
            size = int.from_bytes(handle.read(4), "little")
            yield marshal.loads(handle.read(size))

    def close(self) -> None:
        self._file.close()


_Record = tuple[int, str, str, dict[str, str]]  # row number, safe id, header text, question -> answer YAML


class _Renderer:
    """The YAML of each respondent's answers and header, checked while the rows are read."""

    _KEEP = 1024

    def __init__(self, request: ImportRequest, source: str) -> None:
        self.request = request
        self.source = comment_text(source)
        self._entries: dict[Any, str] = {}
        self._heads: dict[tuple[str, str], str] = {}

    def entry(self, value: Any) -> str:
        kind = type(value)
        if kind is str or kind is int or kind is bool:
            key: Any = (kind, value)
        elif kind is list and all(type(v) is str for v in value):
            key = tuple(value)
        else:  # anything else (a float, a mapped value) is rare: written each time
            return answer_entry(value)
        found = self._entries.get(key)
        if found is None:
            found = answer_entry(value)
            if len(self._entries) >= self._KEEP:
                self._entries.clear()
            self._entries[key] = found
        return found

    def head(self, respondent: _Respondent) -> str:
        """The file's text before its questionnaire: the import note and the header fields."""
        key = (respondent.name or "", respondent.role or "")
        head = self._heads.get(key)
        if head is None:
            request = self.request
            person = {"name": key[0], "role": key[1], "lens": request.lens}
            header = Header(company=request.company, assessed_on=request.assessed_on, assessor=request.assessor,
                            respondent=person)
            head = dump_answers(header, [], lens=request.lens, schema_comment=False)[:-1]  # ends "questionnaires:"
            if len(self._heads) >= self._KEEP:
                self._heads.clear()
            self._heads[key] = head
        origin = f"row {respondent.row}" + (
            f", respondent {respondent.respondent_id}" if respondent.respondent_id else "")
        return f"# Imported by crmcheck from {self.source} ({comment_text(origin)}).\n{head}"

    def record(self, respondent: _Respondent) -> _Record:
        """What the respondent's file needs; raises UnwritableText for a value no answers file can hold."""
        entries = {full: self.entry(value) for full, value in respondent.answers.items()}
        return respondent.row, _safe_id(respondent.respondent_id), self.head(respondent), entries


class _Skeleton:
    """The questionnaire part of the answers files, rendered once per import and filled in for each respondent.

    It is `dump_answers`' own output for the questionnaire, with a marker where each answer goes, so every
    file is exactly what `dump_answers` would write for it.
    """

    def __init__(self, request: ImportRequest) -> None:
        q = request.questionnaire
        self.fulls = list(q.questions)
        header = Header(company=request.company, assessed_on=request.assessed_on)
        marked = {full: f"\0{n}\0" for n, full in enumerate(self.fulls)}
        whole = dump_answers(header, [q], {q.id: marked}, lens=request.lens, schema_comment=False)
        body = whole[whole.index("\nquestionnaires:\n") + len("\nquestionnaires:"):]
        pieces = body.split("\0")  # text, marker number, text, ...; each marker stands after "full:" as " \0n\0"
        between = pieces[0::2]
        self.texts = [text[:-1] for text in between[:-1]] + [between[-1]]  # without the space before a marker
        self.slots = [self.fulls[int(n)] for n in pieces[1::2]]

    def fill(self, entries: dict[str, str]) -> str:
        out = [self.texts[0]]
        for full, text in zip(self.slots, self.texts[1:], strict=True):
            entry = entries.get(full)
            if entry:
                out.append(" " + entry)
            out.append(text)
        return "".join(out)


_NOT_THERE = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)


def _exists(path: str) -> bool:
    """`Path.exists()` for a path given as text (the same errors mean "not there"; others are raised)."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno in _NOT_THERE:
            return False
        raise
    except ValueError:
        return False
    return True


def _answers_text(record: _Record, skeleton: _Skeleton) -> str:
    _, _, head, entries = record
    return head + skeleton.fill(entries)


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
_SYNC_BATCH = 256


def _write_all(out: Path, spool: _Spool, names: _Names, skeleton: _Skeleton, progress: Progress, *,
               force: bool) -> None:
    """Write every file or none, and never a half-written one under an answers file's name.

    Each file is written to a temp file beside it (`.NAME.TOKEN.tmp`, one random token per import, so no
    temp name is kept in memory), with the mode of the file it replaces under --force. Temp files are fsynced
    in batches (fsyncs one after another let the disk group them); once every file is on disk, each is
    published under its name: hard-linked (which refuses a file that appeared meanwhile: never overwritten
    without --force) and its temp name removed, or under --force renamed over the old file. Then the
    directory is fsynced. Whatever stops it (a full disk, Ctrl-C, a refused value) removes every temp file
    and every file published.
    """
    with Stopping(_interrupted, ("SIGTERM", "SIGHUP"), keep_ignored=True):
        _write_each(out, spool, names, skeleton, progress, force)


def _write_each(out: Path, spool: _Spool, names: _Names, skeleton: _Skeleton, progress: Progress,
                force: bool) -> None:
    token = os.urandom(6).hex()
    folder = str(out)  # names joined as text: a Path per file would intern each name for good
    existed: set[str] = set()  # --force: names of files that were there before (only these are not removed)
    unsynced: list[int] = []  # open temp files, fsynced in batches
    written = 0  # respondents whose temp file exists
    published = 0  # respondents whose file has its name
    started: str | None = None  # a temp file being created
    current: str | None = None
    try:
        try:
            for record in spool:
                name = names.name(record[0], record[1])
                current = os.path.join(folder, name)
                data = _answers_text(record, skeleton).encode("utf-8")
                started = _temp_name(folder, name, token)  # before the call: a signal can come once it exists
                fd = os.open(started, _NEW_FILE, 0o666)  # the umask applies, as for a file written plainly
                try:
                    if force and (mode := _mode_of(current)) is not None:
                        existed.add(name)
                        os.chmod(started, mode)  # the replaced file's mode
                    _write_fd(fd, data)
                finally:
                    unsynced.append(fd)
                started = None
                written += 1
                if len(unsynced) >= _SYNC_BATCH:
                    _sync_and_close(unsynced)
                progress.advance()
            _sync_and_close(unsynced)
        finally:
            for fd in unsynced:
                with contextlib.suppress(OSError):
                    os.close(fd)
        progress.start("Naming answers files", written)
        for name in names:
            current = os.path.join(folder, name)
            tmp = _temp_name(folder, name, token)
            if force:
                os.replace(tmp, current)
                published += 1
            else:
                linked = _publish_new(tmp, current)
                published += 1
                if linked:
                    os.unlink(tmp)
            progress.advance()
    except BaseException as exc:  # whatever stopped it (a full disk, Ctrl-C, a refused value): no file is left
        _remove_written(folder, names, token, written, published, started, existed)
        if isinstance(exc, OSError):
            raise InputError(f"cannot write: {exc.strerror or exc}; no answers file was written",
                             file=current) from None
        raise
    with contextlib.suppress(OSError):
        directory = os.open(out, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


_NO_HARD_LINKS = {getattr(errno, name) for name in ("EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS", "EMLINK", "EXDEV")
                  if hasattr(errno, name)}


def _publish_new(tmp: str, target: str) -> bool:
    """Give the written temp file its answers-file name, refusing a file of that name that appeared since the
    directory was checked (FileExistsError). Usually a hard link (True: the temp name is still to remove); a
    file system without hard links (exFAT, some network shares) gets a check and a rename instead (False):
    the same result, with a moment in which a file appearing would be replaced."""
    try:
        os.link(tmp, target, follow_symlinks=False)
        return True
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            raise
    if os.path.lexists(target):
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), target)
    os.replace(tmp, target)
    return False


def _mode_of(path: str) -> int | None:
    """The permission bits of an existing file, or None when there is none."""
    try:
        return os.stat(path).st_mode & 0o777
    except FileNotFoundError:
        return None


def _temp_name(folder: str, name: str, token: str) -> str:
    return f"{folder}{os.sep}.{name}.{token}.tmp"


def _interrupted(signum: int) -> BaseException:
    """While files are written, a hang-up or `kill` stops the import as Ctrl-C does: the files written go.

    (Answers files get their final names as they are written; only a kill that cannot be caught, or a
    crash, can leave some of them.) A signal someone chose to ignore (nohup) stays ignored.
    """
    return KeyboardInterrupt()


def _write_fd(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _remove_written(folder: str, names: _Names, token: str, written: int, published: int, started: str | None,
                    existed: set[str]) -> None:
    """Remove the temp files of the first `written` respondents, the one being created, and the files of the
    first `published` (but not a file that was there before, which --force replaced)."""
    if started is not None:
        with contextlib.suppress(OSError):
            os.unlink(started)
    for index, name in enumerate(itertools.islice(names, written)):
        with contextlib.suppress(OSError):
            os.unlink(_temp_name(folder, name, token))
        if index < published and name not in existed:
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(folder, name))


def _sync_and_close(fds: list[int]) -> None:
    while fds:
        os.fsync(fds[-1])
        os.close(fds.pop())


def _check_header_options(request: ImportRequest) -> None:
    """Refuse, before reading anything, a --company or --assessor that no answers file could hold."""
    if not request.company:
        raise UsageError("--company must not be empty: every answers file names the company it assesses")
    for option, value in (("--company", request.company), ("--assessor", request.assessor)):
        try:
            scalar(value)
        except UnwritableText as exc:
            raise UsageError(f"{option}: {exc.problems[0].message}") from None


def import_survey(request: ImportRequest, progress: Progress | None = None) -> ImportOutcome:
    """Read a survey export and write one answers file per respondent into `request.out_dir`."""
    progress = progress or NoProgress()
    q = request.questionnaire
    if q.lenses and request.lens not in q.lenses:
        raise UsageError(f"--lens {request.lens} is not a lens of {q.id} (lenses: {', '.join(q.lenses)})")
    _check_header_options(request)
    column_map = load_column_map(request.column_map, q) if request.column_map else None
    with read_table(request.survey, encoding=request.encoding, delimiter=request.delimiter,
                    sheet=request.sheet) as table:
        return _import_rows(request, table, column_map, progress)


def _import_rows(request: ImportRequest, table: SurveyTable, column_map: ColumnMap | None,
                 progress: Progress) -> ImportOutcome:
    q = request.questionnaire
    path = table.path

    def refuse(error: InputError) -> NoReturn:
        table.check()  # a broken row further down the file is the first thing to fix, as when it was read whole
        raise error

    if not table.head or table.head[0].blank:
        refuse(InputError("the first row must be the header row (question texts or ids); it is empty",
                          file=path, line=1, column=1))
    layout = layouts.LAYOUTS[request.layout] if request.layout else layouts.detect(table.head)
    plan = _plan_columns(table, layout, request, column_map)
    if plan.errors:
        refuse(InputError(plan.errors[0].message, problems=[*plan.warnings, *plan.errors]))
    matched = {c.question for c in plan.columns if c.question is not None}
    if not matched:
        refuse(InputError(f"no column matches a question of {q.id} (by id or wording); give a --map file, or "
                          f"check --questionnaire (layout read as {layout.title})", file=path, line=1, column=1))
    warnings = list(plan.warnings)
    asked = [full for full, (_, question) in q.questions.items() if question.asked_in(request.lens)]
    missing = [full for full in asked if full not in matched]
    if missing:
        listed = ", ".join(missing[:8]) + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
        have = plural(len(missing), "has")
        warnings.append(Problem(f"warning: {counted(len(missing), 'question')} of {q.id} {have} no column and will be "
                                f"unanswered: {listed}", path))

    progress.start("Reading responses", table.count_filled(layout.header_rows) if progress.counting else 0)
    names = _Names(request.lens)
    errors: list[Problem] = []
    skipped_rows: list[int] = []
    spool = _Spool()
    try:
        unwritable: UnwritableText | None = None  # raised where writing would have met it
        renderer = _Renderer(request, Path(path).name)
        rows = _RowReader(plan, request, column_map, table.delimiter == ";", path)
        for row in table.rows(layout.header_rows):
            if row.blank:
                continue
            respondent, problems = rows.read(row)
            progress.advance()
            if problems:
                errors.extend(problems)
                skipped_rows.append(row.number)
                continue
            if not respondent.answers:
                warnings.append(Problem(f"warning: row {row.number} answers no question; skipped", path, row.number,
                                        1))
                continue
            names.add(respondent.row, _safe_id(respondent.respondent_id))
            if (errors and not request.skip_invalid) or unwritable is not None:
                continue  # nothing will be written: the rows are only checked
            try:
                spool.add(renderer.record(respondent))
            except UnwritableText as exc:
                unwritable = exc
        table.close()
        if errors and not request.skip_invalid:
            cells, bad = counted(len(errors), "unreadable cell"), counted(len(skipped_rows), "row")
            errors.append(Problem(f"nothing written: {cells} in {bad}; "
                                  "fix them, or write the good rows with --skip-invalid", path))
            raise InputError(errors[0].message, problems=[*warnings, *errors])
        if not len(names):
            raise InputError("no respondent to import: every row is empty or unreadable", file=path)

        out = request.out_dir
        if out.exists() and not out.is_dir():
            raise UsageError(f"{out} is a file; -o takes a directory for the answers files")
        if not request.force and out.is_dir():  # with --force, files found there as they are written are replaced
            existing = (name for name in names if _exists(os.path.join(out, name)))
            first = next(existing, None)
            if first is not None:
                count = 1 + sum(1 for _ in existing)
                more = f" and {count - 1} more" if count > 1 else ""
                raise UsageError(f"{out / first}{more} already {plural(count, 'exists')}; nothing written "
                                 "(use --force to overwrite)")
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot create directory: {exc.strerror}", file=str(out)) from None
        if unwritable is not None:
            raise unwritable
        progress.start("Writing answers files", len(names))
        _write_all(out, spool, names, _Skeleton(request), progress, force=request.force)
    finally:
        spool.close()
    with os.scandir(out) as entries:  # as out.glob("*.y*ml"), without a list of every entry
        others = sorted(out / entry.name for entry in entries if _YAML_NAME.match(entry.name)
                        and not entry.name.startswith(".") and not names.holds(entry.name))
    written = WrittenFiles(out, names)
    return ImportOutcome(layout=layout.title, written=written, warnings=warnings, invalid=errors,
                         skipped_rows=skipped_rows, questions_matched=len(matched),
                         questions_total=len(asked), other_files=others)
