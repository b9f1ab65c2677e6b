"""Row reading for `crmcheck import`: each data row of the export as one respondent (answers, id, name,
role), with the problems found in its cells."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crmcheck.errors import Problem
from crmcheck.importers import layouts
from crmcheck.importers.cells import CellError, normalize, option_ticked, read_cell
from crmcheck.importers.column_map import ColumnMap
from crmcheck.importers.columns import Column, Plan
from crmcheck.importers.request import ImportRequest
from crmcheck.importers.table import Row
from crmcheck.models.questionnaire import Question, Questionnaire


@dataclass
class Respondent:
    row: int
    answers: dict[str, Any]
    respondent_id: str | None = None
    name: str | None = None
    role: str | None = None


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


class RowReader:
    """Reads each data row as a respondent, with the problems found in its cells."""

    def __init__(self, plan: Plan, request: ImportRequest, column_map: ColumnMap | None, decimal_comma: bool,
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

    def read(self, row: Row) -> tuple[Respondent, list[Problem]]:
        path = self.path
        problems: list[Problem] = []
        respondent = Respondent(row.number, {})
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
