"""The two-lens questionnaire format: `lenses`, text per lens, its load-time checks and its JSON Schema."""

from __future__ import annotations

import json

import pytest

from crmcheck.errors import InputError
from crmcheck.models.questionnaire import Questionnaire
from tests.conftest import questionnaire_from, run_cli

HEAD = """
format: 1
id: two-sided
title: Two sided
version: 1
kind: scored
source: Test
scales:
  s: [{value: 0, label: "No", score: 0}, {value: 1, label: "Yes", score: 1}]
levels: [{level: 1, name: Initial, min: 0}]
default_target: 1
"""


def load(lenses: str, text: str) -> Questionnaire:
    body = f"{lenses}sections:\n  - id: a\n    title: A\n    questions:\n      - id: q\n        text: {text}\n" \
           "        type: scale\n        scale: s\n"
    return questionnaire_from(HEAD + body)


def test_text_per_lens() -> None:
    q = load("lenses: [company, customer]\n", "{company: Do we call back?, customer: Do they call you back?}")
    question = q.questions["a.q"][1]
    assert q.lenses == ["company", "customer"]
    assert question.wording("company") == "Do we call back?"
    assert question.wording("customer") == "Do they call you back?"
    assert question.wording() == "Do we call back?"


@pytest.mark.parametrize(("lenses", "text", "message"), [
    ("", "{company: A?, customer: B?}",
     "test.yaml:17:15: text given per lens, but the questionnaire declares no 'lenses' (add, for example, "
     "'lenses: [company, customer]' at the top level)"),
    ("lenses: [company, customer]\n", "{company: A?}", "test.yaml:18:15: text has no wording for lens customer"),
    ("lenses: [company]\n", "{company: A?, customer: B?}",
     "test.yaml:18:29: text has wording for undeclared lens customer (lenses: company)"),
    ("lenses: [company, company]\n", "A?", "test.yaml:12:9: duplicate lens"),
])
def test_lens_mistakes_are_reported_with_positions(lenses: str, text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        load(lenses, text)
    assert caught.value.lines()[0] == message


def test_json_schema_describes_lenses_and_text_per_lens() -> None:
    run = run_cli("schema", "questionnaire")
    schema = json.loads(run.out)
    assert schema["properties"]["lenses"]["items"]["enum"] == ["company", "customer"]
    text = schema["$defs"]["Question"]["properties"]["text"]["anyOf"]
    assert {"minLength": 1, "type": "string"} in text
    mapping = next(t for t in text if t.get("type") == "object")
    assert mapping["propertyNames"]["enum"] == ["company", "customer"]


def test_perception_gap_is_two_sided_and_fully_worded() -> None:
    run = run_cli("validate", "questionnaires/perception-gap.yaml")
    assert run.out == "questionnaires/perception-gap.yaml: ok, questionnaire perception-gap v3: 9 sections, " \
                      "44 questions\n"
