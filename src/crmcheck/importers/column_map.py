"""The --map file: explicit column-to-question mappings and cell-value translations for any survey export.

```yaml
columns:
  "How likely are you to stay with us?": loyalty.stay-if-alternative
  "column F": loyalty.main-reason        # by column letter
  "Department": ignore
  "Your name, please": respondent.name
values:
  loyalty.main-reason:
    "It just works": habit
```
"""

# Field annotations are real objects here, not strings (no `from __future__ import annotations`): pydantic would
# evaluate each string with eval() at every start (tests/test_model_annotations.py).

import re
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import Field

from crmcheck.errors import InputError, Problem
from crmcheck.importers.cells import CellError, check_value
from crmcheck.models.base import Strict, validate_document
from crmcheck.models.questionnaire import Questionnaire
from crmcheck.yamlio import load_mapping

IGNORE = "ignore"
RESPONDENT_FIELDS = ("respondent.name", "respondent.role", "respondent.id")
_COLUMN_LETTER = re.compile(r"^\s*column\s+([A-Za-z]{1,3})\s*$", re.IGNORECASE)


class ColumnMapFile(Strict):
    format: Literal[1] = 1
    columns: dict[str, str] = Field(default_factory=dict)
    values: dict[str, dict[str, Any]] = Field(default_factory=dict)


@dataclass(frozen=True)
class MapEntry:
    """One `columns` entry: which column (header text or letter) goes to which target."""

    key: str
    target: str  # a full question id, "ignore" or a respondent field
    letter: str | None
    line: int
    column: int


@dataclass
class ColumnMap:
    path: str
    entries: list[MapEntry] = field(default_factory=list)
    values: dict[str, dict[str, Any]] = field(default_factory=dict)

    def problem(self, entry: MapEntry, message: str) -> Problem:
        return Problem(message, self.path, entry.line, entry.column)


def letter_index(letter: str) -> int:
    """'A' -> 0, 'AA' -> 26."""
    index = 0
    for char in letter.upper():
        index = index * 26 + ord(char) - 64
    return index - 1


def load_column_map(path: str, questionnaire: Questionnaire) -> ColumnMap:
    """Read and check a map file against the questionnaire; errors point at the map file's lines."""
    doc = load_mapping(path)
    model = validate_document(ColumnMapFile, doc)
    problems: list[Problem] = []
    result = ColumnMap(path)

    def report(message: str, keys: tuple[Any, ...], *, key: bool = False) -> None:
        pos = doc.position(keys, key=key)
        problems.append(Problem(message, doc.path, pos.line, pos.column))

    for header, target in model.columns.items():
        resolved = _target(target, questionnaire)
        if resolved is None:
            report(f"'{target}' is not a question of {questionnaire.id}, nor one of: {IGNORE}, "
                   f"{', '.join(RESPONDENT_FIELDS)}", ("columns", header))
            continue
        match = _COLUMN_LETTER.match(header)
        pos = doc.position(("columns", header), key=True)
        result.entries.append(MapEntry(header, resolved, match.group(1).upper() if match else None, pos.line,
                                       pos.column))
    for question_id, translations in model.values.items():
        full = questionnaire.current_id(question_id)
        if full is None:
            report(f"no question '{question_id}' in {questionnaire.id}", ("values", question_id), key=True)
            continue
        question = questionnaire.questions[full][1]
        for cell, value in translations.items():
            try:
                check_value(question, questionnaire, value)
            except CellError as exc:
                report(f"{question_id}: {exc}", ("values", question_id, cell))
        result.values[full] = dict(translations)
    if problems:
        raise InputError(problems[0].message, problems=problems)
    return result


def _target(target: str, questionnaire: Questionnaire) -> str | None:
    value = target.strip()
    if value == IGNORE or value in RESPONDENT_FIELDS:
        return value
    return questionnaire.current_id(value)

