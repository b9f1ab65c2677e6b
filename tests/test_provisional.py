"""Provisional scores (under half the scored questions answered), completeness over several respondents,
--min-answered, and compare/check leaving provisional scores out: every number worked by hand."""

from __future__ import annotations

import datetime as dt
import json
import math
import textwrap
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml

from crmcheck.catalog import Catalog
from crmcheck.check import run_check
from crmcheck.finished import Progress, parse_min_answered
from crmcheck.scoring import is_provisional
from tests.conftest import ROOT, SMALL, run_cli
from tests.test_aggregate import MINI, answers_text
from tests.test_policy import BASELINE as POLICY_BASELINE

# SMALL: section alpha has 3 scored questions (one, two, three; `note` is text), beta has 4 (pick1-3, days): 7 in all.


def write_small(tmp_path: Path, name: str, answers: str, date: str = "2026-03-01") -> Path:
    (tmp_path / "q").mkdir(exist_ok=True)
    (tmp_path / "q" / "small.yaml").write_text(SMALL)
    path = tmp_path / name
    body = textwrap.indent(textwrap.dedent(answers).strip(), " " * 6)
    path.write_text(f"format: 1\ncompany: Small Co\nassessed_on: {date}\nquestionnaires:\n  small:\n"
                    f"    answers:\n{body}\n")
    return path


def small_report(tmp_path: Path, answers: str) -> dict[str, Any]:
    path = write_small(tmp_path, "answers.yaml", answers)
    run = run_cli("report", str(path), "--questionnaires", str(tmp_path / "q"), "--format", "json")
    assert run.code == 0, run.err
    [q] = json.loads(run.out)["questionnaires"]
    return dict(q)


@pytest.mark.parametrize(("answers", "whole", "sections", "completeness"), [
    # 1 of alpha's 3 (1/3 < 1/2): alpha provisional; 1 of 7 overall: provisional
    ("alpha.one: 3", True, {"alpha": True, "beta": False}, 0.143),
    # alpha.two n/a: 1 of 2 asked is exactly half, not provisional; the questionnaire has 1 of 6, provisional
    ("alpha.one: 3\nalpha.two: n/a", True, {"alpha": False, "beta": False}, 0.167),
    # beta 2 of 4: exactly half, not provisional; 2 of 7 overall is
    ("beta.pick1: z\nbeta.pick2: z", True, {"alpha": False, "beta": False}, 0.286),
    # beta 1 of 4 (just below half): provisional
    ("beta.pick1: z", True, {"alpha": False, "beta": True}, 0.143),
    # 3 of 6 asked (beta.days n/a): the questionnaire is at exactly half, not provisional
    ("alpha.one: 3\nalpha.two: yes\nalpha.three: [a]\nbeta.days: n/a", False, {"alpha": False, "beta": False}, 0.5),
    # 3 of 7, just below half: provisional though alpha itself is complete
    ("alpha.one: 3\nalpha.two: yes\nalpha.three: [a]", True, {"alpha": False, "beta": False}, 0.429),
    # 4 of 7: not provisional, though beta (1 of 4) is
    ("alpha.one: 3\nalpha.two: yes\nalpha.three: [a]\nbeta.pick1: x", False, {"alpha": False, "beta": True}, 0.571),
])
def test_provisional_below_half_of_the_scored_questions(tmp_path: Path, answers: str, whole: bool,
                                                       sections: dict[str, bool], completeness: float) -> None:
    q = small_report(tmp_path, answers)
    assert (q["provisional"], q["completeness"]) == (whole, completeness)
    assert {s["id"]: s["provisional"] for s in q["sections"]} == sections


def test_a_section_nobody_answered_is_not_assessed_not_provisional(tmp_path: Path) -> None:
    q = small_report(tmp_path, "alpha.one: 3")
    beta = q["sections"][1]
    assert (beta["score"], beta["completeness"], beta["provisional"]) == (None, 0.0, False)


def test_is_provisional_compares_whole_numbers_exactly() -> None:
    assert [is_provisional(a, 45) for a in (0, 2, 22, 23)] == [False, True, True, False]  # 22.5 is half of 45
    assert [is_provisional(a, 4) for a in (1, 2)] == [True, False]
    assert not is_provisional(0, 0)


def test_two_of_forty_five_answered_reads_as_provisional(tmp_path: Path) -> None:
    """The case from the issue: crm-mistakes with two answers printed "score 83.3 level 4 Managed"."""
    path = tmp_path / "two.yaml"
    assert run_cli("new", "crm-mistakes", "--company", "Two Co", "--date", "2026-11-01", "-o", str(path)).code == 0
    path.write_text(path.read_text().replace("      best-customers.defined:\n", "      best-customers.defined: 3\n")
                    .replace("      best-customers.flagged:\n", "      best-customers.flagged: yes\n"))
    data = json.loads(run_cli("report", str(path), "--format", "json").out)
    [q] = data["questionnaires"]
    scored = sum(s["scored_questions"] for s in q["sections"])  # 45 in version 2
    # worked from the YAML: defined (a scale answer 3) and flagged (yes = 1), each by its weight
    yaml_questions = {f"{s['id']}.{x['id']}": x for s in yaml.safe_load(
        (ROOT / "questionnaires" / "crm-mistakes.yaml").read_text())["sections"] for x in s["questions"]}
    defined, flagged = yaml_questions["best-customers.defined"], yaml_questions["best-customers.flagged"]
    three = next(Fraction(str(lv["score"])) for lv in yaml.safe_load(
        (ROOT / "questionnaires" / "crm-mistakes.yaml").read_text())["scales"][defined["scale"]] if lv["value"] == 3)
    w1, w2 = Fraction(str(defined.get("weight", 1))), Fraction(str(flagged.get("weight", 1)))
    score = 100 * (w1 * three + w2) / (w1 + w2)  # (2 * 0.75 + 1) / 3 = 83.3 in version 2
    assert q["score"] == math.floor(score * 10 + Fraction(1, 2)) / 10
    assert (q["provisional"], q["completeness"]) == (True, round(2 / scored, 3))
    best = q["sections"][0]
    assert (best["id"], best["answered"], best["provisional"]) == ("best-customers", 2, True)
    terminal = run_cli("report", str(path)).out
    assert f"score {q['score']:.1f} (provisional)  level {q['level']} {q['level_name']} (provisional)" in terminal
    assert f"Provisional: only 2 of its {scored} scored questions ({2 / scored:.0%}) answered" in terminal


# ---------- several respondents ----------

# MINI has 4 scored questions: care.known, care.replied, trust.kept, trust.reason (care.why is text).
STOPPING = {
    "company-a": ("company", "Ana Ruiz", "care.known: 4\ncare.replied: yes\ntrust.kept: 3\ntrust.reason: results"),
    "company-b": ("company", "Ben Cole", "care.known: 3"),  # stopped after the first question
    "customer-1": ("customer", "Cara Diaz", "care.known: 1\ncare.replied: no\ntrust.kept: 0\ntrust.reason: habit"),
    "customer-2": ("customer", "Dev Patel", "trust.kept: n/a"),
    "customer-3": ("customer", "Eve Moss", "care.known: 2\ncare.why: \"Call back\""),
}


@pytest.fixture
def stopping(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "q").mkdir()
    (tmp_path / "q" / "mini-gap.yaml").write_text(textwrap.dedent(MINI))
    answers = tmp_path / "answers"
    answers.mkdir()
    for file, (lens, name, body) in STOPPING.items():
        (answers / f"{file}.yaml").write_text(answers_text(lens, name, body))
    return answers, tmp_path / "q"


def mini_report(paths: tuple[Path, Path], *args: str) -> dict[str, Any]:
    answers, questionnaires = paths
    run = run_cli("report", str(answers), "--questionnaires", str(questionnaires), "--format", "json", *args)
    assert run.code == 0, run.err
    return dict(json.loads(run.out))


def cells(people: list[str], questions: list[str]) -> Fraction:
    """Answered cells over asked cells (respondents × questions, less n/a cells), counted from STOPPING."""
    answered = asked = 0
    for person in people:
        given = dict(line.split(": ", 1) for line in STOPPING[person][2].splitlines())
        for question in questions:
            value = given.get(question)
            asked += value != "n/a"
            answered += value not in (None, "n/a")
    return Fraction(answered, asked)


CARE, TRUST = ["care.known", "care.replied"], ["trust.kept", "trust.reason"]


def test_completeness_counts_answer_cells_of_every_respondent(stopping: tuple[Path, Path]) -> None:
    data = mini_report(stopping)
    company, customer = data["questionnaires"]
    # company: A 4 + B 1 of 2 x 4 = 5/8; care 3/4, trust 2/4 (exactly half: not provisional)
    assert cells(["company-a", "company-b"], CARE + TRUST) == Fraction(5, 8)
    assert (company["completeness"], company["provisional"]) == (0.625, False)
    assert [(s["completeness"], s["provisional"]) for s in company["sections"]] == [(0.75, False), (0.5, False)]
    # customers: care 3/6 = 0.5; trust 2/(6 - 1 n/a) = 0.4, provisional; overall 5/11 = 0.455, provisional
    people = ["customer-1", "customer-2", "customer-3"]
    assert (cells(people, CARE), cells(people, TRUST), cells(people, CARE + TRUST)) == (
        Fraction(1, 2), Fraction(2, 5), Fraction(5, 11))
    assert (customer["completeness"], customer["provisional"]) == (0.455, True)
    assert [(s["completeness"], s["provisional"]) for s in customer["sections"]] == [(0.5, False), (0.4, True)]
    # before, a question anyone answered counted as answered: every question is, so "100%" for both lenses
    assert all(s["answered"] == s["scored_questions"] - s["not_applicable"] for s in company["sections"])
    # finished: every scored question answered or n/a: only company-a and customer-1
    assert [(r["lens"], r["count"], r["finished"], r["left_out"]) for r in data["respondents"]] == [
        ("company", 2, 1, 0), ("customer", 3, 1, 0)]
    assert (company["finished"], customer["finished"]) == (1, 1)
    assert data["min_answered"] is None


def test_min_answered_leaves_out_and_counts(stopping: tuple[Path, Path]) -> None:
    # shares: a 4/4, b 1/4, c1 4/4, c2 0/3, c3 1/4; at 25% (exactly b's and c3's share) only c2 is left out
    data = mini_report(stopping, "--min-answered", "25")
    assert [(r["lens"], r["count"], r["finished"], r["left_out"]) for r in data["respondents"]] == [
        ("company", 2, 1, 0), ("customer", 2, 1, 1)]
    assert data["min_answered"] == 0.25
    customer = data["questionnaires"][1]
    # c1 and c3 only: care (2 + 1) / 4, trust 2 / 4, overall 5 / 8
    assert (customer["respondents"], customer["completeness"], customer["provisional"]) == (2, 0.625, False)
    data = mini_report(stopping, "--min-answered", "50%")
    assert [(r["lens"], r["count"], r["finished"], r["left_out"]) for r in data["respondents"]] == [
        ("company", 1, 1, 1), ("customer", 1, 1, 2)]
    assert [(q["lens"], q["respondents"], q["completeness"]) for q in data["questionnaires"]] == [
        ("company", 1, 1.0), ("customer", 1, 1.0)]
    answers, questionnaires = stopping
    text = " ".join(run_cli("report", str(answers), "--questionnaires", str(questionnaires), "--min-answered",
                            "50").out.split())
    assert "2 respondents: 1 company, 1 customer; 2 finished; 3 left out (under 50% answered)" in text
    markdown = run_cli("report", str(answers), "--questionnaires", str(questionnaires), "--min-answered", "50",
                       "--format", "markdown").out
    assert "3 left out (under 50% answered)" in markdown


def test_min_answered_that_leaves_nobody_is_a_usage_error(stopping: tuple[Path, Path], tmp_path: Path) -> None:
    answers, questionnaires = stopping
    for name in ("company-a", "customer-1"):
        (answers / f"{name}.yaml").unlink()
    run = run_cli("report", str(answers), "--questionnaires", str(questionnaires), "--min-answered", "100")
    assert (run.code, run.out) == (2, "")
    assert run.err.strip() == ("--min-answered 100%: every one of the 3 respondents answered less; nothing "
                               "left to report (lower it)")
    one = write_small(tmp_path, "one.yaml", "alpha.one: 3")
    run = run_cli("report", str(one), "--questionnaires", str(tmp_path / "q"), "--min-answered", "20")
    assert run.code == 2 and "answers 1 of 7 scored questions, less" in run.err


@pytest.mark.parametrize(("text", "share"), [
    ("50", Fraction(1, 2)), ("50%", Fraction(1, 2)), ("0", Fraction(0)), ("100", Fraction(1)),
    ("62.5", Fraction(5, 8)), (" 10 % ", Fraction(1, 10))])
def test_min_answered_reads_a_percentage(text: str, share: Fraction) -> None:
    assert parse_min_answered(text) == share


@pytest.mark.parametrize("text", ["101", "-1", "half", "1/2", "", "nan"])
def test_min_answered_refuses_anything_else(text: str, tmp_path: Path) -> None:
    one = write_small(tmp_path, "one.yaml", "alpha.one: 3")
    run = run_cli("report", str(one), "--questionnaires", str(tmp_path / "q"), "--min-answered", text)
    assert run.code == 2, run.err
    assert f"--min-answered: '{text}' is not a percentage from 0 to 100" in run.err


def test_progress_finished_and_share() -> None:
    assert Progress(3, 1, 4).finished and Progress(3, 1, 4).share == 1
    assert not Progress(2, 1, 4).finished and Progress(2, 1, 4).share == Fraction(2, 3)
    assert Progress(0, 4, 4).finished  # everything marked n/a: nothing left to answer
    assert Progress(1, 0, 4).reaches(Fraction(1, 4)) and not Progress(1, 0, 4).reaches(Fraction(26, 100))


# ---------- compare and check leave provisional scores out ----------

# every question of the small questionnaire answered: the policy tests' hand-worked baseline (alpha 87.5, beta 85)
FULL = POLICY_BASELINE

# alpha: only `one`, at 0 (1 of 3, provisional): 0.0, level 1, high risk, a critical question at 0
# beta: all four at x / 10 days: (3*0.6 + 0) / 4 = 45, level 2 Developing, medium risk; 5 of 7 overall
LOWER = """\
alpha.one: 0
beta.pick1: x
beta.pick2: x
beta.pick3: x
beta.days: 10
"""


def test_compare_skips_a_provisional_section_with_the_reason(tmp_path: Path) -> None:
    old = write_small(tmp_path, "old.yaml", FULL, "2025-03-01")
    new = write_small(tmp_path, "new.yaml", LOWER)
    run = run_cli("compare", str(old), str(new), "--questionnaires", str(tmp_path / "q"), "--format", "json")
    assert run.code == 0, run.err
    data = json.loads(run.out)
    # alpha fell from level 4 to 1 and became high risk, but rests on 1 of 3 answers now: not a step back.
    # The questionnaire (5 of 7 answered) is no provisional: (2*87.5 + 85)/3 = 86.7 (4) → (2*0 + 45)/3 = 15 (1)
    assert [r["text"] for r in data["regressions"]] == ["small: level 4 Managed → 1 Initial",
                                                       "small/beta: level 4 Managed → 2 Developing"]
    assert data["not_comparable"] == [{
        "questionnaire": "small", "section": "alpha",
        "text": "small/alpha: provisional now (33% answered): under half its questions answered, so not compared "
                "(never counted as a step back)"}]
    alpha = data["questionnaires"][0]["sections"][0]
    assert (alpha["trend"], alpha["provisional_before"], alpha["provisional_after"]) == ("not comparable", False, True)
    run = run_cli("compare", str(old), str(new), "--questionnaires", str(tmp_path / "q"), "--fail-on-regression")
    assert run.code == 1  # beta's fall still counts
    assert "Not compared (1, provisional):" in run.out and "small/alpha: provisional now (33% answered)" in run.out
    assert "small/alpha" not in run.out.split("Not compared")[0]


def test_default_policy_skips_a_provisional_section_never_holds_or_breaks_it(tmp_path: Path) -> None:
    old = write_small(tmp_path, "old.yaml", FULL, "2025-03-01")
    new = write_small(tmp_path, "new.yaml", LOWER)
    result = run_check(str(new), baseline=str(old), policy=None, today=dt.date(2026, 6, 1),
                       catalog=Catalog([tmp_path / "q"]))
    by_scope = {(o.rule, o.scope): o for o in result.outcomes}
    for rule in ("no-level-drop", "no-new-high-risk"):
        alpha = by_scope[(rule, "small/alpha")]
        assert (alpha.status, alpha.found) == ("skipped", "provisional")
        assert "provisional now (33% answered)" in alpha.message
    assert by_scope[("no-level-drop", "small/beta")].status == "broken"
    assert by_scope[("no-new-high-risk", "small/beta")].status == "held"  # low → medium is no new high risk


def test_a_provisional_baseline_section_is_not_compared_either(tmp_path: Path) -> None:
    old = write_small(tmp_path, "old.yaml", "alpha.one: 4\nbeta.pick1: z\nbeta.pick2: z\nbeta.pick3: z\nbeta.days: 0",
                      "2025-03-01")
    new = write_small(tmp_path, "new.yaml", "alpha.one: 1\nalpha.two: no\nalpha.three: []\n" + "beta.pick1: z\n"
                      "beta.pick2: z\nbeta.pick3: z\nbeta.days: 0")
    result = run_check(str(new), baseline=str(old), policy=None, today=dt.date(2026, 6, 1),
                       catalog=Catalog([tmp_path / "q"]))
    alpha = next(o for o in result.outcomes if o.rule == "no-level-drop" and o.scope == "small/alpha")
    assert alpha.status == "skipped"
    assert "provisional in the baseline (33% answered)" in alpha.message
    assert result.passed


def test_min_answered_with_a_baseline_is_a_usage_error(tmp_path: Path) -> None:
    old = write_small(tmp_path, "old.yaml", FULL, "2025-03-01")
    new = write_small(tmp_path, "new.yaml", FULL)
    run = run_cli("report", str(new), "--baseline", str(old), "--min-answered", "50", "--questionnaires",
                  str(tmp_path / "q"))
    assert (run.code, run.out) == (2, "")
    assert "--min-answered leaves out respondents of several; --baseline compares one assessment" in run.err


def test_junit_skips_a_provisional_section_never_passes_or_fails_it(tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    # alpha 1 of 3 answered (provisional, 75.0: level 4 is at its target of 4 but would be judged); beta blank
    path = write_small(tmp_path, "answers.yaml", "alpha.one: 3")
    run = run_cli("report", str(path), "--questionnaires", str(tmp_path / "q"), "--format", "junit")
    assert run.code == 0, run.err
    suite = ET.fromstring(run.out).find("testsuite")
    assert suite is not None
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    alpha = cases["alpha: Alpha"].find("skipped")
    assert alpha is not None and alpha.get("message") == (
        "provisional: score 75.0, level 4 Managed on 33% of its questions answered (under half); not judged")
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("2", "0", "2")
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties["provisional"].startswith("Provisional: only 1 of its 7 scored questions (14%) answered")


def test_the_perception_gap_marks_a_provisional_section(stopping: tuple[Path, Path], tmp_path: Path) -> None:
    # customers' trust rests on 2 of 5 cells (provisional); care is at exactly half for them, 3 of 4 for staff
    data = mini_report(stopping)
    [gap] = data["perception_gaps"]
    assert {line["id"]: line["provisional"] for line in gap["sections"]} == {"care": False, "trust": True}
    answers, questionnaires = stopping
    common = (str(answers), "--questionnaires", str(questionnaires))
    terminal = run_cli("report", *common).out
    assert "Trust (provisional)" in terminal
    markdown = run_cli("report", *common, "--format", "markdown").out
    assert "| Trust (provisional) |" in markdown
    page = run_cli("report", *common, "--format", "html").out
    assert '<tr><td>Trust <span class="provisional">provisional</span></td>' in page
    out = tmp_path / "gap.xlsx"
    assert run_cli("report", *common, "--format", "xlsx", "-o", str(out)).code == 0
    from openpyxl import load_workbook

    sheet = list(load_workbook(out)["Perception gap"].iter_rows(values_only=True))
    provisional = sheet[0].index("Provisional")
    assert {row[1]: row[provisional] for row in sheet[1:]} == {"care": "no", "trust": "yes"}
