"""The real command, run as a user would: output, files written, exit codes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from crmcheck.answers.model import load_answers
from crmcheck.catalog import Catalog
from tests.conftest import EXAMPLES, ROOT, run_cli

ANSWERS_2026 = str(EXAMPLES / "assessment-2026.yaml")


def test_list_shows_builtins() -> None:
    run = run_cli("list")
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    assert lines[0].split() == ["ID", "VER", "KIND", "TITLE"]
    ids = [line.split()[0] for line in lines[1:]]
    assert ids == ["cmr-pitfalls", "crm-mistakes", "crm-selection", "perception-gap", "revenue-marketing"]


def test_list_json() -> None:
    rows = json.loads(run_cli("list", "--format", "json").out)
    by_id = {r["id"]: r for r in rows}
    assert by_id["revenue-marketing"]["kind"] == "staged"
    assert by_id["crm-mistakes"]["origin"] == "built-in"


def test_show_text_and_json() -> None:
    run = run_cli("show", "revenue-marketing")
    assert run.code == 0
    flat = " ".join(run.out.split())
    assert "Stages: 1 Traditional, 2 Lead Generation, 3 Demand Generation, 4 Revenue Marketing; pass mark 70" in flat
    assert "- lead-generation.campaign-goals (scale, weight 2, strategy)" in flat
    assert max(len(line) for line in run.out.splitlines()) <= 80
    data = json.loads(run_cli("show", "crm-mistakes", "--format", "json").out)
    assert data["id"] == "crm-mistakes" and len(data["sections"]) == 10


def test_show_unknown_id_is_exit_2() -> None:
    run = run_cli("show", "nope")
    assert run.code == 2
    assert run.err.strip().startswith("unknown questionnaire 'nope' (known: cmr-pitfalls, crm-mistakes")
    assert "Traceback" not in run.err


def test_new_writes_a_file_that_validates_and_reports(tmp_path: Path) -> None:
    target = tmp_path / "acme" / "2026.yaml"
    target.parent.mkdir()
    run = run_cli("new", "crm-mistakes", "revenue-marketing", "--company", "Acme: No", "--date", "2026-11-01",
                  "--respondent", "Sam", "--role", "Head of Marketing", "-o", str(target))
    assert run.code == 0, run.err
    text = target.read_text()
    assert text.startswith("# yaml-language-server: $schema=answers.schema.json\n")
    assert (target.parent / "answers.schema.json").exists()
    source = load_answers(str(target))
    assert source.answers.company == "Acme: No"
    assert source.answers.respondent is not None and source.answers.respondent.name == "Sam"
    assert set(source.answers.questionnaires) == {"crm-mistakes", "revenue-marketing"}
    assert "      best-customers.defined:\n" in text
    # crm-mistakes v3 (b93e416) renamed practice level 2 from "Defined" to "Documented"
    assert "# → answer: 0 Not done | 1 Ad hoc | 2 Documented | 3 Practised | 4 Measured and improved" in text
    # a blank file is valid: every question unanswered
    check = run_cli("validate", str(target))
    assert check.code == 0, check.err
    scored = sum(q.scored for _, q in Catalog.from_options().get("crm-mistakes").questions.values())
    assert f"crm-mistakes 0/{scored} answered" in check.out
    report = run_cli("report", str(target), "--format", "json")
    assert report.code == 0
    assert json.loads(report.out)["questionnaires"][0]["score"] is None
    # never overwritten without --force
    again = run_cli("new", "crm-mistakes", "-o", str(target))
    assert again.code == 2 and "exists; use --force" in again.err
    assert run_cli("new", "crm-mistakes", "--company", "X", "-o", str(target), "--force").code == 0
    assert load_answers(str(target)).answers.company == "X"


def test_new_bad_date_is_usage_error(tmp_path: Path) -> None:
    run = run_cli("new", "crm-mistakes", "--date", "2026-13-01", "-o", str(tmp_path / "a.yaml"))
    assert run.code == 2 and "--date: '2026-13-01' is not a date" in run.err
    assert not (tmp_path / "a.yaml").exists()


def test_validate_reports_every_problem_with_position(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "format: 1\ncompany: Acme\nassessed_on: 2026-11-01\nquestionnaires:\n  crm-mistakes:\n    answers:\n"
        "      best-customers.defined: 7\n      best-customers.nope: 1\n      customer-value.value-inputs: [x]\n"
    )
    run = run_cli("validate", str(bad))
    assert run.code == 2
    assert run.err.splitlines() == [
        f"{bad}:7:31: best-customers.defined: '7' is not on the practice scale; use one of 0 (Not done), "
        "1 (Ad hoc), 2 (Documented), 3 (Practised), 4 (Measured and improved), or n/a",
        f"{bad}:8:7: no question 'best-customers.nope' in crm-mistakes v3",
        f"{bad}:9:36: customer-value.value-inputs: 'x' is not an option of this question; use any of revenue, "
        "support-effort, late-payments, refunds, intangibles",
    ]


def test_validate_good_files() -> None:
    files = sorted(str(p) for p in (ROOT / "questionnaires").glob("*.yaml"))
    run = run_cli("validate", *files, ANSWERS_2026)
    assert run.code == 0, run.err
    assert len(run.out.splitlines()) == len(files) + 1
    assert f"{ANSWERS_2026}: ok, answers of Brightwater Field Systems on 2026-11-02" in run.out


def test_validate_json() -> None:
    data = json.loads(run_cli("validate", ANSWERS_2026, "--format", "json").out)
    assert data[0]["ok"] is True and data[0]["kind"] == "answers" and data[0]["errors"] == []


@pytest.mark.parametrize("fmt", ["terminal", "markdown", "json"])
def test_report_formats_to_file_and_stdout(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"report.{fmt}"
    run = run_cli("report", ANSWERS_2026, "--format", fmt, "-o", str(out))
    assert run.code == 0, run.err
    assert run.out == ""
    stdout = run_cli("report", ANSWERS_2026, "--format", fmt)
    assert stdout.out == out.read_text()


def test_report_terminal_fits_80_columns_without_colour() -> None:
    run = run_cli("report", ANSWERS_2026)
    assert run.code == 0
    assert "\x1b[" not in run.out
    assert max(len(line) for line in run.out.splitlines()) <= 80
    assert "stage reached 2 Lead Generation" in run.out
    assert "Top recommendations" in run.out


def test_report_missing_file_is_exit_2_one_line(tmp_path: Path) -> None:
    out = tmp_path / "r.md"
    run = run_cli("report", str(tmp_path / "missing.yaml"), "-o", str(out))
    assert run.code == 2
    assert run.err == f"{tmp_path / 'missing.yaml'}:1:1: no such file\n"
    assert not out.exists()


def test_report_with_custom_template(tmp_path: Path) -> None:
    template = tmp_path / "mine.md.j2"
    template.write_text("{{ result.company|md }} scored {{ result.questionnaires[0].score|score }}\n")
    run = run_cli("report", ANSWERS_2026, "--format", "markdown", "--template", str(template))
    assert run.code == 0, run.err
    assert run.out == "Brightwater Field Systems scored 57.1\n"  # crm-mistakes, as tests/test_compare.py works out
    template.write_text("{{ result.nothing_here }}\n")
    bad = run_cli("report", ANSWERS_2026, "--format", "markdown", "--template", str(template))
    assert bad.code == 2 and "template uses an undefined value" in bad.err


def test_schema_commands_print_json_schema() -> None:
    for name, field in (("questionnaire", "sections"), ("answers", "questionnaires")):
        schema = json.loads(run_cli("schema", name).out)
        assert field in schema["properties"]
        assert schema["$schema"].startswith("https://json-schema.org/")


def test_demo_writes_reports(tmp_path: Path) -> None:
    run = run_cli("demo", "--out", str(tmp_path / "out"))
    assert run.code == 0, run.err
    assert "Brightwater Field Systems" in run.out
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["company"] == "Brightwater Field Systems"
    assert (tmp_path / "out" / "report.md").read_text().startswith("# CRM assessment: Brightwater Field Systems")


def test_custom_questionnaire_directory_and_environment(tmp_path: Path) -> None:
    custom = tmp_path / "qs"
    custom.mkdir()
    source = (ROOT / "questionnaires" / "crm-mistakes.yaml").read_text()
    (custom / "ours.yaml").write_text(source.replace("id: crm-mistakes", "id: our-mistakes", 1))
    run = run_cli("list", "--questionnaires", str(custom))
    assert any(line.startswith("our-mistakes") and f"[{custom}]" in line for line in run.out.splitlines())
    via_env = run_cli("show", "our-mistakes", env={"CRMCHECK_QUESTIONNAIRES": os.pathsep.join(["", str(custom)])})
    assert via_env.code == 0 and via_env.out.startswith("The nine CRM mistakes  (our-mistakes v3, scored)")


def test_custom_questionnaire_shadowing_a_builtin(tmp_path: Path) -> None:
    custom = tmp_path / "qs"
    custom.mkdir()
    source = (ROOT / "questionnaires" / "crm-mistakes.yaml").read_text()
    (custom / "mine.yaml").write_text(source.replace("title: The nine CRM mistakes", "title: Our nine", 1))
    run = run_cli("list", "--questionnaires", str(custom))
    assert run.code == 2
    assert run.err.startswith(f"{custom / 'mine.yaml'}:2:1: 'crm-mistakes' is a built-in questionnaire id")
    (custom / "mine.yaml").write_text(source.replace("title: The nine CRM mistakes",
                                                     "title: Our nine\nreplaces: crm-mistakes", 1))
    run = run_cli("show", "crm-mistakes", "--questionnaires", str(custom))
    assert run.code == 0 and run.out.startswith("Our nine")


def test_missing_questionnaire_directory_is_exit_2(tmp_path: Path) -> None:
    run = run_cli("list", "--questionnaires", str(tmp_path / "nope"))
    assert run.code == 2 and "questionnaire directory not found" in run.err


def test_usage_errors_exit_2() -> None:
    assert run_cli("report").code == 2
    assert run_cli("report", ANSWERS_2026, "--format", "pdf").code == 2
    assert run_cli("frobnicate").code == 2


def test_python_m_and_version() -> None:
    run = run_cli("--version")
    assert run.code == 0 and run.out.startswith("crmcheck ")


def test_help_has_examples_for_every_command() -> None:
    for command in ("list", "show", "new", "validate", "report", "schema", "demo"):
        run = run_cli(command, "--help")
        assert run.code == 0
        assert "Example: crmcheck " + command in " ".join(run.out.split()), command
