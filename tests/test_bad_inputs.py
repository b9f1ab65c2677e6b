"""The bad-input corpus: every malformed file fails cleanly through the real command, at the right line."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import run_cli

CORPUS = Path(__file__).resolve().parent / "corpus"
EXPECTED: dict[str, Any] = yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))
GENERATED = ("generated/too-large.yaml", "generated/directory.yaml")
SIZE_CAP = 8 * 1024 * 1024  # DESIGN.md: file size is capped; the cap is 8 MiB


def _problems(name: str) -> list[dict[str, Any]]:
    entry = EXPECTED[name]
    return list(entry["problems"]) if "problems" in entry else [entry]


def _place(name: str, tmp_path: Path) -> Path:
    """The directory to run in so that `name` is the path the user typed; makes generated cases there."""
    if name not in GENERATED:
        return CORPUS
    target = tmp_path / name
    target.parent.mkdir(parents=True, exist_ok=True)
    if name == "generated/too-large.yaml":
        # a valid answers header padded with comments: only its size is wrong
        head = b"format: 1\ncompany: Acme Corp\nassessed_on: 2026-11-01\nquestionnaires:\n  crm-mistakes: {}\n"
        padding = b"# padding padding padding padding padding padding padding padding padding\n"
        with open(target, "wb") as handle:
            handle.write(head)
            written = len(head)
            while written <= SIZE_CAP:
                handle.write(padding)
                written += len(padding)
    else:
        target.mkdir()
    return tmp_path


def _commands(name: str) -> list[tuple[str, ...]]:
    commands: list[tuple[str, ...]] = [("validate",)]
    if not name.startswith("questionnaire/"):
        commands += [("report", "--format", "json"), ("report", "--format", "markdown", "-o", "{out}")]
    return commands


CASES = [pytest.param(name, command, id=f"{name}-{'-'.join(c for c in command if c != '{out}')}")
         for name in EXPECTED for command in _commands(name)]


def test_corpus_is_complete() -> None:
    on_disk = {p.relative_to(CORPUS).as_posix() for p in CORPUS.glob("*/*") if p.is_file()}
    listed = set(EXPECTED) - set(GENERATED)
    assert on_disk == listed, "every corpus file needs an entry in expected.yaml, and every entry a file"
    assert len(EXPECTED) >= 40
    assert {name.split("/")[0] for name in EXPECTED} == {"answers", "questionnaire", "generated"}


@pytest.mark.parametrize(("name", "command"), CASES)
def test_bad_input_fails_cleanly(name: str, command: tuple[str, ...], tmp_path: Path) -> None:
    cwd = _place(name, tmp_path)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "report.md"
    out.write_text("the previous report\n")
    args = [arg.replace("{out}", str(out)) for arg in command]

    # the timeout only guards against a hang (deep nesting once crashed or stalled the parser)
    run = run_cli(*args, name, cwd=cwd, timeout=60)

    assert run.code == 2, run.err
    assert "Traceback" not in run.err + run.out
    assert run.out == ""
    assert out.read_text() == "the previous report\n", "a failed report must not touch its output file"
    assert [p.name for p in out_dir.iterdir()] == ["report.md"], "no temporary file may be left behind"
    lines = run.err.splitlines()
    expected = _problems(name)
    if name == "generated/directory.yaml" and command[0] == "report":
        # report reads the answers files under a directory (several respondents); this one holds none
        expected = [{"line": 1, "column": 1, "message": "no answers files (*.yaml, *.yml) in this directory"}]
    assert len(lines) == len(expected), run.err
    pattern = re.compile(rf"^{re.escape(name)}:(\d+):(\d+): (.+)$")
    for line, want in zip(lines, expected, strict=True):
        match = pattern.match(line)
        assert match, f"not FILE:LINE:COL: message: {line!r}"
        assert int(match.group(1)) == want["line"], line
        if "column" in want:
            assert int(match.group(2)) == want["column"], line
        assert want["message"] in match.group(3), line


def test_messages_quoted_in_the_docs_are_what_crmcheck_prints() -> None:
    from crmcheck.catalog import Catalog
    from crmcheck.validation import validate_file

    printed = set()
    for path in sorted(CORPUS.glob("*/*.yaml")):
        printed.update(line[len(str(path)) + 1 :] for line in validate_file(str(path), Catalog.from_options()).errors)
    docs = (CORPUS.parent.parent / "docs" / "bad-input.md").read_text(encoding="utf-8")
    quoted = re.findall(r"^\S+\.yaml(:\d+:\d+: .+)$", docs, re.M)
    assert len(quoted) >= 10
    for line in quoted:
        assert line[1:] in printed, line


@pytest.mark.parametrize("command", [
    ("validate", "{answers}"), ("report", "{answers}", "--format", "json"), ("compare", "{answers}", "{answers}"),
    ("check", "{answers}", "--baseline", "{answers}"), ("benchmark", "{answers}", "--strict"),
])
def test_weight_overflow(command: tuple[str, ...], tmp_path: Path) -> None:
    """Regression: a section `weight: 1e308` passed validate, then report, compare, check and benchmark exit 3
    (OverflowError). Weights are bounded at load, so every command refuses the questionnaire at its line."""
    (tmp_path / "q").mkdir()
    (tmp_path / "q" / "acme-checks.yaml").write_text(
        (CORPUS / "questionnaire" / "weight-overflow.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "a.yaml").write_text("format: 1\ncompany: Acme Corp\nassessed_on: 2026-11-01\nquestionnaires:\n"
                                     "  acme-checks:\n    answers:\n      follow-up.called-back: 2\n")
    args = [arg.replace("{answers}", "a.yaml") for arg in command]
    run = run_cli(*args, "--questionnaires", "q", cwd=tmp_path, env={"CRMCHECK_NO_CACHE": "1"})
    assert run.code == 2, run.err
    assert "q/acme-checks.yaml:20:13: sections[0].weight: must be at most 1000, got 1e308" in run.err.splitlines()
    assert "Traceback" not in run.err
