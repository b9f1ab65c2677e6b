"""The xlsx report: its sheets, header styling, numbers stored as numbers, and user text that never turns formula."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pexpect
import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from crmcheck.assessment import assess_file
from crmcheck.catalog import Catalog
from crmcheck.render import RenderOptions
from crmcheck.render.report_parts import Changes, OptionalParts, PerceptionGap, QuestionnaireChange, SectionChange
from crmcheck.render.xlsx_report import render_with
from tests.conftest import EXAMPLES, run_cli
from tests.render.report_inputs import (
    HOSTILE_ANSWERS,
    HOSTILE_COMPANY,
    HOSTILE_EVIDENCE,
    HOSTILE_NOTE,
    HOSTILE_REASON,
    HOSTILE_TEXT,
    PLAIN_ANSWERS,
    write_answers,
    write_small_questionnaires,
)


@pytest.fixture(scope="module")
def example_xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("xlsx") / "report.xlsx"
    run = run_cli("report", str(EXAMPLES / "assessment-2026.yaml"), "--format", "xlsx", "-o", str(out))
    assert (run.code, run.out, run.err) == (0, "", "")
    return out


def rows(ws: Worksheet) -> list[list[object]]:
    return [list(row) for row in ws.iter_rows(values_only=True)]


def header(ws: Worksheet) -> list[object]:
    return rows(ws)[0]


def test_example_sheets_and_headers(example_xlsx: Path) -> None:
    wb = load_workbook(example_xlsx)
    assert wb.sheetnames == ["Summary", "Sections", "Questions", "Recommendations", "Stages", "Profile", "How to read"]
    for ws in wb.worksheets:
        assert ws.freeze_panes is not None and ws.freeze_panes.endswith("2")  # the header row (test_xlsx_print)
        assert ws.auto_filter.ref == f"A1:{ws.cell(1, ws.max_column).column_letter}{ws.max_row}"
        for cell in ws[1]:
            assert cell.font.b and cell.font.color.rgb == "00FFFFFF" and cell.fill.fgColor.rgb == "00173F5F"
        assert all(ws.column_dimensions[c.column_letter].width >= 6 for c in ws[1])
    assert header(wb["Questions"]) == ["Questionnaire", "Section", "Question", "Text", "Type", "Status", "Answer",
                                       "Score", "Weight", "Critical", "Dimension", "Note", "Evidence", "Reason (n/a)",
                                       "Recommendation", "Lens"]
    assert wb["Questions"].column_dimensions["D"].width == 60
    assert wb["Questions"]["D2"].alignment.wrap_text


def test_example_stages_sheet_gives_each_stage_status_and_why(example_xlsx: Path) -> None:
    stages = rows(load_workbook(example_xlsx)["Stages"])
    assert stages[0] == ["Questionnaire", "Lens", "Stage", "Name", "Score", "Status", "Why", "Reached", "Climb"]
    # one row per stage, exactly as the JSON report has them (the rule itself is tested in tests/test_stages.py)
    run = run_cli("report", str(EXAMPLES / "assessment-2026.yaml"), "--format", "json")
    [stage] = [q["stage"] for q in json.loads(run.out)["questionnaires"] if q["stage"]]
    assert [r[2:] for r in stages[1:]] == [
        [s["number"], s["name"], s["score"], s["status"], s["reason"],
         "yes" if s["number"] <= stage["reached"] else "no", stage["climb"]] for s in stage["stages"]]
    assert {r[5] for r in stages[1:]} <= {"passed", "failed", "not assessed", "not applicable"}


def test_example_numbers_are_numbers(example_xlsx: Path) -> None:
    wb = load_workbook(example_xlsx)
    summary = rows(wb["Summary"])
    assert [r[:12] for r in summary[1:]] == [
        # crm-mistakes: all 62 applicable questions answered (the website findability share is answered `unknown`,
        # which scores 0 and adds its recommendation: worked by hand in test_compare)
        ["crm-mistakes", "The nine CRM mistakes", "scored", 3, 57.1, 3, "Defined", None, None, None, 1, 51],
        ["cmr-pitfalls", "The eight CRM pitfalls, seen from the customer's side", "scored", 3, 62.0, 3, "Defined",
         None, None, None, 1, 38],
        # revenue-marketing version 3: the section scores weighted (77.3 + 57.3 + 0.2 * 70.0 + 30.0 + 0.5 * 47.5) / 3.7
        # = 54.7; 32 recommendations, every answered question below full marks outside lead-generation (on target)
        ["revenue-marketing", "Revenue marketing readiness", "staged", 3, 54.7, 3, "Defined", 2, "Lead Generation", 4,
         1, 32],
    ]
    assert summary[1][12:16] == ["Brightwater Field Systems", dt.datetime(2026, 11, 2), "Dana Lee",
                                 "Leadership workshop"]
    ws = wb["Summary"]
    assert (ws["E2"].data_type, ws["E2"].number_format) == ("n", "0.0")
    assert (ws["K2"].number_format, ws["N2"].number_format) == ("0%", "yyyy-mm-dd")
    sections = rows(wb["Sections"])
    strengths = next(r for r in sections if r[1] == "strengths")
    assert strengths == ["crm-mistakes", "strengths", "Checking your strengths honestly", None, 1, 28.6, 2,
                         "Developing", "high", 4, 2, 1, 5, 5, 0, "no", "company"]
    recommendations = rows(wb["Recommendations"])
    assert recommendations[1][:6] == [1, "crm-mistakes", "strengths", "strengths.customer-rating", 4.5, 25]
    assert len(recommendations) == 1 + 51 + 38 + 32  # crm-mistakes: findability-share `unknown` adds one


def test_example_questions_carry_answers_notes_and_evidence(example_xlsx: Path) -> None:
    questions = rows(load_workbook(example_xlsx)["Questions"])
    defined = next(r for r in questions if r[2] == "best-customers.defined")
    assert defined[5:8] == ["answered", "3 Practised", 75]
    assert defined[11:13] == ["Ideal customer profile agreed by sales, marketing and service in February 2026",
                              "icp-profile-2026.pdf"]
    mobile = next(r for r in questions if r[2] == "personalisation.mobile")
    assert (mobile[5], mobile[7], mobile[13]) == (
        "n/a", None, "Service contacts are office-based dispatchers; no mobile support channel planned")
    # the version-3 questions: revenue-marketing 11 + 14 + 5 + 16 + 6 = 52 in its five sections
    assert len(questions) == 1 + 66 + 55 + 52  # crm-mistakes 66: experience-metrics.targets retired


def test_hostile_text_is_stored_as_text(tmp_path: Path) -> None:
    questionnaires = write_small_questionnaires(tmp_path / "q")
    answers = write_answers(tmp_path / "hostile.yaml", HOSTILE_ANSWERS)
    out = tmp_path / "r.xlsx"
    run = run_cli("report", str(answers), "--questionnaires", str(questionnaires), "--format", "xlsx", "-o", str(out))
    assert run.code == 0, run.err
    with zipfile.ZipFile(out) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any("<f>" in xml or "<f " in xml for xml in sheets)  # not one formula anywhere
    assert not any('t="e"' in xml for xml in sheets)  # nor an error value
    wb = load_workbook(out)
    summary = wb["Summary"]
    assert summary["M2"].value == HOSTILE_COMPANY and summary["M2"].data_type == "s"
    assert (summary["P2"].value, summary["P2"].quotePrefix) == ("-2+3", True)
    assert (summary["Q2"].value, summary["Q2"].quotePrefix) == ("@role", True)
    ws = wb["Questions"]
    by_id = {f"{ws.cell(r, 1).value}.{ws.cell(r, 3).value}": r for r in range(2, ws.max_row + 1)}
    expected = {
        ("small-a.alpha.one", "L"): HOSTILE_NOTE, ("small-a.alpha.one", "M"): HOSTILE_EVIDENCE,
        ("small-a.alpha.two", "L"): "#N/A", ("small-a.alpha.two", "M"): "-cmd",
        ("small-a.alpha.note", "G"): HOSTILE_TEXT, ("small-a.beta.pick1", "N"): HOSTILE_REASON,
        # the control character (BEL) cannot be stored: written out visibly (the spreadsheet rule of crmcheck.inert)
        ("small-a.beta.pick2", "L"): "bell\\x07 and tab\tend",
    }
    for (question, column), value in expected.items():
        cell = ws[f"{column}{by_id[question]}"]
        assert (cell.value, cell.data_type) == (value, "s"), question
        assert cell.quotePrefix == value.startswith(("=", "+", "-", "@")), question


def test_xlsx_refuses_a_terminal(tmp_path: Path) -> None:
    child = pexpect.spawn(sys.executable, ["-m", "crmcheck", "report",
                          str(EXAMPLES / "assessment-2026.yaml"), "--format", "xlsx"], cwd=str(tmp_path),
                          env={"NO_COLOR": "1", "PATH": "/usr/bin:/bin"}, encoding="utf-8", timeout=60)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2
    assert child.before.strip() == "xlsx is a binary format: write it to a file with -o FILE"


def test_xlsx_to_a_pipe_is_the_workbook(tmp_path: Path) -> None:
    proc = subprocess.run([sys.executable, "-m", "crmcheck", "report", str(EXAMPLES / "assessment-2026.yaml"),
                           "--format", "xlsx"], capture_output=True, timeout=60)
    assert proc.returncode == 0 and proc.stderr == b""
    assert load_workbook(io.BytesIO(proc.stdout)).sheetnames[0] == "Summary"


def test_optional_sheets_when_present(tmp_path: Path) -> None:
    questionnaires = write_small_questionnaires(tmp_path / "q")
    answers = write_answers(tmp_path / "answers.yaml", PLAIN_ANSWERS)
    result = assess_file(str(answers), Catalog.from_options([questionnaires]))
    parts = OptionalParts(
        changes=Changes(baseline_on=dt.date(2025, 3, 1), questionnaires=[QuestionnaireChange(
            questionnaire="small-a", before=70.0, after=77.5, stage_before=None, stage_after=None,
            sections=[SectionChange("alpha", "=Alpha", 75.0, 81.3, 4, 4)])]),
        perception=[PerceptionGap("small-a", "beta", "Beta", company=70.0, customer=75.0, company_respondents=3,
                                  customer_respondents=5),
                    PerceptionGap("small-a", "alpha", "Alpha", company=81.3, customer=50.0)],
    )
    wb = load_workbook(io.BytesIO(render_with(result, RenderOptions(), parts)))
    assert wb.sheetnames == ["Summary", "Sections", "Questions", "Recommendations", "Perception gap", "Changes",
                             "Steps back", "How to read"]
    # the last two columns (questions compared, the source's figures) are empty: these rows give neither
    assert rows(wb["Perception gap"])[1:] == [
        ["small-a", "alpha", "Alpha", 81.3, 50, 31.3, None, None, "no", None, None],
        ["small-a", "beta", "Beta", 70, 75, -5, 3, 5, "no", None, None]]
    assert rows(wb["Changes"])[1:] == [
        ["small-a", None, "Small-A", 70, 77.5, 7.5, None, None, dt.datetime(2025, 3, 1)],
        ["small-a", "alpha", "=Alpha", 75, 81.3, 6.3, 4, 4, dt.datetime(2025, 3, 1)],
    ]
    assert wb["Changes"]["C3"].data_type == "s" and wb["Changes"]["F2"].number_format == "+0.0;-0.0;0.0"
    without = load_workbook(io.BytesIO(render_with(result, RenderOptions(), OptionalParts())))
    assert without.sheetnames == ["Summary", "Sections", "Questions", "Recommendations", "How to read"]


def test_workbook_properties(tmp_path: Path) -> None:
    questionnaires = write_small_questionnaires(tmp_path / "q")
    answers = write_answers(tmp_path / "answers.yaml", PLAIN_ANSWERS)
    out = tmp_path / "r.xlsx"
    run = run_cli("report", str(answers), "--questionnaires", str(questionnaires), "--format", "xlsx",
                  "--title", "Year one", "-o", str(out))
    assert run.code == 0, run.err
    props = load_workbook(out).properties
    assert (props.title, props.creator, props.created) == ("Year one", "crmcheck", dt.datetime(2026, 3, 1))
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", str(props.created.date()))


def test_each_cell_has_its_own_copy_of_its_columns_style() -> None:
    """A column's style is worked out once and copied into each cell: a quote prefix set on one cell must not reach
    the next, and a text cell in a number column keeps the General format."""
    from openpyxl import Workbook

    from crmcheck.render.xlsx_report import Column, _table

    wb = Workbook()
    _table(wb, "T", [Column("Text", 10, wrap=True), Column("Number", 8, "0.0")],
           [["=1+1", 1.5], ["plain", "text in a number column"], ["+x", None]])
    ws = wb["T"]
    assert [ws[f"A{row}"].quotePrefix for row in (2, 3, 4)] == [True, False, True]
    assert all(ws[f"A{row}"].alignment.wrap_text and ws[f"A{row}"].alignment.vertical == "top" for row in (2, 3, 4))
    assert [ws[f"B{row}"].number_format for row in (2, 3, 4)] == ["0.0", "General", "0.0"]
    assert [ws[f"B{row}"].data_type for row in (2, 3)] == ["n", "s"]
    assert not ws["B2"].alignment.wrap_text and ws["B2"].alignment.vertical == "top"
    assert ws["A1"].font.bold and not ws["A2"].font.bold  # the header's style stays the header's
