"""Sections nobody answered look not assessed in every chart and sentence: never "on target", never a 0."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crmcheck.assessment import assess_file
from crmcheck.catalog import Catalog
from tests.conftest import run_cli
from tests.render.report_inputs import write_partial_example

LEFT_OUT = {"innovation": "Innovating for the customer", "strengths": "Checking your strengths honestly"}


@pytest.fixture(scope="module")
def partial(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_partial_example(tmp_path_factory.mktemp("partial") / "partial.yaml", tuple(LEFT_OUT))


def test_the_sections_left_out_are_not_assessed(partial: Path) -> None:
    q = assess_file(str(partial), Catalog.from_options()).questionnaires[0]
    unassessed = {s.id for s in q.sections if s.score is None}
    assert unassessed == set(LEFT_OUT)


def _svg(html: str, chart_id: str) -> str:
    match = re.search(rf'<svg[^>]*aria-labelledby="{chart_id}-title.*?</svg>', html, re.S)
    assert match is not None, chart_id
    return match.group(0)


def test_html_gap_chart_never_calls_them_on_target(partial: Path) -> None:
    run = run_cli("report", str(partial), "--format", "html")
    assert run.code == 0, run.err
    q = assess_file(str(partial), Catalog.from_options()).questionnaires[0]
    gaps = _svg(run.out, "q-crm-mistakes-gaps")
    # one gap mark per section: a check only for assessed sections on target, a dash for the ones not assessed
    marks = re.findall(r'<text class="bar-gap([^"]*)"[^>]*>([^<]*)</text>', gaps)
    assert len(marks) == len(q.sections)
    for section, (cls, mark) in zip(q.sections, marks, strict=True):
        if section.score is None:
            assert (cls, mark) == (" not-assessed", "—"), section.id
        else:
            assert mark == ("✓" if not section.gap else f"+{section.gap}"), section.id
    assert gaps.count("not assessed: no question answered") == 2
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", gaps, re.S)
    assert desc is not None
    for number, title in ((4, LEFT_OUT["innovation"]), (6, LEFT_OUT["strengths"])):
        assert f"{number}. {title}: not assessed, no question answered." in desc.group(1)
    assert desc.group(1).count("on target") == sum(1 for s in q.sections if s.score is not None and not s.gap)


def test_html_radar_does_not_plot_them_at_zero(partial: Path) -> None:
    run = run_cli("report", str(partial), "--format", "html")
    radar = _svg(run.out, "q-crm-mistakes-radar")
    assert radar.count('<circle class="score-dot"') == 8  # ten sections, two not assessed
    points = re.search(r'<polygon class="score-area" points="([^"]+)"', radar)
    assert points is not None and len(points.group(1).split()) == 8
    assert "170,170" not in points.group(1)  # the centre (a score of 0) is no vertex
    assert radar.count('class="spoke not-assessed"') == 2 and radar.count('class="axis-badge not-assessed"') == 2
    assert "4. Innovating for the customer: not assessed, no point drawn" in radar
    assert "Dashed axis: not assessed, no point" in run.out
    lede = re.search(r'<p class="lede">(.*?)</p>', run.out, re.S)
    assert lede is not None and "2 are not assessed (no question answered)" in lede.group(1)


def test_markdown_chart_leaves_them_out_and_says_so(partial: Path) -> None:
    run = run_cli("report", str(partial), "--format", "markdown")
    assert run.code == 0, run.err
    block = re.search(r"```mermaid\n(.*?)\n```", run.out, re.S)
    assert block is not None
    axis, bars = (re.search(rf"^    {name} \[(.*)\]$", block.group(1), re.M) for name in ("x-axis", "bar"))
    assert axis is not None and bars is not None
    labels = [label.split(".")[0] for label in re.findall(r'"(\d+\.[^"]*)"', axis.group(1))]
    assert labels == ["1", "2", "3", "5", "7", "8", "9", "10"]
    assert "0" not in bars.group(1).split(", ")
    assert ("Not assessed (no question answered), so not drawn: 4. Innovating for the customer; 6. Checking your "
            "strengths honestly.") in run.out
    assert f"| {LEFT_OUT['strengths']} | — | not assessed | — | 4 | — | 0% |" in run.out


def test_terminal_says_not_assessed(partial: Path) -> None:
    run = run_cli("report", str(partial))
    rows = [line for line in run.out.splitlines() if line.startswith(("Innovating", "Checking your"))]
    assert len(rows) == 2 and all("not assessed" in row for row in rows)
