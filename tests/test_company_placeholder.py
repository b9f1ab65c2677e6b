"""`{company}` in a question's wording reads as the assessed company's name: in `new`, in reports, in a survey
template and when an import matches survey columns to questions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crmcheck.models.questionnaire import with_company
from tests.conftest import questionnaire_dir, run_cli

LOYAL = "Would you stay with {company} if a rival offered the same for less?"
QUESTIONNAIRE = """\
format: 1
id: loyal
title: Loyalty
version: 1
kind: scored
source: Test
lenses: [company, customer]
scales:
  s: [{value: 0, label: "No", score: 0}, {value: 1, label: "Yes", score: 1}]
levels: [{level: 1, name: Initial, min: 0}, {level: 2, name: Good, min: 50}]
default_target: 2
sections:
  - id: stay
    title: Staying
    questions:
      - id: rival
        text:
          company: Would our customers stay with us if a rival offered the same for less?
          customer: "LOYAL"
        type: scale
        scale: s
        recommendation: Find out why customers leave.
""".replace("LOYAL", LOYAL)


@pytest.fixture
def qdir(tmp_path: Path) -> Path:
    return questionnaire_dir(tmp_path / "q", loyal=QUESTIONNAIRE)


@pytest.mark.parametrize(("company", "expected"), [
    ("Acme Corp", "Would you stay with Acme Corp if a rival"),
    ("  Acme\n  Corp ", "Would you stay with Acme Corp if a rival"),
    ("", "Would you stay with the company if a rival"),
    (None, "Would you stay with the company if a rival"),
])
def test_with_company(company: str | None, expected: str) -> None:
    assert with_company(LOYAL, company).startswith(expected)
    assert with_company("No placeholder {here}", company) == "No placeholder {here}"


def test_new_writes_the_company_into_the_customer_wording(tmp_path: Path, qdir: Path) -> None:
    out = tmp_path / "c.yaml"
    run = run_cli("new", "loyal", "--lens", "customer", "--company", "Acme Corp", "--questionnaires", str(qdir),
                  "-o", str(out))
    assert run.code == 0, run.err
    text = out.read_text()
    assert "# Would you stay with Acme Corp if a rival offered the same for less?" in text
    assert "{company}" not in text


def test_reports_use_the_name_of_the_company_in_the_answers(tmp_path: Path, qdir: Path) -> None:
    answers = tmp_path / "c.yaml"
    answers.write_text("format: 1\ncompany: Brightwater\nassessed_on: 2026-11-02\nrespondent: {lens: customer}\n"
                       "questionnaires:\n  loyal:\n    answers:\n      stay.rival: 0\n")
    data = json.loads(run_cli("report", str(answers), "--format", "json", "--questionnaires", str(qdir)).out)
    texts = [q["text"] for q in data["questionnaires"][0]["sections"][0]["questions"]]
    assert texts == ["Would you stay with Brightwater if a rival offered the same for less?"]
    markdown = run_cli("report", str(answers), "--format", "markdown", "--questionnaires", str(qdir)).out
    assert "Would you stay with Brightwater if a rival" in markdown and "{company}" not in markdown


def test_survey_template_and_import_agree(tmp_path: Path, qdir: Path) -> None:
    template = tmp_path / "survey.csv"
    run = run_cli("new", "loyal", "--lens", "customer", "--company", "Acme Corp", "--survey-template",
                  str(template), "--questionnaires", str(qdir))
    assert run.code == 0, run.err
    header = template.read_text().splitlines()[0]
    assert header == "Would you stay with Acme Corp if a rival offered the same for less?"
    # an export of that survey (and one built before the name was known) imports by wording
    for wording in (header, with_company(LOYAL, None)):
        export = tmp_path / "export.csv"
        export.write_text(f'"{wording}"\nYes\n')
        out = tmp_path / f"out-{len(wording)}"
        imported = run_cli("import", str(export), "-q", "loyal", "--lens", "customer", "--company", "Acme Corp",
                           "-o", str(out), "--questionnaires", str(qdir))
        assert imported.code == 0, imported.err
        assert "1 of 1 questions matched" in imported.err
