"""Profile questions (`scored: false`): counted per lens, never in a score; both lenses side by side."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import STANDARD_LEVELS, run_cli

MOTIVES = """\
format: 1
id: motives
title: Motives
version: 1
kind: scored
source: Test source
lenses: [company, customer]
scales:
  known:
    - {value: 0, label: No, score: 0}
    - {value: 1, label: Partly, score: 0.5}
    - {value: 2, label: Yes, score: 1}
""" + STANDARD_LEVELS + """default_target: 4
sections:
  - id: loyalty
    title: Loyalty
    questions:
      - id: reason
        text: {company: Why do customers stay with us?, customer: Why do you stay with them?}
        type: choice
        scored: false
        options: [{id: price, label: Price}, {id: results, label: Results}, {id: trust, label: Trust}]
      - id: channels
        text: Which channels are used?
        type: checklist
        scored: false
        options: [{id: email, label: Email}, {id: phone, label: Phone}, {id: chat, label: Chat}]
      - id: known
        text: {company: Do we know why customers stay?, customer: Do they know why you stay?}
        type: scale
        scale: known
"""


def write(directory: Path, name: str, lens: str, answers: dict[str, str]) -> None:
    body = "".join(f"      loyalty.{key}: {value}\n" for key, value in answers.items())
    (directory / f"{name}.yaml").write_text(
        f"format: 1\ncompany: Acme\nassessed_on: 2026-11-01\nrespondent: {{name: {name}, lens: {lens}}}\n"
        f"questionnaires:\n  motives:\n    answers:\n{body}")


@pytest.fixture
def survey(tmp_path: Path) -> tuple[Path, Path]:
    """Three staff and four customers; worked by hand in the tests below."""
    qdir = tmp_path / "questionnaires"
    qdir.mkdir()
    (qdir / "motives.yaml").write_text(MOTIVES)
    answers = tmp_path / "answers"
    answers.mkdir()
    write(answers, "c1", "company", {"reason": "results", "channels": "[email]", "known": "2"})
    write(answers, "c2", "company", {"reason": "results", "channels": "[email, phone]", "known": "2"})
    write(answers, "c3", "company", {"reason": "trust", "channels": "[email]", "known": "2"})
    write(answers, "k1", "customer", {"reason": "price", "channels": "[email]", "known": "0"})
    write(answers, "k2", "customer", {"reason": "results", "channels": "[phone]", "known": "1"})
    write(answers, "k3", "customer", {"reason": "price", "channels": "[email]", "known": "0"})
    write(answers, "k4", "customer", {"reason": "n/a"})
    return qdir, answers


def report(survey: tuple[Path, Path], *args: str) -> str:
    qdir, answers = survey
    run = run_cli("report", str(answers), "--questionnaires", str(qdir), *args)
    assert run.code == 0, run.err
    return run.out


def test_json_counts_and_shares_per_lens_never_in_a_score(survey: tuple[Path, Path]) -> None:
    data = json.loads(report(survey, "--format", "json"))
    company, customer = data["questionnaires"]
    assert (company["lens"], customer["lens"]) == ("company", "customer")
    # only `known` is scored: company 1, 1, 1 -> 100; customers 0, 0.5, 0 -> 16.7; k4 left it blank
    assert (company["score"], customer["score"]) == (100.0, 16.7)
    # completeness counts each respondent's cell of the one scored question: k4's blank is 1 of 4 customer cells
    assert (company["completeness"], customer["completeness"]) == (1.0, 0.75)
    assert company["recommendations"] == [] and customer["unanswered"] == []
    reason, channels = company["profile"]
    assert (reason["question"], reason["answered"], reason["not_applicable"]) == ("loyalty.reason", 3, 0)
    assert [(o["id"], o["count"], o["share"]) for o in reason["options"]] == [
        ("price", 0, 0.0), ("results", 2, 0.667), ("trust", 1, 0.333)]
    assert reason["most_common"] == [["results"]]
    # a checklist: each option's share of the respondents who answered; distinct answers are sets
    assert [(o["id"], o["count"], o["share"]) for o in channels["options"]] == [
        ("email", 3, 1.0), ("phone", 1, 0.333), ("chat", 0, 0.0)]
    assert channels["answers"] == [{"options": ["email"], "count": 2}, {"options": ["email", "phone"], "count": 1}]
    k_reason = customer["profile"][0]
    assert (k_reason["answered"], k_reason["not_applicable"]) == (3, 1)
    assert [(o["id"], o["count"], o["share"]) for o in k_reason["options"]] == [
        ("price", 2, 0.667), ("results", 1, 0.333), ("trust", 0, 0.0)]
    assert k_reason["text"] == "Why do you stay with them?"


def test_perception_gap_sets_both_lenses_side_by_side_with_the_agreement(survey: tuple[Path, Path]) -> None:
    [gap] = json.loads(report(survey, "--format", "json"))["perception_gaps"]
    # the gap only compares scored questions
    assert [q["id"] for q in gap["questions"]] == ["loyalty.known"]
    reason, channels = gap["profile"]
    # the company mostly says "results"; 1 of the 3 customers who answered says so
    assert reason["company_answer"] == [["results"]] and reason["agreement"] == 0.333
    assert [(o["id"], o["company_count"], o["customer_count"]) for o in reason["options"]] == [
        ("price", 0, 2), ("results", 2, 1), ("trust", 1, 0)]
    # the company's most common checklist answer is {email}; 2 of 3 customers gave exactly that
    assert channels["company_answer"] == [["email"]] and channels["agreement"] == 0.667


def test_tied_company_answers_all_count_as_its_answer(survey: tuple[Path, Path]) -> None:
    _, answers = survey
    # company: c1 results, c2 now trust, c3 dropped: a tie of one each
    (answers / "c3.yaml").unlink()
    write(answers, "c2", "company", {"reason": "trust", "channels": "[email]", "known": "2"})
    [gap] = json.loads(report(survey, "--format", "json"))["perception_gaps"]
    reason = gap["profile"][0]
    assert reason["company_answer"] == [["results"], ["trust"]]
    assert reason["agreement"] == 0.333  # k2 said results; k1 and k3 said price


def test_single_file_report_counts_its_one_answer(survey: tuple[Path, Path]) -> None:
    qdir, answers = survey
    run = run_cli("report", str(answers / "c2.yaml"), "--questionnaires", str(qdir), "--format", "json")
    assert run.code == 0, run.err
    q = json.loads(run.out)["questionnaires"][0]
    reason, channels = q["profile"]
    assert [(o["id"], o["count"]) for o in channels["options"]] == [("email", 1), ("phone", 1), ("chat", 0)]
    assert reason["most_common"] == [["results"]]
    detail = {qr["id"]: qr for s in q["sections"] for qr in s["questions"]}
    assert detail["loyalty.reason"]["profile"] and detail["loyalty.reason"]["score"] is None
    assert detail["loyalty.reason"]["answer"] == "Results"


def test_every_format_shows_the_profile(survey: tuple[Path, Path], tmp_path: Path) -> None:
    from openpyxl import load_workbook

    terminal = report(survey)
    assert "Profile questions, both views (counted, not scored):" in terminal
    assert "company's most common answer: Results; customers giving it: 33%" in terminal
    assert "Price 2 (67%); Results 1 (33%); Trust 0 (0%)" in terminal  # the customers' own lens

    markdown = report(survey, "--format", "markdown")
    assert "| Results | 2 (67%) | 1 (33%) |" in markdown
    assert "the company's most common answer: Email; customers giving it: **67%**" in markdown
    assert "- `loyalty.reason` Why do you stay with them? (3 answered, 1 n/a): Price 2 (67%); Results 1 (33%); " \
           "Trust 0 (0%)" in markdown

    html = report(survey, "--format", "html")
    assert "<h3 id=\"q-motives-company-profile-both\">Profile questions, both views</h3>" in html
    assert "<td>Results</td><td class=\"num\">2 (67%)</td><td class=\"num\">1 (33%)</td>" in html
    assert html.count("<h3>Profile (counted, not scored)</h3>") == 2

    out = tmp_path / "r.xlsx"
    qdir, answers = survey
    assert run_cli("report", str(answers), "--questionnaires", str(qdir), "--format", "xlsx", "-o", str(out)).code == 0
    wb = load_workbook(out)
    profile = [list(r) for r in wb["Profile"].iter_rows(values_only=True)]
    assert ["motives", "customer", "loyalty.reason", "Why do you stay with them?", "price", "Price", 2, 0.667, 3, 1] \
        in profile
    both = [list(r) for r in wb["Profile both views"].iter_rows(values_only=True)]
    assert both[1][1:] == ["loyalty.reason", "Why do customers stay with us?", "price", "Price", 0, 0.0, 2, 0.667,
                           "results", 0.333]


def test_one_file_shows_its_answer_not_counts_of_one(survey: tuple[Path, Path]) -> None:
    qdir, answers = survey
    args = (str(answers / "c2.yaml"), "--questionnaires", str(qdir))
    markdown = run_cli("report", *args, "--format", "markdown").out
    assert "- `loyalty.channels` Which channels are used? — Email; Phone\n" in markdown
    assert "(100%)" not in markdown
    terminal = run_cli("report", *args).out
    assert "Profile (not scored):" in terminal and "→ Results" in terminal
    html = run_cli("report", *args, "--format", "html").out
    assert "<td><code>loyalty.reason</code> Why do customers stay with us?</td><td>Results</td>" in html
    blank = run_cli("report", str(answers / "k4.yaml"), "--questionnaires", str(qdir), "--format", "markdown").out
    assert "- `loyalty.reason` Why do you stay with them? — n/a\n" in blank
    assert "- `loyalty.channels` Which channels are used? — unanswered\n" in blank
