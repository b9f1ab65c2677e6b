"""Counted nouns ("1 step", "2 steps"), and the perception report's cover counting questionnaires, not lenses."""

from __future__ import annotations

import re

import pytest

from crmcheck.wording import counted, plural
from tests.conftest import EXAMPLES, ROOT, run_cli


@pytest.mark.parametrize(("count", "noun", "expected"), [
    (0, "step", "0 steps"), (1, "step", "1 step"), (2, "step", "2 steps"), (1, "answers file", "1 answers file"),
    (20, "answers file", "20 answers files"), (3, "regression", "3 regressions"), (1250, "row", "1,250 rows"),
    (2, "company", "2 companies"), (2, "day", "2 days"), (2, "box", "2 boxes"), (2, "person", "2 people"),
])
def test_counted(count: int, noun: str, expected: str) -> None:
    assert counted(count, noun, "people" if noun == "person" else None) == expected


def test_plural_verbs() -> None:
    assert (plural(1, "exists"), plural(2, "exists"), plural(1, "has"), plural(3, "has")) == (
        "exists", "exist", "has", "have")


def test_no_parenthesised_plurals_in_what_users_read() -> None:
    report = run_cli("report", str(EXAMPLES / "assessment-2026.yaml"), "--baseline",
                     str(EXAMPLES / "assessment-2025.yaml"))
    compare = run_cli("compare", str(EXAMPLES / "assessment-2025.yaml"), str(EXAMPLES / "assessment-2026.yaml"),
                      "--fail-on-regression")
    markdown = run_cli("report", str(EXAMPLES / "assessment-2026.yaml"), "--baseline",
                       str(EXAMPLES / "assessment-2025.yaml"), "--format", "markdown")
    for text in (report.out, compare.out, compare.err, markdown.out):
        assert not re.search(r"\w\(s\)", text), re.search(r".{30}\w\(s\)", text)
    assert "4 steps back:" in report.out and "57 answers changed" in compare.out
    assert compare.err == "crmcheck: 4 regressions since 2025-11-04\n"


def test_perception_cover_counts_one_questionnaire_seen_through_two_lenses() -> None:
    page = run_cli("report", str(EXAMPLES / "perception"), "--format", "html").out
    subtitle = re.search(r'<p class="subtitle">(.*?)</p>', page)
    assert subtitle is not None
    assert subtitle.group(1) == ("Maturity, gaps and priorities across 1 questionnaire, seen through 2 lenses: "
                                 "company and customer")
    single = run_cli("report", str(EXAMPLES / "assessment-2026.yaml"), "--format", "html").out
    assert '<p class="subtitle">Maturity, gaps and priorities across 3 questionnaires</p>' in single


def test_no_parenthesised_plural_in_any_text_the_code_writes() -> None:
    """Every string in the package but docstrings (messages, help, reports, schema descriptions), and every
    template."""
    import ast

    found = []
    package = ROOT / "src" / "crmcheck"
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text())
        docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                      if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
                      and node.body and isinstance(node.body[0], ast.Expr)}
        found += [f"{path.relative_to(ROOT)}:{node.lineno}" for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
                  and re.search(r"\w\(s\)", node.value.replace("http(s)", "https"))]
    for path in sorted(package.rglob("*.j2")):
        found += [f"{path.relative_to(ROOT)}:{n}" for n, line in enumerate(path.read_text().splitlines(), 1)
                  if re.search(r"\w\(s\)", line)]
    assert found == []
