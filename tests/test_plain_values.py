"""Good input: YAML 1.1 look-alikes (no, on, 1:30, 010) stay text where text is expected; yes/no still answer."""

from __future__ import annotations

import json
from pathlib import Path

from crmcheck.answers.model import parse_answers
from crmcheck.yamlio import parse
from tests.conftest import questionnaire_from, questions_of, run_cli

TRAPS = """\
format: 1
company: no
assessed_on: 2026-11-01
assessor: on
respondent: {name: off, role: y, lens: company}
segment: {industry: 1:30, size: 010}
questionnaires:
  crm-mistakes:
    answers:
      best-customers.flagged: yes
      innovation.disruption-plan: no
      best-customers.defined: {value: 3, note: no, evidence: 010}
      four-ps.first-change: 1:30
"""


def test_traps_load_as_text_in_the_answers_model() -> None:
    answers = parse_answers(parse(TRAPS, "traps.yaml")).answers
    assert answers.company == "no"
    assert answers.assessor == "on"
    assert answers.respondent is not None
    assert (answers.respondent.name, answers.respondent.role) == ("off", "y")
    assert answers.segment is not None
    assert (answers.segment.industry, answers.segment.size) == ("1:30", "010")
    given = answers.questionnaires["crm-mistakes"].answers
    assert (given["best-customers.defined"].note, given["best-customers.defined"].evidence) == ("no", "010")


def test_traps_through_the_real_report(tmp_path: Path) -> None:
    path = tmp_path / "traps.yaml"
    path.write_text(TRAPS)

    assert run_cli("validate", str(path)).code == 0
    run = run_cli("report", str(path), "--format", "json")

    assert run.code == 0, run.err
    report = json.loads(run.out)
    assert report["company"] == "no"
    assert report["assessor"] == "on"
    assert report["respondent"] == {"name": "off", "role": "y", "lens": "company"}
    assert report["segment"] == {"industry": "1:30", "size": "010"}
    questions = questions_of(report["questionnaires"][0])
    assert (questions["best-customers.flagged"]["value"], questions["best-customers.flagged"]["score"]) == (True, 100)
    assert (questions["innovation.disruption-plan"]["value"], questions["innovation.disruption-plan"]["score"]) == (
        False, 0)
    assert questions["best-customers.defined"]["note"] == "no"
    assert questions["best-customers.defined"]["evidence"] == "010"
    assert questions["four-ps.first-change"]["value"] == "1:30"
    assert questions["four-ps.first-change"]["score"] is None


def test_yes_no_answers_in_every_spelling(tmp_path: Path) -> None:
    path = tmp_path / "spellings.yaml"
    path.write_text("format: 1\ncompany: Acme\nassessed_on: 2026-11-01\n"
                    "questionnaires:\n  crm-mistakes:\n    answers:\n"
                    "      best-customers.flagged: Yes\n      innovation.disruption-plan: false\n"
                    "      products-vs-customers.usage-tracking: true\n      experience-metrics.follow-up: NO\n")
    run = run_cli("report", str(path), "--format", "json")
    assert run.code == 0, run.err
    questions = questions_of(json.loads(run.out)["questionnaires"][0])
    asked = ("best-customers.flagged", "innovation.disruption-plan", "products-vs-customers.usage-tracking",
             "experience-metrics.follow-up")
    assert [questions[q]["value"] for q in asked] == [True, False, True, False]


def test_traps_load_as_text_in_a_questionnaire() -> None:
    questionnaire = questionnaire_from("""
        format: 1
        id: "010"
        title: no
        version: 1
        kind: scored
        source: on
        levels: [{level: 1, name: off, min: 0}]
        default_target: 1
        sections:
          - id: yes
            title: 1:30
            questions:
              - id: pick
                text: no
                type: choice
                unit: 010
                options:
                  - {id: yes, label: on, score: 1}
                  - {id: no, label: off, score: 0}
        """)
    assert (questionnaire.id, questionnaire.title, questionnaire.source) == ("010", "no", "on")
    assert questionnaire.levels[0].name == "off"
    section = questionnaire.sections[0]
    assert (section.id, section.title) == ("yes", "1:30")
    question = section.questions[0]
    assert (question.text, question.unit) == ("no", "010")
    assert [(o.id, o.label) for o in question.options or ()] == [("yes", "on"), ("no", "off")]
