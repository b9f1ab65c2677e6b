"""Golden reports of the example company: any change to a report shows up in review as a diff.

Regenerate with `CRMCHECK_REGEN=1 pytest tests/render/test_golden.py` and read the diff before committing.
"""

from __future__ import annotations

import os

import pytest

from tests.conftest import EXAMPLES, ROOT, run_cli

GOLDEN = ROOT / "tests" / "golden"


@pytest.mark.parametrize(("fmt", "name"), [("markdown", "brightwater-2026.md"), ("json", "brightwater-2026.json"),
                                           ("terminal", "brightwater-2026.txt")])
def test_example_report_matches_golden(fmt: str, name: str) -> None:
    run = run_cli("report", str(EXAMPLES / "assessment-2026.yaml"), "--format", fmt)
    assert run.code == 0, run.err
    golden = GOLDEN / name
    if os.environ.get("CRMCHECK_REGEN"):
        golden.write_text(run.out)
    assert golden.exists(), f"missing golden file {golden}; run with CRMCHECK_REGEN=1"
    assert run.out == golden.read_text()
