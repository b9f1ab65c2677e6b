"""`--help` of every command at 60, 80 and 120 columns: option names and metavars are never cut or split."""

from __future__ import annotations

import re

import pytest

from crmcheck.cli import app
from tests.conftest import run_cli

WIDTHS = (60, 80, 120)


def _commands() -> dict[str, object]:
    import typer.main

    group = typer.main.get_command(app)
    commands: dict[str, object] = {"": group}
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        # a command group (collect, vendors) is checked through each of its commands
        subcommands = getattr(command, "commands", None)
        if subcommands:
            commands.update({f"{name} {sub}": each for sub, each in subcommands.items()})
        else:
            commands[name] = command
    return commands


def _words_that_must_stay_whole(command: object) -> set[str]:
    """Every option name, every metavar, and the environment variable named in a help text."""
    import typer.main

    ctx = typer.main.get_command(app).make_context("crmcheck", [], resilient_parsing=True)
    words = {"--help"}  # every command has it, even one that takes only arguments
    for param in command.params:  # type: ignore[attr-defined]
        words.update(o for o in (*param.opts, *param.secondary_opts) if o.startswith("-"))
        if param.param_type_name == "option" and not param.is_flag:
            words.add(param.make_metavar(ctx))
        words.update(re.findall(r"CRMCHECK_[A-Z_]+", getattr(param, "help", None) or ""))
    return words


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", sorted(_commands()))
def test_help_keeps_every_option_and_metavar_whole(name: str, width: int) -> None:
    command = _commands()[name]
    run = run_cli(*name.split(), "--help", env={"COLUMNS": str(width)})
    assert run.code == 0, run.err
    assert "…" not in run.out
    for line in run.out.splitlines():
        # click lets one unbreakable word stick out rather than cut it; only such a line may be wider
        assert len(line) <= width or " " not in line.strip(), (name, width, line)
    tokens = set(re.split(r"[\s,]+", run.out))
    expected = _words_that_must_stay_whole(command)
    assert expected, name
    missing = {w for w in expected if w not in tokens}
    assert not missing, (name, width, missing)


def test_the_long_ones_are_whole_at_80_columns() -> None:
    """The words the issue saw cut: a long option, the environment variable and a choice metavar."""
    run = run_cli("report", "--help", env={"COLUMNS": "80"})
    for word in ("--baseline-questionnaires", "CRMCHECK_QUESTIONNAIRES", "<terminal|markdown|json|junit|html|xlsx>"):
        assert re.search(rf"(^|\s){re.escape(word)}([\s,;.)]|$)", run.out, re.M), word
