"""A team's repository with two years of answers and a policy, checked the way the documented CI jobs do it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT, SMALL
from tests.test_scoring import STAGED

POLICY = """\
format: 1
description: Small Co's yearly CRM gate
rules:
  - {rule: max-age, days: 400}
  - {rule: min-level, level: 4, questionnaire: small}
  - {rule: min-stage, stage: 3, questionnaire: staged}
  - {rule: no-high-risk}
  - {rule: min-completeness, completeness: 1}
  - {rule: must-answer, questionnaire: small, questions: [alpha.note]}
  - {rule: evidence, at_or_above: 75, questionnaire: small, sections: [alpha]}
  - {rule: max-score-drop, points: 15, questionnaire: small}
  - {rule: no-level-drop}
  - {rule: no-stage-drop}
  - {rule: no-new-high-risk}
"""
# small: alpha = (2*0.75 + 1 + 1)/4 = 87.5 (level 4); beta = (3*0.6 + 0.5)/4 = 57.5 (level 3, medium risk);
# the questionnaire (2*87.5 + 57.5)/3 = 77.5 (level 4). staged: stage 3 reached in 2026, stage 2 in 2025.
ANSWERS = """\
# Small Co's {year} assessment
format: 1
company: Small Co
assessed_on: {year}-10-01
questionnaires:
  small:
    answers:
      alpha.one: {{value: 3, evidence: crm-audit-{year}.pdf}}
      alpha.two: {{value: yes, evidence: board-minutes-{year}.pdf}}
      alpha.three: {{value: [a, b, c], evidence: checklist-{year}.xlsx}}
      alpha.note: "Reviewed with the leadership team"
      beta.pick1: x
      beta.pick2: x
      beta.pick3: x
      beta.days: 3
  staged:
    answers:
      s2.a: 2
      s2.b: 2
      s3.a: 2
      s3.b: {s3b}
      s4.a: 0
      s4.b: 0
"""


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=CI", "-c", "user.email=ci@example.com", *args],
                   check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "crm"
    (root / "questionnaires").mkdir(parents=True)
    (root / "questionnaires" / "small.yaml").write_text(SMALL)
    (root / "questionnaires" / "staged.yaml").write_text(STAGED)
    (root / "assessments").mkdir()
    (root / "assessments" / "2025.yaml").write_text(ANSWERS.format(year=2025, s3b=0))
    (root / "assessments" / "2026.yaml").write_text(ANSWERS.format(year=2026, s3b=2))
    (root / "crm-policy.yaml").write_text(POLICY)
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "Two years of answers and our policy")
    return root


def documented_job(name: str) -> dict[str, object]:
    """The YAML block of docs/ci.md that defines `name` (a GitLab job or a GitHub workflow)."""
    text = (ROOT / "docs" / "ci.md").read_text()
    for block in re.findall(r"```yaml\n(.*?)```", text, re.S):
        data = yaml.safe_load(block)
        if isinstance(data, dict) and name in data:
            return data
    raise AssertionError(f"docs/ci.md has no YAML block with {name}")


@dataclass
class Job:
    code: int
    log: str
    broken: list[tuple[str, str]]  # (rule, scope) of every failed testcase in the JUnit report


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "CRMCHECK_"))}
    env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}", NO_COLOR="1",
               CRMCHECK_QUESTIONNAIRES="questionnaires", **extra)
    return env


def failures(junit: Path) -> list[tuple[str, str]]:
    cases = ET.parse(junit).getroot().iter("testcase")
    return [(c.get("classname", "").removeprefix("crmcheck."), c.get("name", "").split(":")[0]) for c in cases
            if c.find("failure") is not None]


def gitlab(repo: Path) -> Job:
    """Run the documented GitLab job's script lines, in one shell that stops at the first failure, as GitLab does."""
    job = documented_job("crm-check")["crm-check"]
    assert isinstance(job, dict)
    script = "set -e\n" + "\n".join(job["script"])
    proc = subprocess.run(["bash", "-c", script], cwd=repo, capture_output=True, text=True, env=environment(),
                          timeout=120)
    junit = repo / "crm-check.xml"
    return Job(proc.returncode, proc.stdout + proc.stderr, failures(junit) if junit.exists() else [])


def test_a_clean_year_passes(repo: Path) -> None:
    job = gitlab(repo)
    assert job.code == 0, job.log
    assert job.broken == []
    assert "PASSED: every rule held (" in job.log
    assert (repo / "crm-changes.md").read_text().startswith("# What changed: Small Co")


EDITS = {
    "min-level": (("alpha.one: {value: 3,", "alpha.one: {value: 2,"),),  # alpha 75.0: small (150+57.5)/3 = 69.2
    "min-stage": (("s3.b: 2", "s3.b: 0"),),  # stage 3 scores 50 and fails: stage 2, as in 2025
    "min-completeness": (("beta.days: 3", "beta.days:"),),
    "must-answer": (('alpha.note: "Reviewed with the leadership team"', "alpha.note:"),),
    "evidence": (("{value: yes, evidence: board-minutes-2026.pdf}", "yes"),),
    "critical-at-zero": (("alpha.one: {value: 3,", "alpha.one: {value: 0,"),),
}


@pytest.mark.parametrize(("edit", "broken"), [
    ("min-level", [("min-level", "small")]),
    ("min-stage", [("min-stage", "staged")]),
    ("min-completeness", [("min-completeness", "small")]),
    ("must-answer", [("must-answer", "small/alpha.note")]),
    ("evidence", [("evidence", "small/alpha.two")]),
    # the critical question at zero puts alpha at high risk, a level lower and 37.5 points down
    ("critical-at-zero", [("min-level", "small"), ("no-high-risk", "small/alpha"), ("max-score-drop", "small/alpha"),
                          ("no-level-drop", "small/alpha"), ("no-new-high-risk", "small/alpha")]),
])
def test_each_kind_of_broken_rule_fails_the_job(repo: Path, edit: str, broken: list[tuple[str, str]]) -> None:
    answers = repo / "assessments" / "2026.yaml"
    text = answers.read_text()
    for old, new in EDITS[edit]:
        assert old in text
        text = text.replace(old, new)
    answers.write_text(text)
    git(repo, "commit", "-q", "-am", f"2026: {edit}")
    job = gitlab(repo)
    assert job.code == 1, job.log
    assert job.broken == broken


def test_a_stage_drop_fails_the_job(repo: Path) -> None:
    # last year reached stage 3 too; this year stage 3 fails
    for year, s3b in (("2025", 2), ("2026", 0)):
        (repo / "assessments" / f"{year}.yaml").write_text(ANSWERS.format(year=year, s3b=s3b))
    git(repo, "commit", "-q", "-am", "stage 3 lost")
    job = gitlab(repo)
    assert job.code == 1, job.log
    assert job.broken == [("min-stage", "staged"), ("no-stage-drop", "staged")]


def test_an_old_assessment_fails_the_job(repo: Path) -> None:
    proc = subprocess.run(["crmcheck", "check", "assessments/2026.yaml", "--baseline", "assessments/2025.yaml",
                           "--policy", "crm-policy.yaml", "--today", "2027-11-06", "--junit", "crm-check.xml"],
                          cwd=repo, capture_output=True, text=True, env=environment())
    assert proc.returncode == 1
    assert failures(repo / "crm-check.xml") == [("max-age", "assessment")]
    assert "the assessment is 401 days old (assessed on 2026-10-01)" in " ".join(proc.stdout.split())


def check(repo: Path, baseline: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["crmcheck", "check", "assessments/2026.yaml", "--baseline", baseline, "--policy",
                           "crm-policy.yaml", "--junit", "crm-check.xml"], cwd=repo, capture_output=True, text=True,
                          env=environment())


def test_a_missing_baseline_is_an_input_error(repo: Path) -> None:
    proc = check(repo, "assessments/2024.yaml")
    assert proc.returncode == 2
    assert proc.stderr == ("assessments/2024.yaml:1:1: no such file\n"
                           "the baseline assessments/2024.yaml cannot be used: fix it, or give another one\n")
    assert not (repo / "crm-check.xml").exists()


def test_a_corrupt_baseline_is_an_input_error(repo: Path) -> None:
    baseline = repo / "assessments" / "2025.yaml"
    baseline.write_text(baseline.read_text().replace("      beta.days: 3\n", "      beta.days: [3\n"))
    git(repo, "commit", "-q", "-am", "a bad merge")
    proc = check(repo, "assessments/2025.yaml")
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[0].startswith("assessments/2025.yaml:")
    assert "invalid YAML" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_another_companys_baseline_is_an_input_error(repo: Path) -> None:
    baseline = repo / "assessments" / "2025.yaml"
    baseline.write_text(baseline.read_text().replace("company: Small Co", "company: Other Co"))
    proc = check(repo, "assessments/2025.yaml")
    assert proc.returncode == 2
    assert proc.stderr == ("assessments/2025.yaml:3:10: the baseline is an assessment of 'Other Co', but "
                           "assessments/2026.yaml is of 'Small Co'; compare assessments of one company\n")


def test_a_later_baseline_is_an_input_error(repo: Path) -> None:
    proc = subprocess.run(["crmcheck", "check", "assessments/2025.yaml", "--baseline", "assessments/2026.yaml"],
                          cwd=repo, capture_output=True, text=True, env=environment())
    assert proc.returncode == 2
    assert proc.stderr == ("assessments/2026.yaml:4:14: the baseline is dated 2026-10-01, after assessments/2025.yaml "
                           "(2025-10-01); the baseline must be the earlier assessment\n")


def test_a_broken_policy_is_an_input_error(repo: Path) -> None:
    (repo / "crm-policy.yaml").write_text(POLICY.replace("{rule: min-level, level: 4", "{rule: min-level, level: 6"))
    job = gitlab(repo)
    assert job.code == 2
    assert "crm-policy.yaml:5:30: rules[1]: level 6 is not a level of small" in job.log


def test_the_first_year_has_no_baseline(repo: Path) -> None:
    (repo / "assessments" / "2025.yaml").unlink()
    git(repo, "commit", "-q", "-am", "start afresh")
    job = gitlab(repo)
    assert job.code == 0, job.log
    skipped = ET.parse(repo / "crm-check.xml").getroot().find("testsuite")
    assert skipped is not None and skipped.get("skipped") == "4"


def github(repo: Path, workspace_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The documented GitHub workflow's steps, run as the runner would: the pick step, then the action's check step
    with the workflow's `with:` values as inputs."""
    workflow = documented_job("jobs")
    steps = workflow["jobs"]["check"]["steps"]  # type: ignore[index]
    pick = next(s for s in steps if s.get("id") == "pick")
    output = repo.parent / "github-output"
    output.write_text("")
    env = environment(GITHUB_OUTPUT=str(output), **workspace_env)
    subprocess.run(["bash", "-e", "-c", pick["run"]], cwd=repo, check=True, env=env)
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
    uses = next(s for s in steps if str(s.get("uses", "")).endswith("/crmcheck@v1"))
    inputs = {key: re.sub(r"\$\{\{ steps\.pick\.outputs\.(\w+) \}\}", lambda m: outputs.get(m.group(1), ""),
                          str(value)) for key, value in uses["with"].items()}
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    declared = action["inputs"]
    step = next(s for s in action["runs"]["steps"] if s.get("name") == "crmcheck check")
    step_env = {key: re.sub(r"\$\{\{ inputs\.([\w-]+) \}\}",
                            lambda m: inputs.get(m.group(1), declared[m.group(1)].get("default", "")), value)
                for key, value in step["env"].items()}
    return subprocess.run(["bash", "-e", "-c", step["run"]], cwd=repo, capture_output=True, text=True,
                          env={**env, **step_env}, timeout=120)


def test_documented_github_workflow(repo: Path) -> None:
    summary = repo.parent / "step-summary.md"
    github_env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_WORKSPACE": str(repo)}
    clean = github(repo, github_env)
    assert clean.returncode == 0, clean.stderr
    assert summary.read_text().startswith("## ✅ crmcheck: Small Co: PASSED: every rule held (")
    answers = repo / "assessments" / "2026.yaml"
    answers.write_text(answers.read_text().replace("alpha.one: {value: 3,", "alpha.one: {value: 0,"))
    git(repo, "commit", "-q", "-am", "a bad year")
    failed = github(repo, github_env)
    assert failed.returncode == 1
    annotations = [line for line in failed.stderr.splitlines() if line.startswith("::error ")]
    # a questionnaire-wide rule points at the questionnaire; the section rules at alpha.one, the answer that fell
    assert annotations[0] == ("::error file=assessments/2026.yaml,line=6,title=crmcheck min-level%3A small::small is "
                              "at level 3 Defined (score 52.5); the policy asks for level 4 or above")
    assert len(annotations) == 5
    assert all(",line=8," in line for line in annotations[1:])
    assert (repo / "crm-check.xml").exists()
    runs = re.findall(r"^## .*$", summary.read_text(), re.M)  # appended: one summary per run
    assert runs == ["## ✅ crmcheck: Small Co: PASSED: every rule held (21 checks held)",
                    "## ❌ crmcheck: Small Co: FAILED: 5 of 20 checks broken"]  # alpha.one at 0 needs no evidence


def test_action_inputs_reach_the_script_only_through_the_environment() -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    for step in action["runs"]["steps"]:
        assert "${{" not in step.get("run", ""), step  # no expression pasted into a shell script
    assert set(action["inputs"]) == {"answers", "baseline", "policy", "junit", "questionnaires", "today",
                                     "python-version"}


def test_pre_commit_hook_validates_answers_files(repo: Path) -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert (hook["id"], hook["language"], hook["entry"]) == ("crmcheck-validate", "python", "crmcheck validate")
    staged = ["assessments/2025.yaml", "assessments/2026.yaml"]
    assert all(re.search(hook["files"], path) for path in staged)
    assert not re.search(hook["files"], "crm-policy.yaml")
    # pre-commit runs the entry with the staged file names appended
    ok = subprocess.run([*hook["entry"].split(), *staged], cwd=repo, capture_output=True, text=True,
                        env=environment())
    assert ok.returncode == 0, ok.stderr
    bad = repo / "assessments" / "2026.yaml"
    bad.write_text(bad.read_text().replace("beta.pick1: x", "beta.pick1: w"))
    failed = subprocess.run([*hook["entry"].split(), *staged], cwd=repo, capture_output=True, text=True,
                            env=environment())
    assert failed.returncode == 2
    assert failed.stderr == ("assessments/2026.yaml:12:19: beta.pick1: 'w' is not an option of this question; "
                             "use one of x, y, z\n")


def test_docs_show_both_ci_jobs() -> None:
    gitlab_job = documented_job("crm-check")["crm-check"]
    assert isinstance(gitlab_job, dict)
    assert gitlab_job["artifacts"]["reports"]["junit"] == "crm-check.xml"
    workflow = documented_job("jobs")
    assert textwrap.dedent(str(workflow["name"])) == "CRM assessment"
