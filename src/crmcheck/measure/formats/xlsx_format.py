"""Spreadsheet format of `crmcheck measure`: Metrics, Accounts, Channels, Months, Answers and Left out sheets."""

from __future__ import annotations

import io

from crmcheck.xlsx_library import openpyxl_imports

with openpyxl_imports("the xlsx format needs openpyxl: pip install 'crmcheck[xlsx]'"):
    from openpyxl import Workbook

from crmcheck.measure.formats.view import STATUS_WORDS
from crmcheck.measure.result import MeasureResult
from crmcheck.render import RenderOptions
from crmcheck.render.xlsx_report import INTEGER, Column, _table

EXACT = "0.0###"
MONEY = "#,##0.00"


def render(result: MeasureResult, options: RenderOptions) -> bytes:
    header = "crmcheck measure"
    wb = Workbook()
    if wb.active is not None:
        wb.remove(wb.active)
    _table(wb, "Metrics", [Column("Metric id", 24), Column("Metric", 44, wrap=True), Column("Table", 10),
                           Column("Value", 12, EXACT), Column("Unit", 10), Column("Over", 40, wrap=True),
                           Column("Not measured because", 36, wrap=True), Column("Finding", 30, wrap=True)],
           [[m.id, m.title, m.table, m.value, m.unit, m.basis, m.reason, m.flag] for m in result.metrics],
           keys=1, header=header)
    _table(wb, "Tables", [Column("Table", 10), Column("Path", 50, wrap=True), Column("Files", 8, INTEGER),
                          Column("Rows", 12, INTEGER), Column("Used", 12, INTEGER), Column("First", 12),
                          Column("Last", 12), Column("Columns used", 60, wrap=True)],
           [[t.name, t.path, t.files, t.rows, t.used, t.first, t.last,
             "; ".join(f"{k} = {v}" for k, v in t.columns.items())] for t in result.tables], header=header)
    _table(wb, "Accounts", [Column("Account", 30, wrap=True), Column("Size rank", 9, INTEGER),
                            Column("Value rank", 9, INTEGER), Column("Invoiced", 14, MONEY),
                            Column("Refunded", 14, MONEY), Column("Net revenue", 14, MONEY),
                            Column("Tickets", 9, INTEGER), Column("Invoices", 9, INTEGER),
                            Column("Days late per invoice", 12, "0.0"), Column("Financing cost", 14, MONEY),
                            Column("Value", 14, MONEY)],
           [[a.account, a.size_rank, a.value_rank, a.invoiced, a.refunded, a.net_revenue, a.tickets, a.invoices,
             a.days_late_per_invoice, a.financing_cost, a.value] for a in result.accounts], keys=1, header=header)
    _table(wb, "Channels", [Column("Channel", 30, wrap=True), Column("Tickets", 12, INTEGER)],
           [[c.key, c.tickets] for c in result.channels], header=header)
    _table(wb, "Months", [Column("Month", 12), Column("Tickets", 12, INTEGER)],
           [[c.key, c.tickets] for c in result.months], header=header)
    checks = result.answers.checks if result.answers else []
    _table(wb, "Answers", [Column("Question", 36), Column("Metric", 24), Column("Answered", 12, EXACT),
                           Column("Measured", 12, EXACT), Column("Tolerance", 10, EXACT), Column("Unit", 10),
                           Column("Status", 22), Column("Evidence", 60, wrap=True)],
           [[c.question, c.metric, c.answer, c.measured, c.tolerance, c.unit, STATUS_WORDS[c.status], c.evidence]
            for c in checks], header=header)
    _table(wb, "Left out", [Column("Table", 10), Column("File", 50, wrap=True), Column("Row", 10, INTEGER),
                            Column("Reason", 40, wrap=True)],
           [[e.table, e.file, e.row, e.reason] for e in result.excluded], header=header)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
