"""Scoring against hand-worked numbers, including band edges that naive floating point misses."""

from __future__ import annotations

import textwrap

import pytest

from crmcheck.answers.model import parse_answers
from crmcheck.models.questionnaire import Questionnaire
from crmcheck.models.result import QuestionnaireResult
from crmcheck.resolve import resolve
from crmcheck.scoring import score_questionnaire
from crmcheck.yamlio import parse
from tests.conftest import questionnaire_from


def score(q: Questionnaire, answers: str, targets: str = "{}") -> QuestionnaireResult:
    body = textwrap.indent(textwrap.dedent(answers).strip(), " " * 6)
    text = (f"format: 1\ncompany: T\nassessed_on: 2026-01-01\nquestionnaires:\n  {q.id}:\n"
            f"    targets: {targets}\n    answers:\n{body}\n")
    source = parse_answers(parse(text, "answers.yaml"))
    given = source.answers.questionnaires[q.id]
    return score_questionnaire(q, resolve(q, given, source, q.id), given.targets)


FULL = """
alpha.one: 3
alpha.two: yes
alpha.three: [a, c]
alpha.note: "free text is not scored"
beta.pick1: x
beta.pick2: y
beta.pick3: z
beta.days: n/a
"""


def test_section_scores_hand_worked(small: Questionnaire) -> None:
    result = score(small, FULL)
    alpha, beta = result.sections
    # alpha: weights 2, 1, 1 on 0.75, 1, (2+1)/4 = 0.75 -> 100 * 3.25 / 4
    assert alpha.score == 81.3  # 81.25, halves rounded up
    assert (alpha.level, alpha.level_name, alpha.risk, alpha.gap) == (4, "Managed", "low", 0)
    # beta: 0.6, 0.7, 0.8 -> exactly 70, which naive floating point puts at 69.99999999999999
    assert (0.6 + 0.7 + 0.8) / 3 * 100 < 70
    assert beta.score == 70.0
    assert (beta.level, beta.risk) == (4, "low")
    # questionnaire: section weights 2 and 1 -> (2 * 81.25 + 70) / 3 = 77.5
    assert result.score == 77.5
    assert result.level == 4
    assert result.completeness == 1.0
    assert beta.not_applicable == 1
    assert [n.question for n in result.not_applicable] == ["beta.days"]
    assert result.recommendations == []


def test_band_edge_sits_in_the_band_that_starts_there(small: Questionnaire) -> None:
    # exactly 40 is medium risk (high is *below* 40): 0.25 + 0.5 + ... arranged to give 40
    result = score(small, "beta.pick1: x\nbeta.pick2: x\nbeta.days: 3\n")
    # (0.6 + 0.6 + 0.5) / 3 = 56.67
    assert result.sections[1].score == 56.7
    assert result.sections[1].risk == "medium"


def test_critical_question_at_zero_makes_risk_high(small: Questionnaire) -> None:
    result = score(small, "alpha.one: 0\nalpha.two: yes\nalpha.three: [a, b, c]\n")
    alpha = result.sections[0]
    # (2*0 + 1 + 1) / 4 = 50 -> medium by bands, but the critical question scored 0
    assert alpha.score == 50.0
    assert alpha.risk == "high"


def test_recommendation_priority_formula_and_order(small: Questionnaire) -> None:
    result = score(small, FULL, targets="{beta: 5}")
    beta = result.sections[1]
    assert (beta.target, beta.gap) == (5, 1)
    # priority = section weight 1 x question weight 1 x (1 - s) x (1 + gap 1)
    assert [(r.question, r.priority) for r in result.recommendations] == [
        ("beta.pick1", 0.8), ("beta.pick2", 0.6), ("beta.pick3", 0.4),
    ]
    assert result.recommendations[0].text == "Pick better."


def test_unanswered_and_not_assessed(small: Questionnaire) -> None:
    result = score(small, "alpha.two: no\nbeta.pick1: n/a\nbeta.pick2: n/a\nbeta.pick3: n/a\nbeta.days: n/a\n")
    alpha, beta = result.sections
    assert alpha.score == 0.0 and alpha.completeness == pytest.approx(1 / 3, abs=1e-3)
    assert beta.score is None and beta.level is None and beta.risk is None and beta.gap is None
    assert result.score == 0.0  # only assessed sections count
    assert result.unanswered == ["alpha.one", "alpha.three"]
    assert result.completeness == pytest.approx(1 / 3, abs=1e-3)


def test_number_bands_pick_greatest_min_not_above_value(small: Questionnaire) -> None:
    for days, expected in ((0, 100.0), (2.99, 100.0), (3, 50.0), (9, 50.0), (10, 0.0), (400, 0.0)):
        result = score(small, f"beta.days: {days}\n")
        assert result.sections[1].score == expected, days


# The header of a four-stage questionnaire (scale, levels, pass mark, dimensions, stages): sections follow.
STAGED_HEADER = """
format: 1
id: staged
title: Staged
version: 1
kind: staged
source: S
scales:
  p:
    - {value: 0, label: No, score: 0}
    - {value: 1, label: Half, score: 0.5}
    - {value: 2, label: Full, score: 1}
levels:
  - {level: 1, name: Initial, min: 0}
  - {level: 2, name: Good, min: 50}
default_target: 4
pass_mark: 70
dimensions: [strategy, people]
stages:
  - {number: 1, id: one, name: One}
  - {number: 2, id: two, name: Two}
  - {number: 3, id: three, name: Three}
  - {number: 4, id: four, name: Four}
sections:
"""


def staged_header(qid: str) -> str:
    """STAGED_HEADER under another id and title."""
    return STAGED_HEADER.replace("id: staged\ntitle: Staged", f"id: {qid}\ntitle: {qid.title()}")


STAGED = STAGED_HEADER + """  - id: s2
    stage: 2
    title: Stage two
    questions:
      - {id: a, text: A, type: scale, scale: p, dimension: strategy}
      - {id: b, text: B, type: scale, scale: p, dimension: people}
  - id: s3
    stage: 3
    title: Stage three
    questions:
      - {id: a, text: A, type: scale, scale: p, dimension: strategy, recommendation: Do 3a}
      - {id: b, text: B, type: scale, scale: p, dimension: people}
  - id: s4
    stage: 4
    title: Stage four
    questions:
      - {id: a, text: A, type: scale, scale: p, dimension: strategy}
      - {id: b, text: B, type: scale, scale: p, dimension: people}
"""


@pytest.fixture
def staged() -> Questionnaire:
    return questionnaire_from(STAGED)


def test_stage_stops_at_first_failed_stage_with_evidence(staged: Questionnaire) -> None:
    result = score(staged, "s2.a: 2\ns2.b: 2\ns3.a: 2\ns3.b: 0\ns4.a: 2\ns4.b: 2\n")
    assert result.stage is not None
    assert result.stage.reached == 2 and result.stage.name == "Two"
    # stage 1 is the baseline, without questions; stage 3 = 50 fails; stage 4 passes but is not reached
    assert [s.passed for s in result.stage.stages] == [False, True, False, True]
    assert [s.status for s in result.stage.stages] == ["not applicable", "passed", "failed", "passed"]
    assert result.stage.stopped_at == 3
    # per dimension: strategy passes every stage, people fails stage 3
    assert result.stage.dimensions == {"strategy": 4, "people": 2}
    assert result.stage.matrix["people"] == {1: None, 2: 100.0, 3: 0.0, 4: 100.0}
    # roadmap: questions of stage 3 below full marks
    assert [s.question for s in result.stage.next_steps] == ["s3.b"]
    assert result.stage.gap == 2


def test_stage_without_evidence_does_not_block(staged: Questionnaire) -> None:
    result = score(staged, "s2.a: 2\ns2.b: 1\ns3.a: n/a\ns3.b: n/a\ns4.a: 2\ns4.b: 2\n")
    assert result.stage is not None
    # stage 2 = 75 passes, stage 3 has no evidence, stage 4 passes -> 4
    assert result.stage.reached == 4
    assert result.stage.next_steps == []


def test_nothing_answered_reaches_stage_one(staged: Questionnaire) -> None:
    result = score(staged, "s2.a:\n")
    assert result.stage is not None
    assert result.stage.reached == 1
    assert [s.question for s in result.stage.next_steps] == ["s2.a", "s2.b"]


def test_staged_section_gap_counts_stages_to_reach(staged: Questionnaire) -> None:
    result = score(staged, "s2.a: 2\ns2.b: 2\ns3.a: 1\ns3.b: 1\ns4.a: 0\ns4.b: 0\n", targets="{s4: 3}")
    gaps = {s.id: s.gap for s in result.sections}
    # reached 2; target stage 4 by default, 3 for s4
    assert gaps == {"s2": 0, "s3": 1, "s4": 1}
    assert all(s.risk is None for s in result.sections)
    # (1 - s) x (1 + gap): s4 questions at 0 give 2, s3 questions at 0.5 give 1; ties keep questionnaire order
    assert [(r.question, r.priority) for r in result.recommendations] == [
        ("s4.a", 2.0), ("s4.b", 2.0), ("s3.a", 1.0), ("s3.b", 1.0),
    ]
