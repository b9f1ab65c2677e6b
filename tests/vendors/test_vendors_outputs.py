"""The vendor report as a client reads it: printed on A4 with page numbers as the assessment report has them, an
excluded vendor's fit per 100,000 never standing as the best value, and the currency on every cost in the xlsx."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import ROOT, run_cli
from tests.render.chromium import Chromium, find_chromium

EXAMPLE = ROOT / "examples" / "brightwater" / "selection"
SELECTION = str(EXAMPLE / "selection.yaml")
CARDS = str(EXAMPLE / "cards")
CHROMIUM = find_chromium()
A4 = (595.0, 842.0)  # points


def _report(fmt: str, tmp_path: Path | None = None) -> str:
    args = ["vendors", "report", SELECTION, CARDS, "-f", fmt]
    if tmp_path is not None:
        args += ["-o", str(tmp_path / f"vendors.{fmt}")]
    run = run_cli(*args)
    assert run.code == 0, run.err
    return run.out


def test_an_excluded_vendor_has_no_fit_per_100k_in_any_format() -> None:
    report = json.loads(_report("json"))
    excluded = [v for v in report["vendors"] if v["excluded"]]
    ranked = [v for v in report["vendors"] if v["rank"]]
    assert excluded and ranked
    # the example's excluded vendors are the cheapest: by fit / TCO they would look the best buys
    assert max(v["fit"] / v["tco"] for v in excluded) > max(v["fit"] / v["tco"] for v in ranked)
    assert all(v["fit_per_100k"] is None for v in excluded)
    for v in ranked:  # fit / TCO x 100,000, from the fit before it is rounded to one decimal for display
        assert abs(v["fit_per_100k"] - v["fit"] / v["tco"] * 100_000) <= 0.05 / v["tco"] * 100_000 + 0.005
    markdown = _report("markdown")
    terminal = _report("terminal")
    for v in excluded:
        row = next(line for line in markdown.splitlines() if line.startswith("|") and f" {v['name']} " in line)
        assert [cell.strip() for cell in row.strip("|").split("|")][4] == "—", row
        line = next(line for line in terminal.splitlines() if v["name"] in line)
        assert line.rstrip().endswith("—"), line
    best = max(ranked, key=lambda v: v["fit_per_100k"])
    assert f"{best['fit_per_100k']:.2f}" in markdown and f"{best['fit_per_100k']:.2f}" in terminal


def test_xlsx_cost_columns_carry_the_currency(tmp_path: Path) -> None:
    currency = json.loads(_report("json"))["currency"]
    assert currency
    _report("xlsx", tmp_path)
    wb = load_workbook(tmp_path / "vendors.xlsx")
    money_columns = 0
    for title in ("Ranking", "Costs"):
        ws = wb[title]
        for column, cell in enumerate(ws[1], start=1):
            header = str(cell.value)
            if "TCO" in header or "Five years" in header:
                money_columns += 1
                assert header.endswith(f"({currency})"), header
                for row in range(2, ws.max_row + 1):
                    value = ws.cell(row, column)
                    assert isinstance(value.value, int | float)  # still a number, to sort and sum
                    assert value.number_format.endswith(" " + "".join(f"\\{c}" for c in currency)), value.number_format
    assert money_columns == 2


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium browser here (looked for /usr/bin/chromium); the vendor "
                    "report was not printed")
def test_html_prints_on_a4_with_page_numbers(tmp_path: Path) -> None:
    from pypdf import PdfReader

    assert CHROMIUM is not None
    _report("html", tmp_path)
    with Chromium(CHROMIUM) as browser:
        browser.open(tmp_path / "vendors.html")
        pdf = browser.pdf()
        assert browser.report.network_requests == []
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2
    for number, page in enumerate(reader.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == A4
        lines = [line.strip() for line in page.extract_text().splitlines()]
        assert f"Page {number} of {len(reader.pages)}" in lines, lines[-3:]
    text = " ".join(page.extract_text() for page in reader.pages)
    for vendor in json.loads(_report("json"))["vendors"]:
        assert vendor["name"] in text
    # the same footer as the assessment report's
    css = (ROOT / "reports" / "html.css").read_text()
    footer = re.search(r'@bottom-right \{ content: "Page " counter\(page\) " of " counter\(pages\);[^}]*\}', css)
    assert footer is not None and footer.group(0) in (ROOT / "reports" / "vendors.html.j2").read_text()
