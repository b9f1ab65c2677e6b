"""Load-time checks of number ranges (`min`, `max`) and profile questions (`scored: false`)."""

from __future__ import annotations

import pytest

from crmcheck.errors import InputError
from tests.conftest import STANDARD_LEVELS, questionnaire_from

HEAD = """
format: 1
id: fields
title: Fields
version: 1
kind: scored
source: Test source
""" + STANDARD_LEVELS + """default_target: 4
sections:
  - id: s
    title: S
    questions:
"""


def load(*questions: str) -> object:
    return questionnaire_from(HEAD + "".join(f"      - {q}\n" for q in questions))


def problems(*questions: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        load(*questions)
    return [f"{p.line}:{p.column}: {p.message}" for p in caught.value.problems]


def test_percent_means_zero_to_hundred_unless_min_or_max_say_otherwise() -> None:
    q = questionnaire_from(HEAD + """\
      - {id: pct, text: P, type: number, unit: "%", bands: [{min: 0, score: 0}]}
      - {id: change, text: C, type: number, unit: "%", min: -100, bands: [{min: -100, score: 0}]}
      - {id: days, text: D, type: number, unit: days, bands: [{min: 0, score: 0}]}
      - {id: capped, text: K, type: number, max: 10, bands: [{min: 0, score: 0}]}
""")
    ranges = {full: question.value_range for full, (_, question) in q.questions.items()}  # type: ignore[attr-defined]
    assert ranges == {"s.pct": (0, 100), "s.change": (-100, 100), "s.days": (None, None), "s.capped": (None, 10)}


def at(questions: list[str], index: int, fragment: str) -> str:
    """'LINE:COL' of `fragment` in the index-th question line (questions start on line FIRST, after '      - ')."""
    return f"{FIRST + index}:{len('      - ') + questions[index].index(fragment) + 1}"


FIRST = HEAD.count("\n") + 1  # questionnaire_from dedents, the leading newline stays line 1


def test_range_problems_point_at_the_field() -> None:
    questions = [
        '{id: a, text: A, type: number, unit: "%", bands: [{min: 0, score: 0}, {min: 150, score: 1}]}',
        "{id: b, text: B, type: number, min: 5, max: 1, bands: [{min: 5, score: 0}]}",
        "{id: c, text: C, type: number, min: 10, bands: [{min: 0, score: 0}]}",
        "{id: d, text: D, type: yes_no, max: 3}",
    ]
    assert problems(*questions) == [
        f"{at(questions, 0, '150')}: band min 150 is outside the question's range 0 to 100",
        f"{at(questions, 1, '5, max')}: min (5) must not be above max (1)",
        f"{at(questions, 2, '0, score')}: band min 0 is outside the question's range at least 10",
        f"{at(questions, 3, 'max')}: 'max' is only for number questions (this one is yes_no)",
    ]


def test_profile_question_needs_no_scores_and_counts_in_nothing() -> None:
    staged = (HEAD.replace("kind: scored", "kind: staged\npass_mark: 70\ndimensions: [people]\n"
                           "stages: [{number: 1, id: one, name: One}, {number: 2, id: two, name: Two}]")
              .replace("default_target: 4", "default_target: 2").replace("title: S\n", "title: S\n    stage: 2\n"))
    q = questionnaire_from(staged + """\
      - {id: why, text: Why?, type: choice, scored: false, options: [{id: price, label: Price}, {id: a, label: A}]}
      - {id: which, text: Which?, type: checklist, scored: false, options: [{id: a, label: A}, {id: b, label: B}]}
      - {id: real, text: Real?, type: yes_no, dimension: people}
""")
    questions = q.questions  # type: ignore[attr-defined]
    why, which, real = (questions[f"s.{name}"][1] for name in ("why", "which", "real"))
    assert (why.profile, why.scored, which.profile, which.scored) == (True, False, True, False)
    assert (real.profile, real.scored) == (False, True)
    section = q.sections[0]  # type: ignore[attr-defined]
    assert [full for full, _ in section.scored_questions] == ["s.real"]


def test_profile_question_rejects_what_only_scoring_uses() -> None:
    found = problems(
        "{id: a, text: A, type: choice, scored: false, weight: 2, critical: true, "
        "options: [{id: x, label: X, score: 1}]}",
        "{id: b, text: B, type: checklist, scored: false, options: [{id: x, label: X, weight: 2}]}",
        "{id: c, text: C, type: scale, scored: false, scale: nope}",
    )
    assert [line.split(": ", 1)[1] for line in found] == [
        "a profile question (scored: false) reports its answers, not scores: remove the option's score",
        "a profile question (scored: false) is left out of every score, so a weight has no effect: remove it",
        "'critical' only applies to scored questions; a profile question (scored: false) is not scored",
        "a profile question (scored: false) is not scored: remove the option's weight",
        "unknown scale 'nope' (scales: none declared)",
        "'scored' is only for choice and checklist questions (this one is scale); 'scored: false' makes a "
        "profile question",
    ]


def test_retired_ids_are_checked_with_their_positions() -> None:
    text = HEAD.replace("sections:\n", "retired: [s.kept, s.moved, old.gone, old.gone]\nsections:\n") + (
        "      - {id: kept, text: K, type: yes_no}\n"
        "      - {id: new, text: N, type: yes_no, renamed_from: [s.moved]}\n")
    with pytest.raises(InputError) as caught:
        questionnaire_from(text)
    line = text.splitlines().index("retired: [s.kept, s.moved, old.gone, old.gone]") + 1
    assert [f"{p.line}:{p.column}: {p.message}" for p in caught.value.problems] == [
        f"{line}:11: retired 's.kept' is still a current question id",
        f"{line}:19: retired 's.moved' is also a renamed_from: an old id either moved or was dropped",
        f"{line}:38: retired 'old.gone' is listed twice",
    ]
    fine = questionnaire_from(text.replace("[s.kept, s.moved, old.gone, old.gone]", "[old.gone]"))
    assert fine.retired == ["old.gone"]
