"""The terminal report at 60, 80 and 120 columns: every figure whole, the bars give way first, nothing too wide."""

from __future__ import annotations

import re

import pytest

from crmcheck.catalog import Catalog
from crmcheck.models.result import AssessmentResult
from crmcheck.render import RenderOptions
from crmcheck.render.comparison_view import render_terminal
from crmcheck.render.terminal_report import render
from crmcheck.report import assess_report
from tests.conftest import EXAMPLES

WIDTHS = (60, 80, 120)
CUT_NUMBER = re.compile(r"\d…|…\d")


@pytest.fixture(scope="module")
def result() -> AssessmentResult:
    catalog = Catalog.from_options()
    return assess_report([str(EXAMPLES / "assessment-2026.yaml")], catalog,
                         baseline=str(EXAMPLES / "assessment-2025.yaml"), baseline_catalog=catalog)


def _section_rows(text: str, title_start: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith(title_start)]


@pytest.mark.parametrize("width", WIDTHS)
def test_every_score_is_whole_at_any_width(result: AssessmentResult, width: int) -> None:
    text = render(result, RenderOptions(width=width))
    assert max(map(len, text.splitlines())) <= width
    assert not CUT_NUMBER.search(text), CUT_NUMBER.search(text)
    tokens = set(re.findall(r"[\d.]+%?", text))
    for q in result.questionnaires:
        for s in q.sections:
            assert f"{s.score:.1f}" in tokens, (width, s.id)
            assert f"{s.completeness * 100:.0f}%" in tokens
    assert result.comparison is not None
    # every section's change is shown: in the table when its level or risk moved, else in the "same level" line
    for q in result.comparison.questionnaires:
        for s in q.sections:
            if s.score_change is None:  # not assessed in the baseline (crm-mistakes' strategy is new in version 3)
                continue
            assert f"{s.score_change:+.1f}" in text, (width, s.id)


@pytest.mark.parametrize(("width", "bar"), [(60, 0), (80, 8), (120, 8)])
def test_the_bar_goes_before_any_figure(result: AssessmentResult, width: int, bar: int) -> None:
    text = render(result, RenderOptions(width=width))
    first = result.questionnaires[0].sections[0]
    row = _section_rows(text, first.title.split()[0])[0]
    cells = re.search(r"([█·]*)\s+(\d+\.\d)\s", row)
    assert cells is not None, row
    assert (len(cells.group(1)), cells.group(2)) == (bar, f"{first.score:.1f}")
    assert first.level_name in text


def test_a_medium_width_shrinks_the_bar() -> None:
    from crmcheck.render.terminal_report import BAR_WIDTH, bar_width

    assert bar_width(120, 25, 6) == BAR_WIDTH
    # 4-cell bar when an 8-cell one would squeeze the title below its minimum, none when even 4 would
    assert bar_width(72, 25, 6) == BAR_WIDTH // 2 and bar_width(60, 25, 6) == 0


@pytest.mark.parametrize("width", WIDTHS)
def test_compare_output_keeps_figures_and_has_no_trailing_blanks(result: AssessmentResult, width: int) -> None:
    assert result.comparison is not None
    text = render_terminal(result.comparison, RenderOptions(width=width))
    assert not CUT_NUMBER.search(text)
    assert max(map(len, text.splitlines())) <= width
    assert all(line == line.rstrip() for line in text.splitlines())
    for q in result.comparison.questionnaires:
        for s in q.sections:
            if s.score_before is None or s.score_after is None:  # nothing to compare: shown with a dash
                continue
            assert {f"{s.score_before:.1f}", f"{s.score_after:.1f}", f"{s.score_change:+.1f}"} <= set(text.split())


@pytest.mark.parametrize("width", WIDTHS)
def test_perception_report_keeps_every_figure(width: int) -> None:
    catalog = Catalog.from_options()
    result = assess_report([str(EXAMPLES / "perception")], catalog, baseline=None, baseline_catalog=catalog)
    text = render(result, RenderOptions(width=width))
    assert not CUT_NUMBER.search(text)
    assert max(map(len, text.splitlines())) <= width
    tokens = set(text.split())
    for gap in result.perception_gaps:
        for line in gap.sections:
            assert {f"{line.company:.1f}", f"{line.customer:.1f}", f"{line.gap:+.1f}"} <= tokens, (width, line.id)
