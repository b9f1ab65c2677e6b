"""Help text reads right: no stray escapes, usage lines name the arguments, `--format` choices listed once and
true, and `-f` wherever `--format` is."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.conftest import run_cli
from tests.test_cli_help import _commands

COMMANDS = sorted(name for name in _commands() if name)


def _format_option(command: object) -> Any:
    return next((p for p in command.params  # type: ignore[attr-defined]
                 if p.param_type_name == "option" and "--format" in p.opts), None)


@pytest.mark.parametrize("name", COMMANDS)
def test_help_has_no_stray_escape_and_usage_names_arguments(name: str) -> None:
    run = run_cli(*name.split(), "--help", env={"COLUMNS": "100"})
    assert run.code == 0, run.err
    assert "\\[" not in run.out and "\\]" not in run.out
    usage = run.out.split("\n\n")[0]
    assert usage.startswith(f"Usage: crmcheck {name}"), usage
    assert "{" not in usage and "}" not in usage, usage
    command = _commands()[name]
    for param in command.params:  # type: ignore[attr-defined]
        if param.param_type_name == "argument":
            shown = param.metavar or ""
            # an argument is named in capitals, as its help line and the docs name it
            assert shown and shown.rstrip(".").isupper(), (name, param.name, shown)
            assert shown in usage.split(), (name, shown, usage)


@pytest.mark.parametrize("name", [n for n in COMMANDS if _format_option(_commands()[n])])
def test_format_choices_are_listed_once_and_right(name: str) -> None:
    option = _format_option(_commands()[name])
    assert option is not None
    assert "-f" in option.opts, f"{name}: --format without -f"
    accepted = set(option.type.choices)
    import typer.main

    from crmcheck.cli import app

    metavar = option.make_metavar(typer.main.get_command(app).make_context("crmcheck", [], resilient_parsing=True))
    listed = metavar.strip("<>").split("|")
    assert metavar.startswith("<") and set(listed) <= accepted, (name, metavar, accepted)
    help_text = option.help or ""
    # every accepted value not in the list is an older name that the help explains
    for alias in accepted - set(listed):
        assert f"'{alias}'" in help_text, (name, alias, help_text)
    # the help does not list the choices a second time
    assert not all(re.search(rf"\b{choice}\b", help_text) for choice in listed), (name, help_text)
    # the default is one of the choices offered
    default = getattr(option.default, "value", option.default)
    assert default in listed, (name, default, listed)


@pytest.mark.parametrize(("args", "marker"), [
    (["list", "-f", "json"], '"id": "crm-mistakes"'),
    (["show", "crm-mistakes", "-f", "json"], '"id": "crm-mistakes"'),
    (["validate", "examples/brightwater/policy.yaml", "-f", "json"], '"kind": "policy"'),
    (["list", "--format", "text"], "crm-mistakes"),
])
def test_short_format_option_works(args: list[str], marker: str) -> None:
    run = run_cli(*args)
    assert run.code == 0, run.err
    assert marker in run.out
