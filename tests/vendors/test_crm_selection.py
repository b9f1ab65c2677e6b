"""The crm-selection questionnaire: one section per stage of the source, and every one of its 23 steps mapped to
questions that exist (the mapping table in docs/questionnaires.md)."""

from __future__ import annotations

import re

from crmcheck.catalog import Catalog
from tests.conftest import ROOT


def test_one_section_per_stage() -> None:
    q = Catalog.from_options().get("crm-selection")
    assert q.kind == "scored"
    assert [s.source_item for s in q.sections] == [
        "Stage 1: Discovery", "Stage 2: Evaluation", "Stage 3: Vendor interaction", "Stage 4: Selection",
        "Stage 5: Negotiation"]


def test_every_step_maps_to_existing_questions() -> None:
    q = Catalog.from_options().get("crm-selection")
    doc = (ROOT / "docs" / "questionnaires.md").read_text().split("## crm-selection", 1)[1]
    rows = re.findall(r"^\|[^|]*\| ([^|]+) \| ([^|]+) \|$", doc, re.M)
    steps = [(step.strip(), ids) for step, ids in rows if not step.strip().startswith("(") and "---" not in step
             and step.strip() != "step of the source"]
    assert len(steps) == 23
    mapped = {full for _, ids in rows for full in re.findall(r"`([a-z-]+\.[a-z-]+)`", ids)}
    assert mapped <= set(q.questions)
    assert mapped == set(q.questions), set(q.questions) - mapped
