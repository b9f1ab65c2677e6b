"""Spreadsheet format of the vendor report: Ranking, Exclusions, Costs, Scores and Notes sheets, one table each.

Cells are written by the assessment spreadsheet's table writer, so user text is always stored as text (never a
formula or an error code) and numbers as numbers.
"""

from __future__ import annotations

import io

from crmcheck.xlsx_library import openpyxl_imports

with openpyxl_imports("the xlsx format needs openpyxl: pip install 'crmcheck[xlsx]'"):
    from openpyxl import Workbook

from crmcheck.render import RenderOptions
from crmcheck.render.xlsx_report import INTEGER, SCORE, Column, _table, text_cell_value
from crmcheck.vendors.result import VendorReport

MONEY = "#,##0"
MEAN = "0.00"


def money_format(currency: str | None) -> str:
    """The number format of an amount: with the selection's currency after it, each character escaped so that a
    currency written as text ("EUR", "€", "US$") shows as written and is never read as a format code."""
    if not currency:
        return MONEY
    return MONEY + ' \\' + "\\".join(text_cell_value(currency))


def render(report: VendorReport, options: RenderOptions) -> bytes:
    # the page header holds user text too: no XML control characters, and short (a spreadsheet caps it at 255)
    header = text_cell_value(report.title or f"CRM vendor selection: {report.company}")[:200]
    names = {v.id: v.name for v in report.vendors}
    wb = Workbook()
    if wb.active is not None:
        wb.remove(wb.active)
    status = {v.id: "excluded" if v.excluded else "not scored" if v.fit is None else
              "leader" if v.id == report.leader else "ranked" for v in report.vendors}
    s = report.sensitivity
    in_currency = f" ({report.currency})" if report.currency else ""
    money = money_format(report.currency)
    _table(wb, "Ranking", [
        Column("Vendor id", 16), Column("Vendor", 26, wrap=True), Column("Rank", 7, INTEGER), Column("Fit", 8, SCORE),
        Column(f"5-year TCO{in_currency}", 18, money),
        Column(f"Fit per 100,000{' ' + report.currency if report.currency else ''}", 12, MEAN), Column("Status", 11),
        Column("Requirements scored", 12, INTEGER),
        Column("Exclusion reasons", 60, wrap=True), Column("How close the call is", 60, wrap=True),
    ], [
        [v.id, v.name, v.rank, v.fit, v.tco, v.fit_per_100k, status[v.id], v.scored_requirements,
         "; ".join(e.reason for e in v.exclusions),
         (f"weight of {s.requirement} from {s.weight:g} to {s.new_weight:g} ({s.change_percent:+.1f}%) puts "
          f"{names[s.new_leader]} first") if s and v.id == report.leader else ""]
        for v in report.vendors
    ], keys=2, header=header)
    _table(wb, "Exclusions", [Column("Vendor", 26, wrap=True), Column("Requirement", 20),
                              Column("Reason", 70, wrap=True)],
           [[v.name, e.requirement, e.reason] for v in report.vendors for e in v.exclusions], header=header)
    _table(wb, "Costs", [Column("Vendor", 26, wrap=True), Column("Item", 40, wrap=True),
                         Column(f"Five years{in_currency}", 18, money)],
           [[v.name, c.item, c.five_year] for v in report.vendors for c in [*v.costs]]
           + [[v.name, "total", v.tco] for v in report.vendors], header=header)
    texts = {r.id: r for r in report.requirements}
    _table(wb, "Scores", [
        Column("Vendor", 22, wrap=True), Column("Requirement id", 20), Column("Requirement", 50, wrap=True),
        Column("Group", 16, wrap=True), Column("Core", 6), Column("Deal breaker", 8), Column("Weight", 8, "0.##"),
        Column("Mean", 8, MEAN), Column("Lowest", 8, INTEGER), Column("Highest", 8, INTEGER),
        Column("Scored by", 8, INTEGER), Column("n/a", 6, INTEGER), Column("Disagreement", 12),
    ], [
        [v.name, c.requirement, texts[c.requirement].text, texts[c.requirement].group,
         "yes" if texts[c.requirement].core else "", "yes" if texts[c.requirement].deal_breaker else "",
         texts[c.requirement].weight, c.mean, c.low, c.high, c.scored, c.not_applicable,
         "yes" if c.disagreement else ""]
        for v in report.vendors for c in v.cells
    ], keys=2, header=header)
    _table(wb, "Notes", [Column("Vendor", 22, wrap=True), Column("Requirement", 20), Column("Evaluator", 20, wrap=True),
                         Column("Score", 7, INTEGER), Column("Note", 70, wrap=True)],
           [[v.name, c.requirement, e.evaluator, "n/a" if e.score is None else e.score, e.note]
            for v in report.vendors for c in v.cells for e in c.scores if e.note], header=header)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
