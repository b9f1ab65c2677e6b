"""Column planning for `crmcheck import`: what each column of a survey export holds (a question, a checklist
option, who answered, or nothing), matched by id, by wording in either lens, or by a --map file."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from crmcheck.errors import Problem
from crmcheck.importers import layouts
from crmcheck.importers.cells import normalize, without_number
from crmcheck.importers.column_map import IGNORE, ColumnMap, MapEntry, letter_index
from crmcheck.importers.layouts import Layout
from crmcheck.importers.request import ImportRequest
from crmcheck.importers.table import SurveyTable, column_letter
from crmcheck.models.questionnaire import Question, Questionnaire, with_company

ColumnKind = Literal["question", "option", "name", "first_name", "last_name", "role", "id", "ignore"]
_GRID_ROW = re.compile(r"^(.*)\[([^\[\]]+)\]\s*$")  # Google Forms grids: "Title [Row text]"
_RESPONDENT_FIELD_KINDS: dict[str, ColumnKind] = {"respondent.name": "name", "respondent.role": "role",
                                                  "respondent.id": "id"}

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
class Plan:
    """Every column of the export, how many there are, and what was found wrong with the header."""

    columns: list[Column]
    width: int
    warnings: list[Problem]
    errors: list[Problem]


def plan_columns(table: SurveyTable, layout: Layout, request: ImportRequest, column_map: ColumnMap | None) -> Plan:
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
    return Plan(columns, width, warnings, errors)


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
