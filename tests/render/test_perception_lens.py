"""The perception report's JUnit and xlsx keep the two lenses apart: a JUnit viewer that merges suites of one name,
or cases of one (classname, name), would drop the company's view; a spreadsheet row must say whose view it is."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
import xmlschema
from openpyxl import load_workbook

from tests.conftest import EXAMPLES, ROOT, run_cli

PERCEPTION = str(EXAMPLES / "perception")
JUNIT_XSD = ROOT / "tests" / "data" / "junit-10.xsd"


@pytest.fixture(scope="module")
def report_json() -> dict[str, object]:
    run = run_cli("report", PERCEPTION, "--format", "json")
    assert run.code == 0, run.err
    return json.loads(run.out)  # type: ignore[no-any-return]


def test_junit_has_one_suite_name_per_lens_and_no_duplicate_cases(report_json: dict) -> None:
    run = run_cli("report", PERCEPTION, "-f", "junit")
    assert run.code == 0, run.err
    xmlschema.XMLSchema(str(JUNIT_XSD)).validate(run.out)
    root = ET.fromstring(run.out)
    suites = root.findall("testsuite")
    lenses = [(q["id"], q["lens"]) for q in report_json["questionnaires"]]
    assert sorted(lens for _, lens in lenses) == ["company", "customer"]
    names = [s.get("name") for s in suites]
    assert len(names) == len(set(names)) == len(lenses)
    for suite, (qid, lens) in zip(suites, lenses, strict=True):
        assert suite.get("name", "").startswith(f"{qid} ({lens} view): ")
        properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
        assert properties["lens"] == lens
    pairs = Counter((c.get("classname"), c.get("name")) for c in root.iter("testcase"))
    assert pairs and max(pairs.values()) == 1
    # each lens's sections are all there, passes and failures alike, as the JSON has them
    for suite, q in zip(suites, report_json["questionnaires"], strict=True):
        cases = suite.findall("testcase")
        assert [c.get("name") for c in cases] == [f"{s['id']}: {s['title']}" for s in q["sections"]]
        assert {c.get("classname") for c in cases} == {f"crmcheck.{q['id']}.{q['lens']}"}
        failed = sum(c.find("failure") is not None for c in cases)
        assert suite.get("failures") == str(failed)
        expected_failures = sum(1 for s in q["sections"]
                                if s["score"] is not None and (s["gap"] or s["risk"] == "high"))
        assert failed == expected_failures


def test_a_single_file_keeps_its_suite_name(tmp_path: Path) -> None:
    run = run_cli("report", str(EXAMPLES / "assessment-2026.yaml"), "-f", "junit")
    names = [s.get("name") for s in ET.fromstring(run.out).findall("testsuite")]
    assert names[0] == "crm-mistakes: The nine CRM mistakes"


def _sheet(path: Path, title: str) -> list[dict[str, object]]:
    ws = load_workbook(path)[title]
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_xlsx_names_the_lens_on_every_table(report_json: dict, tmp_path: Path) -> None:
    out = tmp_path / "perception.xlsx"
    run = run_cli("report", PERCEPTION, "-f", "xlsx", "-o", str(out))
    assert run.code == 0, run.err
    questionnaires = report_json["questionnaires"]
    summary = _sheet(out, "Summary")
    assert [(r["Questionnaire"], r["Lens"]) for r in summary] == [(q["id"], q["lens"]) for q in questionnaires]
    sections = _sheet(out, "Sections")
    assert [(r["Section"], r["Lens"], r["Score"]) for r in sections] == [
        (s["id"], q["lens"], s["score"]) for q in questionnaires for s in q["sections"]]
    questions = _sheet(out, "Questions")
    assert Counter(r["Lens"] for r in questions) == Counter(
        q["lens"] for q in questionnaires for s in q["sections"] for _ in s["questions"])
    recommendations = _sheet(out, "Recommendations")
    assert [(r["Question"], r["Lens"]) for r in recommendations] == [
        (rec["question"], q["lens"]) for q in questionnaires for rec in q["recommendations"]]
    assert {r["Lens"] for r in recommendations} == {"company", "customer"}


def test_a_single_file_gives_its_respondents_lens(tmp_path: Path) -> None:
    out = tmp_path / "one.xlsx"
    assert run_cli("report", str(EXAMPLES / "perception" / "customer-1.yaml"), "-f", "xlsx", "-o", str(out)).code == 0
    for title in ("Summary", "Sections", "Questions"):
        assert {r["Lens"] for r in _sheet(out, title)} == {"customer"}, title
