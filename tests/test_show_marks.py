"""`crmcheck show` marks the questions asked in some lenses only and the reverse-scored (negatively keyed) ones."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import STANDARD_LEVELS, run_cli

MARKED = """
format: 1
id: marked
title: Marked
version: 1
kind: scored
source: Test source
lenses: [company, customer]
default_target: 4
risk_bands: {high: 40, medium: 70}
scales:
  agree: [{value: 1, label: Disagree, score: 0}, {value: 2, label: Neutral, score: 0.4},
          {value: 3, label: Agree, score: 0.9}]
""" + STANDARD_LEVELS + """sections:
  - id: care
    title: Care
    questions:
      - id: both
        text: {company: "We reply.", customer: "They reply."}
        type: scale
        scale: agree
      - id: ours
        lenses: [company]
        text: We log every complaint.
        type: scale
        scale: agree
      - id: takes
        text: {company: "We take more than we give.", customer: "They take more than they give."}
        type: scale
        scale: agree
        reverse_scored: true
"""


def show(tmp_path: Path, *args: str) -> str:
    (tmp_path / "marked.yaml").write_text(MARKED, encoding="utf-8")
    run = run_cli("show", "marked", "--questionnaires", str(tmp_path), *args)
    assert run.code == 0, run.err
    return run.out


def question_block(out: str, full_id: str) -> str:
    """The lines of one question in the terminal output, joined, from its id line to the next question."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"   - {full_id} ("))
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("   - ")), len(lines))
    return " ".join(" ".join(lines[start:end]).split())


def test_terminal_marks_lens_only_and_reverse_scored_questions(tmp_path: Path) -> None:
    out = show(tmp_path)
    both, ours, takes = (question_block(out, f"care.{q}") for q in ("both", "ours", "takes"))
    assert both.startswith("- care.both (scale)") and "only" not in both and "Reverse" not in both
    assert ours.startswith("- care.ours (scale, company only)")
    assert ("Asked in the company lens only: respondents of the other lenses never see it, and the perception gap "
            "leaves it out.") in ours
    assert takes.startswith("- care.takes (scale, reverse-scored)") and "lens only" not in takes
    # the scale's top (3 Agree, 0.9) reversed scores 1 - 0.9 = 0.1, its bottom (1 Disagree, 0) scores 1
    assert ("Reverse-scored: keyed negatively, so the top of the scale is the weak answer (3 Agree scores 0.1, "
            "1 Disagree scores 1).") in takes


def test_json_carries_the_lenses_and_the_keying(tmp_path: Path) -> None:
    [section] = json.loads(show(tmp_path, "--format", "json"))["sections"]
    by_id = {q["id"]: q for q in section["questions"]}
    assert by_id["ours"]["lenses"] == ["company"] and "lenses" not in by_id["both"]
    assert by_id["takes"]["reverse_scored"] is True and by_id["both"]["reverse_scored"] is False


def test_built_in_perception_gap_marks_its_company_only_questions() -> None:
    out = run_cli("show", "perception-gap").out
    marked = {line.split()[1] for line in out.splitlines() if line.startswith("   - ") and "company only)" in line}
    from crmcheck.catalog import Catalog

    q = Catalog.from_options().get("perception-gap")
    assert marked == {full for full, (_, question) in q.questions.items() if not question.asked_in("customer")}
    assert len(marked) > 20  # 20 scored company-only questions and the relationship-type workshop label
