"""JSON report: the field names DESIGN.md fixes, rounding, nulls for sections not assessed."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import EXAMPLES, run_cli


def test_json_fields_follow_the_design() -> None:
    data = json.loads(run_cli("report", str(EXAMPLES / "assessment-2026.yaml"), "--format", "json").out)
    assert data["format"] == 1
    assert {"company", "assessed_on", "questionnaires"} <= set(data)
    assert data["assessed_on"] == "2026-11-02"
    for q in data["questionnaires"]:
        assert {"id", "version", "kind", "score", "level", "level_name", "completeness", "sections",
                "recommendations"} <= set(q)
        assert 0 <= q["completeness"] <= 1
        for s in q["sections"]:
            assert {"id", "title", "score", "level", "risk", "target", "gap", "completeness", "questions"} <= set(s)
            assert s["score"] is None or round(s["score"], 1) == s["score"]
        for r in q["recommendations"]:
            assert {"question", "section", "priority", "text"} <= set(r)
    staged = next(q for q in data["questionnaires"] if q["kind"] == "staged")
    assert {"reached", "name", "stages", "dimensions", "next_steps"} <= set(staged["stage"])
    assert staged["stage"]["reached"] == 2
    assert set(staged["stage"]["dimensions"]) == {"strategy", "people", "process", "technology", "content", "results"}
    assert all({"question", "text"} <= set(step) for step in staged["stage"]["next_steps"])


def test_section_not_assessed_is_null(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("format: 1\ncompany: A\nassessed_on: 2026-01-01\nquestionnaires:\n  crm-mistakes:\n"
                    "    answers:\n      best-customers.defined: 4\n")
    data = json.loads(run_cli("report", str(path), "--format", "json").out)
    sections = data["questionnaires"][0]["sections"]
    assert sections[0]["score"] == 100.0
    assert sections[1]["score"] is None and sections[1]["level"] is None and sections[1]["risk"] is None
