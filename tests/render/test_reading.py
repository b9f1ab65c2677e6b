"""Every report format says how to read it, including the critical-question risk rule; the terminal format
names the sections whose level did not change since the baseline, and shows --title."""

from __future__ import annotations

import html
import re
from pathlib import Path

from openpyxl import load_workbook

from crmcheck.assessment import assess_file
from crmcheck.catalog import Catalog
from crmcheck.render.reading import how_to_read
from tests.conftest import EXAMPLES, run_cli

CRITICAL_RULE = "high whenever one of its critical questions scores 0"
ANSWERS = str(EXAMPLES / "assessment-2026.yaml")
BASELINE = str(EXAMPLES / "assessment-2025.yaml")


def test_the_sentences_name_the_risk_bands_and_the_critical_rule() -> None:
    result = assess_file(ANSWERS, Catalog.from_options())
    sentences = how_to_read(result)
    bands = {(q.risk_bands.high, q.risk_bands.medium) for q in result.questionnaires if q.risk_bands}
    assert bands == {(40.0, 70.0)}  # both scored built-ins, read from their files
    assert any(s.startswith("Risk: below 40 high, below 70 medium, otherwise low;") and CRITICAL_RULE in s
               for s in sentences)
    assert any("not assessed" in s and "never counted as 0" in s for s in sentences)


def test_each_format_carries_them(tmp_path: Path) -> None:
    sentences = how_to_read(assess_file(ANSWERS, Catalog.from_options()))
    terminal = run_cli("report", ANSWERS).out
    markdown = run_cli("report", ANSWERS, "--format", "markdown").out
    page = html.unescape(run_cli("report", ANSWERS, "--format", "html").out)
    out = tmp_path / "r.xlsx"
    assert run_cli("report", ANSWERS, "--format", "xlsx", "-o", str(out)).code == 0
    sheet = [row[0] for row in load_workbook(out)["How to read"].iter_rows(min_row=2, values_only=True)]
    assert sheet == sentences
    flat_terminal = " ".join(terminal.split())
    for sentence in sentences:
        assert sentence in flat_terminal
        assert sentence in " ".join(markdown.split())
        assert sentence in page
    assert "How to read this report" in terminal and "**How to read this report.**" in markdown


def test_terminal_baseline_names_the_sections_that_kept_their_level() -> None:
    run = run_cli("report", ANSWERS, "--baseline", BASELINE)
    assert run.code == 0, run.err
    text = " ".join(run.out.split())
    # revenue-marketing's lead-generation section kept its level (4 → 4 is no change): said, not dropped.
    # By hand (v3): 2025 (2*0.75 + 1 + 0.75 + 0.5 + 0.5 + 0.75 + 0.75) / 8 = 71.875, 2026 77.27: +5.4
    assert "Same level as before: Lead generation: giving sales leads it can act on (+5.4)." in text
    # every section that kept its level and risk is named in its questionnaire's "same level" line
    from crmcheck.report import assess_report

    catalog = Catalog.from_options()
    comparison = assess_report([ANSWERS], catalog, baseline=BASELINE, baseline_catalog=catalog).comparison
    assert comparison is not None
    kept = [s for q in comparison.questionnaires for s in q.sections
            if not s.level.change and s.risk_before == s.risk_after and s.presence == "both"]
    assert kept
    for s in kept:
        assert re.search(rf"Same level (and risk )?as before: [^.]*{re.escape(s.title)} \(", text), s.id


def test_terminal_shows_the_title() -> None:
    run = run_cli("report", ANSWERS, "--title", "CRM health check <b>2026</b>")
    assert run.out.splitlines()[0] == "CRM health check <b>2026</b>"
    assert re.match(r"Brightwater Field Systems — CRM assessment of 2026-11-02", run.out.splitlines()[1])
