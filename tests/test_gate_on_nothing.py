"""The CI gate never passes on nothing: all-n/a or blank assessments, empty baselines, empty rule scopes and
invisible evidence."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, SMALL, run_cli

TODAY = ("--today", "2026-11-23")


def _all(answers_file: Path, value: str) -> None:
    """Fill every blank answer of a `crmcheck new` file with `value`."""
    text = answers_file.read_text()
    answers_file.write_text(re.sub(r"^(\s+[a-z0-9-]+\.[a-z0-9-]+):\s*$", rf"\1: {value}", text, flags=re.M))


@pytest.fixture
def blank(tmp_path: Path) -> Path:
    run = run_cli("new", "crm-mistakes", "cmr-pitfalls", "--company", "Brightwater Field Systems",
                  "--date", "2026-11-01", "-o", "blank.yaml", cwd=tmp_path)
    assert run.code == 0, run.err
    return tmp_path / "blank.yaml"


@pytest.fixture
def all_na(blank: Path) -> Path:
    target = blank.with_name("all-na.yaml")
    target.write_text(blank.read_text())
    _all(target, "n/a")
    return target


def test_an_all_na_assessment_fails_the_default_policy(all_na: Path) -> None:
    run = run_cli("check", all_na.name, *TODAY, "--format", "json", cwd=all_na.parent)
    assert run.code == 1, run.err
    data = json.loads(run.out)
    broken = [o for o in data["outcomes"] if o["status"] == "broken"]
    assert {(o["rule"], o["scope"]) for o in broken} == {("min-completeness", "crm-mistakes"),
                                                        ("min-completeness", "cmr-pitfalls")}
    assert broken[0]["found"].startswith("nothing answered (")
    assert "100%" not in run.out


def test_a_blank_assessment_fails_the_default_policy(blank: Path) -> None:
    run = run_cli("check", blank.name, *TODAY, cwd=blank.parent)
    assert run.code == 1
    assert "FAILED" in run.out.splitlines()[-1]
    assert "nothing answered (0 n/a," in run.out


def test_an_all_na_assessment_fails_the_strict_example_policy_and_nothing_holds_on_it(all_na: Path) -> None:
    policy = all_na.with_name("policy.yaml")
    policy.write_text("format: 1\nrules:\n  - {rule: no-high-risk}\n  - {rule: min-completeness, completeness: 0.9}\n"
                      "  - {rule: evidence, at_or_above: 75}\n")
    run = run_cli("check", all_na.name, "--policy", "policy.yaml", *TODAY, "--format", "json",
                  "--junit", "crm.xml", cwd=all_na.parent)
    assert run.code == 1
    data = json.loads(run.out)
    risk = [o for o in data["outcomes"] if o["rule"] == "no-high-risk"]
    assert risk and all(o["status"] == "skipped" for o in risk)  # 18 sections not assessed: none "held"
    assert len(risk) == 18  # crm-mistakes 10, cmr-pitfalls 8
    assert data["held"] == 0
    assert data["skipped"] == 18 + 1  # and the evidence rule, with no answer in scope
    suite = ET.parse(all_na.with_name("crm.xml")).getroot()
    testsuite = suite if suite.tag == "testsuite" else suite[0]
    assert testsuite.get("skipped") == "19"
    skipped_cases = [case for case in suite.iter("testcase") if case.find("skipped") is not None]
    assert len(skipped_cases) == 19
    terminal = run_cli("check", all_na.name, "--policy", "policy.yaml", *TODAY, cwd=all_na.parent)
    assert re.search(r"–\s+1\s+no-high-risk: not at high risk\s+18 skipped", terminal.out), terminal.out
    markdown = run_cli("check", all_na.name, "--policy", "policy.yaml", *TODAY, "--format", "markdown",
                       cwd=all_na.parent)
    assert "18 skipped" in markdown.out and "Skipped" in markdown.out


def test_a_section_all_na_is_skipped_when_others_are_answered(tmp_path: Path) -> None:
    custom = tmp_path / "q"
    custom.mkdir()
    (custom / "small.yaml").write_text(SMALL)
    (tmp_path / "a.yaml").write_text("format: 1\ncompany: Acme\nassessed_on: 2026-11-01\nquestionnaires:\n"
                                     "  small:\n    answers:\n      alpha.one: 4\n      alpha.two: yes\n"
                                     "      alpha.three: [a, b, c]\n      beta.pick1: n/a\n      beta.pick2: n/a\n"
                                     "      beta.pick3: n/a\n      beta.days: n/a\n")
    (tmp_path / "p.yaml").write_text("format: 1\nrules:\n  - {rule: min-completeness, completeness: 1, "
                                     "sections: all}\n")
    run = run_cli("check", "a.yaml", "--policy", "p.yaml", "--questionnaires", "q", *TODAY, "--format", "json",
                  cwd=tmp_path)
    assert run.code == 0, run.out
    outcomes = {o["scope"]: (o["status"], o["found"]) for o in json.loads(run.out)["outcomes"]}
    assert outcomes == {"small/alpha": ("held", "100% answered"), "small/beta": ("skipped", "every question n/a")}


def test_a_baseline_that_assessed_nothing_is_a_bad_baseline(blank: Path) -> None:
    new = blank.with_name("new.yaml")
    new.write_text((EXAMPLES / "assessment-2026.yaml").read_text())
    empty = blank.with_name("empty.yaml")
    empty.write_text("format: 1\ncompany: Brightwater Field Systems\nassessed_on: 2025-11-01\nquestionnaires:\n"
                     "  crm-mistakes: {answers: {}}\n  cmr-pitfalls: {answers: {}}\n")
    for base in ("empty.yaml", "blank.yaml"):
        if base == "blank.yaml":
            blank.write_text(blank.read_text().replace("2026-11-01", "2025-11-01"))
        for args in (["check", "new.yaml", "--baseline", base, *TODAY], ["compare", base, "new.yaml"],
                     ["report", "new.yaml", "--baseline", base]):
            run = run_cli(*args, cwd=blank.parent)
            assert run.code == 2, (args, run.out)
            lines = run.err.splitlines()
            assert lines[0].startswith(f"{base}:")
            assert "the baseline assessed none of the questionnaires of new.yaml" in lines[0]
            assert "crm-mistakes: nothing answered" in lines[0] and "revenue-marketing: not in it" in lines[0]
            assert lines[-1] == f"the baseline {base} cannot be used: fix it, or give another one"


def test_a_questionnaire_unassessed_in_the_baseline_is_skipped_not_held(tmp_path: Path) -> None:
    new = tmp_path / "new.yaml"
    new.write_text((EXAMPLES / "assessment-2026.yaml").read_text())
    old_text = (EXAMPLES / "assessment-2025.yaml").read_text()
    # the baseline keeps crm-mistakes but answers nothing of cmr-pitfalls
    start = old_text.index("  cmr-pitfalls:")
    end = old_text.index("\n  revenue-marketing:") if "\n  revenue-marketing:" in old_text else len(old_text)
    old = tmp_path / "old.yaml"
    old.write_text(old_text[:start] + "  cmr-pitfalls:\n    answers: {}\n" + old_text[end:])
    run = run_cli("check", "new.yaml", "--baseline", "old.yaml", *TODAY, "--format", "json", cwd=tmp_path)
    assert run.code in (0, 1), run.err
    pitfalls = [o for o in json.loads(run.out)["outcomes"]
                if o["questionnaire"] == "cmr-pitfalls" and o["rule"] in ("no-level-drop", "no-new-high-risk")]
    assert pitfalls and {(o["status"], o["found"]) for o in pitfalls} == {("skipped", "not assessed in the baseline")}


def test_an_empty_sections_list_is_a_load_error(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text("format: 1\nrules:\n  - rule: no-high-risk\n    sections: []\n")
    for args in (["validate", "p.yaml"], ["check", str(EXAMPLES / "assessment-2026.yaml"), "--policy", "p.yaml"]):
        run = run_cli(*args, cwd=tmp_path)
        assert run.code == 2
        assert run.err.startswith("p.yaml:4:15: rules[0].sections: sections: [] lists no section"), run.err


@pytest.mark.parametrize("evidence", ['" "', '"\\u200b"', '"\\t\\u00a0\\u2060"', '"\\u3164"'])
def test_invisible_evidence_is_no_evidence(tmp_path: Path, evidence: str) -> None:
    text = (EXAMPLES / "assessment-2026.yaml").read_text()
    assert 'evidence: "icp-profile-2026.pdf"' in text  # best-customers.defined: 3 (score 75), evidenced
    (tmp_path / "p.yaml").write_text("format: 1\nrules:\n  - {rule: evidence, at_or_above: 75, "
                                     "questionnaire: crm-mistakes, sections: [best-customers]}\n")
    (tmp_path / "a.yaml").write_text(text)
    run = run_cli("check", "a.yaml", "--policy", "p.yaml", *TODAY, "--format", "json", cwd=tmp_path)
    held = next(o for o in json.loads(run.out)["outcomes"] if o["question"] == "best-customers.defined")
    assert held["status"] == "held"  # with its evidence, the rule holds for this answer
    (tmp_path / "a.yaml").write_text(text.replace('evidence: "icp-profile-2026.pdf"', f"evidence: {evidence}"))
    run = run_cli("check", "a.yaml", "--policy", "p.yaml", *TODAY, "--format", "json", cwd=tmp_path)
    assert run.code == 1, run.out
    outcome = next(o for o in json.loads(run.out)["outcomes"] if o["question"] == "best-customers.defined")
    assert (outcome["status"], outcome["found"]) == ("broken", "answer '3 Practised' (score 75), no evidence")
