"""Comparing two assessments: exact changes on the example company, and questions across questionnaire versions."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from crmcheck.baseline import compare_files
from crmcheck.catalog import Catalog
from crmcheck.errors import InputError
from crmcheck.models.result import Comparison
from tests.conftest import EXAMPLES, run_cli

OLD = str(EXAMPLES / "assessment-2025.yaml")
NEW = str(EXAMPLES / "assessment-2026.yaml")


@pytest.fixture(scope="module")
def brightwater() -> Comparison:
    return compare_files(OLD, NEW, Catalog.from_options())


def test_questionnaire_and_section_changes(brightwater: Comparison) -> None:
    assert (brightwater.company, str(brightwater.baseline_on), str(brightwater.assessed_on)) == (
        "Brightwater Field Systems", "2025-11-04", "2026-11-02")
    assert brightwater.days_between == 363
    mistakes, pitfalls, revenue = brightwater.questionnaires
    # the mean of ten sections; version 3 retired experience-metrics.targets (asked once, in cmr-pitfalls) and the
    # 2026 file answers findability-share `unknown` (0). Experience metrics, by hand: 2025 review 1 (0.25) and
    # change-effect 0 -> 12.5 (was 8.3 with targets "no"), +0.42 overall; 2026 first-reply 3.5 h, resolution 44 h,
    # satisfied 88 % and review 3 each 0.75, findability unknown 0, contact volume 1, follow-up yes 1, change-effect 2
    # (0.5) -> 5.5 / 8 = 68.75 (was 6.5 / 8 with targets "yes" and findability blank), -1.25 overall
    assert (mistakes.id, mistakes.score_before, mistakes.score_after, mistakes.score_change) == (
        "crm-mistakes", 28.8, 57.1, 28.3)
    experience = next(s for s in mistakes.sections if s.id == "experience-metrics")
    assert (experience.score_before, experience.score_after) == (12.5, round(100 * 5.5 / 8, 1)) == (12.5, 68.8)
    assert (mistakes.level.before, mistakes.level.after, mistakes.level.change) == (2, 3, 1)
    strengths = next(s for s in mistakes.sections if s.id == "strengths")
    assert (strengths.score_before, strengths.score_after, strengths.score_change) == (50.0, 28.6, -21.4)
    assert (strengths.level.before, strengths.level.after, strengths.risk_before, strengths.risk_after) == (
        3, 2, "medium", "high")
    assert strengths.trend == "declined"
    best = next(s for s in mistakes.sections if s.id == "best-customers")
    assert (best.score_change, best.level.change, best.trend) == (50.0, 2, "improved")
    channels = next(s for s in pitfalls.sections if s.id == "channels")
    # by hand, under version 3: 2025 partner-record 3 (0.75, weight 2), ownership-rules yes, partner-logged-share 80
    # (band 75: 0.75), consistent-terms 2 (0.5) -> 3.75 / 5; 2026 partner-record 1 (0.25, weight 2), ownership-rules
    # yes, double-approach 2 (0.5, the middle of the scale whichever way it is keyed), partner-logged-share 40 (band
    # 25: 0.25), consistent-terms 2 -> 2.75 / 6; channel-switch is retired, partner-service n/a both years
    assert (channels.score_before, channels.score_after, channels.level.change) == (
        round(100 * 3.75 / 5, 1), round(100 * 2.75 / 6, 1), -2) == (75.0, 45.8, -2)
    assert revenue.stage is not None
    assert (revenue.stage.reached.before, revenue.stage.reached.after, revenue.stage.reached.change) == (2, 2, 0)
    assert (revenue.stage.dimensions["technology"].before, revenue.stage.dimensions["technology"].after) == (1, 4)
    # the stage-4 must-haves, by hand: 2025 capabilities 8 of 13 (weight 2), roadmap, data-hygiene,
    # personalisation, platform-reporting 2 each (0.5), segments unanswered: (2*8/13 + 4*0.5) / 6 = 53.8;
    # 2026 capabilities 7 of 13, roadmap 1, segments 2, data-hygiene 2, personalisation 1, platform-reporting 3:
    # (2*7/13 + 0.25 + 0.5 + 0.5 + 0.25 + 0.75) / 7 = 47.5
    automation = next(s for s in revenue.sections if s.id == "revenue-marketing-automation")
    assert (automation.score_before, automation.score_after) == (
        round(100 * (2 * 8 / 13 + 4 * 0.5) / 6, 1), round(100 * (2 * 7 / 13 + 2.25) / 7, 1)) == (53.8, 47.5)
    assert (automation.score_change, automation.level.before, automation.level.after, automation.stage) == (
        -6.3, 3, 2, 4)


def test_changed_answers_listed_with_before_and_after(brightwater: Comparison) -> None:
    mistakes, pitfalls, revenue = brightwater.questionnaires
    # revenue-marketing: 42 of its 52 version-3 questions changed, 25 answered both years with a different answer
    # and 17 blank in 2025 but answered in 2026 (the version-3 questions the 2025 answers never had)
    assert [len(q.answers_changed) for q in brightwater.questionnaires] == [57, 51, 42]
    rating = next(a for a in mistakes.answers_changed if a.question == "strengths.customer-rating")
    assert (rating.before, rating.after, rating.score_before, rating.score_after) == ("2 Documented", "1 Ad hoc", 50.0,
                                                                                      25.0)
    # unchanged answers are not listed; a note changing alone is not an answer change
    assert "strengths.weaknesses" not in {a.question for a in mistakes.answers_changed}
    assert "personalisation.mobile" not in {a.question for a in mistakes.answers_changed}
    assert all(q.questions_added == q.questions_removed == [] for q in brightwater.questionnaires)


def test_regressions_are_the_steps_back(brightwater: Comparison) -> None:
    assert [(r.questionnaire, r.section, r.kind) for r in brightwater.regressions] == [
        ("crm-mistakes", "strengths", "level"),
        ("crm-mistakes", "strengths", "risk"),
        ("cmr-pitfalls", "channels", "level"),
        ("revenue-marketing", "revenue-marketing-automation", "level"),
    ]
    assert brightwater.regressions[0].text == "crm-mistakes/strengths: level 3 Defined → 2 Developing"
    assert brightwater.regressions[1].text == "crm-mistakes/strengths: risk medium → high"


def test_compared_with_itself_nothing_changes() -> None:
    same = compare_files(NEW, NEW, Catalog.from_options())
    assert same.days_between == 0
    assert same.regressions == []
    assert all(q.answers_changed == [] and q.score_change == 0 for q in same.questionnaires)
    assert {s.trend for q in same.questionnaires for s in q.sections} == {"unchanged"}


QUESTIONNAIRE = """\
format: 1
id: acme
title: Acme practice
version: {version}
kind: scored
source: Test source
scales:
  practice:
    - {{value: 0, label: "Not done", score: 0}}
    - {{value: 1, label: "Ad hoc", score: 0.25}}
    - {{value: 2, label: "Defined", score: 0.5}}
    - {{value: 3, label: "Practised", score: 0.75}}
    - {{value: 4, label: "Measured", score: 1}}
levels:
  - {{level: 1, name: Initial, min: 0}}
  - {{level: 2, name: Developing, min: 25}}
  - {{level: 3, name: Defined, min: 50}}
  - {{level: 4, name: Managed, min: 70}}
default_target: 3
sections:
{sections}
"""
V1_SECTIONS = """\
  - id: alpha
    title: Alpha
    questions:
      - {id: one, text: "One?", type: scale, scale: practice}
      - {id: old-name, text: "Old wording?", type: yes_no}
  - id: beta
    title: Beta
    questions:
      - {id: gone, text: "Gone?", type: yes_no}
"""
V2_SECTIONS = """\
  - id: alpha
    title: Alpha
    questions:
      - {id: one, text: "One?", type: scale, scale: practice}
      - {id: new-name, text: "New wording?", type: yes_no, renamed_from: [alpha.old-name]}
      - {id: three, text: "Three?", type: yes_no}
"""
ANSWERS = """\
format: 1
company: Acme
assessed_on: {date}
questionnaires:
  acme:
    version: {version}
    answers:
{answers}
"""


@pytest.fixture
def versions(tmp_path: Path) -> Path:
    for folder, version, sections in (("v1", 1, V1_SECTIONS), ("v2", 2, V2_SECTIONS)):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "acme.yaml").write_text(QUESTIONNAIRE.format(version=version, sections=sections))
    (tmp_path / "2025.yaml").write_text(ANSWERS.format(date="2025-03-01", version=1, answers=textwrap.indent(
        "alpha.one: 2\nalpha.old-name: no\nbeta.gone: yes\n", " " * 6)))
    (tmp_path / "2026.yaml").write_text(ANSWERS.format(date="2026-03-01", version=2, answers=textwrap.indent(
        "alpha.one: 3\nalpha.new-name: yes\nalpha.three: yes\n", " " * 6)))
    return tmp_path


def test_added_removed_and_renamed_questions_across_versions(versions: Path) -> None:
    catalog = Catalog([versions / "v2"])
    comparison = compare_files(str(versions / "2025.yaml"), str(versions / "2026.yaml"), catalog,
                               catalog.with_earlier_versions([versions / "v1"]))
    (acme,) = comparison.questionnaires
    assert (acme.version_before, acme.version_after) == (1, 2)
    assert acme.questions_added == ["alpha.three"]
    assert acme.questions_removed == ["beta.gone"]
    assert [(r.previous_id, r.question) for r in acme.questions_renamed] == [("alpha.old-name", "alpha.new-name")]
    assert [(a.question, a.previous_id, a.before, a.after) for a in acme.answers_changed] == [
        ("alpha.one", None, "2 Defined", "3 Practised"),
        ("alpha.new-name", "alpha.old-name", "no", "yes"),
    ]
    assert [(s.id, s.presence) for s in acme.sections] == [("alpha", "both"), ("beta", "removed")]
    # a section that only the old version has is not a step back
    assert comparison.regressions == []


def test_old_answers_to_a_removed_question_need_the_old_version(versions: Path) -> None:
    catalog = Catalog([versions / "v2"])
    with pytest.raises(InputError) as caught:
        compare_files(str(versions / "2025.yaml"), str(versions / "2026.yaml"), catalog)
    lines = caught.value.lines()
    assert lines[0] == f"{versions / '2025.yaml'}:10:7: no question 'beta.gone' in acme v2"
    assert lines[1] == (f"note: {versions / '2025.yaml'} answers acme version 1, but version 2 is loaded; give the "
                        "version-1 questionnaire with --baseline-questionnaires DIR")
    assert lines[2] == f"the baseline {versions / '2025.yaml'} cannot be used: fix it, or give another one"


def test_compare_cli_across_versions(versions: Path) -> None:
    run = run_cli("compare", "2025.yaml", "2026.yaml", "--questionnaires", "v2", "--baseline-questionnaires", "v1",
                  "--format", "json", cwd=versions)
    assert run.code == 0, run.err
    data = json.loads(run.out)
    assert data["format"] == 1
    assert data["questionnaires"][0]["questions_renamed"] == [{"previous_id": "alpha.old-name",
                                                               "question": "alpha.new-name"}]
    run = run_cli("compare", "2025.yaml", "2026.yaml", "--questionnaires", "v2", cwd=versions)
    assert run.code == 2
    assert "give the version-1 questionnaire with --baseline-questionnaires DIR" in run.err
    assert "Traceback" not in run.err
