"""GitHub Actions: escaped annotations, the step summary within 1 MiB, and output that never starts a command."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from crmcheck.github_actions import SUMMARY_LIMIT, append_step_summary, error_annotations, fit_summary
from crmcheck.inert import github_command_data, github_command_property, neutralise_workflow_commands
from crmcheck.models.check import CheckResult, RuleOutcome
from tests.conftest import EXAMPLES, answer_line, run_cli


def outcome(message: str, file: str = "answers/2026.yaml", line: int | None = 12, status: str = "broken",
            scope: str = "crm-mistakes/strengths") -> RuleOutcome:
    return RuleOutcome(rule="no-level-drop", rule_number=1, requirement="r", scope=scope, status=status,  # type: ignore[arg-type]
                       found="f", message=message, file=file, line=line)


def result(*outcomes: RuleOutcome) -> CheckResult:
    return CheckResult(company="Acme", assessed_on=dt.date(2026, 1, 1), checked_on=dt.date(2026, 1, 2),
                       answers="answers/2026.yaml", policy=None, rules=1, outcomes=list(outcomes))


def test_command_escaping_follows_githubs_rules() -> None:
    assert github_command_data("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext: a, b"
    assert github_command_property("dir:a,b%\nc") == "dir%3Aa%2Cb%25%0Ac"
    # an already escaped-looking value survives the round trip: % is escaped first
    assert github_command_data("%0A") == "%250A"


def test_annotation_points_at_the_answers_line_and_escapes_everything() -> None:
    hostile = outcome("fell: 3 → 2, 100%\n::warning::injected", file="odd:dir,x%/a.yaml", line=39)
    (line,) = error_annotations(result(hostile), {})
    assert line == ("::error file=odd%3Adir%2Cx%25/a.yaml,line=39,title=crmcheck no-level-drop%3A "
                    "crm-mistakes/strengths::fell: 3 → 2, 100%25%0A::warning::injected")
    assert "\n" not in line


def test_annotation_file_is_relative_to_the_workspace(tmp_path: Path) -> None:
    answers = tmp_path / "repo" / "assessments" / "2026.yaml"
    (line,) = error_annotations(result(outcome("m", file=str(answers))), {"GITHUB_WORKSPACE": str(tmp_path / "repo")})
    assert line.startswith("::error file=assessments/2026.yaml,line=12,")


def test_at_most_ten_annotations_and_only_for_broken_rules() -> None:
    many = [outcome(f"broken {i}") for i in range(12)] + [outcome("fine", status="held")]
    lines = error_annotations(result(*many), {})
    assert len(lines) == 10
    assert lines[-1].endswith("::broken 9")


def test_summary_fits_within_the_limit_at_a_line_boundary() -> None:
    text = "".join(f"line {i}\n" for i in range(1000))
    assert fit_summary(text, len(text.encode())) == text
    cut = fit_summary(text, 500)
    assert len(cut.encode()) <= 500
    assert cut.startswith("line 0\nline 1\n")
    assert cut.endswith("run `crmcheck check` locally for the full list._\n")
    body = cut.split("\n\n_The summary")[0]
    assert body.endswith("\n") or body.split("\n")[-1].startswith("line ")
    assert fit_summary(text, 10) == ""


def test_append_keeps_the_file_within_one_mebibyte(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("x" * (SUMMARY_LIMIT - 300) + "\n")
    warning = append_step_summary(str(summary), "".join(f"row {i}\n" for i in range(200)))
    assert warning is None
    assert summary.stat().st_size <= SUMMARY_LIMIT
    assert summary.read_text().startswith("x" * 100)  # appended, not replaced
    full = tmp_path / "full.md"
    full.write_text("x" * SUMMARY_LIMIT)
    assert append_step_summary(str(full), "more\n") == (f"{full}: the step summary is already near GitHub's 1 MiB "
                                                        "limit; no summary written")
    assert full.stat().st_size == SUMMARY_LIMIT


def test_neutralised_text_starts_no_command() -> None:
    text = "::error::a\n  ::set-output name=x::y\r::add-mask::z\nfine :: here ##[error]q\n\u2003::x::"
    out = neutralise_workflow_commands(text)
    for line in out.replace("\r", "\n").split("\n"):
        assert not line.strip().startswith("::")
    assert "##[" not in out
    assert out.replace("\u200b", "") == text  # the same text to a reader
    assert neutralise_workflow_commands("plain text: 10:30, a::b") == "plain text: 10:30, a::b"


HOSTILE_COMPANY = '"::error::Evil Co ##[warning]x"'


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    """The example assessments, under a company name that tries to start workflow commands."""
    for year in ("2025", "2026"):
        text = (EXAMPLES / f"assessment-{year}.yaml").read_text()
        text = text.replace("company: Brightwater Field Systems", f"company: {HOSTILE_COMPANY}")
        (tmp_path / f"{year}.yaml").write_text(text)
    return tmp_path


def test_check_on_github_actions(hostile: Path) -> None:
    summary = hostile / "summary.md"
    summary.write_text("# earlier step\n")
    run = run_cli("check", "2026.yaml", "--baseline", "2025.yaml", "--today", "2026-11-23", cwd=hostile,
                  env={"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary),
                       "GITHUB_WORKSPACE": str(hostile)})
    assert run.code == 1
    commands = [line for line in run.err.splitlines() if line.lstrip().startswith("::")]
    strengths = answer_line("crm-mistakes", "strengths.customer-rating")  # the answers whose scores fell most
    channels = answer_line("cmr-pitfalls", "channels.partner-logged-share")
    # the stage-4 automation section: personalisation and roadmap fell most (0.5 -> 0.25), the first by id
    automation = answer_line(
        "revenue-marketing", "revenue-marketing-automation.personalisation")
    assert commands == [
        f"::error file=2026.yaml,line={strengths},title=crmcheck no-level-drop%3A crm-mistakes/strengths::"
        "crm-mistakes/strengths fell from level 3 Defined to level 2 Developing (score 50.0 → 28.6)",
        f"::error file=2026.yaml,line={channels},title=crmcheck no-level-drop%3A cmr-pitfalls/channels::"
        "cmr-pitfalls/channels fell from level 4 Managed to level 2 Developing (score 75.0 → 45.8)",
        f"::error file=2026.yaml,line={automation},title=crmcheck no-level-drop%3A "
        "revenue-marketing/revenue-marketing-automation"
        "::revenue-marketing/revenue-marketing-automation fell from level 3 Defined to level 2 Developing "
        "(score 53.8 → 47.5)",
        f"::error file=2026.yaml,line={strengths},title=crmcheck no-new-high-risk%3A crm-mistakes/strengths::"
        "crm-mistakes/strengths is newly at high risk (medium → high, score 50.0 → 28.6)",
    ]
    # the hostile company name is printed, but starts no command anywhere
    assert "Evil Co" in run.out
    for line in run.out.replace("\r", "\n").splitlines():
        assert not line.lstrip().startswith("::")
    assert "##[" not in run.out + run.err
    text = summary.read_text()
    assert text.startswith("# earlier step\n## ❌ crmcheck: ")
    assert "| 2 | no-level-drop | crm-mistakes/strengths fell from level 3 Defined to level 2 Developing" in text


def test_no_annotations_or_summary_outside_github(hostile: Path) -> None:
    run = run_cli("check", "2026.yaml", "--baseline", "2025.yaml", "--today", "2026-11-23", cwd=hostile,
                  env={"GITHUB_ACTIONS": "", "GITHUB_STEP_SUMMARY": ""})
    assert run.code == 1
    assert "::error" not in run.err.replace("\u200b", "")
    assert run.err == ""


def test_unwritable_summary_is_a_warning_not_a_different_verdict(hostile: Path) -> None:
    folder = hostile / "a-directory"
    folder.mkdir()
    run = run_cli("check", "2026.yaml", "--today", "2026-11-23", cwd=hostile,
                  env={"GITHUB_STEP_SUMMARY": str(folder)})
    assert run.code == 0
    assert run.err.startswith(f"crmcheck: {folder}: cannot write the step summary")
    shutil.rmtree(folder)
