"""`unknown` answers to metric questions, the critical-metric stage rule, and reverse-scored statements, each
against hand-worked numbers; every format shows an `unknown` answer as "not known"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crmcheck.models.questionnaire import Questionnaire
from tests.conftest import questionnaire_dir, questionnaire_from, run_cli
from tests.test_scoring import score, staged_header

# Stage 2: a critical metric that may be unknown (scoring 0.25 then), an ordinary metric that may be unknown
# (scoring 0), and a negatively keyed statement. Stage 3: one plain question.
METRICS = staged_header("metrics") + """  - id: s2
    stage: 2
    title: Stage two
    questions:
      - id: rate
        text: What share of leads is won?
        type: number
        unit: "%"
        critical: true
        unknown_scores: 0.25
        dimension: strategy
        bands: [{min: 0, score: 0}, {min: 4, score: 0.5}, {min: 10, score: 1}]
      - id: days
        text: How many days to close?
        type: number
        unknown_scores: 0
        dimension: people
        bands: [{min: 0, score: 1}, {min: 30, score: 0.5}, {min: 90, score: 0}]
      - {id: blame, text: Sales and marketing blame each other., type: scale, scale: p, reverse_scored: true,
         dimension: people}
      - {id: plain, text: Plain?, type: number, dimension: strategy, bands: [{min: 0, score: 0}, {min: 1, score: 1}]}
  - id: s3
    stage: 3
    title: Stage three
    questions:
      - {id: a, text: A, type: scale, scale: p, dimension: strategy}
"""


@pytest.fixture
def q() -> Questionnaire:
    return questionnaire_from(METRICS)


def by_id(result: object) -> dict[str, object]:
    return {qr.id: qr for s in result.sections for qr in s.questions}  # type: ignore[attr-defined]


def test_unknown_scores_its_value_and_reads_not_known(q: Questionnaire) -> None:
    result = score(q, "s2.rate: 12\ns2.days: unknown\ns2.blame: 0\ns2.plain: 1\ns3.a: 2")
    days = by_id(result)["s2.days"]
    assert (days.status, days.answer, days.value, days.score) == ("answered", "not known", "unknown", 0.0)
    # s2 = (1 + 0 + (1 - 0) + 1) / 4 = 75: the unknown metric counts as answered, at its unknown_scores
    assert result.sections[0].score == 75.0
    assert result.sections[0].answered == 4
    assert result.stage.stages[1].status == "passed"


def test_long_form_and_any_case_are_the_same_unknown(q: Questionnaire) -> None:
    long = score(q, "s2.days: {value: Unknown, note: not tracked}")
    short = score(q, "s2.days: unknown")
    assert by_id(long)["s2.days"].answer == by_id(short)["s2.days"].answer == "not known"
    assert by_id(long)["s2.days"].note == "not tracked"
    assert long.sections[0].score == short.sections[0].score == 0.0


def test_unknown_is_neither_na_nor_blank(q: Questionnaire) -> None:
    result = score(q, "s2.rate: n/a\ns2.days: unknown")
    assert result.unanswered == ["s2.blame", "s2.plain", "s3.a"]
    assert [na.question for na in result.not_applicable] == ["s2.rate"]
    # only days is scored: 0 / 1; n/a and blank drop out, unknown does not
    assert result.sections[0].score == 0.0
    assert result.sections[0].completeness == round(1 / 3, 3)


def test_a_critical_metric_not_known_fails_its_stage_whatever_it_scores(q: Questionnaire) -> None:
    # s2 = (0.25 + 1 + 1 + 1) / 4 = 81.25 >= 70, yet the critical metric is unknown: stage 2 fails
    result = score(q, "s2.rate: unknown\ns2.days: 10\ns2.blame: 0\ns2.plain: 1\ns3.a: 2")
    stage2 = result.stage.stages[1]
    assert stage2.score == 81.3
    assert stage2.status == "failed"
    assert stage2.reason == "critical metric s2.rate is not known (score 81.3, 4 of 4 answered)"
    assert result.stage.reached == 1
    assert result.stage.climb == f"stage 2 failed: {stage2.reason}"
    # per dimension: strategy (rate, plain) fails at stage 2; people (days, blame) passes
    assert result.stage.matrix_status["strategy"][2] == "failed"
    assert result.stage.matrix_status["people"][2] == "passed"
    # the same answers with the metric known at its lowest band: a plain critical failure, with its own words
    known = score(q, "s2.rate: 1\ns2.days: 10\ns2.blame: 0\ns2.plain: 1\ns3.a: 2")
    assert known.stage.stages[1].reason == "critical question s2.rate scored 0 (score 75.0, 4 of 4 answered)"


def test_reverse_scored_statement_scores_one_minus_the_scale(q: Questionnaire) -> None:
    scores = [by_id(score(q, f"s2.blame: {v}"))["s2.blame"].score for v in (0, 1, 2)]
    assert scores == [100.0, 50.0, 0.0]
    # the answer still reads as the scale's label: agreeing fully is "Full", scoring 0
    assert by_id(score(q, "s2.blame: 2"))["s2.blame"].answer == "2 Full"


def test_unknown_without_unknown_scores_is_a_located_error(tmp_path: Path) -> None:
    folder = questionnaire_dir(tmp_path / "q", metrics=METRICS)
    answers = tmp_path / "a.yaml"
    answers.write_text("format: 1\ncompany: T\nassessed_on: 2026-01-01\nquestionnaires:\n  metrics:\n"
                       "    answers:\n      s2.rate: unknown\n      s2.plain: unknown\n")
    run = run_cli("report", str(answers), "--questionnaires", str(folder))
    assert run.code == 2
    lines = run.err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{answers}:8:17: s2.plain: 'unknown' is an answer only to questions that declare "
                               "unknown_scores")


def test_every_format_shows_not_known(tmp_path: Path) -> None:
    folder = questionnaire_dir(tmp_path / "q", metrics=METRICS)
    answers = tmp_path / "a.yaml"
    answers.write_text("format: 1\ncompany: T\nassessed_on: 2026-01-01\nquestionnaires:\n  metrics:\n"
                       "    answers:\n      s2.rate: unknown\n      s2.days: 12\n")
    outputs = {}
    for fmt in ("terminal", "markdown", "html", "json", "junit"):
        run = run_cli("report", str(answers), "--questionnaires", str(folder), "--format", fmt)
        assert run.code == 0, run.err
        outputs[fmt] = run.out
    data = json.loads(outputs["json"])
    rate = data["questionnaires"][0]["sections"][0]["questions"][0]
    assert (rate["answer"], rate["value"], rate["score"]) == ("not known", "unknown", 25.0)
    # markdown and HTML show it in the answers in detail
    assert "| What share of leads is won? | not known | 25.0 |" in outputs["markdown"]
    assert ">not known<" in outputs["html"]
    # the terminal shows no answers, but shows why the stage failed
    assert "critical metric s2.rate is not known" in " ".join(outputs["terminal"].split())
    xlsx = tmp_path / "r.xlsx"
    assert run_cli("report", str(answers), "--questionnaires", str(folder), "--format", "xlsx", "-o",
                   str(xlsx)).code == 0
    from openpyxl import load_workbook

    cells = [c.value for ws in load_workbook(xlsx).worksheets for row in ws.iter_rows() for c in row]
    assert "not known" in cells


def _best_answers(q: Questionnaire) -> dict[str, object]:
    """The answer that scores 1 for every scored question of a questionnaire (a reversed statement: its 0)."""
    best: dict[str, object] = {}
    for full, (_, question) in q.questions.items():
        if not question.scored:
            continue
        if question.type == "scale":
            levels = q.scales[question.scale or ""]
            best[full] = (levels[0] if question.reverse_scored else levels[-1]).value
        elif question.type == "yes_no":
            best[full] = "yes"
        elif question.type == "choice":
            best[full] = max(question.options or [], key=lambda o: o.score or 0).id
        elif question.type == "checklist":
            best[full] = [o.id for o in question.options or []]
        else:
            best[full] = max(question.bands or [], key=lambda b: b.score).min
    return best


def test_a_company_that_does_not_know_its_conversion_rates_cannot_reach_stage_4() -> None:
    from crmcheck.catalog import Catalog

    q = Catalog.from_options().get("revenue-marketing")
    best = _best_answers(q)
    lines = "\n".join(f"{full}: {json.dumps(value)}" for full, value in best.items())
    assert score(q, lines).stage.reached == 4
    # everything else at its best, one conversion rate not known: stage 3 fails, so the climb stops at 2
    unknown = score(q, lines.replace(f"demand-generation.lead-to-close: {best['demand-generation.lead-to-close']}",
                                     "demand-generation.lead-to-close: unknown"))
    assert unknown.stage.reached == 2
    assert unknown.stage.climb.startswith(
        "stage 3 failed: critical metric demand-generation.lead-to-close is not known")
    # a metric that is not critical counts at 0 and no more: days to close unknown leaves stage 3 passed
    # (the main section loses 1 of its 16 weight units: 100 * 15/16 = 93.75, shown 93.8; the stage stays above 70)
    slow = score(q, lines.replace(f"demand-generation.days-to-close: {best['demand-generation.days-to-close']}",
                                  "demand-generation.days-to-close: unknown"))
    assert slow.stage.reached == 4
    main = next(s for s in slow.sections if s.id == "demand-generation")
    weights = sum(x.weight for x in q.sections[1].questions if x.scored)
    assert weights == 16
    assert main.score == 93.8
