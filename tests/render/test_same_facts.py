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


def test_the_terminal_lists_the_unanswered_questions(tmp_path: Path) -> None:
    path = tmp_path / "two.yaml"
    assert run_cli("new", "crm-mistakes", "--company", "Two Co", "--date", "2026-11-01", "-o", str(path)).code == 0
    path.write_text(path.read_text().replace("      best-customers.defined:\n", "      best-customers.defined: 3\n")
                    .replace("      best-customers.flagged:\n", "      best-customers.flagged: yes\n"))
    [q] = json.loads(run_cli("report", str(path), "--format", "json").out)["questionnaires"]
    unanswered = q["unanswered"]
    missing = sum(s["scored_questions"] for s in q["sections"]) - 2  # 45 - 2 = 43 in version 2
    assert len(unanswered) == missing > 20
    text = plain(run_cli("report", str(path)).out)
    assert "see the markdown report" not in text
    # the first 20 by id, in questionnaire order, then how many more
    assert f"Unanswered: {missing} questions The nine CRM mistakes: " + ", ".join(unanswered[:20]) in text
    assert f"… and {missing - 20} more (the markdown and HTML reports list them all)" in text
    assert unanswered[20] not in text.split(f"Unanswered: {missing} questions", 1)[1]
