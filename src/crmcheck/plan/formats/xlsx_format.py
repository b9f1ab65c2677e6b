"""`plan show --format xlsx`, and the Plan sheet of a report's workbook: one row per action."""

from __future__ import annotations

import io

from openpyxl import Workbook

from crmcheck.models.plan_view import PlanEffect, PlanSummary
from crmcheck.plan.formats import in_order
from crmcheck.render import RenderOptions
from crmcheck.render.xlsx_report import DATE, Column, text_cell_value, write_table

COLUMNS = [
    Column("Phase", 8), Column("Action", 48, wrap=True), Column("Id", 30, wrap=True), Column("Questionnaire", 18),
    Column("Section", 18), Column("Owner", 16, wrap=True), Column("Due", 11, DATE), Column("Status", 9),
    Column("Overdue", 9), Column("Gap", 12), Column("Effort", 8), Column("Impact", 8), Column("Done on", 11, DATE),
    Column("Notes", 40, wrap=True),
]


def plan_sheet(wb: Workbook, summary: PlanSummary, header: str) -> None:
    rows = [[a.phase, a.title, a.id, a.questionnaire, a.section, a.owner or "", a.due, a.status,
             "yes" if a.overdue else "no", a.gap, a.effort or "", a.impact or "", a.done_on, a.notes or ""]
            for a in in_order(summary.actions)]
    write_table(wb, "Plan", COLUMNS, rows, keys=2, header=header)


EFFECT_COLUMNS = [Column("Questionnaire", 18), Column("Section", 20), Column("Actions", 9, "0"),
                  Column("Done", 7, "0"), Column("Level before", 9, "0"), Column("Level now", 9, "0"),
                  Column("In words", 60, wrap=True)]


def effects_sheet(wb: Workbook, effects: list[PlanEffect], header: str) -> None:
    """Each section's actions set against how its level moved since the baseline (report --baseline --plan)."""
    rows = [[e.questionnaire, e.section, e.actions, e.done, e.level_before, e.level_after, e.text] for e in effects]
    write_table(wb, "Plan effects", EFFECT_COLUMNS, rows, keys=2, header=header)


def render(summary: PlanSummary, options: RenderOptions) -> bytes:
    wb = Workbook()
    assert wb.active is not None
    wb.remove(wb.active)
    plan_sheet(wb, summary, text_cell_value(f"{options.title or 'Improvement plan'}: {summary.company}"))
    wb.properties.title = text_cell_value(f"Improvement plan: {summary.company}")
    wb.properties.creator = "crmcheck"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
