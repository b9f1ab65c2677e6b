"""Number questions' valid range: an answer outside [min, max] is an error wherever it is given."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crmcheck.interview import read_reply
from crmcheck.models.questionnaire import Questionnaire
from tests.conftest import STANDARD_LEVELS, questionnaire_dir, questionnaire_from, run_cli

RANGES = """\
format: 1
id: ranges
title: Ranges
version: 1
kind: scored
source: Test source
""" + STANDARD_LEVELS + """default_target: 4
sections:
  - id: retention
    title: Retention
    questions:
      - id: rate
        text: What share of customers renew?
        type: number
        unit: "%"
        bands: [{min: 0, score: 0}, {min: 50, score: 0.5}, {min: 80, score: 1}]
      - id: change
        text: How did revenue change, in percent?
        type: number
        unit: "%"
        min: -100
        max: 1000
        bands: [{min: -100, score: 0}, {min: 0, score: 1}]
      - id: staff
        text: How many people answer customers?
        type: number
        min: 1
        bands: [{min: 1, score: 0.5}, {min: 5, score: 1}]
"""


@pytest.fixture
def qdir(tmp_path: Path) -> Path:
    return questionnaire_dir(tmp_path / "questionnaires", ranges=RANGES)


def answers(path: Path, **values: object) -> Path:
    body = "".join(f"      retention.{key}: {value}\n" for key, value in values.items())
    path.write_text(f"format: 1\ncompany: Acme\nassessed_on: 2026-11-01\nquestionnaires:\n  ranges:\n"
                    f"    answers:\n{body}")
    return path


@pytest.mark.parametrize("command", [("validate",), ("report", "--format", "json")])
def test_answers_file_outside_the_range_is_an_error_with_the_range(command: tuple[str, ...], qdir: Path,
                                                                    tmp_path: Path) -> None:
    path = answers(tmp_path / "a.yaml", rate=150, change=-101, staff=0)
    run = run_cli(*command, "--questionnaires", str(qdir), str(path))
    assert run.code == 2 and run.out == ""
    # lines 7, 8, 9; the value starts after '      retention.<key>: '
    assert run.err.splitlines() == [
        f"{path}:7:23: retention.rate: 150% is outside the valid range 0 to 100%",
        f"{path}:8:25: retention.change: -101% is outside the valid range -100 to 1000%",
        f"{path}:9:24: retention.staff: 0 is outside the valid range at least 1",
    ]


def test_range_edges_are_inside(qdir: Path, tmp_path: Path) -> None:
    path = answers(tmp_path / "a.yaml", rate=100, change=-100, staff=1)
    run = run_cli("report", "--questionnaires", str(qdir), "--format", "json", str(path))
    assert run.code == 0, run.err
    section = json.loads(run.out)["questionnaires"][0]["sections"][0]
    # rate 100 -> 1, change -100 -> 0, staff 1 -> 0.5: (1 + 0 + 0.5) / 3 = 50
    assert section["score"] == 50.0
    assert [q["score"] for q in section["questions"]] == [100.0, 0.0, 50.0]


def test_import_rejects_a_cell_outside_the_range(qdir: Path, tmp_path: Path) -> None:
    survey = tmp_path / "survey.csv"
    survey.write_text("retention.rate,retention.change,retention.staff\n80,5,3\n150,5,3\n")
    out = tmp_path / "out"
    run = run_cli("import", str(survey), "--questionnaire", "ranges", "--lens", "company", "--company", "Acme",
                  "--date", "2026-11-01", "-o", str(out), "--questionnaires", str(qdir))
    assert run.code == 2
    assert f"{survey}:3:1: row 3, column A ('retention.rate'): 150% is outside the valid range 0 to 100%" \
        in run.err.splitlines()
    assert not out.exists()


def test_interview_reply_outside_the_range_is_refused_with_the_range() -> None:
    # the interview checks a typed reply through the same answer check as an answers file
    q: Questionnaire = questionnaire_from(RANGES)
    rate = q.questions["retention.rate"][1]
    with pytest.raises(ValueError, match=r"^150% is outside the valid range 0 to 100%$"):
        read_reply(rate, q, "150")
    assert read_reply(rate, q, "100") == 100
