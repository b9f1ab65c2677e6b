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

from crmcheck.inert import reads_as_formula, spreadsheet_text
from crmcheck.xlsx_library import openpyxl_imports

with openpyxl_imports("the xlsx format needs openpyxl: pip install 'crmcheck[xlsx]'"):
    from openpyxl import Workbook
    from openpyxl.cell.cell import Cell
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.styles.cell_style import StyleArray
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

from crmcheck.models.plan_view import PlanEffect, PlanSummary, in_order
from crmcheck.models.result import AssessmentResult, QuestionnaireResult
from crmcheck.render import RenderOptions
from crmcheck.render.reading import how_to_read, respondents_sentence
from crmcheck.render.report_parts import OptionalParts, optional_parts

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
NOT_ASSESSED = "not assessed"
CONTEXT_LABEL = "the source's figures, not a benchmark of this company"


@dataclass(frozen=True)
class Column:
    header: str
    width: float
    number_format: str | None = None
    wrap: bool = False


def text_cell_value(value: object) -> str:
    """User text made inert by the spreadsheet rule (crmcheck.inert), cut to the cell limit."""
    return spreadsheet_text(value)[:MAX_CELL_TEXT]


LINE_HEIGHT = 15.0  # points per line of 11-point text
PRINT_WIDTH = 210  # column-width units that fit a landscape A4 page at a readable scale (about 70% or more)


def _lines(text: str, width: float) -> int:
    """How many lines a wrapped cell of this width needs (a spreadsheet fits about 1.1 characters per unit)."""
    per_line = max(1, int(width * 1.1))
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))


def _print_setup(ws: Worksheet, columns: Sequence[Column], keys: int, printed: int, header: str) -> None:
    """Landscape, as many pages wide as the printed columns need, the header row (and the key columns, when the
    table spans pages) repeated on every page, the company in the page header and page numbers in the footer."""
    last = get_column_letter(printed)
    ws.print_area = f"A1:{last}{max(ws.max_row, 1)}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    setup = ws.sheet_properties.pageSetUpPr
    assert setup is not None
    setup.fitToPage = True
    wide = sum(c.width for c in columns[:printed])
    ws.page_setup.fitToWidth = max(1, -(-int(wide) // PRINT_WIDTH))
    ws.page_setup.fitToHeight = 0  # as many pages tall as the rows need
    ws.print_title_rows = "1:1"
    if ws.page_setup.fitToWidth > 1 and keys:
        ws.print_title_cols = f"A:{get_column_letter(keys)}"
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.page_margins.header = ws.page_margins.footer = 0.3
    top, bottom = ws.oddHeader, ws.oddFooter
    assert top is not None and bottom is not None
    top.left.text = header.replace("&", "&&")  # & starts a header code; && is a literal one
    top.right.text = "&A"
    bottom.right.text = "Page &P of &N"
    ws.print_options.gridLines = True


class _CellStyles:
    """Each column's cell style (alignment, and the number format of a cell that holds no text), worked out once
    per sheet on a scratch cell and given to every cell (which takes a copy): setting the alignment cell by cell
    looks the style up again each time, a third of the time spent building a sheet."""

    def __init__(self, ws: Worksheet, columns: Sequence[Column]) -> None:
        self._ws, self._columns = ws, columns
        self._made: dict[tuple[int, bool], StyleArray] = {}

    def of(self, index: int, *, text: bool) -> StyleArray:
        made = self._made.get((index, text))
        if made is None:
            column = self._columns[index]
            scratch = Cell(self._ws, 1, 1)
            if column.number_format and not text:
                scratch.number_format = column.number_format
            scratch.alignment = WRAP if column.wrap else TOP
            # the cell's style ids: openpyxl's own copies of a cell's style take `_style` this way too
            made = self._made[(index, text)] = scratch._style  # type: ignore[attr-defined]
        return made  # each Cell copies the array it is given


def _table(wb: Workbook, title: str, columns: Sequence[Column], rows: Iterable[Sequence[Any]], *,
           keys: int = 1, printed: int | None = None, header: str = "") -> None:
    """One sheet holding one table. `keys`: the leading columns that identify a row (frozen with the header
    row, and repeated on every printed page); `printed`: how many columns the print area covers."""
    ws = wb.create_sheet(title)
    ws.append([c.header for c in columns])
    for cell in ws[1]:
        cell.fill, cell.font, cell.border = HEADER_FILL, HEADER_FONT, HEADER_BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    styles = _CellStyles(ws, columns)
    for r, row in enumerate(rows, start=2):
        lines = 1
        cells = []
        for c, (column, value) in enumerate(zip(columns, row, strict=True)):
            if isinstance(value, str):
                text = text_cell_value(value)
                cell = Cell(ws, r, c + 1, text, styles.of(c, text=True))
                cell.data_type = "s"  # never a formula, never an error code, whatever the text says
                if reads_as_formula(text):
                    cell.quotePrefix = True
                if column.wrap:
                    lines = max(lines, _lines(value, column.width))
            else:
                cell = Cell(ws, r, c + 1, value, styles.of(c, text=False))
            cells.append(cell)
        ws.append(cells)
        # a spreadsheet does not grow a row to fit wrapped text it did not lay out itself: set the height
        ws.row_dimensions[r].height = LINE_HEIGHT * min(lines, 409 // int(LINE_HEIGHT))
    for c, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(c)].width = column.width
    ws.row_dimensions[1].height = LINE_HEIGHT * max(2, *(_lines(c.header, c.width - 1) for c in columns))
    ws.freeze_panes = f"{get_column_letter(keys + 1)}2"  # the header row, and the columns that name a row
    _print_setup(ws, columns, keys, printed or len(columns), header)
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(ws.max_row, 1)}"


def _provisional(level_name: str | None, provisional: bool) -> str | None:
    """The level's name, marked provisional when its score rests on under half its questions."""
    return f"{level_name or ''} (provisional)".strip() if provisional else level_name


def _lens(result: AssessmentResult, q: QuestionnaireResult) -> str:
    """Whose view a questionnaire's rows give: its lens with several respondents, else the one respondent's."""
    return q.lens or (result.respondent.lens if result.respondent else "company")


def _summary(wb: Workbook, result: AssessmentResult, header: str) -> None:
    columns = [
        Column("Questionnaire", 20), Column("Title", 40, wrap=True), Column("Kind", 8), Column("Version", 8, INTEGER),
        Column("Score", 8, SCORE), Column("Level", 7, INTEGER), Column("Level name", 13),
        Column("Stage reached", 9, INTEGER), Column("Stage name", 18), Column("Target stage", 9, INTEGER),
        Column("Completeness", 13, PERCENT), Column("Recommendations", 18, INTEGER), Column("Company", 26, wrap=True),
        Column("Assessed on", 12, DATE), Column("Assessor", 18, wrap=True), Column("Respondent", 22, wrap=True),
        Column("Respondent role", 26, wrap=True), Column("Lens", 10), Column("Provisional", 11),
    ]
    respondent = result.respondent
    rows = []
    for q in result.questionnaires:
        stage = q.stage
        rows.append([
            q.id, q.title, q.kind, q.version, q.score, q.level,
            NOT_ASSESSED if q.score is None else _provisional(q.level_name, q.provisional),
            stage.reached if stage else None, stage.name if stage else None, stage.target if stage else None,
            q.completeness, len(q.recommendations), result.company, result.assessed_on, result.assessor,
            respondent.name if respondent else None, respondent.role if respondent else None, _lens(result, q),
            "yes" if q.provisional else "no",
        ])
    _table(wb, "Summary", columns, rows, keys=1, printed=12, header=header)


def _sections(wb: Workbook, result: AssessmentResult, header: str) -> None:
    columns = [
        Column("Questionnaire", 20), Column("Section", 24), Column("Title", 44, wrap=True), Column("Stage", 7, INTEGER),
        Column("Weight", 8, "0.##"), Column("Score", 8, SCORE), Column("Level", 7, INTEGER),
        Column("Level name", 13), Column("Risk", 9), Column("Target", 8, INTEGER), Column("Gap", 6, INTEGER),
        Column("Completeness", 13, PERCENT), Column("Answered", 10, INTEGER), Column("Scored questions", 10, INTEGER),
        Column("Not applicable", 10, INTEGER), Column("Provisional", 11), Column("Lens", 10),
    ]
    # a section nobody could score: blank numbers (so sums and averages skip it), and words that say why
    rows = [[q.id, s.id, s.title, s.stage, s.weight, s.score, s.level,
             NOT_ASSESSED if s.score is None else _provisional(s.level_name, s.provisional),
             NOT_ASSESSED if s.score is None and q.kind == "scored" else s.risk, s.target, s.gap,
             s.completeness, s.answered, s.scored_questions, s.not_applicable, "yes" if s.provisional else "no",
             _lens(result, q)]
            for q in result.questionnaires for s in q.sections]
    _table(wb, "Sections", columns, rows, keys=2, header=header)


def _questions(wb: Workbook, result: AssessmentResult, header: str) -> None:
    columns = [
        Column("Questionnaire", 20), Column("Section", 22), Column("Question", 34), Column("Text", 60, wrap=True),
        Column("Type", 10), Column("Status", 11), Column("Answer", 34, wrap=True), Column("Score", 8, SCORE),
        Column("Weight", 8, "0.##"), Column("Critical", 8), Column("Dimension", 12), Column("Note", 40, wrap=True),
        Column("Evidence", 30, wrap=True), Column("Reason (n/a)", 30, wrap=True),
        Column("Recommendation", 60, wrap=True), Column("Lens", 10),
    ]
    rows = [[q.id, s.id, qr.id, qr.text, qr.type, qr.status, qr.answer, qr.score, qr.weight,
             "yes" if qr.critical else "no", qr.dimension, qr.note, qr.evidence, qr.reason, qr.recommendation,
             _lens(result, q)]
            for q in result.questionnaires for s in q.sections for qr in s.questions]
    _table(wb, "Questions", columns, rows, keys=3, header=header)
    contradicted = [[q.id, c.question, c.text, c.answer, c.measured, c.tolerance, c.unit, c.source]
                    for q in result.questionnaires for s in q.sections for c in s.contradicted]
    if contradicted:  # answers `crmcheck measure` found further from the company's data than the tolerance
        _table(wb, "Contradicted by data", [
            Column("Questionnaire", 20), Column("Question", 34), Column("Text", 60, wrap=True),
            Column("Answered", 10, "0.0###"), Column("Measured", 10, "0.0###"), Column("Tolerance", 10, "0.0###"),
            Column("Unit", 10), Column("Measured from", 60, wrap=True)], contradicted, keys=2, header=header)


def _stages(wb: Workbook, result: AssessmentResult, header: str) -> None:
    """Each stage of each staged questionnaire: its status under the cumulative rule and why."""
    columns = [
        Column("Questionnaire", 20), Column("Lens", 10), Column("Stage", 7, INTEGER), Column("Name", 22, wrap=True),
        Column("Score", 8, SCORE), Column("Status", 14), Column("Why", 60, wrap=True), Column("Reached", 9),
        Column("Climb", 60, wrap=True),
    ]
    rows = [[q.id, q.lens, st.number, st.name, st.score, st.status, st.reason,
             "yes" if st.number <= q.stage.reached else "no", q.stage.climb]
            for q in result.questionnaires if q.stage is not None for st in q.stage.stages]
    _table(wb, "Stages", columns, rows, keys=3, header=header)


def _profile(wb: Workbook, result: AssessmentResult, header: str) -> None:
    """Profile questions' answers, one row per option and lens: counts and shares, never scores."""
    columns = [
        Column("Questionnaire", 20), Column("Lens", 10), Column("Question", 30), Column("Text", 50, wrap=True),
        Column("Option", 12), Column("Label", 34, wrap=True), Column("Count", 8, INTEGER),
        Column("Share", 9, PERCENT), Column("Answered", 10, INTEGER), Column("Not applicable", 10, INTEGER),
    ]
    rows = [[q.id, q.lens, p.question, p.text, o.id, o.label, o.count, o.share, p.answered, p.not_applicable]
            for q in result.questionnaires for p in q.profile for o in p.options]
    _table(wb, "Profile", columns, rows, keys=3, header=header)


def _profile_comparison(wb: Workbook, result: AssessmentResult, header: str) -> None:
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
    _table(wb, "Profile both views", columns, rows, keys=2, header=header)


def _recommendations(wb: Workbook, result: AssessmentResult, header: str) -> None:
    columns = [
        # narrow enough to print one page wide: the recommendation beside its rank, not pages away
        Column("Rank", 6, INTEGER), Column("Questionnaire", 18), Column("Section", 20), Column("Question", 34),
        Column("Priority", 9, PRIORITY), Column("Score now", 10, SCORE), Column("Recommendation", 60, wrap=True),
        Column("Question text", 40, wrap=True), Column("Lens", 10),
    ]
    rows = [[rank, r.questionnaire, r.section, r.question, r.priority, r.score, r.text, r.question_text,
             _lens(result, q)]
            for q in result.questionnaires for rank, r in enumerate(q.recommendations, start=1)]
    _table(wb, "Recommendations", columns, rows, keys=1, header=header)


def _perception(wb: Workbook, parts: OptionalParts, header: str) -> None:
    columns = [
        # 208 units in all: one landscape page wide (PRINT_WIDTH)
        Column("Questionnaire", 20), Column("Section", 22), Column("Title", 40, wrap=True),
        Column("Company", 10, SCORE), Column("Customers", 10, SCORE), Column("Gap", 8, SCORE),
        Column("Company respondents", 12, INTEGER), Column("Customer respondents", 12, INTEGER),
        Column("Provisional", 11), Column("Questions compared", 11, INTEGER),
        Column(f"Context: {CONTEXT_LABEL}", 52, wrap=True),
    ]
    questionnaires = list(dict.fromkeys(p.questionnaire for p in parts.perception))
    # each row carries its questionnaire's figures (as it does the respondent counts), so a filtered row keeps them
    rows = [[p.questionnaire, p.section, p.title, p.company, p.customer, p.gap, p.company_respondents,
             p.customer_respondents, "yes" if p.provisional else "no", p.compared, p.context]
            for qid in questionnaires for p in parts.perception_of(qid)]
    _table(wb, "Perception gap", columns, rows, keys=2, header=header)


def _changes(wb: Workbook, parts: OptionalParts, titles: dict[str, str], header: str) -> None:
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
    _table(wb, "Changes", columns, rows, keys=2, header=header)


STEP_BACK_KINDS = {"level": "level fell", "stage": "stage reached fell", "risk": "newly high risk",
                   "missing": "no longer assessed"}


def _steps_back(wb: Workbook, parts: OptionalParts, header: str) -> None:
    """Every regression the terminal and markdown list, then each provisional score left out of the comparison."""
    assert parts.changes is not None
    columns = [Column("Questionnaire", 20), Column("Section", 22), Column("Kind", 20), Column("What", 90, wrap=True)]
    rows: list[list[Any]] = [[r.questionnaire, r.section, STEP_BACK_KINDS[r.kind], r.text]
                             for r in parts.changes.regressions]
    rows += [[n.questionnaire, n.section, "not compared (provisional)", n.text] for n in parts.changes.not_comparable]
    if not parts.changes.regressions:
        rows.insert(0, [None, None, "no step back",
                        "No step back: no level or stage fell and no section became high risk."])
    _table(wb, "Steps back", columns, rows, keys=2, header=header)


def _reading(wb: Workbook, result: AssessmentResult, header: str) -> None:
    """The report's "how to read" sentences, last, so that every table sheet stays where it was."""
    respondents = respondents_sentence(result)
    sentences = ([f"Respondents: {respondents}."] if respondents else []) + how_to_read(result)
    _table(wb, "How to read", [Column("How to read this workbook", 110, wrap=True)],
           [[sentence] for sentence in sentences], keys=0, header=header)


PLAN_COLUMNS = [
    Column("Phase", 8), Column("Action", 48, wrap=True), Column("Id", 30, wrap=True), Column("Questionnaire", 18),
    Column("Section", 18), Column("Owner", 16, wrap=True), Column("Due", 11, DATE), Column("Status", 9),
    Column("Overdue", 9), Column("Gap", 12), Column("Effort", 8), Column("Impact", 8), Column("Done on", 11, DATE),
    Column("Notes", 40, wrap=True),
]


def plan_sheet(wb: Workbook, summary: PlanSummary, header: str) -> None:
    """The Plan sheet, of a report's workbook and of `plan show --format xlsx`: one row per action."""
    rows = [[a.phase, a.title, a.id, a.questionnaire, a.section, a.owner or "", a.due, a.status,
             "yes" if a.overdue else "no", a.gap, a.effort or "", a.impact or "", a.done_on, a.notes or ""]
            for a in in_order(summary.actions)]
    _table(wb, "Plan", PLAN_COLUMNS, rows, keys=2, header=header)


EFFECT_COLUMNS = [Column("Questionnaire", 18), Column("Section", 20), Column("Actions", 9, "0"),
                  Column("Done", 7, "0"), Column("Level before", 9, "0"), Column("Level now", 9, "0"),
                  Column("In words", 60, wrap=True)]


def effects_sheet(wb: Workbook, effects: list[PlanEffect], header: str) -> None:
    """Each section's actions set against how its level moved since the baseline (report --baseline --plan)."""
    rows = [[e.questionnaire, e.section, e.actions, e.done, e.level_before, e.level_after, e.text] for e in effects]
    _table(wb, "Plan effects", EFFECT_COLUMNS, rows, keys=2, header=header)


def render_with(result: AssessmentResult, options: RenderOptions, parts: OptionalParts) -> bytes:
    """The workbook with the given optional parts (the baseline change, the perception gap), as xlsx bytes."""
    wb = Workbook()
    assert wb.active is not None
    wb.remove(wb.active)
    header = text_cell_value(f"{options.title or 'CRM assessment'}: {result.company}, {result.assessed_on}")
    _summary(wb, result, header)
    _sections(wb, result, header)
    _questions(wb, result, header)
    _recommendations(wb, result, header)
    if any(q.stage is not None for q in result.questionnaires):
        _stages(wb, result, header)
    if any(q.profile for q in result.questionnaires):
        _profile(wb, result, header)
    if any(gap.profile for gap in result.perception_gaps):
        _profile_comparison(wb, result, header)
    if parts.perception:
        _perception(wb, parts, header)
    if parts.changes is not None:
        _changes(wb, parts, {q.id: q.title for q in result.questionnaires}, header)
        _steps_back(wb, parts, header)
    if result.plan is not None:
        plan_sheet(wb, result.plan, header)
        if result.comparison is not None and result.comparison.plan_effects:
            effects_sheet(wb, result.comparison.plan_effects, header)
    _reading(wb, result, header)
    wb.properties.title = text_cell_value(options.title or f"CRM assessment: {result.company}")
    wb.properties.creator = "crmcheck"
    wb.properties.created = dt.datetime.combine(result.assessed_on, dt.time())
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def render(result: AssessmentResult, options: RenderOptions) -> bytes:
    return render_with(result, options, optional_parts(result))
