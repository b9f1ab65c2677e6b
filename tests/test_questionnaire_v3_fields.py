"""Load-time checks of the version-3 question fields: anchors, evidence requests, recommendations by level,
respondent wording, reverse scoring, `unknown_scores` and `measure`."""

from __future__ import annotations

import pytest

from crmcheck.errors import InputError
from crmcheck.models.questionnaire import Questionnaire
from tests.conftest import STANDARD_LEVELS, questionnaire_from

HEAD = """
format: 1
id: fields
title: Fields
version: 1
kind: scored
source: Test source
scales:
  p:
    - {value: 0, label: Never, score: 0}
    - {value: 1, label: Sometimes, score: 0.5}
    - {value: 2, label: Always, score: 1}
""" + STANDARD_LEVELS + """default_target: 4
sections:
  - id: s
    title: S
    questions:
"""
SCALE = "{id: q, text: Q, type: scale, scale: p"
NUMBER = "{id: n, text: N, type: number, bands: [{min: 0, score: 0}, {min: 5, score: 1}]"


def load(*questions: str, head: str = HEAD) -> Questionnaire:
    return questionnaire_from(head + "".join(f"      - {q}\n" for q in questions))  # type: ignore[no-any-return]


def problems(*questions: str, head: str = HEAD) -> list[str]:
    with pytest.raises(InputError) as caught:
        load(*questions, head=head)
    return [f"{p.line}:{p.column}: {p.message}" for p in caught.value.problems]


def test_anchors_describe_every_scale_value_and_are_looked_up_by_value() -> None:
    q = load(SCALE + ", anchors: {0: none kept, 1: a list nobody uses, 2: used in planning}}")
    question = q.questions["s.q"][1]
    assert question.anchor(1) == "a list nobody uses"
    assert question.anchor(3) is None


def test_anchors_for_some_values_only_name_the_missing_ones() -> None:
    assert problems(SCALE + ", anchors: {0: a, 2: c}}") == [
        "24:58: anchors must describe every scale value or none: missing 1"]


def test_an_anchor_for_a_value_the_scale_lacks_is_an_error_at_its_key() -> None:
    assert problems(SCALE + ", anchors: {0: a, 1: b, 2: c, 7: d}}") == [
        "24:77: anchor for unknown scale value '7' (expected: 0, 1, 2)"]


def test_choice_anchors_are_keyed_by_option_id() -> None:
    choice = ("{id: c, text: C, type: choice, options: [{id: x, label: X, score: 0}, {id: y, label: Y, score: 1}], "
              "anchors: {x: nothing, z: other}}")
    assert problems(choice)[0].endswith("anchor for unknown option 'z' (expected: x, y)")


def test_anchors_on_a_number_or_text_question_are_refused() -> None:
    assert problems(NUMBER + ", anchors: {0: a}}")[0].endswith(
        "'anchors' are for scored scale and choice questions (this one is number)")


def test_recommendation_by_level_picks_the_text_for_the_answers_score() -> None:
    q = load(SCALE + ", recommendation: {start: Begin, routine: Habit, improve: Measure}}")
    question = q.questions["s.q"][1]
    assert [question.recommendation_for(s) for s in (None, 0, 0.49, 0.5, 0.74, 0.75, 0.9)] == [
        "Begin", "Begin", "Begin", "Habit", "Habit", "Measure", "Measure"]


def test_a_recommendation_by_level_needs_all_three_texts() -> None:
    assert any("routine" in p for p in problems(SCALE + ", recommendation: {start: Begin, improve: Measure}}"))


def test_a_plain_recommendation_stays_valid() -> None:
    assert load(SCALE + ", recommendation: Do it}").questions["s.q"][1].recommendation_for(0) == "Do it"


def test_reverse_scored_unknown_scores_and_measure_belong_to_their_types() -> None:
    assert problems(NUMBER + ", reverse_scored: true}")[0].endswith(
        "'reverse_scored' is for scale questions (this one is number)")
    assert problems(SCALE + ", unknown_scores: 0}")[0].endswith(
        "'unknown_scores' is for number questions (this one is scale)")
    assert problems(SCALE + ", measure: win-rate}")[0].endswith(
        "'measure' is for number questions (this one is scale)")


def test_measure_names_a_known_metric_with_a_did_you_mean() -> None:
    assert load(NUMBER + ", measure: win-rate, unknown_scores: 0}").questions["s.n"][1].measure == "win-rate"
    assert "unknown metric 'win-rat'; did you mean 'win-rate'?" in problems(NUMBER + ", measure: win-rat}")[0]


def test_respondent_wording_fills_the_company_and_follows_the_lens() -> None:
    head = HEAD.replace("source: Test source\n", "source: Test source\nlenses: [company, customer]\n").replace(
        "    title: S\n", "    title: S\n    respondent_intro: {customer: 'About {company}'}\n")
    q = load(SCALE + ", respondent_help: {company: Count them, customer: 'Think of {company}'}}", head=head)
    question = q.questions["s.q"][1]
    assert question.respondent_wording("customer", "Acme") == "Think of Acme"
    assert question.respondent_wording("company", "Acme") == "Count them"
    assert q.sections[0].respondent_wording("customer", "Acme") == "About Acme"
    assert q.sections[0].respondent_wording("company", "Acme") is None


def test_respondent_wording_per_lens_needs_declared_lenses() -> None:
    assert problems(SCALE + ", respondent_help: {customer: Hi}}")[0].endswith(
        "respondent_help given per lens, but the questionnaire declares no 'lenses' (add, for example, "
        "'lenses: [company, customer]' at the top level)")
