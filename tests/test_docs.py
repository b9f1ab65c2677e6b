"""Documentation is tested: every command has help and a README entry, and the README's walkthrough runs."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from crmcheck.cli import app
from tests.conftest import ROOT, run_cli

README = (ROOT / "README.md").read_text()


def commands() -> list[str]:
    import typer.main

    group = typer.main.get_command(app)
    return sorted(group.commands)  # type: ignore[attr-defined]


def test_every_command_has_help_and_a_readme_section() -> None:
    names = commands()
    assert {"list", "show", "new", "validate", "report", "schema", "demo"} <= set(names)
    for name in names:
        assert re.search(rf"^### `crmcheck {name}\b", README, re.M), f"README lacks a section for {name}"
        run = run_cli(name, "--help")
        assert run.code == 0 and "Example:" in run.out, name


def test_readme_documents_every_exit_code() -> None:
    for code in ("| 0 |", "| 1 |", "| 2 |", "| 3 |", "| 130 |"):
        assert code in README


def test_readme_walkthrough_runs(tmp_path: Path) -> None:
    block = README.split("## A first assessment by hand", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    for line in block.strip().splitlines():
        command = line.split("  #", 1)[0].strip()
        if not command.startswith("crmcheck"):
            continue
        args = shlex.split(command)[1:]
        (tmp_path / "acme").mkdir(exist_ok=True)
        run = run_cli(*args, cwd=tmp_path)
        assert run.code == 0, (command, run.err)
    assert (tmp_path / "acme" / "report-2026.md").read_text().startswith("# CRM assessment: Acme Corp")


def test_docs_linked_from_readme_exist() -> None:
    for link in re.findall(r"\]\((docs/[^)]+)\)", README):
        assert (ROOT / link).exists(), link
