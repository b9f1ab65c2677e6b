"""The JSON Schemas `crmcheck schema` prints accept what the loader accepts and reject what it rejects, wherever a
schema can say the rule: a JSON Schema validator's verdict on every example, every blank file crmcheck writes and
every file of the bad-input corpus is compared with `validate`'s."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from crmcheck.catalog import Catalog
from crmcheck.errors import CrmcheckError
from crmcheck.file_kinds import kind_of
from crmcheck.models.schemas import json_schema, schema_of
from crmcheck.yamlio import load_mapping
from tests.conftest import EXAMPLES, ROOT, run_cli

CORPUS = ROOT / "tests" / "corpus"
SELECTION = EXAMPLES / "selection" / "selection.yaml"
DOCS = ROOT / "docs" / "answers-format.md"


@cache
def _validator(kind: str) -> jsonschema.protocols.Validator:
    schema = schema_of(kind)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _schema_errors(path: Path, kind: str | None = None) -> list[str]:
    """What the JSON Schema of the file's kind finds wrong in it, read as YAML 1.2 (as editors read it)."""
    doc = load_mapping(str(path))
    errors = _validator(kind or kind_of(doc)).iter_errors(doc.data)
    return [f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in errors]


def _validate(*paths: Path) -> tuple[int, str]:
    run = run_cli("validate", *map(str, paths))
    return run.code, run.err


def test_schema_text_is_the_schema() -> None:
    assert json.loads(json_schema("answers")) == schema_of("answers")


EXAMPLE_FILES = sorted(p for p in EXAMPLES.rglob("*.yaml"))


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: str(p.relative_to(EXAMPLES)))
def test_every_example_passes_both(path: Path) -> None:
    assert _schema_errors(path) == []
    cards = path.parent.name == "cards"
    code, err = _validate(*([SELECTION] if cards else []), path)
    assert code == 0, err


def _builtin_ids() -> list[str]:
    return sorted(Catalog.from_options(None).entries)


@pytest.mark.parametrize("lens", ["company", "customer"])
def test_blank_files_that_new_writes_pass_both(lens: str, tmp_path: Path) -> None:
    for qid in _builtin_ids():
        q = Catalog.from_options(None).get(qid)
        if lens == "customer" and "customer" not in (q.lenses or []):
            continue
        out = tmp_path / f"{qid}-{lens}.yaml"
        run = run_cli("new", qid, "--company", "Acme", "--lens", lens, "-o", str(out))
        assert run.code == 0, run.err
        # the modeline points an editor at the schema written beside the file: that schema is this one
        assert "# yaml-language-server: $schema=answers.schema.json" in out.read_text()
        assert json.loads((tmp_path / "answers.schema.json").read_text()) == schema_of("answers")
        assert _schema_errors(out, "answers") == [], qid
        assert _validate(out)[0] == 0


def test_a_blank_file_without_a_company_fails_both(tmp_path: Path) -> None:
    out = tmp_path / "a.yaml"
    assert run_cli("new", "crm-mistakes", "-o", str(out)).code == 0
    assert any(e.startswith("company:") for e in _schema_errors(out, "answers"))
    code, err = _validate(out)
    assert code == 2 and "company: must not be empty" in err


def test_a_blank_file_with_every_question_answered_in_both_forms_passes_the_schema(tmp_path: Path) -> None:
    """Short and long forms, n/a, unknown, yes/no, lists and text: the shapes of real answers."""
    text = """format: 1
company: 42
assessed_on: 2026-11-01
respondent: {name: Sam, lens: customer}
questionnaires:
  crm-mistakes:
    targets: {best-customers: 4}
    answers:
      best-customers.defined: 3
      best-customers.value-inputs: [margin]
      best-customers.rewarded: {value: 2, note: "Only the top 20", evidence: loyalty.pdf}
      relevance.segments: n/a
      relevance.reviews: {value: n/a, reason: out-of-scope}
      a.b: unknown
      c.d: yes
      e.f: true
      g.h: 2.5
      i.j:
      k.l: {}
"""
    path = tmp_path / "a.yaml"
    path.write_text(text)
    assert _schema_errors(path) == []


@pytest.mark.parametrize(("line", "why"), [
    ("      Best.Customers: 3", "an answer id is section.question in lowercase, digits and dashes"),
    ("      best-customers: 3", "an answer id names its section and its question"),
    ("      best-customers.value-inputs: [margin, margin]", "an option listed twice"),
    ("      best-customers.value-inputs: [[margin]]", "a list inside a list"),
    ("      best-customers.defined: {value: {x: 1}}", "a mapping as a value"),
    ("      best-customers.defined: {valeu: 3}", "a misspelt field of the long form"),
])
def test_the_schema_rejects_what_the_loader_rejects(line: str, why: str, tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("format: 1\ncompany: Acme\nassessed_on: 2026-11-01\nquestionnaires:\n  crm-mistakes:\n"
                    f"    answers:\n{line}\n")
    assert _schema_errors(path), why
    assert _validate(path)[0] == 2, why


def test_blank_and_filled_score_cards_pass_both(tmp_path: Path) -> None:
    blank = tmp_path / "blank.yaml"
    run = run_cli("vendors", "card", str(SELECTION), "--evaluator", "Lee", "-o", str(blank))
    assert run.code == 0, run.err
    assert _schema_errors(blank, "card") == []
    assert _validate(SELECTION, blank)[0] == 0
    vendor = next(iter(load_mapping(str(EXAMPLES / "selection" / "cards" / "ana.yaml")).data["scores"]))
    requirement = load_mapping(str(SELECTION)).data["requirements"][0]["id"]
    for score, ok in (("4", True), ("n/a", True), ("N/A", True), ("{score: 0, note: x}", True), ("6", False),
                      ("-1", False), ("'3'", False), ("true", False), ("{score: 3, note: x, extra: 1}", False),
                      ("{note: x}", False), ("maybe", False)):
        card = tmp_path / f"card-{len(score)}-{ok}.yaml"
        card.write_text(f"format: 1\nevaluator: Lee\nscores:\n  {vendor}:\n    {requirement}: {score}\n")
        assert (_schema_errors(card, "card") == []) is ok, score
        assert (_validate(SELECTION, card)[0] == 0) is ok, score


# -- the bad-input corpus: every file `validate` rejects is rejected by the schema too, except the rules only
# the loader can check; those are listed in docs/answers-format.md ("What the schema cannot check"), and the
# list there is exactly the set of corpus files the schema lets through.


def _documented_exceptions() -> set[str]:
    text = DOCS.read_text()
    part = text.split("## What the schema cannot check", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"`(answers/[a-z0-9-]+\.yaml)`", part))


def _corpus_verdicts() -> dict[str, bool]:
    """Corpus answers file -> whether the schema accepts it, for the files that read as a YAML mapping (the rest
    break the YAML rules of docs/bad-input.md, which come before any schema)."""
    verdicts = {}
    for path in sorted((CORPUS / "answers").glob("*.yaml")):
        try:
            doc = load_mapping(str(path))
        except CrmcheckError:
            continue
        if not isinstance(doc.data, dict):
            continue
        verdicts[f"answers/{path.name}"] = not list(_validator("answers").iter_errors(doc.data))
    return verdicts


def test_the_schema_lets_through_exactly_the_documented_loader_only_rules() -> None:
    verdicts = _corpus_verdicts()
    assert len(verdicts) > 20
    accepted = {name for name, ok in verdicts.items() if ok}
    assert accepted == _documented_exceptions()
    for name in verdicts:  # `validate` rejects every one of them
        assert _validate(CORPUS / name)[0] == 2, name


def _loader_accepts(data: Any) -> bool:
    from crmcheck.answers.model import AnswersFile

    try:
        AnswersFile.model_validate(data)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("value", [3, "3", True, None, "n/a", "unknown", [], ["a"], 2.5, {"value": 1},
                                   {"value": None, "note": 7}, {}, [1], {"value": [1]}, {"x": 1}, [["a"]]])
def test_the_answers_shape_matches_the_model(value: Any) -> None:
    """For one answer, the schema's verdict is the model's (the questionnaire's own rules come after)."""
    data = {"format": 1, "company": "Acme", "assessed_on": "2026-11-01",
            "questionnaires": {"crm-mistakes": {"answers": {"best-customers.defined": value}}}}
    schema_ok = not list(_validator("answers").iter_errors(data))
    model_ok = _loader_accepts(data) and not (isinstance(value, list) and any(not isinstance(i, str) for i in value))
    if isinstance(value, dict) and isinstance(value.get("value"), list):
        model_ok = model_ok and all(isinstance(i, str) for i in value["value"])
    assert schema_ok == model_ok, value
