"""JUnit XML from `check` and `report`, checked against the JUnit schema Jenkins uses, for normal and hostile input."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema

from tests.conftest import EXAMPLES, answer_line, run_cli

SCHEMA = xmlschema.XMLSchema(str(Path(__file__).parent / "data" / "junit-10.xsd"))
OLD = str(EXAMPLES / "assessment-2025.yaml")
NEW = str(EXAMPLES / "assessment-2026.yaml")
POLICY = str(EXAMPLES / "policy.yaml")


def cases(xml: str) -> list[ET.Element]:
    return ET.fromstring(xml).findall(".//testcase")


def test_check_junit_one_testcase_per_rule_and_scope(tmp_path: Path) -> None:
    target = tmp_path / "crm.xml"
    run = run_cli("check", NEW, "--baseline", OLD, "--policy", POLICY, "--today", "2026-11-23", "--junit",
                  str(target))
    assert run.code == 1
    xml = target.read_text()
    SCHEMA.validate(xml)
    root = ET.fromstring(xml)
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("time")) == ("78", "6", "0", "0.000")
    all_cases = cases(xml)
    names = [(c.get("classname"), c.get("name")) for c in all_cases]
    assert len(names) == len(set(names)) == 78  # one per rule and scope, as in test_compare_check_cli.py
    assert all(c.get("time") == "0.000" for c in all_cases)
    assert names[0] == ("crmcheck.max-age", "assessment: Re-assessed every year")
    failed = [c for c in all_cases if c.find("failure") is not None]
    assert [(c.get("classname"), c.get("name")) for c in failed][:2] == [
        ("crmcheck.max-score-drop", "crm-mistakes/strengths: score falls by at most 15 points"),
        ("crmcheck.max-score-drop", "cmr-pitfalls/channels: score falls by at most 15 points"),
    ]
    failure = failed[0].find("failure")
    assert failure is not None
    assert failure.get("message") == "crm-mistakes/strengths fell 21.4 points (50.0 → 28.6); the policy allows 15"
    fell_most = answer_line("crm-mistakes", "strengths.customer-rating")
    assert failure.text == (f"{failure.get('message')}\nrule 8 (max-score-drop): score falls by at most 15 points\n"
                            f"found: 50.0 → 28.6 (-21.4)\nat: {NEW}:{fell_most}")


def test_names_are_stable_between_runs(tmp_path: Path) -> None:
    first, second = tmp_path / "a.xml", tmp_path / "b.xml"
    for target in (first, second):
        run_cli("check", NEW, "--baseline", OLD, "--policy", POLICY, "--today", "2026-11-23", "--junit", str(target))
    assert first.read_text() == second.read_text()


def test_skipped_rules_are_skipped_testcases(tmp_path: Path) -> None:
    target = tmp_path / "crm.xml"
    run = run_cli("check", NEW, "--today", "2026-11-23", "--junit", str(target))
    assert run.code == 0
    xml = target.read_text()
    SCHEMA.validate(xml)
    skipped = [c for c in cases(xml) if c.find("skipped") is not None]
    assert [c.get("classname") for c in skipped] == ["crmcheck.no-level-drop", "crmcheck.no-new-high-risk"]
    assert ET.fromstring(xml).find("testsuite").get("skipped") == "2"  # type: ignore[union-attr]


def test_report_junit_one_testcase_per_section() -> None:
    run = run_cli("report", NEW, "--format", "junit")
    assert run.code == 0
    SCHEMA.validate(run.out)
    suites = ET.fromstring(run.out).findall("testsuite")
    assert [(s.get("name"), s.get("tests"), s.get("failures")) for s in suites] == [
        ("crm-mistakes: The nine CRM mistakes", "10", "10"),
        ("cmr-pitfalls: The eight CRM pitfalls, seen from the customer's side", "8", "6"),
        # five version-3 sections; all but lead-generation (stage 2, reached) fall short of their target stage
        ("revenue-marketing: Revenue marketing readiness", "5", "4"),
    ]
    strengths = next(c for c in cases(run.out) if c.get("name", "").startswith("strengths:"))
    failure = strengths.find("failure")
    assert failure is not None
    assert failure.get("message") == "Checking your strengths honestly: below its target level 4 by 2 and at high risk"


HOSTILE = ('"Evil\\x01\\x07\\x1b[31m Co ]]> <b>&amp; \\"quoted\\" 100% a:b, c\\r\\n::error::x ##[warning]y '
           '\\x7f \\uFFFE"')


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    for year in ("2025", "2026"):
        text = (EXAMPLES / f"assessment-{year}.yaml").read_text()
        text = text.replace("company: Brightwater Field Systems", f"company: {HOSTILE}")
        text = text.replace('note: "Yearly strengths survey lapsed', 'note: "]]>\\x02 lapsed')
        (tmp_path / f"{year}.yaml").write_text(text)
    return tmp_path


def test_hostile_text_still_gives_valid_junit(hostile: Path) -> None:
    run = run_cli("check", "2026.yaml", "--baseline", "2025.yaml", "--today", "2026-11-23", "--junit", "crm.xml",
                  cwd=hostile)
    assert run.code == 1, run.err
    report = run_cli("report", "2026.yaml", "--format", "junit", cwd=hostile)
    assert report.code == 0
    for xml in ((hostile / "crm.xml").read_text(), report.out):
        SCHEMA.validate(xml)
        assert not any(ch in xml for ch in "\x01\x02\x07\x1b\ufffe")
        root = ET.fromstring(xml)
        company = next(p.get("value") for p in root.iter("property") if p.get("name") == "company")
        assert company is not None
        company = company.replace("\u200b", "")  # on stdout, `##[` is broken with a zero-width space
        # everything XML can hold survives, escaped: quotes, ]]>, markup, %, :, ',' and the line break; the
        # controls, DEL and U+FFFE are written out visibly (the xml rule of crmcheck.inert), not dropped
        assert company == ('Evil\\x01\\x07\\x1b[31m Co ]]> <b>&amp; "quoted" 100% a:b, c\r\n::error::x ##[warning]y '
                           '\\x7f \\ufffe')
    assert '<property name="company" value="Evil\\x01\\x07\\x1b[31m Co ]]&gt; &lt;b&gt;&amp;amp; &quot;quoted&quot; ' \
        '100% a:b, c&#13;&#10;::error::x' in (hostile / "crm.xml").read_text()
