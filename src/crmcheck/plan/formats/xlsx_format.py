"""`plan show --format xlsx`: a workbook of the Plan sheet alone, the one a report's workbook holds (xlsx_report)."""

from __future__ import annotations

import io

from crmcheck.models.plan_view import PlanSummary
from crmcheck.render import RenderOptions
from crmcheck.render.xlsx_report import plan_sheet, text_cell_value
from crmcheck.xlsx_library import openpyxl_imports

with openpyxl_imports("the xlsx format needs openpyxl: pip install 'crmcheck[xlsx]'"):
    from openpyxl import Workbook


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
