"""Building only the invoked command: the same run as with the whole command tree, for every kind of arguments."""

from __future__ import annotations

from typing import Annotated

import pytest
import typer
import typer.main

from crmcheck import command_tree
from crmcheck.cli import app
from tests.conftest import EXAMPLES, run_cli

EXAMPLE = str(EXAMPLES / "assessment-2026.yaml")


def _names(command: object) -> dict[str, object]:
    """The command tree of a click group, as nested names (a leaf command as None)."""
    commands = getattr(command, "commands", None)
    if commands is None:
        return {}
    return {name: _names(sub) or None for name, sub in commands.items()}


def test_only_the_named_command_is_built() -> None:
    assert _names(command_tree.command_for(app, ["report", EXAMPLE, "--format", "json"])) == {"report": None}
    assert _names(command_tree.command_for(app, ["--debug", "list"])) == {"list": None}
    assert _names(command_tree.command_for(app, ["collect", "serve", "x"])) == {"collect": {"serve": None}}
    assert _names(command_tree.command_for(app, ["import", "--help"])) == {"import": None}


def test_the_whole_tree_when_no_command_or_no_known_command_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    everything = _names(typer.main.get_command(app))
    assert {"report", "list", "collect", "vendors"} <= everything.keys()
    for args in ([], ["--help"], ["-h"], ["reprot"], ["--", "list"], ["--bogus", "list"], ["-hv"]):
        assert _names(command_tree.command_for(app, args)) == everything, args
    # a group named alone keeps all its commands (its help lists them)
    collect = _names(command_tree.command_for(app, ["collect"]))
    assert collect == {"collect": everything["collect"]}
    monkeypatch.setenv("_CRMCHECK_COMPLETE", "complete_bash")  # the shell's completion: every command
    assert _names(command_tree.command_for(app, ["report"])) == everything


def test_a_new_command_and_a_root_option_with_a_value_are_read_from_the_app() -> None:
    """Nothing is listed by hand: a command registered later is found, and a root option that takes a value
    (here one whose value is a command's name) is read as the built command reads it."""
    demo = typer.Typer()

    @demo.callback()
    def root(profile: Annotated[str, typer.Option("--profile")] = "x") -> None:
        """Root."""

    @demo.command()
    def show() -> None:
        """Show."""

    @demo.command("measure-it")
    def measure() -> None:
        """Measure."""

    assert _names(command_tree.command_for(demo, ["measure-it"])) == {"measure-it": None}
    # the first word looked like the command, but the option takes it: the whole tree, and click reads it right
    both = {"show": None, "measure-it": None}
    assert _names(command_tree.command_for(demo, ["--profile", "measure-it", "show"])) == both
    assert _names(command_tree.command_for(demo, ["--profile=show", "measure-it"])) == {"measure-it": None}


def _whole_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(command_tree, "command_for", lambda typer_app, args: typer.main.get_command(typer_app))


@pytest.mark.parametrize("args", [
    ["--help"], ["list"], ["report", "--help"], ["report"], ["report", "--bogus"], ["reprot"], ["--debug", "list"],
    ["--version"], ["collect"], ["collect", "--help"], ["collect", "serve", "--help"], ["collect", "nope"],
    ["vendors"], ["vendors", "report"], ["schema", "answers"], ["show", "crm-mistakes"], ["list", "extra"],
    ["report", EXAMPLE, "--format", "json"], ["validate", EXAMPLE], ["--", "list"], ["--install-completion", "x"],
])
def test_every_run_is_the_same_as_with_the_whole_tree(args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    pruned = run_cli(*args)
    _whole_tree(monkeypatch)
    whole = run_cli(*args)
    assert (pruned.code, pruned.out, pruned.err) == (whole.code, whole.out, whole.err)
    if args == ["reprot"]:
        assert pruned.code == 2 and "No such command 'reprot'" in pruned.err
