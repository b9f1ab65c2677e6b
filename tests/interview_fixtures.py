"""A tiny questionnaire in two versions, for the interview tests (in-process and in a pseudo-terminal)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from crmcheck.answers.model import load_answers
from crmcheck.catalog import Catalog
from crmcheck.resolve import resolve
from tests.conftest import STANDARD_LEVELS, practice_scale

TINY_V1 = """
format: 1
id: tiny
title: Tiny check
version: 1
kind: scored
source: Test source
scales:
""" + practice_scale("Measured and improved") + """""" + STANDARD_LEVELS + """default_target: 4
sections:
  - id: basics
    title: Keeping every customer record in one place that the whole company can see and trust
    questions:
      - id: owner
        text: Is there a named person who answers for the quality of the customer database?
        help: One person, named in writing, who fixes duplicates and chases missing fields.
        type: yes_no
      - id: practice
        text: >-
          How well do sales, marketing and service keep the same customer record up to date, so that
          anyone who opens it sees the last conversation, the open problems and the agreed next step,
          without asking a colleague or searching their mailbox first?
        type: scale
        scale: practice
      - id: channels
        text: Which channels are logged on the customer record?
        type: checklist
        options:
          - {id: email, label: Email}
          - {id: phone, label: Phone calls, weight: 2}
          - {id: chat, label: Chat}
  - id: results
    title: Results
    questions:
      - id: speed
        text: How many working days does it take to resolve a typical customer problem?
        type: number
        unit: days
        bands: [{min: 0, score: 1}, {min: 3, score: 0.5}, {min: 10, score: 0}]
      - id: review
        text: How often are the results reviewed?
        type: choice
        options:
          - {id: never, label: Never, score: 0}
          - {id: yearly, label: Once a year, score: 0.5}
          - {id: monthly, label: Every month, score: 1}
      - id: comment
        text: Anything else the assessor should know?
        type: text
"""

# v2: results.review is removed, basics.practice became a yes/no question, basics.owner was renamed,
# and a new question was added.
TINY_V2 = (
    TINY_V1.replace("version: 1", "version: 2")
    .replace("      - id: owner\n", "      - id: data-owner\n        renamed_from: [basics.owner]\n")
    .replace("        type: scale\n        scale: practice\n", "        type: yes_no\n")
    .replace("""      - id: review
        text: How often are the results reviewed?
        type: choice
        options:
          - {id: never, label: Never, score: 0}
          - {id: yearly, label: Once a year, score: 0.5}
          - {id: monthly, label: Every month, score: 1}
""", """      - id: target
        text: Is there a written target for the time to resolve a problem?
        type: yes_no
""")
)

TINY_IDS = ["basics.owner", "basics.practice", "basics.channels", "results.speed", "results.review",
            "results.comment"]


def write_questionnaire(directory: Path, text: str = TINY_V1) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "tiny.yaml"
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def answers_of(path: Path, qdir: Path) -> dict[str, object]:
    """Every answered question's value as the strict loader and resolver read it (raises if invalid)."""
    source = load_answers(str(path))
    q = Catalog([qdir]).get("tiny")
    responses = resolve(q, source.answers.questionnaires["tiny"], source, "tiny")
    return {k: (r.value if r.status == "answered" else r.status) for k, r in responses.items()
            if r.status != "unanswered"}
