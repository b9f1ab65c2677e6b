"""A file with many problems: the first 50 are shown (with suggestions), then one line with the total; the work
for the rest is counted, not done."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmcheck import resolve as resolve_module
from crmcheck.catalog import Catalog
from crmcheck.errors import MAX_PROBLEMS_SHOWN, InputError
from crmcheck.yamlio import Document
from tests.conftest import run_cli

UNKNOWN = 2_000


def _many_unknown_ids(path: Path, count: int) -> Path:
    lines = ["format: 1", "company: Acme", "assessed_on: 2026-11-01", "questionnaires:", "  crm-mistakes:",
             "    answers:", "      best-customers.defind: 3"]
    lines += [f"      best-customers.unknown-{i:06d}: 3" for i in range(count)]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_validate_prints_fifty_problems_and_the_total(tmp_path: Path) -> None:
    _many_unknown_ids(tmp_path / "many.yaml", UNKNOWN)
    run = run_cli("validate", "many.yaml", cwd=tmp_path)
    assert run.code == 2
    lines = run.err.splitlines()
    assert len(lines) == MAX_PROBLEMS_SHOWN + 1 == 51
    assert lines[0] == ("many.yaml:7:7: no question 'best-customers.defind' in crm-mistakes v3 "
                        "(did you mean 'best-customers.defined'?)")
    assert lines[49].startswith("many.yaml:56:7: no question 'best-customers.unknown-000048'")
    total = UNKNOWN + 1
    assert lines[-1] == f"... and {total - 50:,} more problems in many.yaml"
    for command in (["report", "many.yaml"], ["check", "many.yaml"]):
        other = run_cli(*command, cwd=tmp_path)
        assert other.code == 2 and other.err.splitlines()[-1] == lines[-1]


def test_problems_past_the_fiftieth_get_no_suggestion_or_position(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from crmcheck.answers.model import load_answers

    source = load_answers(str(_many_unknown_ids(tmp_path / "many.yaml", UNKNOWN)))
    catalog = Catalog.from_options()
    questionnaire = catalog.get("crm-mistakes")
    calls = {"suggest": 0, "position": 0}
    suggest, position = resolve_module._closest_question, Document.position

    def counted_suggest(*args: object) -> str | None:
        calls["suggest"] += 1
        return suggest(*args)  # type: ignore[arg-type]

    def counted_position(self: Document, *args: object, **kwargs: object) -> object:
        calls["position"] += 1
        return position(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(resolve_module, "_closest_question", counted_suggest)
    monkeypatch.setattr(Document, "position", counted_position)
    with pytest.raises(InputError) as caught:
        resolve_module.resolve(questionnaire, source.answers.questionnaires["crm-mistakes"], source, "crm-mistakes")
    assert len(caught.value.problems) == 50 and caught.value.more == UNKNOWN + 1 - 50
    assert calls == {"suggest": 50, "position": 50}


def test_many_shape_errors_are_capped_too(tmp_path: Path) -> None:
    lines = ["format: 1", "company: Acme", "assessed_on: 2026-11-01", "questionnaires:", "  crm-mistakes:",
             "    answers:"]
    lines += [f"      best-customers.q{i}: {{value: 3, bogus: {i}}}" for i in range(300)]
    (tmp_path / "shapes.yaml").write_text("\n".join(lines) + "\n")
    run = run_cli("validate", "shapes.yaml", cwd=tmp_path)
    assert run.code == 2
    out = run.err.splitlines()
    assert len(out) == 51
    assert all(line.startswith("shapes.yaml:") for line in out[:50])
    assert out[-1] == "... and 250 more problems in shapes.yaml"


def test_one_more_problem_is_singular() -> None:
    error = InputError("x", problems=[], more=0)
    assert error.lines() == ["x"]
    from crmcheck.errors import Problem

    error = InputError("x", problems=[Problem(f"p{i}", "f.yaml", i + 1, 1) for i in range(51)])
    assert error.lines()[-1] == "... and 1 more problem in f.yaml"
