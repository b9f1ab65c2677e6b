"""Several respondents: hand-worked means, spreads, disagreement, per-lens section scores and perception gaps."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from crmcheck.aggregate import AnsweredQuestionnaire, AnswerSet, aggregate
from crmcheck.answers.model import parse_answers
from crmcheck.catalog import Catalog
from crmcheck.models.questionnaire import Questionnaire
from crmcheck.models.result import AssessmentResult, QuestionnaireResult
from crmcheck.resolve import resolve
from crmcheck.yamlio import parse
from tests.conftest import EXAMPLES, STANDARD_LEVELS, questionnaire_from, run_cli

MINI = """
format: 1
id: mini-gap
title: Mini gap
version: 1
kind: scored
source: Test source
scales:
  agreement:
    - {value: 0, label: "Strongly disagree", score: 0}
    - {value: 1, label: "Disagree", score: 0.25}
    - {value: 2, label: "Neither", score: 0.5}
    - {value: 3, label: "Agree", score: 0.75}
    - {value: 4, label: "Strongly agree", score: 1}
""" + STANDARD_LEVELS + """risk_bands: {high: 40, medium: 70}
default_target: 4
lenses: [company, customer]
sections:
  - id: care
    title: Care
    questions:
      - id: known
        text: {company: "We know our customers.", customer: "They know you."}
        type: scale
        scale: agreement
        weight: 2
      - id: replied
        text: {company: "Did we reply to every complaint?", customer: "Did they reply to your complaint?"}
        type: yes_no
      - id: why
        text: {company: "What would customers change?", customer: "What would you change?"}
        type: text
  - id: trust
    title: Trust
    weight: 2
    questions:
      - id: kept
        text: {company: "We keep our promises.", customer: "They keep their promises."}
        type: scale
        scale: agreement
        critical: true
      - id: reason
        text: {company: "Why do customers stay?", customer: "Why do you stay?"}
        type: choice
        options:
          - {id: results, label: Results, score: 1}
          - {id: trust, label: Trust, score: 0.8}
          - {id: habit, label: Habit, score: 0.3}
          - {id: stuck, label: Stuck, score: 0.1}
"""

# Two company respondents and three customers. Scores per answer:
#   company A: known 4 (1.0, with evidence), replied yes (1), kept 3 (0.75), reason results (1)
#   company B: known 3 (0.75),               replied yes (1), kept 4 (1.0),  reason results (1)
#   customer 1: known 1 (0.25), replied no (0),  kept 0 (0),    reason habit (0.3)
#   customer 2: known 2 (0.5),  replied yes (1), kept 1 (0.25), reason stuck (0.1)
#   customer 3: known 1 (0.25), replied no (0),  kept n/a,      reason habit (0.3)
RESPONDENTS = {
    "company-a": ("company", "Ana Ruiz", """
        care.known: {value: 4, evidence: "crm-export.csv"}
        care.replied: yes
        care.why: "Faster onboarding"
        trust.kept: 3
        trust.reason: results
    """),
    "company-b": ("company", "Ben Cole", """
        care.known: 3
        care.replied: yes
        trust.kept: 4
        trust.reason: results
    """),
    "customer-1": ("customer", "Cara Diaz", """
        care.known: 1
        care.replied: no
        care.why: "Answer the phone"
        trust.kept: 0
        trust.reason: habit
    """),
    "customer-2": ("customer", "Dev Patel", """
        care.known: 2
        care.replied: yes
        care.why: "Fewer upsell calls"
        trust.kept: 1
        trust.reason: stuck
    """),
    "customer-3": ("customer", "Eve Moss", """
        care.known: 1
        care.replied: no
        trust.kept: {value: n/a, reason: "Nothing promised yet"}
        trust.reason: habit
    """),
}


def answers_text(lens: str, name: str, body: str, company: str = "Mini Co", date: str = "2026-11-02") -> str:
    answers = textwrap.indent(textwrap.dedent(body).strip(), " " * 6)
    return (f"format: 1\ncompany: {company}\nassessed_on: {date}\nassessor: Dana Lee\n"
            f"respondent: {{name: {name}, role: Tester, lens: {lens}}}\n"
            f"questionnaires:\n  mini-gap:\n    answers:\n{answers}\n")


@pytest.fixture
def mini() -> Questionnaire:
    return questionnaire_from(MINI)


def answer_sets(q: Questionnaire) -> list[AnswerSet]:
    sets = []
    for file, (lens, name, body) in RESPONDENTS.items():
        source = parse_answers(parse(answers_text(lens, name, body), f"{file}.yaml"))
        responses = resolve(q, source.answers.questionnaires["mini-gap"], source, "mini-gap")
        sets.append(AnswerSet(file=f"{file}.yaml", lens=lens, respondent=source.answers.respondent,
                              questionnaires=[AnsweredQuestionnaire(q, responses)], assessor="Dana Lee"))
    return sets


def report(q: Questionnaire, *, show_respondents: bool = False) -> AssessmentResult:
    import datetime as dt

    return aggregate(answer_sets(q), company="Mini Co", assessed_on=dt.date(2026, 11, 2),
                     show_respondents=show_respondents)


def by_lens(result: AssessmentResult, lens: str) -> QuestionnaireResult:
    return next(q for q in result.questionnaires if q.lens == lens)


def test_company_lens_means_spread_and_scores_hand_worked(mini: Questionnaire) -> None:
    company = by_lens(report(mini), "company")
    assert company.respondents == 2
    care, trust = company.sections
    known, replied, why = care.questions
    # known: (1.0 + 0.75) / 2 = 0.875, spread 75-100, two respondents, 0.25 apart: no disagreement
    assert (known.score, known.score_min, known.score_max, known.respondents, known.disagreement) == (
        87.5, 75.0, 100.0, 2, False)
    assert known.answer == "mean of 2 (75.0–100.0)"
    assert (replied.score, replied.respondents) == (100.0, 2)
    assert (why.status, why.answer, why.respondents) == ("answered", "1 written answer; shown with --show-respondents",
                                                         1)
    # care: weights 2 and 1 -> (2 * 0.875 + 1) / 3 = 0.91666... -> 91.7
    assert care.score == 91.7
    # trust: kept (0.75 + 1) / 2 = 0.875, reason 1 -> 0.9375 -> 93.75, halves up -> 93.8
    assert trust.score == 93.8
    # questionnaire: section weights 1 and 2 -> (91.666... + 2 * 93.75) / 3 = 93.0555... -> 93.1
    assert company.score == 93.1
    assert (company.level, company.level_name) == (5, "Leading")


def test_customer_lens_means_spread_disagreement_hand_worked(mini: Questionnaire) -> None:
    customer = by_lens(report(mini), "customer")
    assert customer.respondents == 3
    care, trust = customer.sections
    known, replied, _ = care.questions
    kept, reason = trust.questions
    # known: (0.25 + 0.5 + 0.25) / 3 = 1/3 -> 33.3, spread 25-50
    assert (known.score, known.score_min, known.score_max, known.disagreement) == (33.3, 25.0, 50.0, False)
    # replied: 0, 1, 0 -> 33.3; 0 and 1 are a whole scale apart: disagreement
    assert (replied.score, replied.score_min, replied.score_max, replied.disagreement) == (33.3, 0.0, 100.0, True)
    # kept: one respondent says n/a, so the mean is over two: (0 + 0.25) / 2 = 12.5
    assert (kept.score, kept.respondents, kept.score_min, kept.score_max) == (12.5, 2, 0.0, 25.0)
    # reason: (0.3 + 0.1 + 0.3) / 3 = 0.2333... -> 23.3, spread 10-30
    assert (reason.score, reason.score_min, reason.score_max) == (23.3, 10.0, 30.0)
    assert care.score == 33.3  # (2/3 + 1/3) / 3 = 1/3
    assert trust.score == 17.9  # (0.125 + 0.2333...) / 2 = 0.179166...
    assert customer.score == 23.1  # (33.333... + 2 * 17.9166...) / 3 = 23.055...
    # trust is high risk by score; the critical question's mean (12.5) is not 0, so not by the critical rule
    assert (care.risk, trust.risk) == ("high", "high")
    assert customer.unanswered == []


def test_perception_gap_per_section_and_question_largest_first(mini: Questionnaire) -> None:
    result = report(mini)
    [gap] = result.perception_gaps
    assert (gap.questionnaire, gap.company, gap.customer, gap.gap) == ("mini-gap", 93.1, 23.1, 70.0)
    assert (gap.company_respondents, gap.customer_respondents) == (2, 3)
    # care 91.7 - 33.3 = 58.4; trust 93.8 - 17.9 = 75.9: trust first
    assert [(s.id, s.company, s.customer, s.gap) for s in gap.sections] == [
        ("trust", 93.8, 17.9, 75.9), ("care", 91.7, 33.3, 58.4)]
    # text questions have no score and no gap
    assert [(q.id, q.gap) for q in gap.questions] == [
        ("trust.reason", 76.7), ("trust.kept", 75.0), ("care.replied", 66.7), ("care.known", 54.2)]
    assert gap.questions[0].title == "Why do customers stay?"  # the company's wording


def test_not_evidenced_counts_company_answers_only(mini: Questionnaire) -> None:
    result = report(mini)
    care, trust = by_lens(result, "company").sections
    # company A's 4 on care.known cites evidence; B's 3 does not
    assert [(n.question, n.answers, n.respondents, n.score) for n in care.not_evidenced] == [
        ("care.known", 1, 2, 87.5), ("care.replied", 2, 2, 100.0)]
    assert [(n.question, n.answers, n.respondents) for n in trust.not_evidenced] == [
        ("trust.kept", 2, 2), ("trust.reason", 2, 2)]
    # customers report their experience; their high answers need no evidence
    assert all(not s.not_evidenced for s in by_lens(result, "customer").sections)


def test_respondents_are_counted_but_not_shown_by_default(mini: Questionnaire) -> None:
    result = report(mini)
    assert [(g.lens, g.count, g.people) for g in result.respondents] == [("company", 2, None), ("customer", 3, None)]
    assert all(qr.individual is None for q in result.questionnaires for s in q.sections for qr in s.questions)
    assert result.assessor == "Dana Lee"
    assert result.respondent is None


def test_show_respondents_keeps_each_answer(mini: Questionnaire) -> None:
    result = report(mini, show_respondents=True)
    customer = by_lens(result, "customer")
    kept = customer.sections[1].questions[0]
    assert [(a.respondent, a.answer, a.score) for a in kept.individual or []] == [
        ("Cara Diaz", "0 Strongly disagree", 0.0), ("Dev Patel", "1 Disagree", 25.0), ("Eve Moss", "n/a", None)]
    why = customer.sections[0].questions[2]
    assert [(a.respondent, a.answer) for a in why.individual or []] == [
        ("Cara Diaz", "Answer the phone"), ("Dev Patel", "Fewer upsell calls")]
    assert [p.label for g in result.respondents for p in g.people or []] == [
        "Ana Ruiz", "Ben Cole", "Cara Diaz", "Dev Patel", "Eve Moss"]


def test_half_the_scale_apart_is_not_disagreement(mini: Questionnaire) -> None:
    # 0.8 - 0.3 is 0.5000000000000001 in floating point; exactly half the scale is not "more than half"
    import datetime as dt

    sets = []
    for n, (option, kept) in enumerate((("trust", 1), ("habit", 3))):
        body = f"trust.reason: {option}\ntrust.kept: {kept}\n"
        source = parse_answers(parse(answers_text("customer", f"c{n}", body), f"c{n}.yaml"))
        responses = resolve(mini, source.answers.questionnaires["mini-gap"], source, "mini-gap")
        sets.append(AnswerSet(file=f"c{n}.yaml", lens="customer", respondent=source.answers.respondent,
                              questionnaires=[AnsweredQuestionnaire(mini, responses)]))
    result = aggregate(sets, company="Mini Co", assessed_on=dt.date(2026, 11, 2))
    kept, reason = result.questionnaires[0].sections[1].questions
    assert (reason.score_min, reason.score_max, reason.disagreement) == (30.0, 80.0, False)
    assert (kept.score_min, kept.score_max, kept.disagreement) == (25.0, 75.0, False)
    assert result.perception_gaps == []  # one lens only


# ---------- through the real command ----------

def write_respondents(directory: Path, **overrides: tuple[str, str]) -> Path:
    (directory / "questionnaires").mkdir(parents=True)
    (directory / "questionnaires" / "mini-gap.yaml").write_text(textwrap.dedent(MINI))
    answers = directory / "answers"
    answers.mkdir()
    for file, (lens, name, body) in RESPONDENTS.items():
        company, date = overrides.get(file, ("Mini Co", "2026-11-02"))
        (answers / f"{file}.yaml").write_text(answers_text(lens, name, body, company, date))
    return answers


def test_report_of_a_directory_gives_the_hand_worked_numbers_as_json(tmp_path: Path) -> None:
    answers = write_respondents(tmp_path)
    run = run_cli("report", str(answers), "--format", "json", "--questionnaires", str(tmp_path / "questionnaires"))
    assert run.code == 0, run.err
    data = json.loads(run.out)
    assert [(q["lens"], q["respondents"], q["score"]) for q in data["questionnaires"]] == [
        ("company", 2, 93.1), ("customer", 3, 23.1)]
    gap = data["perception_gaps"][0]
    assert [(s["id"], s["gap"]) for s in gap["sections"]] == [("trust", 75.9), ("care", 58.4)]
    # every respondent answered each scored question or marked it n/a: all finished, none left out
    assert data["respondents"] == [{"lens": "company", "count": 2, "people": None, "finished": 2, "left_out": 0},
                                   {"lens": "customer", "count": 3, "people": None, "finished": 3, "left_out": 0}]
    assert "Cara Diaz" not in run.out and "Answer the phone" not in run.out


def test_report_of_listed_files_equals_report_of_their_directory(tmp_path: Path) -> None:
    answers = write_respondents(tmp_path)
    files = sorted(str(p) for p in answers.glob("*.yaml"))
    common = ("--format", "json", "--questionnaires", str(tmp_path / "questionnaires"))
    assert run_cli("report", *files, *common).out == run_cli("report", str(answers), *common).out


def test_different_companies_in_one_report_are_an_error(tmp_path: Path) -> None:
    answers = write_respondents(tmp_path, **{"customer-2": ("Other Co", "2026-11-02")})
    run = run_cli("report", str(answers), "--questionnaires", str(tmp_path / "questionnaires"))
    assert run.code == 2
    assert run.out == ""
    assert run.err.splitlines() == [
        f"{answers / 'customer-2.yaml'}:2:10: company 'Other Co' differs from 'Mini Co' in "
        f"{answers / 'company-a.yaml'}; one report covers one company: report each company's files separately"]


def test_different_dates_in_one_report_are_an_error(tmp_path: Path) -> None:
    answers = write_respondents(tmp_path, **{"company-b": ("Mini Co", "2026-10-01")})
    run = run_cli("report", str(answers), "--questionnaires", str(tmp_path / "questionnaires"))
    assert run.code == 2
    assert run.err.startswith(f"{answers / 'company-b.yaml'}:3:14: assessed_on 2026-10-01 differs from 2026-11-02 in ")
    assert "crmcheck import --date" in run.err


def test_an_empty_directory_or_a_missing_path_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    run = run_cli("report", str(tmp_path / "empty"))
    assert (run.code, run.err) == (2, f"{tmp_path / 'empty'}:1:1: no answers files (*.yaml, *.yml) in this directory\n")
    run = run_cli("report", str(EXAMPLES / "assessment-2026.yaml"), str(tmp_path / "nope.yaml"))
    assert (run.code, run.err) == (2, f"{tmp_path / 'nope.yaml'}:1:1: no such file\n")


def test_a_directory_with_one_file_is_a_single_respondent_report(tmp_path: Path) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "one" / "a.yaml").write_text((EXAMPLES / "assessment-2026.yaml").read_text())
    single = run_cli("report", str(tmp_path / "one"), "--format", "json")
    direct = run_cli("report", str(EXAMPLES / "assessment-2026.yaml"), "--format", "json")
    assert single.code == 0
    assert single.out == direct.out
    assert json.loads(single.out)["respondents"] == []


def test_brightwater_perception_example_has_three_staff_and_five_customers() -> None:
    run = run_cli("report", str(EXAMPLES / "perception"), "--format", "json")
    assert run.code == 0, run.err
    data = json.loads(run.out)
    assert [(g["lens"], g["count"]) for g in data["respondents"]] == [("company", 3), ("customer", 5)]
    gap = data["perception_gaps"][0]
    # version 3: the company side over the 20 questions customers are asked too (worked out from the raw answers
    # in tests/test_perception_gap_v3.py)
    assert (gap["company"], gap["customer"], gap["gap"], gap["compared"]) == (74.7, 38.9, 35.8, 20)
    assert gap["sections"][0]["id"] == "person-not-record"
    gaps = [s["gap"] for s in gap["sections"]]
    assert gaps == sorted(gaps, reverse=True)


def test_multi_respondent_checklist_crash(tmp_path: Path) -> None:
    """Regression: two respondents who answered a checklist made `report DIR` exit 3 (TypeError in _display)."""
    answers = tmp_path / "answers"
    answers.mkdir()
    for name in ("one", "two"):
        made = run_cli("new", "crm-mistakes", "--company", "Acme", "--date", "2026-11-02",
                       "-o", str(answers / f"{name}.yaml"))
        assert made.code == 0, made.err
        path = answers / f"{name}.yaml"
        text = path.read_text()
        assert "      customer-value.value-inputs:\n" in text
        path.write_text(text.replace("      customer-value.value-inputs:\n",
                                     "      customer-value.value-inputs: [revenue]\n"))
    for extra in ((), ("--show-respondents",)):
        run = run_cli("report", str(answers), "--format", "json", *extra)
        assert run.code == 0, run.err
        data = json.loads(run.out)
        [section] = [s for s in data["questionnaires"][0]["sections"] if s["id"] == "customer-value"]
        [question] = [q for q in section["questions"] if q["id"] == "customer-value.value-inputs"]
        # revenue alone: its weight over all the options' weights, for both respondents
        options = Catalog.from_options().get("crm-mistakes").questions["customer-value.value-inputs"][1].options
        weights = {o.id: 1 if o.weight is None else o.weight for o in options}  # an option weighs 1 unless given
        share = 100 * weights["revenue"] / sum(weights.values())
        assert question["score"] == round(share, 1)
        assert question["answer"] == f"mean of 2 ({share:.1f}–{share:.1f})"
        if extra:
            assert [a["answer"] for a in question["individual"]] == ["Sales revenue", "Sales revenue"]
