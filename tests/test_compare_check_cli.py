"""`compare`, `report --baseline` and `check` as a user runs them: outputs, formats and exit codes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import EXAMPLES, run_cli

OLD = str(EXAMPLES / "assessment-2025.yaml")
NEW = str(EXAMPLES / "assessment-2026.yaml")
POLICY = str(EXAMPLES / "policy.yaml")
TODAY = ("--today", "2026-11-23")


def table_shapes(markdown: str) -> list[list[int]]:
    """Cells per row of every markdown table (escaped pipes do not count), to prove no row breaks its table."""
    shapes: list[list[int]] = []
    current: list[int] = []
    for line in markdown.splitlines():
        if line.startswith("|"):
            current.append(len(re.findall(r"(?<!\\)\|", line)))
        elif current:
            shapes.append(current)
            current = []
    if current:
        shapes.append(current)
    return shapes


def test_compare_terminal() -> None:
    run = run_cli("compare", OLD, NEW)
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[0] == "Brightwater Field Systems — what changed from 2025-11-04 to 2026-11-02"
    assert lines[2] == "Since the last assessment (2025-11-04, 363 days earlier)"
    assert lines[3:6] == ["4 steps back:", "  ✗ crm-mistakes/strengths: level 3 Defined → 2 Developing",
                          "  ✗ crm-mistakes/strengths: risk medium → high"]
    assert "score 28.8 → 57.1 (+28.3)  level 2 Developing → 3 Defined" in lines  # by hand in tests/test_compare.py
    assert "57 answers changed" in lines
    assert any(re.match(r"strengths\.customer-rating\s+2 Documented → 1 Ad hoc\s*$", line) for line in lines)
    assert max(len(line) for line in lines) <= 80


def test_compare_markdown_and_json() -> None:
    markdown = run_cli("compare", OLD, NEW, "--format", "markdown")
    assert markdown.code == 0
    assert markdown.out.startswith("# What changed: Brightwater Field Systems\n")
    assert "| Checking your strengths honestly | 50.0 | 28.6 | -21.4 | 3 → 2 | medium → high |" in markdown.out
    assert "| `strengths.customer-rating` | 2 Documented | 1 Ad hoc |" in markdown.out
    assert "| `retention.retention-rate` | 86 % | 91 % |" in markdown.out
    for shape in table_shapes(markdown.out):
        assert len(set(shape)) == 1, shape
    data = json.loads(run_cli("compare", OLD, NEW, "--format", "json").out)
    assert (data["format"], data["days_between"], len(data["regressions"])) == (1, 363, 4)
    section = data["questionnaires"][0]["sections"][5]
    assert (section["id"], section["score_change"], section["level"]["change"], section["risk_after"]) == (
        "strengths", -21.4, -1, "high")


def test_fail_on_regression() -> None:
    run = run_cli("compare", OLD, NEW, "--fail-on-regression", "-o", "-")
    assert run.code == 1
    assert run.err == "crmcheck: 4 regressions since 2025-11-04\n"
    assert run_cli("compare", NEW, NEW, "--fail-on-regression").code == 0


def test_compare_refuses_swapped_other_company_and_missing(tmp_path: Path) -> None:
    swapped = run_cli("compare", NEW, OLD)
    assert swapped.code == 2
    assert swapped.err == (f"{NEW}:4:14: the baseline is dated 2026-11-02, after {OLD} (2025-11-04); the baseline "
                           "must be the earlier assessment\n")
    other = tmp_path / "other.yaml"
    other.write_text(Path(OLD).read_text().replace("company: Brightwater Field Systems", "company: Other Ltd"))
    run = run_cli("compare", str(other), NEW)
    assert run.code == 2
    assert run.err == (f"{other}:3:10: the baseline is an assessment of 'Other Ltd', but {NEW} is of 'Brightwater "
                       "Field Systems'; compare assessments of one company\n")
    same = tmp_path / "same.yaml"
    same.write_text(Path(OLD).read_text().replace("company: Brightwater Field Systems",
                                                  "company: '  brightwater  field systems'"))
    assert run_cli("compare", str(same), NEW).code == 0
    missing = run_cli("compare", str(tmp_path / "nope.yaml"), NEW)
    assert missing.code == 2
    assert missing.err == (f"{tmp_path / 'nope.yaml'}:1:1: no such file\n"
                           f"the baseline {tmp_path / 'nope.yaml'} cannot be used: fix it, or give another one\n")


def test_report_with_baseline_in_every_format() -> None:
    terminal = run_cli("report", NEW, "--baseline", OLD)
    assert terminal.code == 0
    assert "Since the last assessment (2025-11-04, 363 days earlier)" in terminal.out
    assert "57 answers changed; `crmcheck compare` lists them." in terminal.out
    markdown = run_cli("report", NEW, "--baseline", OLD, "--format", "markdown").out
    since = markdown.index("## Since the last assessment")
    assert markdown.index("## Summary") < since < markdown.index("## The nine CRM mistakes\n")
    assert "### The nine CRM mistakes: what changed" in markdown
    for shape in table_shapes(markdown):
        assert len(set(shape)) == 1, shape
    data = json.loads(run_cli("report", NEW, "--baseline", OLD, "--format", "json").out)
    assert data["comparison"]["baseline_on"] == "2025-11-04"
    assert [r["kind"] for r in data["comparison"]["regressions"]] == ["level", "risk", "level", "level"]
    plain = json.loads(run_cli("report", NEW, "--format", "json").out)
    assert plain["comparison"] is None
    assert {k: v for k, v in data.items() if k != "comparison"} == {k: v for k, v in plain.items()
                                                                     if k != "comparison"}


def test_check_terminal_output_and_exit_code() -> None:
    run = run_cli("check", NEW, "--baseline", OLD, "--policy", POLICY, *TODAY)
    assert run.code == 1
    lines = run.out.splitlines()
    # 78 checks: 23 sections (10 + 8 + 5) for each of max-score-drop and no-level-drop, 18 (the two scored
    # questionnaires' sections) for no-new-high-risk, and 14 for the other eight rules. Each section-by-section
    # comparing rule skips 4: crm-mistakes strategy (new in version 3) and three sections provisional in the 2025
    # baseline (scored questions answered: customer-value 5 of 11, experience-metrics 3 of 9, cmr-pitfalls culture
    # 5 of 11)
    assert lines[-1] == "FAILED: 6 of 78 checks broken"
    assert any(re.match(r"✗\s+9\s+no-level-drop: no lower level than in\s+3 broken, 16 held, 4 skipped", line)
               for line in lines)
    assert any(re.match(r"✓\s+1\s+max-age: Re-assessed every year\s+1 held", line) for line in lines)
    assert "Broken" in lines
    assert run.err == ""


def test_check_passes_with_the_default_policy_and_no_baseline() -> None:
    run = run_cli("check", NEW, *TODAY)
    assert run.code == 0
    assert run.out.splitlines()[-1] == "PASSED: every rule held (4 checks held, 2 skipped)"
    flat = " ".join(run.out.split())
    assert "– this rule compares with a baseline; give --baseline OLD to apply it [rule 2 no-level-drop]" in flat
    assert "– this rule compares with a baseline; give --baseline OLD to apply it [rule 3 no-new-high-risk]" in flat


def test_check_json_and_markdown(tmp_path: Path) -> None:
    run = run_cli("check", NEW, "--baseline", OLD, *TODAY, "--format", "json", "-o", str(tmp_path / "check.json"))
    assert (run.code, run.out) == (1, "")
    data = json.loads((tmp_path / "check.json").read_text())
    # the default policy: max-age 1, min-completeness 3, no-level-drop 23 and no-new-high-risk 18 = 45 checks; the
    # two comparing rules each skip the same 4 sections as above (8), 3 + 1 broken, so 45 - 8 - 4 = 33 held
    assert (data["passed"], data["held"], data["broken"], data["skipped"], data["policy"]) == (False, 33, 4, 8, None)
    first = data["outcomes"][1]
    assert (first["rule"], first["scope"], first["status"], first["line"]) == (
        "no-level-drop", "crm-mistakes/best-customers", "held", 13)
    markdown = run_cli("check", NEW, "--baseline", OLD, *TODAY, "--format", "markdown").out
    assert markdown.startswith("## ❌ crmcheck: Brightwater Field Systems: FAILED: 4 of 45 checks broken\n")
    assert "| ❌ | 2 | no-level-drop: no lower level than in the baseline | 3 broken, 16 held, 4 skipped |" in markdown
    for shape in table_shapes(markdown):
        assert len(set(shape)) == 1, shape


def test_check_bad_inputs_exit_2(tmp_path: Path) -> None:
    missing_policy = run_cli("check", NEW, "--policy", str(tmp_path / "policy.yaml"))
    assert (missing_policy.code, missing_policy.err) == (2, f"{tmp_path / 'policy.yaml'}:1:1: no such file\n")
    broken = tmp_path / "broken.yaml"
    broken.write_text("format: 1\nrules:\n  - {rule: max-age}\n")
    run = run_cli("check", NEW, "--policy", str(broken))
    assert (run.code, run.err) == (2, f"{broken}:3:5: rules[0]: missing required field 'days'\n")
    run = run_cli("check", NEW, "--today", "23/11/2026")
    assert (run.code, run.err) == (2, "--today: '23/11/2026' is not a date in YYYY-MM-DD form\n")
    corrupt = tmp_path / "corrupt.yaml"
    corrupt.write_text("format: 1\ncompany: Brightwater Field Systems\nassessed_on: [2025\n")
    run = run_cli("check", NEW, "--baseline", str(corrupt))
    assert run.code == 2
    assert run.err.splitlines()[-1] == f"the baseline {corrupt} cannot be used: fix it, or give another one"
    (tmp_path / "a-file").write_text("not a folder\n")
    junit_dir = tmp_path / "a-file" / "crm.xml"
    run = run_cli("check", NEW, *TODAY, "--junit", str(junit_dir))
    assert run.code == 2
    assert run.err.startswith(f"{junit_dir}: cannot write:")


def test_demo_writes_the_comparison_and_the_check(tmp_path: Path) -> None:
    run = run_cli("demo", "--out", str(tmp_path / "out"))
    assert run.code == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "assessment-2026-measured.yaml", "check.md", "comparison.md", "measure.html", "measure.md", "perception.html",
        "perception.md", "plan-2025.yaml", "plan-2026.yaml", "plan.md", "report-measured.md", "report.html",
        "report.json", "report.md", "vendors.html", "vendors.md"]
    # the example's exports measured: its 2026 answers are rosier than its data (lead-to-close among them), and
    # the demo counts what `crmcheck measure` finds on the same files
    assert "`demand-generation.lead-to-close` answered 3.5, measured 1.8 %" in (
        tmp_path / "out" / "report-measured.md").read_text()
    data = EXAMPLES / "data"
    measured = run_cli("measure", *(f"--{t}={data / f'{t}.csv'}" for t in ("deals", "leads", "tickets", "invoices")),
                       "--config", str(data / "measure.yaml"), "--answers", str(EXAMPLES / "assessment-2026.yaml"),
                       "-f", "json")
    wrong = sum(c["status"] == "contradicted" for c in json.loads(measured.out)["answers"]["checks"])
    assert wrong >= 1 and f"{wrong} answers contradicted by data" in run.err
    assert (tmp_path / "out" / "comparison.md").read_text().startswith("# What changed: Brightwater Field Systems")
    assert "## Since the last assessment" in (tmp_path / "out" / "report.md").read_text()
    assert "Since the last assessment (2025-11-04, 363 days earlier)" in run.out
    *_, verdict, point, worked = run.err.splitlines()
    assert verdict.startswith("policy check against policy.yaml: FAILED: 6 of ")
    # the closing lines say the failure is the example's point, not a broken demo (4 steps back since 2025)
    assert point.startswith("That FAILED check is the example's point: the example company took 4 steps back")
    assert worked == (f"The demo itself worked: every file listed above was written; open "
                      f"{tmp_path / 'out' / 'report.html'} to see each step back.")
    # on a screen (stdout and stderr together) the run ends with those lines, after the terminal report
    both = subprocess.run([sys.executable, "-m", "crmcheck", "demo", "--out", str(tmp_path / "again")],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120,
                          env={**os.environ, "NO_COLOR": "1", "COLUMNS": "80"})
    lines = both.stdout.rstrip().splitlines()
    assert lines[-1] == worked.replace(str(tmp_path / "out"), str(tmp_path / "again"))
    assert lines.index("How to read this report") < len(lines) - 3
