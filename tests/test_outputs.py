"""Output files: never one of the command's inputs (by path, symlink or hard link), never a read-only file,
and missing parent folders are created."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from tests.conftest import run_cli

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "brightwater"


@pytest.fixture
def work(tmp_path: Path) -> Path:
    shutil.copy(EXAMPLES / "assessment-2025.yaml", tmp_path / "old.yaml")
    shutil.copy(EXAMPLES / "assessment-2026.yaml", tmp_path / "new.yaml")
    shutil.copy(EXAMPLES / "policy.yaml", tmp_path / "policy.yaml")
    (tmp_path / "dir").mkdir()
    shutil.copy(EXAMPLES / "assessment-2026.yaml", tmp_path / "dir" / "a.yaml")
    return tmp_path


def _snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("args", [
    ["report", "new.yaml", "--format", "markdown", "-o", "new.yaml"],
    ["report", "new.yaml", "--format", "markdown", "--baseline", "old.yaml", "-o", "old.yaml"],
    ["report", "dir", "--format", "json", "-o", "dir/a.yaml"],
    ["compare", "old.yaml", "new.yaml", "-o", "new.yaml"],
    ["compare", "old.yaml", "new.yaml", "-o", "old.yaml"],
    ["check", "new.yaml", "--baseline", "old.yaml", "-o", "old.yaml"],
    ["check", "new.yaml", "--policy", "policy.yaml", "--junit", "policy.yaml"],
    ["check", "new.yaml", "--junit", "new.yaml"],
    ["check", "new.yaml", "-o", "same.xml", "--junit", "same.xml"],
    ["benchmark", "dir", "-o", "dir/a.yaml"],
    ["benchmark", "dir", "--format", "json", "-o", "./dir/../dir/a.yaml"],
])
def test_an_output_never_replaces_an_input(work: Path, args: list[str]) -> None:
    (work / "same.xml").write_text("keep\n")
    before = _snapshot(work)
    run = run_cli(*args, cwd=work)
    assert run.code == 2, run.err
    assert run.out == ""
    assert "is an input of the command" in run.err or "name the same file" in run.err
    assert len(run.err.strip().splitlines()) == 1
    assert _snapshot(work) == before


def test_a_symlink_or_hard_link_to_an_input_is_the_input(work: Path) -> None:
    (work / "sym.md").symlink_to(work / "new.yaml")
    os.link(work / "new.yaml", work / "hard.md")
    os.link(work / "dir" / "a.yaml", work / "elsewhere.json")
    before = _snapshot(work)
    for args in (["report", "new.yaml", "-f", "markdown", "-o", "sym.md"],
                 ["report", "new.yaml", "-f", "markdown", "-o", "hard.md"],
                 ["benchmark", "dir", "-f", "json", "-o", "elsewhere.json"]):
        run = run_cli(*args, cwd=work)
        assert run.code == 2, (args, run.err)
        assert "is an input of the command" in run.err
    assert _snapshot(work) == before
    assert (work / "sym.md").is_symlink()


def test_an_output_beside_the_inputs_is_written(work: Path) -> None:
    run = run_cli("report", "dir", "-f", "json", "-o", "dir/report.json", cwd=work)
    assert run.code == 0, run.err
    assert (work / "dir" / "report.json").read_text().startswith("{")


def test_a_read_only_output_is_refused_even_for_root(work: Path) -> None:
    target = work / "report.md"
    target.write_text("precious\n")
    target.chmod(0o444)
    run = run_cli("report", "new.yaml", "--format", "markdown", "-o", "report.md", cwd=work)
    assert run.code == 2
    assert run.err.strip() == ("report.md: cannot write: the file is read-only (mode 0444); make it writable "
                               "(chmod u+w) or write to another file")
    assert target.read_text() == "precious\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o444


def test_a_writable_output_keeps_its_permissions(work: Path) -> None:
    target = work / "report.md"
    target.write_text("old\n")
    target.chmod(0o640)
    run = run_cli("report", "new.yaml", "--format", "markdown", "-o", "report.md", cwd=work)
    assert run.code == 0, run.err
    assert target.read_text().startswith("#")
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


@pytest.mark.parametrize(("args", "written"), [
    (["new", "crm-mistakes", "--company", "Acme", "-o", "acme/2026.yaml"], "acme/2026.yaml"),
    (["report", "new.yaml", "--format", "markdown", "-o", "out/deeper/report.md"], "out/deeper/report.md"),
    (["new", "perception-gap", "--lens", "customer", "--survey-template", "survey/x.csv"], "survey/x.csv"),
    (["check", "new.yaml", "--junit", "reports/crm.xml"], "reports/crm.xml"),
    (["compare", "old.yaml", "new.yaml", "-f", "json", "-o", "changes/2026.json"], "changes/2026.json"),
])
def test_missing_parent_folders_are_created(work: Path, args: list[str], written: str) -> None:
    run = run_cli(*args, cwd=work)
    assert run.code in (0, 1), run.err
    assert (work / written).is_file()
    assert (work / written).stat().st_size > 0
    if written.endswith("2026.yaml"):
        assert (work / "acme" / "answers.schema.json").is_file()


def test_a_file_in_the_way_of_a_parent_folder_is_bad_input(work: Path) -> None:
    (work / "f").write_text("x")
    run = run_cli("report", "new.yaml", "-f", "json", "-o", "f/report.json", cwd=work)
    assert run.code == 2
    assert run.err.startswith("f/report.json: cannot write")
    assert "Traceback" not in run.err
