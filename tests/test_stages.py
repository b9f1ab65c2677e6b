"""The cumulative stage rule (DESIGN.md, Scoring), against hand-worked cases."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from crmcheck.aggregate import AnsweredQuestionnaire, AnswerSet, aggregate
from crmcheck.answers.model import parse_answers
from crmcheck.models.questionnaire import Questionnaire
from crmcheck.resolve import resolve
from crmcheck.scoring import section_flags, summarise, tally_sections
from crmcheck.yamlio import parse
from tests.conftest import questionnaire_from, run_cli
from tests.test_scoring import score, staged_header

# Stage 2 has a critical question; stage 3 has no `people` question; choice scores 0.6/0.7/0.8 make
# means that floating point puts just below 70.
STAGES = staged_header("stages") + """  - id: s2
    stage: 2
    title: Stage two
    questions:
      - {id: owner, text: Owner?, type: scale, scale: p, dimension: people, critical: true}
      - {id: plan, text: Plan?, type: scale, scale: p, dimension: strategy}
      - {id: goal, text: Goal?, type: scale, scale: p, dimension: strategy}
  - id: s3
    stage: 3
    title: Stage three
    questions:
      - {id: x, text: X?, type: choice, dimension: strategy, options: [{id: a, label: A, score: 0.6},
                                                                       {id: b, label: B, score: 0.7},
                                                                       {id: c, label: C, score: 0.8}]}
      - {id: y, text: Y?, type: choice, dimension: strategy, options: [{id: a, label: A, score: 0.6},
                                                                       {id: b, label: B, score: 0.7},
                                                                       {id: c, label: C, score: 0.8}]}
      - {id: z, text: Z?, type: choice, dimension: strategy, options: [{id: a, label: A, score: 0.6},
                                                                       {id: b, label: B, score: 0.7},
                                                                       {id: c, label: C, score: 0.8}]}
      - {id: why, text: Why?, type: choice, scored: false, options: [{id: m, label: M}, {id: n, label: N}]}
  - id: s4
    stage: 4
    title: Stage four
    questions:
      - {id: a, text: A?, type: scale, scale: p, dimension: strategy, recommendation: Do 4a}
      - {id: b, text: B?, type: scale, scale: p, dimension: people}
"""

TOP = "s2.owner: 2\ns2.plan: 2\ns2.goal: 2\ns3.x: a\ns3.y: b\ns3.z: c\ns4.a: 2\ns4.b: 2\n"


@pytest.fixture
def q() -> Questionnaire:
    return questionnaire_from(STAGES)


def statuses(result: object) -> list[str]:
    return [s.status for s in result.stage.stages]  # type: ignore[attr-defined]


def test_everything_at_the_top_reaches_the_top(q: Questionnaire) -> None:
    result = score(q, TOP)
    assert result.stage is not None
    # stage 3: (0.6 + 0.7 + 0.8) / 3 is exactly 70, the pass mark, though floating point says 69.999...
    assert result.stage.stages[2].score == 70.0
    assert statuses(result) == ["not applicable", "passed", "passed", "passed"]
    assert (result.stage.reached, result.stage.stopped_at, result.stage.next_steps) == (4, None, [])
    assert result.stage.climb == "stage 4 Four is the top stage: every stage up to it is passed or not applicable"
    assert result.stage.stages[0].reason == "the starting point, with no questions: always reached"
    assert result.stage.stages[2].reason == "score 70.0 at or above the pass mark 70 (3 of 3 answered)"


def test_top_stage_answers_with_the_stages_below_blank_reach_nothing(q: Questionnaire) -> None:
    # the case: stage 4 answered in full, stages 2 and 3 left blank
    result = score(q, "s4.a: 2\ns4.b: 2\n")
    assert result.stage is not None
    assert statuses(result) == ["not applicable", "not assessed", "not assessed", "passed"]
    assert result.stage.reached == 1 and result.stage.stopped_at == 2
    assert result.stage.climb == "stage 2 not assessed: answer its questions to know whether it is reached"
    assert result.stage.stages[1].reason == "none of its 3 questions answered"
    # the roadmap is stage 2's questions, every one unanswered
    assert result.stage.next_stage == 2
    assert [s.question for s in result.stage.next_steps] == ["s2.owner", "s2.plan", "s2.goal"]


def test_critical_question_at_zero_fails_its_stage(q: Questionnaire) -> None:
    # stage 2: owner 0 (critical), plan and goal full -> (0 + 1 + 1) / 3 = 66.7, and the critical rule
    result = score(q, TOP.replace("s2.owner: 2", "s2.owner: 0").replace("s2.goal: 2", "s2.goal: 2"))
    assert result.stage is not None
    assert statuses(result) == ["not applicable", "failed", "passed", "passed"]
    assert result.stage.reached == 1
    assert result.stage.stages[1].reason == "critical question s2.owner scored 0 (score 66.7, 3 of 3 answered)"
    assert result.stage.climb == "stage 2 failed: critical question s2.owner scored 0 (score 66.7, 3 of 3 answered)"


def test_critical_question_at_zero_fails_even_above_the_pass_mark() -> None:
    # owner weighs 1 of 10: (0 + 9 x 1) / 10 = 90 passes by score, yet the critical question at 0 fails it
    heavy = questionnaire_from(STAGES.replace("id: plan, text: Plan?, type: scale, scale: p,",
                                              "id: plan, text: Plan?, type: scale, scale: p, weight: 8,"))
    result = score(heavy, TOP.replace("s2.owner: 2", "s2.owner: 0"))
    assert result.stage is not None
    assert result.stage.stages[1].score == 90.0
    assert result.stage.stages[1].status == "failed" and result.stage.reached == 1


def test_stage_just_below_the_pass_mark_fails(q: Questionnaire) -> None:
    # stage 3: (0.6 + 0.6 + 0.8) / 3 = 66.7 < 70
    result = score(q, TOP.replace("s3.y: b", "s3.y: a"))
    assert result.stage is not None
    assert statuses(result) == ["not applicable", "passed", "failed", "passed"]
    assert (result.stage.reached, result.stage.stopped_at, result.stage.next_stage) == (2, 3, 3)
    assert result.stage.stages[2].reason == "score 66.7 below the pass mark 70 (3 of 3 answered)"
    # the roadmap: stage 3's questions below full marks; the profile question is never a step
    assert [s.question for s in result.stage.next_steps] == ["s3.x", "s3.y", "s3.z"]


def test_all_na_stage_is_passed_over_and_the_roadmap_skips_it(q: Questionnaire) -> None:
    answers = "s2.owner: 2\ns2.plan: 2\ns2.goal: 1\ns3.x: n/a\ns3.y: n/a\ns3.z: n/a\ns4.a: 1\n"
    result = score(q, answers)
    assert result.stage is not None
    # stage 2: (1 + 1 + 0.5) / 3 = 83.3 passes; stage 3 all n/a; stage 4: only a answered, 50 -> failed
    assert statuses(result) == ["not applicable", "passed", "not applicable", "failed"]
    assert result.stage.stages[2].reason == "all 3 questions n/a"
    assert result.stage.stages[3].reason == "score 50.0 below the pass mark 70 (1 of 2 answered)"
    assert (result.stage.reached, result.stage.stopped_at, result.stage.next_stage) == (2, 4, 4)
    assert [s.question for s in result.stage.next_steps] == ["s4.a", "s4.b"]
    # and with stage 4 full, the climb goes over stage 3 to the top
    top = score(q, answers.replace("s4.a: 1", "s4.a: 2\ns4.b: 2"))
    assert top.stage is not None and top.stage.reached == 4


def test_partly_answered_stage_is_judged_on_its_answers(q: Questionnaire) -> None:
    # stage 2: owner and plan full, goal blank -> 100 over 2 of 3 answered: passed
    result = score(q, "s2.owner: 2\ns2.plan: 2\n")
    assert result.stage is not None
    assert result.stage.stages[1].status == "passed"
    assert result.stage.stages[1].reason == "score 100.0 at or above the pass mark 70 (2 of 3 answered)"
    assert result.stage.reached == 2 and result.stage.stopped_at == 3
    assert result.stage.climb == "stage 3 not assessed: answer its questions to know whether it is reached"


def test_per_dimension_a_stage_without_its_questions_is_passed_over(q: Questionnaire) -> None:
    # people: s2.owner full, no people question in stage 3, s4.b full -> people reaches 4
    # strategy: s2 full, s3 = 66.7 fails -> strategy reaches 2
    result = score(q, TOP.replace("s3.y: b", "s3.y: a"))
    assert result.stage is not None
    assert result.stage.dimensions == {"strategy": 2, "people": 4}
    assert result.stage.matrix_status["people"] == {1: "not applicable", 2: "passed", 3: "not applicable",
                                                    4: "passed"}
    assert result.stage.matrix_status["strategy"] == {1: "not applicable", 2: "passed", 3: "failed", 4: "passed"}
    # people with s2.owner at 0: the critical question fails people's stage 2 (score 0 anyway)
    failed = score(q, TOP.replace("s2.owner: 2", "s2.owner: 0"))
    assert failed.stage is not None and failed.stage.dimensions == {"strategy": 4, "people": 1}
    # people not assessed at stage 2 stops people's climb even though its stage 4 is full
    blank = score(q, TOP.replace("s2.owner: 2\n", ""))
    assert blank.stage is not None and blank.stage.dimensions == {"strategy": 4, "people": 1}
    assert blank.stage.matrix_status["people"][2] == "not assessed"


@pytest.mark.parametrize("answers", [
    TOP,
    "s4.a: 2\ns4.b: 2\n",
    TOP.replace("s2.owner: 2", "s2.owner: 0"),
    "s2.owner: 2\ns2.plan: 2\ns2.goal: 1\ns3.x: n/a\ns3.y: n/a\ns3.z: n/a\ns4.a: 2\ns4.b: 2\n",
])
def test_summary_from_section_scores_agrees_with_the_full_result(q: Questionnaire, answers: str) -> None:
    # benchmark and portfolio work the stage out from section scores and flags alone
    result = score(q, answers)
    body = "".join(f"      {line}\n" for line in answers.splitlines())
    text = f"format: 1\ncompany: T\nassessed_on: 2026-01-01\nquestionnaires:\n  stages:\n    answers:\n{body}"
    source = parse_answers(parse(text, "a.yaml"))
    tallies = tally_sections(q, resolve(q, source.answers.questionnaires["stages"], source, "stages"))
    summary = summarise(q, [t.score for t in tallies], [section_flags(t) for t in tallies])
    assert result.stage is not None and summary.reached == result.stage.reached


def test_several_respondents_follow_the_rule_on_mean_scores(q: Questionnaire) -> None:

    def answered(answers: str) -> AnswerSet:
        body = "".join(f"      {line}\n" for line in answers.splitlines())
        text = f"format: 1\ncompany: T\nassessed_on: 2026-01-01\nquestionnaires:\n  stages:\n    answers:\n{body}"
        source = parse_answers(parse(text, "a.yaml"))
        responses = resolve(q, source.answers.questionnaires["stages"], source, "stages")
        return AnswerSet("a.yaml", "company", None, [AnsweredQuestionnaire(q, responses)])

    # one respondent scores the critical owner 0, the other 2: the mean, 0.5, is not 0, so stage 2 is
    # (0.5 + 1 + 1) / 3 = 83.3 and passes; with both at 0 it fails on the critical rule
    mixed = aggregate([answered(TOP.replace("s2.owner: 2", "s2.owner: 0")), answered(TOP)],
                      company="T", assessed_on=dt.date(2026, 1, 1)).questionnaires[0]
    assert mixed.stage is not None and mixed.stage.stages[1].score == 83.3 and mixed.stage.reached == 4
    both = aggregate([answered(TOP.replace("s2.owner: 2", "s2.owner: 0"))] * 2,
                     company="T", assessed_on=dt.date(2026, 1, 1)).questionnaires[0]
    assert both.stage is not None and both.stage.stages[1].status == "failed" and both.stage.reached == 1


def test_benchmark_combines_respondents_flags_as_the_mean_would(q: Questionnaire) -> None:
    from crmcheck.benchmark.build import _combined_flags
    from crmcheck.benchmark.records import QuestionnaireScores
    from crmcheck.scoring import CRITICAL_FAILED, NOT_APPLICABLE

    def entry(sections: tuple[float | None, ...], flags: tuple[int, ...]) -> QuestionnaireScores:
        return QuestionnaireScores("stages", sections, None, None, 0, 0, flags)

    # s2: both respondents failed its critical question -> still failed; s3: n/a for one only -> not n/a;
    # s4: n/a for both -> n/a
    both = [entry((0.0, 70.0, None), (CRITICAL_FAILED, 0, NOT_APPLICABLE)),
            entry((50.0, None, None), (CRITICAL_FAILED, NOT_APPLICABLE, NOT_APPLICABLE))]
    assert _combined_flags(both) == [CRITICAL_FAILED, 0, NOT_APPLICABLE]
    # only one respondent failed the critical question: the mean of its scores is not 0
    mixed = [entry((0.0, None, None), (CRITICAL_FAILED, 0, 0)), entry((100.0, None, None), (0, 0, 0))]
    assert _combined_flags(mixed) == [0, 0, 0]
    # s2 at 100 reaches stage 2 (s3 not assessed stops there) unless its critical flag fails it
    assert summarise(q, [100.0, None, None], _combined_flags(mixed)).reached == 2
    assert summarise(q, [100.0, None, None], [CRITICAL_FAILED, 0, 0]).reached == 1


@pytest.mark.parametrize("fmt", ["terminal", "markdown", "html", "json"])
def test_every_format_says_what_stopped_the_climb(fmt: str, tmp_path: Path) -> None:
    qdir = tmp_path / "questionnaires"
    qdir.mkdir()
    (qdir / "stages.yaml").write_text(STAGES)
    answers = tmp_path / "a.yaml"
    answers.write_text("format: 1\ncompany: Acme\nassessed_on: 2026-11-01\nquestionnaires:\n  stages:\n"
                       "    answers:\n      s4.a: 2\n      s4.b: 2\n")
    run = run_cli("report", str(answers), "--questionnaires", str(qdir), "--format", fmt)
    assert run.code == 0, run.err
    flat = " ".join(run.out.split())
    if fmt == "json":
        stage = json.loads(run.out)["questionnaires"][0]["stage"]
        assert stage["climb"] == "stage 2 not assessed: answer its questions to know whether it is reached"
        assert [(s["status"], s["reason"]) for s in stage["stages"]][1:] == [
            ("not assessed", "none of its 3 questions answered"), ("not assessed", "none of its 3 questions answered"),
            ("passed", "score 100.0 at or above the pass mark 70 (2 of 2 answered)")]
        return
    assert "stage 2 not assessed: answer its questions to know whether it is reached" in flat.replace(
        "Stage 2 not", "stage 2 not")
    for words in ("not assessed", "none of its 3 questions answered",
                  "score 100.0 at or above the pass mark 70 (2 of 2 answered)"):
        assert words in flat, words
    if fmt == "markdown":
        assert "| 2 Two | — | not assessed | none of its 3 questions answered |" in run.out
        assert "| 4 Four | 100.0 | passed | score 100.0 at or above the pass mark 70 (2 of 2 answered) |" in run.out
    if fmt == "html":
        assert '<td class="nowrap status-not-assessed">not assessed</td>' in run.out
