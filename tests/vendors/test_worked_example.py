"""The worked example in docs/vendor-selection.md: its files are run and every number it states is checked."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import ROOT, run_cli

DOC = (ROOT / "docs" / "vendor-selection.md").read_text()


def _write_example(tmp_path: Path) -> None:
    files = re.findall(r"<!-- file: (\S+) -->\n```yaml\n(.*?)```", DOC, re.S)
    assert [name for name, _ in files] == ["selection.yaml", "cards/ann.yaml", "cards/ben.yaml"]
    for name, text in files:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)


def test_worked_example_numbers_match_the_report(tmp_path: Path) -> None:
    _write_example(tmp_path)
    run = run_cli("vendors", "report", "selection.yaml", "cards", "--format", "json", cwd=tmp_path)
    assert run.code == 0, run.err
    report = json.loads(run.out)
    vendors = {v["id"]: v for v in report["vendors"]}
    table = re.findall(r"^\| (alpha|beta|gamma) \| (\d|—) \| ([\d.]+) \| (\d+) \| ([\d.]+|—) \|$", DOC, re.M)
    assert len(table) == 3
    for vid, rank, fit, tco, per in table:
        v = vendors[vid]
        assert v["rank"] == (None if rank == "—" else int(rank))
        assert v["fit"] == float(fit) and v["tco"] == float(tco)
        assert v["fit_per_100k"] == (None if per == "—" else float(per))
        # fit per 100,000 worked by hand: fit / TCO x 100,000 for a ranked vendor, none for an excluded one
        assert v["fit_per_100k"] == (None if v["excluded"] else round(float(fit) / float(tco) * 100_000, 2))
    assert [v["id"] for v in report["vendors"]] == ["beta", "alpha", "gamma"]
    gamma = vendors["gamma"]
    assert gamma["excluded"] and {e["requirement"] for e in gamma["exclusions"]} == {"lead-assignment", "erp"}
    sentence = re.search(r"sensitivity = lowering the weight of `(\S+)` from (\S+) to (\S+) \((\S+)%\) puts (\w+)",
                         DOC)
    assert sentence is not None
    s = report["sensitivity"]
    assert (s["requirement"], s["weight"], s["new_weight"], s["change_percent"], s["direction"]) == (
        sentence[1], float(sentence[2]), float(sentence[3]), float(sentence[4]), "lower")
    assert vendors[s["new_leader"]]["name"].startswith(sentence[5])
    flagged = [d for d in report["disagreements"] if d["disagreement"]]
    assert [(d["vendor"], d["requirement"], d["spread"]) for d in flagged] == [("gamma", "erp", 4)]


def test_worked_example_means_table(tmp_path: Path) -> None:
    """The means table of the doc, cell by cell, against the JSON report."""
    _write_example(tmp_path)
    report = json.loads(run_cli("vendors", "report", "selection.yaml", "cards", "--format", "json",
                                cwd=tmp_path).out)
    cells = {(v["id"], c["requirement"]): c for v in report["vendors"] for c in v["cells"]}
    cell = r"(\S+ \([\d.]+\))"
    rows = re.findall(rf"^\| ([a-z-]+)(?: \([^)]*\))? \| \d \| {cell} \| {cell} \| {cell} \|$", DOC, re.M)
    assert len(rows) == 4
    for rid, *values in rows:
        for vid, value in zip(("alpha", "beta", "gamma"), values, strict=True):
            mean, s = re.fullmatch(r"([\d.]+) \(([\d.]+)\)", value).groups()  # type: ignore[union-attr]
            assert cells[(vid, rid)]["mean"] == float(mean)
            assert abs(float(mean) / 5 - float(s)) < 1e-9


def test_every_json_field_is_documented() -> None:
    from crmcheck.vendors.result import (
        Cell,
        CostLine,
        Disagreement,
        EvaluatorScore,
        Exclusion,
        Sensitivity,
        VendorReport,
        VendorResult,
    )

    section = DOC.split("## The JSON report", 1)[1].split("\n## ", 1)[0]
    for model in (VendorReport, VendorResult, Cell, CostLine, Exclusion, Sensitivity, Disagreement, EvaluatorScore):
        for name in model.model_fields:
            assert f"`{name}`" in section or f"`{name}[]`" in section, (model.__name__, name)
