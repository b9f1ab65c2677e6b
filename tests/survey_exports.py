"""Survey exports built in tests: Microsoft Forms workbooks (binary, so not kept in tests/data) and large surveys."""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Sequence
from pathlib import Path

from crmcheck.models.questionnaire import Question, Questionnaire

MS_FORMS_COLUMNS = ["ID", "Start time", "Completion time", "Email", "Name"]


def microsoft_forms_xlsx(path: Path, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """A workbook laid out like a Microsoft Forms export: ID, times, email, name, then one column per question."""
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Sheet1"
    sheet.append([*MS_FORMS_COLUMNS, *headers])
    start = dt.datetime(2026, 10, 26, 9, 0, 0)
    for n, row in enumerate(rows, 1):
        begun = start + dt.timedelta(hours=n)
        sheet.append([n, begun, begun + dt.timedelta(minutes=7), f"staff{n}@brightwater.example",
                      "anonymous" if n % 5 == 0 else f"Staff member {n}", *row])
    workbook.save(path)


def _label(question: Question, questionnaire: Questionnaire, level: int) -> str:
    """A cell as a survey tool writes it: the scale label, the option label, Yes/No."""
    if question.type == "scale":
        return next(lv.label for lv in questionnaire.scales[question.scale or ""] if lv.value == level)
    if question.type == "yes_no":
        return "Yes" if level >= 2 else "No"
    if question.type == "choice":
        options = sorted(question.options or (), key=lambda o: o.score or 0)
        return options[min(len(options) - 1, level * len(options) // 5)].label
    return "More time with the people who know us" if level < 2 else "Nothing, keep it up"


def perception_answers(questionnaire: Questionnaire, *, levels: Sequence[int], seed: int) -> list[list[str]]:
    """Rows of answers on the 0-4 scales, each respondent's level drawn from `levels`."""
    chance = random.Random(seed)
    rows = []
    for level_base in levels:
        row = []
        for _, question in questionnaire.questions.values():
            level = max(0, min(4, level_base + chance.choice((-1, 0, 0, 1))))
            # a statement keyed negatively: who rates the company well disagrees with it
            row.append(_label(question, questionnaire, 4 - level if question.reverse_scored else level))
        rows.append(row)
    return rows


def google_forms_csv(path: Path, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """A CSV laid out like a Google Forms export: Timestamp, Email Address, then one column per question."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Timestamp", "Email Address", *headers])
        for n, row in enumerate(rows, 1):
            writer.writerow([f"2026/10/{20 + n % 9} {8 + n % 9}:{n % 60:02d}:00 AM GMT+1",
                             f"customer{n}@example.org", *row])
