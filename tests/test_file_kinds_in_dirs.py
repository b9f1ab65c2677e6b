"""`report DIR` and `benchmark DIR` tell file kinds apart as `validate` does: a policy, a selection, score cards and
a questionnaire kept beside the answers files are skipped with one line in all, and the result is the answers'."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT, run_cli

OTHERS = {
    "policy.yaml": (EXAMPLES / "policy.yaml", "policy"),
    "selection.yaml": (EXAMPLES / "selection" / "selection.yaml", "vendor selection"),
    "ana.yaml": (EXAMPLES / "selection" / "cards" / "ana.yaml", "score card"),
    "crm-mistakes.yaml": (ROOT / "questionnaires" / "crm-mistakes.yaml", "questionnaire"),
}


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    """The perception example alone, and the same answers with the other kinds of file beside them."""
    plain = tmp_path / "plain"
    shutil.copytree(EXAMPLES / "perception", plain)
    mixed = tmp_path / "mixed"
    shutil.copytree(EXAMPLES / "perception", mixed)
    for name, (source, _) in OTHERS.items():
        shutil.copy(source, mixed / name)
    (mixed / "cards").mkdir()
    for card in sorted((EXAMPLES / "selection" / "cards").glob("*.yaml")):
        shutil.copy(card, mixed / "cards" / card.name)
    return plain, mixed


def _expected_line(mixed: Path) -> str:
    found = sorted([*(mixed / n for n in OTHERS), *(mixed / "cards").glob("*.yaml")])
    kinds = {name: kind for name, (_, kind) in OTHERS.items()}
    listed = [f"{p} ({kinds.get(p.name, 'score card') if p.parent == mixed else 'score card'})" for p in found]
    return f"skipped {len(found)} files that are not answers files: {', '.join(listed[:5])} and {len(found) - 5} more"


def test_report_dir_skips_other_kinds_with_one_line(folders: tuple[Path, Path]) -> None:
    plain, mixed = folders
    expected = run_cli("report", str(plain), "-f", "json")
    assert expected.code == 0 and expected.err == ""
    run = run_cli("report", str(mixed), "-f", "json")
    assert run.code == 0, run.err
    assert run.err.splitlines() == [_expected_line(mixed)]
    assert json.loads(run.out) == json.loads(expected.out)


def test_benchmark_dir_skips_other_kinds_with_one_line(folders: tuple[Path, Path]) -> None:
    plain, mixed = folders
    expected = json.loads(run_cli("benchmark", str(plain), "-f", "json").out)
    run = run_cli("benchmark", str(mixed), "-f", "json", "--strict")
    assert run.code == 0, run.err  # skipped files are not failures, even with --strict
    # benchmark walks the folder in its own order (files of a folder, then its subfolders)
    [line] = run.err.splitlines()
    assert line.startswith("skipped 9 files that are not answers files: ") and line.endswith(" and 4 more")
    result = json.loads(run.out)
    assert sorted(s["kind"] for s in result["skipped"]) == sorted(["policy", "selection", "questionnaire"]
                                                                  + ["card"] * 6)
    assert result["failed"] == []
    for key in ("scored", "companies", "segments"):
        assert result[key] == expected[key], key


def test_a_file_of_another_kind_named_directly_is_still_an_error(folders: tuple[Path, Path]) -> None:
    _, mixed = folders
    run = run_cli("report", str(mixed / "policy.yaml"))
    assert run.code == 2


def test_a_broken_answers_file_beside_them_is_still_reported(folders: tuple[Path, Path]) -> None:
    _, mixed = folders
    (mixed / "broken.yaml").write_text("format: 1\ncompany: Brightwater Field Systems\n")
    run = run_cli("benchmark", str(mixed), "-f", "json")
    assert any("broken.yaml:1:1: missing required field 'assessed_on'" in line for line in run.err.splitlines())
    assert [f["file"] for f in json.loads(run.out)["failed"]] == [str(mixed / "broken.yaml")]
