"""`crmcheck import`: a survey export in, one answers file per respondent out, all or nothing.

Columns are matched to questions by id or by wording (in either lens; case, spacing, punctuation
and question numbers ignored), or explicitly with a --map file. Cells are read as scale values or
labels, option ids or labels, and checklists as the tool joins them. Every unmatched column is
reported as a warning and every unreadable cell as an error with its row and column; on any error
nothing is written unless `skip_invalid`, which writes the good rows and lists the others.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

from crmcheck.answers_layout import Header, UnwritableText, answer_entry, comment_text, dump_answers, scalar
from crmcheck.errors import InputError, Problem, UsageError
from crmcheck.importers import layouts
from crmcheck.importers.cells import (
    CellError,
    normalize,
    option_ticked,
    read_cell,
    without_number,
)
from crmcheck.importers.column_map import IGNORE, ColumnMap, MapEntry, letter_index, load_column_map
from crmcheck.importers.layouts import Layout, LayoutName
from crmcheck.importers.table import Row, SurveyTable, column_letter, read_table
from crmcheck.models.questionnaire import Question, Questionnaire, with_company
from crmcheck.wording import counted, plural

ColumnKind = Literal["question", "option", "name", "first_name", "last_name", "role", "id", "ignore"]
_GRID_ROW = re.compile(r"^(.*)\[([^\[\]]+)\]\s*$")  # Google Forms grids: "Title [Row text]"
_FILE_SAFE = re.compile(r"[^A-Za-z0-9_-]+")
_RESPONDENT_FIELD_KINDS: dict[str, ColumnKind] = {"respondent.name": "name", "respondent.role": "role",
                                                  "respondent.id": "id"}


class Progress(Protocol):
    """Where a long import reports how far it has got (the CLI draws a bar on large files)."""

    def start(self, description: str, total: int) -> None: ...

    def advance(self, count: int = 1) -> None: ...


class NoProgress:
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
    written: list[Path]
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
    first = table.rows[0].cells
    second = table.rows[1].cells if layout.header_rows == 2 and len(table.rows) > 1 else []
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


def _read_row(row: Row, plan: _Plan, request: ImportRequest, column_map: ColumnMap | None,
              decimal_comma: bool, path: str) -> tuple[_Respondent, list[Problem]]:
    q = request.questionnaire
    problems: list[Problem] = []
    respondent = _Respondent(row.number, {})
    if len(row.cells) > plan.width and any(c.strip() for c in row.cells[plan.width:]):
        problems.append(Problem(f"row {row.number} has {len(row.cells)} cells but the header has {plan.width} "
                                "columns (a delimiter or quote out of place?)", path, row.number, plan.width + 1))
    ticked: dict[str, list[str]] = {}
    first_last: list[str] = []
    questions = q.questions
    for column in plan.columns:
        if column.kind == "ignore":
            continue
        text = row.cell(column.index)
        try:
            if column.kind == "question":
                assert column.question is not None
                question = questions[column.question][1]
                values = column_map.values.get(column.question) if column_map else None
                value = read_cell(question, q, text, values, decimal_comma=decimal_comma)
                if value is not None:
                    respondent.answers[column.question] = value
            elif column.kind == "option":
                assert column.question is not None and column.option is not None
                question = questions[column.question][1]
                option = question.option(column.option)
                assert option is not None
                chosen = ticked.setdefault(column.question, [])
                if text.strip() and option_ticked(question, option, text):
                    chosen.append(option.id)
            elif column.kind in ("name", "role", "id") and text.strip():
                setattr(respondent, "respondent_id" if column.kind == "id" else column.kind, " ".join(text.split()))
            elif column.kind in ("first_name", "last_name") and text.strip():
                first_last.append(" ".join(text.split()))
        except CellError as exc:
            problems.append(Problem(f"row {row.number}, {column.where}: {exc}", path, row.number, column.index + 1))
    for question_id, chosen in ticked.items():
        if chosen:
            respondent.answers[question_id] = chosen
    if respondent.name is None and first_last:
        respondent.name = " ".join(first_last)
    if respondent.name and normalize(respondent.name) in layouts.ANONYMOUS:
        respondent.name = None
    return respondent, problems


def _file_names(respondents: list[_Respondent], lens: str) -> list[str]:
    ids = [_FILE_SAFE.sub("-", r.respondent_id or "").strip("-")[:40] for r in respondents]
    if all(ids) and len(set(ids)) == len(ids):
        return [f"{lens}-{i}.yaml" for i in ids]
    digits = max(3, len(str(max((r.row for r in respondents), default=0))))
    return [f"{lens}-row-{r.row:0{digits}d}.yaml" for r in respondents]


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


def _answers_text(respondent: _Respondent, request: ImportRequest, source: str, skeleton: _Skeleton) -> str:
    person = {"name": respondent.name or "", "role": respondent.role or "", "lens": request.lens}
    header = Header(company=request.company, assessed_on=request.assessed_on, assessor=request.assessor,
                    respondent=person)
    entries = {full: answer_entry(value) for full, value in respondent.answers.items()}
    origin = f"row {respondent.row}" + (f", respondent {respondent.respondent_id}" if respondent.respondent_id else "")
    head = dump_answers(header, [], lens=request.lens, schema_comment=False)  # ends "questionnaires:\n"
    return (f"# Imported by crmcheck from {comment_text(source)} ({comment_text(origin)}).\n{head[:-1]}"
            f"{skeleton.fill(entries)}")


def _write_all(files: Iterable[tuple[Path, str]], progress: Progress, existing: Iterable[Path] = ()) -> None:
    """Write every file or none: each goes to a temp file first, and all are renamed only once all are on disk.

    Each temp file is created with its final mode (the umask's default, or that of the file it replaces,
    listed in `existing`) and fsynced; only the files written are synced, never the whole machine.
    """
    replaced = set(existing)
    temps: list[tuple[str, Path]] = []
    unsynced: list[int] = []  # open temp files, fsynced in batches: one after another lets the disk group them
    current: Path | None = None
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        try:
            for target, text in files:
                current = target
                unsynced.append(_fresh_temp(target, text.encode("utf-8"), flags, temps))
                if target in replaced:
                    os.chmod(temps[-1][0], os.stat(target).st_mode & 0o777)
                if len(unsynced) >= _SYNC_BATCH:
                    _sync_and_close(unsynced)
                progress.advance()
            _sync_and_close(unsynced)
        finally:
            for fd in unsynced:
                with contextlib.suppress(OSError):
                    os.close(fd)
        for tmp, target in temps:
            current = target
            os.replace(tmp, target)
    except BaseException as exc:  # whatever stopped it (a full disk, Ctrl-C, a refused value): no file is left
        for tmp, _ in temps:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if isinstance(exc, OSError):
            raise InputError(f"cannot write: {exc.strerror or exc}; no answers file was written",
                             file=str(current) if current else None) from None
        raise
    if temps:
        with contextlib.suppress(OSError):
            directory = os.open(temps[0][1].parent, os.O_RDONLY)
            try:
                os.fsync(directory)
            finally:
                os.close(directory)


_SYNC_BATCH = 256


def _sync_and_close(fds: list[int]) -> None:
    while fds:
        os.fsync(fds[-1])
        os.close(fds.pop())


def _fresh_temp(target: Path, data: bytes, flags: int, temps: list[tuple[str, Path]]) -> int:
    """A new temp file beside `target` holding `data`, left open (not yet synced); listed in `temps` at once."""
    for _ in range(100):
        tmp = str(target.parent / f".{target.name}.{os.urandom(6).hex()}.tmp")
        try:
            fd = os.open(tmp, flags, 0o666)  # the umask applies, as for a file written plainly
        except FileExistsError:
            continue
        temps.append((tmp, target))
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        except BaseException:
            os.close(fd)
            raise
        return fd
    raise FileExistsError(errno.EEXIST, "no free temporary file name", str(target.parent))


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
    table = read_table(request.survey, encoding=request.encoding, delimiter=request.delimiter, sheet=request.sheet)
    path = table.path
    if not table.rows or table.rows[0].blank:
        raise InputError("the first row must be the header row (question texts or ids); it is empty",
                         file=path, line=1, column=1)
    layout = layouts.LAYOUTS[request.layout] if request.layout else layouts.detect(table.rows)
    plan = _plan_columns(table, layout, request, column_map)
    if plan.errors:
        raise InputError(plan.errors[0].message, problems=[*plan.warnings, *plan.errors])
    matched = {c.question for c in plan.columns if c.question is not None}
    if not matched:
        raise InputError(f"no column matches a question of {q.id} (by id or wording); give a --map file, or "
                         f"check --questionnaire (layout read as {layout.title})", file=path, line=1, column=1)
    warnings = list(plan.warnings)
    missing = [full for full in q.questions if full not in matched]
    if missing:
        listed = ", ".join(missing[:8]) + (f" and {len(missing) - 8} more" if len(missing) > 8 else "")
        have = plural(len(missing), "has")
        warnings.append(Problem(f"warning: {counted(len(missing), 'question')} of {q.id} {have} no column and will be "
                                f"unanswered: {listed}", path))

    data = [row for row in table.rows[layout.header_rows:] if not row.blank]
    progress.start("Reading responses", len(data))
    good: list[_Respondent] = []
    errors: list[Problem] = []
    skipped_rows: list[int] = []
    for row in data:
        respondent, problems = _read_row(row, plan, request, column_map, table.delimiter == ";", path)
        progress.advance()
        if problems:
            errors.extend(problems)
            skipped_rows.append(row.number)
            continue
        if not respondent.answers:
            warnings.append(Problem(f"warning: row {row.number} answers no question; skipped", path, row.number, 1))
            continue
        good.append(respondent)
    if errors and not request.skip_invalid:
        cells, rows = counted(len(errors), "unreadable cell"), counted(len(skipped_rows), "row")
        errors.append(Problem(f"nothing written: {cells} in {rows}; "
                              "fix them, or write the good rows with --skip-invalid", path))
        raise InputError(errors[0].message, problems=[*warnings, *errors])
    if not good:
        raise InputError("no respondent to import: every row is empty or unreadable", file=path)

    out = request.out_dir
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} is a file; -o takes a directory for the answers files")
    names = _file_names(good, request.lens)
    targets = [out / name for name in names]
    existing = [t for t in targets if t.exists()]
    if existing and not request.force:
        more = f" and {len(existing) - 1} more" if len(existing) > 1 else ""
        raise UsageError(f"{existing[0]}{more} already {plural(len(existing), 'exists')}; nothing written "
                         "(use --force to overwrite)")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create directory: {exc.strerror}", file=str(out)) from None
    source = Path(path).name
    progress.start("Writing answers files", len(good))
    skeleton = _Skeleton(request)
    _write_all(((target, _answers_text(respondent, request, source, skeleton))
                for target, respondent in zip(targets, good, strict=True)), progress, existing)
    written = set(targets)
    others = sorted(p for p in out.glob("*.y*ml") if p not in written and not p.name.startswith("."))
    return ImportOutcome(layout=layout.title, written=targets, warnings=warnings, invalid=errors,
                         skipped_rows=skipped_rows, questions_matched=len(matched),
                         questions_total=len(q.questions), other_files=others)
