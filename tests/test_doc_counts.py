"""Counts of questions, sections and pages quoted in the docs come from the questionnaires, so they stay true when
a questionnaire changes. A count is marked in the markdown source by `<!-- counts: QUESTIONNAIRE -->` (or
`<!-- counts: QUESTIONNAIRE LENS -->` for the questions one lens is asked) just before the phrase; every
"N questions", "N sections", "N pages", "of N questions" and "of N pages" from the marker to the end of its sentence
is checked against the catalog (a collect page is one section)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crmcheck.catalog import Catalog
from tests.conftest import ROOT

DOCS = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md")])
MARKER = re.compile(r"<!-- counts: ([a-z0-9-]+)(?: (company|customer))? -->")
COUNT = re.compile(r"\b(\d+)\s+(questions|sections|pages)\b")
PAGE_OF = re.compile(r"\bPage \d+ of (\d+)\b")  # the collect page's progress line: "Page 2 of 9"
# the docs whose counts the issue found stale: each must keep its counts marked
MUST_MARK = {"collect.md": "perception-gap", "perception-gap.md": "perception-gap"}


def _marked(path: Path) -> list[tuple[str, str | None, str, int]]:
    """(questionnaire, lens, the marked phrase, line) for every marker in a file."""
    text = path.read_text()
    found = []
    for match in MARKER.finditer(text):
        rest = text[match.end():]
        end = re.search(r"[.;)](\s|$)|\n\n", rest)
        found.append((match.group(1), match.group(2), rest[:end.start() if end else len(rest)],
                      text.count("\n", 0, match.start()) + 1))
    return found


def _actual(qid: str, lens: str | None = None) -> dict[str, int]:
    q = Catalog.from_options(None).get(qid)
    questions = len(q.questions) if lens is None else sum(len(s.questions_in(lens)) for s in q.sections)
    return {"questions": questions, "sections": len(q.sections), "pages": len(q.sections)}


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_marked_counts_match_the_questionnaires(path: Path) -> None:
    for qid, lens, phrase, line in _marked(path):
        counts = COUNT.findall(phrase) + [(n, "pages") for n in PAGE_OF.findall(phrase)]
        assert counts, f"{path.name}:{line}: a counts marker with no count after it: {phrase!r}"
        actual = _actual(qid, lens)
        for number, what in counts:
            assert int(number) == actual[what], (f"{path.name}:{line}: says {number} {what} of {qid}, which has "
                                                 f"{actual[what]}: {phrase!r}")


def test_the_docs_that_quote_counts_mark_them() -> None:
    for name, qid in MUST_MARK.items():
        text = (ROOT / "docs" / name).read_text()
        assert any(found == qid for found, _, _, _ in _marked(ROOT / "docs" / name)), name
        # and no count of that questionnaire is left unmarked: every "N questions" in the file sits in a marked
        # phrase
        marked = " ".join(phrase for _, _, phrase, _ in _marked(ROOT / "docs" / name))
        for number, what in COUNT.findall(text):
            if what == "questions":
                marked_numbers = [n for n, w in COUNT.findall(marked) if w == what]
                assert number in marked_numbers, f"{name}: '{number} {what}' is not marked"


def test_a_wrong_count_is_caught(tmp_path: Path) -> None:
    actual = _actual("perception-gap")
    page = tmp_path / "x.md"
    page.write_text(f"It has <!-- counts: perception-gap -->{actual['questions'] + 1} questions.\n")
    [(qid, _, phrase, _)] = _marked(page)
    assert [int(n) for n, _ in COUNT.findall(phrase)] != [actual["questions"]]
