"""Spreadsheet report (xlsx): Summary, Sections, Questions, Recommendations; Stages, Profile, Perception gap, Changes.

Every sheet is one table: a styled, frozen header row, an autofilter, set column widths, and numbers stored as
numbers. User text is always stored as text: openpyxl would turn a string starting with "=" into a formula and
"#N/A" into an error, so each text cell is typed explicitly, and text that a spreadsheet would read as a formula
once edited (starting with =, +, - or @) also carries the quote prefix that keeps it text.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from crmcheck.errors import UsageError

try:
    from openpyxl import Workbook
except ModuleNotFoundError:  # an optional dependency: say how to get it rather than fail as a bug
    raise UsageError("the xlsx format needs openpyxl: pip install 'crmcheck[xlsx]'") from None
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from crmcheck.models.result import AssessmentResult
from crmcheck.render import RenderOptions
from crmcheck.render.report_parts import OptionalParts, optional_parts
from crmcheck.render.text import xml_safe

FORMULA_STARTS = ("=", "+", "-", "@")
MAX_CELL_TEXT = 32767
HEADER_FILL = PatternFill("solid", fgColor="173F5F")
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_BORDER = Border(bottom=Side(style="medium", color="0B2233"))
WRAP = Alignment(wrap_text=True, vertical="top")
TOP = Alignment(vertical="top")

SCORE = "0.0"
PERCENT = "0%"
PRIORITY = "0.00"
INTEGER = "0"
DATE = "yyyy-mm-dd"


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    number_format: str | None = None
    wrap: bool = False


def text_cell_value(value: object) -> str:
    """User text made storable: characters XML cannot hold removed, cut to the cell limit."""
    return xml_safe(value)[:MAX_CELL_TEXT]


def reads_as_formula(text: str) -> bool:
    return text.lstrip().startswith(FORMULA_STARTS)


def _table(wb: Workbook, title: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]]) -> None:
    ws = wb.create_sheet(title)
    ws.append([c.header for c in columns])
    for cell in ws[1]:
        cell.fill, cell.font, cell.border = HEADER_FILL, HEADER_FONT, HEADER_BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for r, row in enumerate(rows, start=2):
        for c, (column, value) in enumerate(zip(columns, row, strict=True), start=1):
            cell = ws.cell(row=r, column=c)
            if isinstance(value, str):
                text = text_cell_value(value)
                cell.value = text
                cell.data_type = "s"  # never a formula, never an error code, whatever the text says
                if reads_as_formula(text):
                    cell.quotePrefix = True
            else:
                cell.value = value
            if column.number_format and not isinstance(value, str):
                cell.number_format = column.number_format
            cell.alignment = WRAP if column.wrap else TOP
    for c, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(c)].width = column.width
    ws.row_dimensions[1].height = 30
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(ws.max_row, 1)}"


def _summary(wb: Workbook, result: AssessmentResult) -> None:
    columns = [
        Column("Questionnaire", 20), Column("Title", 40, wrap=True), Column("Kind", 8), Column("Version", 8, INTEGER),
        Column("Score", 8, SCORE), Column("Level", 7, INTEGER), Column("Level name", 13),
        Column("Stage reached", 9, INTEGER), Column("Stage name", 18), Column("Target stage", 9, INTEGER),
        Column("Completeness", 13, PERCENT), Column("Recommendations", 16, INTEGER), Column("Company", 26, wrap=True),
        Column("Assessed on", 12, DATE), Column("Assessor", 18, wrap=True), Column("Respondent", 22, wrap=True),
        Column("Respondent role", 26, wrap=True), Column("Lens", 10),
    ]
    respondent = result.respondent
    rows = []
    for q in result.questionnaires:
        stage = q.stage
        rows.append([
            q.id, q.title, q.kind, q.version, q.score, q.level, q.level_name,
            stage.reached if stage else None, stage.name if stage else None, stage.target if stage else None,
            q.completeness, len(q.recommendations), result.company, result.assessed_on, result.assessor,
            respondent.name if respondent else None, respondent.role if respondent else None,
            respondent.lens if respondent else None,
        ])
    _table(wb, "Summary", columns, rows)


def _sections(wb: Workbook, result: AssessmentResult) -> None:
    columns = [
        Column("Questionnaire", 20), Column("Section", 24), Column("Title", 44, wrap=True), Column("Stage", 7, INTEGER),
        Column("Weight", 8, "0.##"), Column("Score", 8, SCORE), Column("Level", 7, INTEGER),
        Column("Level name", 13), Column("Risk", 9), Column("Target", 8, INTEGER), Column("Gap", 6, INTEGER),
        Column("Completeness", 13, PERCENT), Column("Answered", 10, INTEGER), Column("Scored questions", 10, INTEGER),
        Column("Not applicable", 10, INTEGER),
    ]
    rows = [[q.id, s.id, s.title, s.stage, s.weight, s.score, s.level, s.level_name, s.risk, s.target, s.gap,
             s.completeness, s.answered, s.scored_questions, s.not_applicable]
            for q in result.questionnaires for s in q.sections]
    _table(wb, "Sections", columns, rows)


def _questions(wb: Workbook, result: AssessmentResult) -> None:
    columns = [
        Column("Questionnaire", 20), Column("Section", 22), Column("Question", 34), Column("Text", 60, wrap=True),
        Column("Type", 10), Column("Status", 11), Column("Answer", 34, wrap=True), Column("Score", 8, SCORE),
        Column("Weight", 8, "0.##"), Column("Critical", 8), Column("Dimension", 12), Column("Note", 40, wrap=True),
        Column("Evidence", 30, wrap=True), Column("Reason (n/a)", 30, wrap=True),
        Column("Recommendation", 60, wrap=True),
    ]
    rows = [[q.id, s.id, qr.id, qr.text, qr.type, qr.status, qr.answer, qr.score, qr.weight,
             "yes" if qr.critical else "no", qr.dimension, qr.note, qr.evidence, qr.reason, qr.recommendation]
            for q in result.questionnaires for s in q.sections for qr in s.questions]
    _table(wb, "Questions", columns, rows)


def _stages(wb: Workbook, result: AssessmentResult) -> None:
    """Each stage of each staged questionnaire: its status under the cumulative rule and why."""
    columns = [
        Column("Questionnaire", 20), Column("Lens", 10), Column("Stage", 7, INTEGER), Column("Name", 22, wrap=True),
        Column("Score", 8, SCORE), Column("Status", 14), Column("Why", 60, wrap=True), Column("Reached", 9),
        Column("Climb", 60, wrap=True),
    ]
    rows = [[q.id, q.lens, st.number, st.name, st.score, st.status, st.reason,
             "yes" if st.number <= q.stage.reached else "no", q.stage.climb]
            for q in result.questionnaires if q.stage is not None for st in q.stage.stages]
    _table(wb, "Stages", columns, rows)


def _profile(wb: Workbook, result: AssessmentResult) -> None:
    """Profile questions' answers, one row per option and lens: counts and shares, never scores."""
    columns = [
        Column("Questionnaire", 20), Column("Lens", 10), Column("Question", 30), Column("Text", 50, wrap=True),
        Column("Option", 12), Column("Label", 34, wrap=True), Column("Count", 8, INTEGER),
        Column("Share", 9, PERCENT), Column("Answered", 10, INTEGER), Column("Not applicable", 10, INTEGER),
    ]
    rows = [[q.id, q.lens, p.question, p.text, o.id, o.label, o.count, o.share, p.answered, p.not_applicable]
            for q in result.questionnaires for p in q.profile for o in p.options]
    _table(wb, "Profile", columns, rows)


def _profile_comparison(wb: Workbook, result: AssessmentResult) -> None:
    """Profile questions through both lenses, with the share of customers giving the company's most common answer."""
    columns = [
        Column("Questionnaire", 20), Column("Question", 30), Column("Text", 50, wrap=True), Column("Option", 12),
        Column("Label", 34, wrap=True), Column("Company count", 10, INTEGER), Column("Company share", 10, PERCENT),
        Column("Customer count", 10, INTEGER), Column("Customer share", 10, PERCENT),
        Column("Company's most common answer", 24, wrap=True), Column("Agreement", 11, PERCENT),
    ]
    rows = [[gap.questionnaire, item.question, item.text, o.id, o.label, o.company_count, o.company_share,
             o.customer_count, o.customer_share, " or ".join(" + ".join(ids) or "none" for ids in item.company_answer),
             item.agreement]
            for gap in result.perception_gaps for item in gap.profile for o in item.options]
    _table(wb, "Profile both views", columns, rows)


def _recommendations(wb: Workbook, result: AssessmentResult) -> None:
    columns = [
        Column("Rank", 6, INTEGER), Column("Questionnaire", 20), Column("Section", 22), Column("Question", 34),
        Column("Priority", 9, PRIORITY), Column("Score now", 10, SCORE), Column("Recommendation", 70, wrap=True),
        Column("Question text", 60, wrap=True),
    ]
    rows = [[rank, r.questionnaire, r.section, r.question, r.priority, r.score, r.text, r.question_text]
            for q in result.questionnaires for rank, r in enumerate(q.recommendations, start=1)]
    _table(wb, "Recommendations", columns, rows)


def _perception(wb: Workbook, parts: OptionalParts) -> None:
    columns = [
        Column("Questionnaire", 20), Column("Section", 22), Column("Title", 44, wrap=True),
        Column("Company", 10, SCORE), Column("Customers", 10, SCORE), Column("Gap", 8, SCORE),
        Column("Company respondents", 12, INTEGER), Column("Customer respondents", 12, INTEGER),
    ]
    questionnaires = list(dict.fromkeys(p.questionnaire for p in parts.perception))
    rows = [[p.questionnaire, p.section, p.title, p.company, p.customer, p.gap, p.company_respondents,
             p.customer_respondents] for qid in questionnaires for p in parts.perception_of(qid)]
    _table(wb, "Perception gap", columns, rows)


def _changes(wb: Workbook, parts: OptionalParts, titles: dict[str, str]) -> None:
    assert parts.changes is not None
    columns = [
        Column("Questionnaire", 20), Column("Section", 22), Column("Title", 44, wrap=True),
        Column("Baseline", 10, SCORE), Column("Now", 10, SCORE), Column("Change", 9, "+0.0;-0.0;0.0"),
        Column("Level or stage before", 12, INTEGER), Column("Level or stage now", 12, INTEGER),
        Column("Baseline date", 13, DATE),
    ]
    baseline = parts.changes.baseline_on
    rows: list[list[Any]] = []
    for change in parts.changes.questionnaires:
        rows.append([change.questionnaire, None, titles.get(change.questionnaire, change.questionnaire),
                     change.before, change.after, change.delta, change.stage_before, change.stage_after, baseline])
        rows.extend([change.questionnaire, s.section, s.title, s.before, s.after, s.delta, s.level_before,
                     s.level_after, baseline] for s in change.sections)
    _table(wb, "Changes", columns, rows)


def render_with(result: AssessmentResult, options: RenderOptions, parts: OptionalParts) -> bytes:
    """The workbook with the given optional parts (the baseline change, the perception gap), as xlsx bytes."""
    wb = Workbook()
    assert wb.active is not None
    wb.remove(wb.active)
    _summary(wb, result)
    _sections(wb, result)
    _questions(wb, result)
    _recommendations(wb, result)
    if any(q.stage is not None for q in result.questionnaires):
        _stages(wb, result)
    if any(q.profile for q in result.questionnaires):
        _profile(wb, result)
    if any(gap.profile for gap in result.perception_gaps):
        _profile_comparison(wb, result)
    if parts.perception:
        _perception(wb, parts)
    if parts.changes is not None:
        _changes(wb, parts, {q.id: q.title for q in result.questionnaires})
    wb.properties.title = text_cell_value(options.title or f"CRM assessment: {result.company}")
    wb.properties.creator = "crmcheck"
    wb.properties.created = dt.datetime.combine(result.assessed_on, dt.time())
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def render(result: AssessmentResult, options: RenderOptions) -> bytes:
    return render_with(result, options, optional_parts(result))
