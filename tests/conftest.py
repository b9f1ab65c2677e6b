"""Shared test fixtures: small questionnaires built from YAML text, and the CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from crmcheck.models.questionnaire import Questionnaire, parse_questionnaire
from crmcheck.yamlio import parse
from tests.inprocess import Run, invoke

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "brightwater"


# The maturity levels and answer scale most test questionnaires share (the built-ins' own).
STANDARD_LEVELS = """levels:
  - {level: 1, name: Initial, min: 0}
  - {level: 2, name: Developing, min: 25}
  - {level: 3, name: Defined, min: 50}
  - {level: 4, name: Managed, min: 70}
  - {level: 5, name: Leading, min: 90}
"""


def practice_scale(top: str = "Measured") -> str:
    """The five-level `practice` scale as YAML (indented under `scales:`), its top label as given."""
    labels = ["Not done", "Ad hoc", "Defined", "Practised", top]
    return "".join(f'    - {{value: {i}, label: "{label}", score: {score:g}}}\n'
                   for i, (label, score) in enumerate(zip(labels, (0, 0.25, 0.5, 0.75, 1), strict=True))
                   ).join(["  practice:\n", ""])


def answer_line(questionnaire: str, question: str, path: Path | None = None) -> int:
    """The line of the answer to `question` (a full id) under `questionnaire` in an answers file (the example
    company's 2026 file by default): where a finding about it points. Found by reading the file, not remembered."""
    lines = (path or EXAMPLES / "assessment-2026.yaml").read_text().splitlines()
    start = lines.index(f"  {questionnaire}:")
    return next(n for n, line in enumerate(lines[start:], start + 1) if line.strip().startswith(f"{question}:"))


def questions_of(questionnaire: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every question of one questionnaire of a JSON report, by full id."""
    return {q["id"]: q for s in questionnaire["sections"] for q in s["questions"]}


def questionnaire_dir(directory: Path, **questionnaires: str) -> Path:
    """A custom questionnaire directory holding `NAME.yaml` for each NAME=TEXT given."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in questionnaires.items():
        (directory / f"{name}.yaml").write_text(text)
    return directory


def questionnaire_from(text: str, path: str = "test.yaml") -> Questionnaire:
    return parse_questionnaire(parse(textwrap.dedent(text), path))


def run_cli(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None, stdin: str | None = None,
            timeout: float = 60, process: bool = False) -> Run:
    """Run `crmcheck ARGS` as a user or CI would: through the console entry point and its exit codes, in this
    process (tests/inprocess.py), or in a real subprocess with `process=True` or CRMCHECK_TEST_PROCESS=1."""
    if not (process or os.environ.get("CRMCHECK_TEST_PROCESS")):
        return invoke(*args, env=env, cwd=cwd, stdin=stdin)
    full_env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "80", **(env or {})}
    proc = subprocess.run([sys.executable, "-m", "crmcheck", *args], capture_output=True, text=True, cwd=cwd,
                          env=full_env, input=stdin, timeout=timeout)
    return Run(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture
def cli() -> type[Run]:
    return Run


SMALL = """
format: 1
id: small
title: Small
version: 1
kind: scored
source: Test source
scales:
""" + practice_scale("Measured") + """""" + STANDARD_LEVELS + """risk_bands: {high: 40, medium: 70}
default_target: 4
sections:
  - id: alpha
    title: Alpha
    weight: 2
    questions:
      - {id: one, text: "One?", type: scale, scale: practice, weight: 2, critical: true, recommendation: "Do one."}
      - {id: two, text: "Two?", type: yes_no, recommendation: "Do two."}
      - id: three
        text: "Three?"
        type: checklist
        recommendation: "Do three."
        options:
          - {id: a, label: A, weight: 2}
          - {id: b, label: B}
          - {id: c, label: C}
      - {id: note, text: "Anything else?", type: text}
  - id: beta
    title: Beta
    questions:
      - id: pick1
        text: "Pick one"
        type: choice
        recommendation: "Pick better."
        options: [{id: x, label: X, score: 0.6}, {id: y, label: Y, score: 0.7}, {id: z, label: Z, score: 0.8}]
      - id: pick2
        text: "Pick two"
        type: choice
        options: [{id: x, label: X, score: 0.6}, {id: y, label: Y, score: 0.7}, {id: z, label: Z, score: 0.8}]
      - id: pick3
        text: "Pick three"
        type: choice
        options: [{id: x, label: X, score: 0.6}, {id: y, label: Y, score: 0.7}, {id: z, label: Z, score: 0.8}]
      - id: days
        text: "How many days?"
        type: number
        unit: days
        bands: [{min: 0, score: 1}, {min: 3, score: 0.5}, {min: 10, score: 0}]
"""


@pytest.fixture
def small() -> Questionnaire:
    return questionnaire_from(SMALL)
