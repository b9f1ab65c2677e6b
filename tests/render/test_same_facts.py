"""Every format tells the same facts: each regression (and each score left out of the comparison as provisional)
that the JSON lists is in the terminal, markdown, HTML and xlsx reports too."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import EXAMPLES, run_cli
from tests.test_provisional import FULL, LOWER, write_small


def plain(text: str) -> str:
    """Words only: tags dropped, entities decoded, every run of white space (a wrapped line too) one space."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", text)).split())


def workbook_text(path: Path) -> str:
    book = load_workbook(path)
    return " ".join(str(cell) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
                    for cell in row if isinstance(cell, str))


def every_format(tmp_path: Path, answers: Path, baseline: Path, *extra: str) -> dict[str, str]:
    texts: dict[str, str] = {}
    for fmt in ("json", "terminal", "markdown", "html", "xlsx"):
        out = tmp_path / "report.xlsx"
        run = run_cli("report", str(answers), "--baseline", str(baseline), "--format", fmt,
                      *(("-o", str(out)) if fmt == "xlsx" else ()), *extra)
        assert run.code == 0, run.err
        texts[fmt] = workbook_text(out) if fmt == "xlsx" else run.out
    return texts


def assert_everywhere(texts: dict[str, str], facts: list[str]) -> None:
    for fmt in ("terminal", "markdown", "html", "xlsx"):
        shown = plain(texts[fmt])
        missing = [fact for fact in facts if plain(fact) not in shown]
        assert not missing, (fmt, missing)


def test_every_regression_of_the_example_is_in_every_format(tmp_path: Path) -> None:
    texts = every_format(tmp_path, EXAMPLES / "assessment-2026.yaml", EXAMPLES / "assessment-2025.yaml")
    regressions = [r["text"] for r in json.loads(texts["json"])["comparison"]["regressions"]]
    assert len(regressions) == 4  # the example's steps back since 2025: the test must have something to find
    assert_everywhere(texts, regressions)
    # the HTML cover says it before any chapter, not only gains
    cover = plain(texts["html"].split('class="page questionnaire"')[0])
    assert "4 steps back since 4 November 2025" in cover
    assert all(plain(text) in cover for text in regressions)


def test_scores_left_out_as_provisional_are_in_every_format(tmp_path: Path) -> None:
    old = write_small(tmp_path, "old.yaml", FULL, "2025-03-01")
    new = write_small(tmp_path, "new.yaml", LOWER)
    texts = every_format(tmp_path, new, old, "--questionnaires", str(tmp_path / "q"))
    comparison = json.loads(texts["json"])["comparison"]
    facts = [r["text"] for r in comparison["regressions"]] + [n["text"] for n in comparison["not_comparable"]]
    assert len(facts) == 3
    assert_everywhere(texts, facts)


@pytest.mark.parametrize("fmt", ["terminal", "markdown"])
def test_no_step_back_is_said_too(tmp_path: Path, fmt: str) -> None:
    same = str(EXAMPLES / "assessment-2026.yaml")
    run = run_cli("report", same, "--baseline", same, "--format", fmt)
    assert run.code == 0, run.err
    assert "No step back: no level or stage fell and no section became high risk." in plain(run.out)
