"""Improvement plans, worked by hand on a small questionnaire: making, updating, showing, and --plan on report,
compare and check."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from crmcheck.catalog import Catalog
from crmcheck.models.plan import load_plan
from crmcheck.plan import run as plan_run
from tests.conftest import STANDARD_LEVELS, practice_scale, questionnaire_dir, run_cli

QUESTIONNAIRE = """format: 1
id: plantest
title: Plan test
version: 1
kind: scored
source: A hand-worked test
scales:
""" + practice_scale() + STANDARD_LEVELS + """default_target: 4
sections:
  - id: alpha
    title: Alpha
    questions:
      - {id: a1, text: A one?, type: scale, scale: practice, critical: true, recommendation: Do alpha one}
      - {id: a2, text: A two?, type: yes_no, recommendation: Do alpha two}
  - id: beta
    title: Beta
    questions:
      - {id: b1, text: B one?, type: scale, scale: practice, recommendation: Do beta one}
      - {id: b2, text: B two?, type: scale, scale: practice, recommendation: Do beta two}
  - id: gamma
    title: Gamma
    questions:
      - {id: g1, text: G one?, type: scale, scale: practice, recommendation: Do gamma one}
"""


def answers(day: str, values: dict[str, object]) -> str:
    lines = "".join(f"      {k}: {v}\n" for k, v in values.items())
    return f"format: 1\ncompany: Plan Co\nassessed_on: {day}\nquestionnaires:\n  plantest:\n    answers:\n{lines}"


# 2025. alpha: (0.25 + 0) / 2 = 12.5, level 1, high risk (< 40), gap 4 - 1 = 3; beta: (0.75 + 0.5) / 2 = 62.5,
# level 3, medium risk (< 70), gap 1; gamma: 100, level 5, low risk, no recommendation.
# Priority = section weight × weight × (1 − s) × (1 + gap): a2 1 × 4 = 4.0, a1 0.75 × 4 = 3.0, b2 0.5 × 2 = 1.0,
# b1 0.25 × 2 = 0.5. Impact by priority rank in thirds of four: ranks 0, 1 high (0·3 and 1·3 < 4), rank 2 medium
# (6 < 8), rank 3 low. Phase: alpha is high risk (and a1 critical) -> now; beta is medium risk -> next.
Y2025 = {"alpha.a1": 1, "alpha.a2": "no", "beta.b1": 3, "beta.b2": 2, "gamma.g1": 4}
# 2026. alpha: 100 (both gaps closed); beta unchanged; gamma: 25, level 2, high risk, gap 2 -> a new action, g1,
# priority 0.75 × 3 = 2.25, phase now.
Y2026 = {"alpha.a1": 4, "alpha.a2": "yes", "beta.b1": 3, "beta.b2": 2, "gamma.g1": 1}


@pytest.fixture
def work(tmp_path: Path) -> Path:
    questionnaire_dir(tmp_path / "q", plantest=QUESTIONNAIRE)
    (tmp_path / "2025.yaml").write_text(answers("2025-11-01", Y2025))
    (tmp_path / "2026.yaml").write_text(answers("2026-11-01", Y2026))
    return tmp_path


def plan_cli(work: Path, *args: str) -> tuple[int, str, str]:
    run = run_cli(*args, "--questionnaires", str(work / "q"), cwd=work)
    return run.code, run.out, run.err


def make(work: Path) -> Path:
    code, _, err = plan_cli(work, "plan", "2025.yaml", "-o", "plan.yaml")
    assert code == 0, err
    return work / "plan.yaml"


def fields(text: str, action: str) -> dict[str, str]:
    """The `name: value` lines of one action's block, comments dropped."""
    block = text.split(f"- id: {action}\n", 1)[1].split("\n  - id:", 1)[0].split("\n  #", 1)[0]
    return {m[1]: m[2].strip() for m in re.finditer(r"^ {4}(\w+):([^#\n]*)", block, re.M)}


def test_one_action_per_recommendation_phased_and_sized_by_hand(work: Path) -> None:
    text = make(work).read_text()
    ids = re.findall(r"^  - id: (\S+)$", text, re.M)
    assert ids == ["plantest.alpha.a2", "plantest.alpha.a1", "plantest.beta.b2", "plantest.beta.b1"]
    a2, a1, b2, b1 = (fields(text, i) for i in ids)
    assert (a2["phase"], a2["impact"], a1["phase"], a1["impact"]) == ("now", "high", "now", "high")
    assert (b2["phase"], b2["impact"], b1["phase"], b1["impact"]) == ("next", "medium", "next", "low")
    assert a2["title"] == '"Do alpha two"' and a2["questions"] == "[alpha.a2]" and a2["section"] == "alpha"
    assert "score 12.5, level 1 Initial, high risk, target level 4, gap 3" in a2["why"]
    # every field a person fills is left blank, with a comment saying what goes there
    for name in ("owner", "due", "effort", "done_on", "notes"):
        assert a2[name] == ""
    assert "owner:                            # who makes it happen" in text
    plan = load_plan(str(work / "plan.yaml")).plan
    assert plan.company == "Plan Co" and str(plan.assessment.assessed_on) == "2025-11-01"
    assert all(a.status == "open" for a in plan.actions)


def test_an_existing_plan_is_not_replaced_without_force(work: Path) -> None:
    make(work)
    before = (work / "plan.yaml").read_text()
    code, _, err = plan_cli(work, "plan", "2025.yaml", "-o", "plan.yaml")
    assert code == 2 and "--update plan.yaml" in err
    assert (work / "plan.yaml").read_text() == before


def human_edits(path: Path) -> str:
    """What people do to a plan in a year: owners and dates, one action done, a comment of their own."""
    text = path.read_text()
    text = text.replace("  - id: plantest.alpha.a2\n", "  # Ana agreed this at the kick-off\n"
                        "  - id: plantest.alpha.a2\n", 1)
    for action, owner, due, status in (("plantest.alpha.a2", "Ana Costa", "2026-03-31", "done"),
                                       ("plantest.alpha.a1", "Ben Ode", "2026-06-30", "doing"),
                                       ("plantest.beta.b1", "Ana Costa", "2026-06-30", "open")):
        head, rest = text.split(f"- id: {action}\n", 1)
        block, tail = rest.split("\n  - id:", 1) if "\n  - id:" in rest else (rest, None)
        block = re.sub(r"owner:( *)#", f"owner: {owner}\\1#", block, count=1)
        block = re.sub(r"due:( *)#", f"due: {due}\\1#", block, count=1)
        block = block.replace("status: open", f"status: {status}", 1)
        if status == "done":
            block = re.sub(r"done_on:( *)#", "done_on: 2026-03-20\\1#", block, count=1)
        text = head + f"- id: {action}\n" + block + ("" if tail is None else "\n  - id:" + tail)
    path.write_text(text)
    return text


def test_update_keeps_every_edit_marks_closed_gaps_and_adds_new_ones(work: Path) -> None:
    before = human_edits(make(work))
    code, _, err = plan_cli(work, "plan", "2026.yaml", "--update", "plan.yaml")
    assert code == 0, err
    assert "1 action added, 2 gaps closed" in err
    after = (work / "plan.yaml").read_text()
    # every line that was there is still there, in order: only additions, and the assessment it now rests on
    kept = [line for line in before.splitlines() if not line.startswith("assessment:")]
    remaining = iter(after.splitlines())
    assert all(any(line == other for other in remaining) for line in kept)
    assert "assessment: {file: \"2026.yaml\", assessed_on: 2026-11-01}" in after
    assert fields(after, "plantest.alpha.a2")["owner"] == "Ana Costa"
    assert fields(after, "plantest.alpha.a2")["gap_closed"] == "2026-11-01"
    assert fields(after, "plantest.alpha.a1")["gap_closed"] == "2026-11-01"
    assert "gap_closed" not in fields(after, "plantest.beta.b1")
    assert "# Ana agreed this at the kick-off" in after
    added = fields(after, "plantest.gamma.g1")
    assert (added["phase"], added["status"], added["owner"]) == ("now", "open", "")
    # run again on the same assessment: nothing changes
    plan_cli(work, "plan", "2026.yaml", "--update", "plan.yaml")
    assert (work / "plan.yaml").read_text() == after
    # back on the 2025 answers the two gaps are open again and their marks go, byte for byte
    plan_cli(work, "plan", "2025.yaml", "--update", "plan.yaml")
    back = (work / "plan.yaml").read_text()
    # (the new action g1 has no gap in 2025: gamma scored 100 then, so it is marked closed on that date)
    expected = after.replace("    gap_closed: 2026-11-01\n", "").replace(
        'assessment: {file: "2026.yaml", assessed_on: 2026-11-01}',
        'assessment: {file: "2025.yaml", assessed_on: 2025-11-01}')
    assert back.replace("    gap_closed: 2025-11-01\n", "") == expected
    assert fields(back, "plantest.gamma.g1")["gap_closed"] == "2025-11-01" and back.count("    gap_closed:") == 1


def test_update_keeps_flow_style_actions_and_comments(work: Path) -> None:
    (work / "plan.yaml").write_text(
        "format: 1  # kept\ncompany: Plan Co\nassessment:\n  file: 2025.yaml   # block style\n"
        "  assessed_on: 2025-11-01\nactions:\n"
        "  - {id: plantest.alpha.a2, title: Two, questionnaire: plantest, section: alpha, questions: [alpha.a2]}\n"
        "# the end\n")
    code, _, err = plan_cli(work, "plan", "2026.yaml", "--update", "plan.yaml")
    assert code == 0, err
    text = (work / "plan.yaml").read_text()
    assert "  - {id: plantest.alpha.a2, title: Two, questionnaire: plantest, section: alpha, questions: [alpha.a2], " \
           "gap_closed: 2026-11-01}\n" in text
    assert "  file: \"2026.yaml\"   # block style\n  assessed_on: 2026-11-01\n" in text
    assert text.startswith("format: 1  # kept\n") and text.endswith("# the end\n")
    # b1 and b2 are gaps this plan never had an action for, g1 is new this year; a1 is closed in 2026 (not added)
    assert set(re.findall(r"^  - id: (\S+)$", text, re.M)) == {"plantest.beta.b1", "plantest.beta.b2",
                                                                "plantest.gamma.g1"}
    load_plan(str(work / "plan.yaml"))


def test_an_edit_made_while_update_runs_is_not_lost(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plan = make(work)
    real = plan_run.update_plan
    calls = []

    def slow_update(source, result, file, current_id):  # type: ignore[no-untyped-def]
        if not calls:  # someone saves an owner while the first update is being worked out
            plan.write_text(plan.read_text().replace("owner:  ", "owner: Zoe", 1))
        calls.append(1)
        return real(source, result, file, current_id)

    monkeypatch.setattr(plan_run, "update_plan", slow_update)
    catalog = Catalog.from_options([work / "q"])
    outcome = plan_run.update_plan_file([str(work / "2026.yaml")], str(plan), catalog)
    assert len(calls) == 2  # it noticed, and started again from the edited file
    text = plan.read_text()
    assert "owner: Zoe" in text and "gap_closed: 2026-11-01" in text and outcome.added == ["plantest.gamma.g1"]


def test_update_never_writes_over_a_plan_that_fails_to_load(work: Path) -> None:
    plan = make(work)
    broken = plan.read_text().replace("status: open", "status: started", 1)
    plan.write_text(broken)
    code, _, err = plan_cli(work, "plan", "2026.yaml", "--update", "plan.yaml")
    assert code == 2
    line = broken.splitlines().index(next(ln for ln in broken.splitlines() if "status: started" in ln)) + 1
    assert err.startswith(f"plan.yaml:{line}:13: ")
    assert "open" in err and "dropped" in err
    assert plan.read_text() == broken


@pytest.mark.parametrize(("edit", "message"), [
    (("owner:", "ownr:"), "unknown field 'ownr'"),
    (("due:  ", "due: next week"), "a date is written YYYY-MM-DD"),
    (("done_on:  ", "done_on: 2026-01-01"), "done_on is set but status is open"),
    (("questions: [alpha.a2]", "questions: [beta.b1]"), "not in the action's section 'alpha'"),
])
def test_bad_plans_give_one_line_with_a_position(work: Path, edit: tuple[str, str], message: str) -> None:
    plan = make(work)
    plan.write_text(plan.read_text().replace(*edit, 1))
    code, _, err = plan_cli(work, "plan", "show", "plan.yaml")
    assert code == 2
    assert re.match(r"plan\.yaml:\d+:\d+: ", err) and message in err, err


def test_a_duplicate_action_id_names_the_first_line(work: Path) -> None:
    plan = make(work)
    text = plan.read_text().replace("- id: plantest.alpha.a1", "- id: plantest.alpha.a2")
    plan.write_text(text)
    code, _, err = plan_cli(work, "plan", "show", "plan.yaml")
    first = text.splitlines().index("  - id: plantest.alpha.a2") + 1
    assert code == 2 and f"duplicate action id 'plantest.alpha.a2' (first used on line {first})" in err


def updated_plan(work: Path) -> Path:
    plan = make(work)
    human_edits(plan)
    return plan


def test_report_lists_each_sections_actions_in_every_format(work: Path) -> None:
    updated_plan(work)
    args = ("report", "2026.yaml", "--plan", "plan.yaml", "--today", "2026-11-20")
    code, out, err = plan_cli(work, *args, "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    sections = {s["id"]: s for s in data["questionnaires"][0]["sections"]}
    a2, a1 = sections["alpha"]["actions"]
    assert (a2["id"], a2["status"], a2["gap"], a2["overdue"]) == ("plantest.alpha.a2", "done", "closed", False)
    # a1 is in progress past its due date, but its gap closed: nothing is owed any more
    assert (a1["status"], a1["gap"], a1["overdue"]) == ("doing", "closed", False)
    b2, b1 = sorted(sections["beta"]["actions"], key=lambda a: a["id"], reverse=True)
    assert (b1["id"], b1["overdue"], b1["gap"]) == ("plantest.beta.b1", True, "open")
    assert sections["gamma"]["actions"] == []
    assert data["plan"]["by_status"] == {"open": 2, "doing": 1, "done": 1, "dropped": 0}
    assert data["plan"]["overdue"] == 1 and data["plan"]["gaps_closed"] == 2
    _, md, _ = plan_cli(work, *args, "--format", "markdown")
    assert "| Do beta one (`plantest.beta.b1`) | beta | Ana Costa | 2026-06-30 | open, **overdue** |" in md
    assert "**1 overdue** on 2026-11-20" in md
    _, term, _ = plan_cli(work, *args)
    assert "plantest/beta: 2 actions (2 open)" in term and "overdue: Do beta one (due 2026-06-30, Ana Costa)" in term
    _, html, _ = plan_cli(work, *args, "--format", "html")
    assert "<strong class=\"plan-overdue\">open, overdue</strong>" in html and "Ana Costa" in html
    _, junit, _ = plan_cli(work, *args, "--format", "junit")
    assert "plan: 2 actions (2 open); overdue: plantest.beta.b1" in junit
    code, _, err = plan_cli(work, *args, "--format", "xlsx", "-o", "r.xlsx")
    assert code == 0, err
    from openpyxl import load_workbook

    rows = list(load_workbook(work / "r.xlsx")["Plan"].values)
    assert rows[0][:3] == ("Phase", "Action", "Id")
    overdue = {r[2]: r[8] for r in rows[1:]}
    assert overdue == {"plantest.alpha.a2": "no", "plantest.alpha.a1": "no", "plantest.beta.b2": "no",
                       "plantest.beta.b1": "yes"}


def test_compare_relates_the_actions_to_the_change(work: Path) -> None:
    updated_plan(work)
    code, out, err = plan_cli(work, "compare", "2025.yaml", "2026.yaml", "--plan", "plan.yaml", "-f", "json")
    assert code == 0, err
    texts = [e["text"] for e in json.loads(out)["plan_effects"]]
    # alpha 12.5 -> 100: level 1 -> 5; beta 62.5 both years; gamma 100 -> 25: level 5 -> 2, with no action
    assert texts == ["alpha: 1 of 2 actions done, level 1 → 5", "beta: 0 of 2 actions done, no change",
                     "gamma: no action, level 5 → 2"]
    _, term, _ = plan_cli(work, "compare", "2025.yaml", "2026.yaml", "--plan", "plan.yaml")
    assert "The plan against the change" in term and "gamma: no action, level 5 → 2" in term
    _, md, _ = plan_cli(work, "compare", "2025.yaml", "2026.yaml", "--plan", "plan.yaml", "-f", "markdown")
    assert "- alpha: 1 of 2 actions done, level 1 → 5" in md
    _, html, _ = plan_cli(work, "report", "2026.yaml", "--baseline", "2025.yaml", "--plan", "plan.yaml", "-f", "html")
    assert "<li>gamma: no action, level 5 → 2</li>" in html


def test_check_fails_on_an_overdue_action_and_an_unplanned_high_risk_section(work: Path) -> None:
    updated_plan(work)
    code, out, err = plan_cli(work, "check", "2026.yaml", "--plan", "plan.yaml", "--today", "2026-11-20",
                              "-f", "json", "--junit", "crm.xml")
    assert code == 1, err
    outcomes = json.loads(out)["outcomes"]
    plan_rules = [(o["rule"], o["status"], o["scope"]) for o in outcomes
                  if o["rule"] in ("no-overdue-actions", "high-risk-has-action")]
    # a1 is past due but its gap closed, a2 is done, b2 has no date: only b1 is owed, and is late
    assert plan_rules == [("no-overdue-actions", "broken", "plantest/beta"),
                          ("high-risk-has-action", "broken", "plantest/gamma")]
    overdue = next(o for o in outcomes if o["rule"] == "no-overdue-actions")
    text = (work / "plan.yaml").read_text().splitlines()
    assert overdue["file"] == "plan.yaml" and text[overdue["line"] - 1] == "  - id: plantest.beta.b1"
    assert "143 days before 2026-11-20" in overdue["message"]  # 2026-06-30 to 2026-11-20
    import xml.etree.ElementTree as ET

    failed = {case.get("classname"): case.find("failure").get("message")  # type: ignore[union-attr]
              for case in ET.parse(work / "crm.xml").iter("testcase") if case.find("failure") is not None}
    assert "action plantest.beta.b1 (owner Ana Costa) is open" in failed["crmcheck.no-overdue-actions"]
    assert "plantest/gamma is at high risk" in failed["crmcheck.high-risk-has-action"]
    # after the update gamma has its action; b1 moved to next quarter: the plan rules hold
    plan_cli(work, "plan", "2026.yaml", "--update", "plan.yaml")
    plan = work / "plan.yaml"
    plan.write_text(plan.read_text().replace("due: 2026-06-30   ", "due: 2027-03-31   "))
    code, out, _ = plan_cli(work, "check", "2026.yaml", "--plan", "plan.yaml", "--today", "2026-11-20", "-f", "json")
    statuses = {o["rule"]: o["status"] for o in json.loads(out)["outcomes"]
                if o["rule"] in ("no-overdue-actions", "high-risk-has-action")}
    assert statuses == {"no-overdue-actions": "held", "high-risk-has-action": "held"} and code == 0


def test_plan_rules_skip_without_a_plan_or_with_nothing_to_check(work: Path) -> None:
    (work / "policy.yaml").write_text(
        "format: 1\nrules:\n  - rule: no-overdue-actions\n  - rule: high-risk-has-action\n")
    code, out, _ = plan_cli(work, "check", "2025.yaml", "--policy", "policy.yaml", "-f", "json")
    outcomes = json.loads(out)["outcomes"]
    assert [(o["status"], o["found"]) for o in outcomes] == [("skipped", "no plan"), ("skipped", "no plan")]
    assert code == 0
    make(work)  # no action has a due date yet; alpha (high risk in 2025) has its actions
    code, out, _ = plan_cli(work, "check", "2025.yaml", "--policy", "policy.yaml", "--plan", "plan.yaml", "-f",
                            "json")
    outcomes = json.loads(out)["outcomes"]
    assert [(o["rule"], o["status"]) for o in outcomes] == [("no-overdue-actions", "skipped"),
                                                            ("high-risk-has-action", "held")]


def test_plan_show_orders_by_phase_then_overdue_then_owner(work: Path) -> None:
    updated_plan(work)
    code, out, err = plan_cli(work, "plan", "show", "plan.yaml", "--today", "2026-11-20", "-f", "json")
    assert code == 0, err
    code, md, _ = plan_cli(work, "plan", "show", "plan.yaml", "--today", "2026-11-20", "-f", "markdown")
    # without an assessment the plan file is the record: a1 (in progress, due 2026-06-30) is overdue, so it leads
    rows = [line.split(" | ")[0] for line in md.splitlines() if line.startswith("| Do ")]
    assert rows == ["| Do alpha one (`plantest.alpha.a1`)", "| Do alpha two (`plantest.alpha.a2`)",
                    "| Do beta one (`plantest.beta.b1`)", "| Do beta two (`plantest.beta.b2`)"]
    gantt = md.split("```mermaid\n", 1)[1].split("```", 1)[0]
    assert "dateFormat YYYY-MM-DD" in gantt
    assert "Do alpha one :crit, a1now, 2025-11-01, 2026-06-30" in gantt
    assert "Do alpha two :done, a2now, 2025-11-01, 2026-03-31" in gantt
    assert "Do beta one :crit, a1next, 2025-11-01, 2026-06-30" in gantt
    assert "1 action without a due date, not drawn" in md


def test_csv_in_the_columns_jira_and_github_import(work: Path) -> None:
    updated_plan(work)
    _, jira, _ = plan_cli(work, "plan", "show", "plan.yaml", "--today", "2026-11-20", "-f", "csv")
    rows = list(csv.reader(io.StringIO(jira)))
    # Jira's CSV importer: Summary is required; a repeated column (Labels) carries several values
    assert rows[0] == ["Issue ID", "Summary", "Issue Type", "Status", "Priority", "Assignee", "Due date", "Labels",
                       "Labels", "Description"]
    a2 = next(row for row in rows if row[0] == "plantest.alpha.a2")
    assert dict(zip(rows[0][:7], a2[:7], strict=True)) == {
        "Issue ID": "plantest.alpha.a2", "Summary": "Do alpha two", "Issue Type": "Task",
                     "Status": "Done", "Priority": "High", "Assignee": "Ana Costa", "Due date": "2026-03-31"}
    _, github, _ = plan_cli(work, "plan", "show", "plan.yaml", "-f", "csv", "--csv-layout", "github")
    rows = list(csv.DictReader(io.StringIO(github)))
    # the columns GitHub issue importers read (title is required; labels split at commas; state closed or open)
    assert list(rows[0]) == ["title", "body", "labels", "assignee", "state"]
    a2 = next(row for row in rows if row["title"] == "Do alpha two")
    assert (a2["state"], a2["assignee"], a2["labels"].split(",")) == ("closed", "Ana Costa",
                                                                     ["plantest", "phase-now", "impact-high"])


HOSTILE = "=HYPERLINK(\"http://x\") | [link](http://evil) <script>alert(1)</script> \x1b[31m ::error::x"


def test_hostile_text_in_plan_fields_is_inert_in_every_format(work: Path) -> None:
    plan = make(work)
    from crmcheck.answers.layout import quoted

    plan.write_text(plan.read_text().replace("owner:  ", f"owner: {quoted(HOSTILE)}", 1).replace(
        'title: "Do alpha two"', f"title: {quoted(HOSTILE)}", 1))
    for fmt in ("terminal", "markdown", "html", "json", "csv"):
        code, out, err = plan_cli(work, "plan", "show", "plan.yaml", "-f", fmt)
        assert code == 0, err
        assert "\x1b" not in out, fmt
        if fmt in ("markdown", "html"):
            assert "<script>" not in out, fmt
        assert not any(line.startswith("::error") for line in out.splitlines()), fmt
    _, md, _ = plan_cli(work, "plan", "show", "plan.yaml", "-f", "markdown")
    assert "[link](http" not in md and " | [" not in md
    _, csv_text, _ = plan_cli(work, "plan", "show", "plan.yaml", "-f", "csv")
    assert all(not cell.startswith("=") for row in csv.reader(io.StringIO(csv_text)) for cell in row)
    code, _, _ = plan_cli(work, "plan", "show", "plan.yaml", "-f", "xlsx", "-o", "p.xlsx")
    from openpyxl import load_workbook

    cell = next(c for row in load_workbook(work / "p.xlsx")["Plan"].iter_rows() for c in row
                if isinstance(c.value, str) and c.value.startswith("=HYPER"))
    assert cell.data_type == "s" and cell.quotePrefix
    _, md_report, _ = plan_cli(work, "report", "2025.yaml", "--plan", "plan.yaml", "-f", "markdown")
    assert "<script>" not in md_report and "[link](http" not in md_report


def test_a_plan_for_another_company_is_refused(work: Path) -> None:
    plan = make(work)
    plan.write_text(plan.read_text().replace('company: "Plan Co"', "company: Other Ltd"))
    code, _, err = plan_cli(work, "report", "2025.yaml", "--plan", "plan.yaml")
    assert code == 2 and "plan.yaml:8:10: this plan is for 'Other Ltd'" in err


def test_plan_schema_describes_the_file() -> None:
    run = run_cli("schema", "plan")
    code, schema = run.code, json.loads(run.out)
    action = schema["$defs"]["Action"]["properties"]
    assert set(action) >= {"id", "title", "questionnaire", "section", "questions", "why", "owner", "due", "status",
                           "phase", "effort", "impact", "notes", "done_on", "gap_closed"}
    assert code == 0


def test_demo_writes_the_example_plan_and_reads_it_in_the_report_and_comparison(tmp_path: Path) -> None:
    from tests.conftest import EXAMPLES

    run = run_cli("demo", "--out", str(tmp_path / "out"))
    assert run.code == 0, run.err
    out = tmp_path / "out"
    kept = (EXAMPLES / "plan-2025.yaml").read_text()
    assert (out / "plan-2025.yaml").read_text() == kept
    example = load_plan(str(EXAMPLES / "plan-2025.yaml")).plan
    owners = {a.owner for a in example.actions if a.owner}
    statuses = {a.status for a in example.actions}
    assert len(owners) >= 3 and statuses == {"open", "doing", "done", "dropped"}
    report = json.loads((out / "report.json").read_text())
    assert report["plan"]["by_status"]["done"] == sum(a.status == "done" for a in example.actions)
    assert sum(len(s["actions"]) for q in report["questionnaires"] for s in q["sections"]) == len(example.actions)
    effects = report["comparison"]["plan_effects"]
    assert effects and all(re.match(r"[a-z0-9-]+: (\d+ of \d+ actions? done|no action), ", e["text"]) for e in effects)
    assert "**The plan against the change:**" in (out / "comparison.md").read_text()
    assert "```mermaid\ngantt\n" in (out / "plan.md").read_text()
    # the plan brought up to 2026 keeps every line of the one the team kept
    updated = (out / "plan-2026.yaml").read_text().splitlines()
    remaining = iter(updated)
    assert all(any(line == other for other in remaining) for line in kept.splitlines()
               if not line.startswith("assessment:"))
    assert "gap_closed: " in "\n".join(updated)
    assert "improvement plan plan-2025.yaml:" in run.err


def test_validate_knows_a_plan_and_report_dir_skips_one(work: Path) -> None:
    make(work)
    code, out, _ = plan_cli(work, "validate", "plan.yaml")
    assert code == 0 and out == "plan.yaml: ok, plan for Plan Co: 4 actions, 0 done\n"
    plan = work / "plan.yaml"
    plan.write_text(plan.read_text().replace("phase: now", "phase: soon", 1))
    code, _, err = plan_cli(work, "validate", "plan.yaml")
    assert code == 2 and re.match(r"plan\.yaml:\d+:12: ", err) and "soon" in err
    folder = work / "answers"
    folder.mkdir()
    (folder / "2025.yaml").write_text((work / "2025.yaml").read_text())
    plan_cli(work, "plan", "2025.yaml", "-o", "answers/plan.yaml")
    code, out, err = plan_cli(work, "report", "answers", "-f", "json")
    assert code == 0 and "skipped 1 file that is not answers files: answers/plan.yaml (improvement plan)" in err
