"""The click command for one run: only the command the arguments name, or the whole tree when that is needed.

Typer turns every registered command into a click command (options, types, help) before it parses anything:
some 35 ms for crmcheck's whole tree, 3 ms for one command. `command_for` copies the Typer app with only the
command (or group, and within it the command) that the arguments name, taken from the app's own registered
commands, so a command added to the CLI is found with no change here. The root app is a `LazyTyper`: its
commands are registered by the modules of crmcheck.cli, and only the module of the named command is imported
(the others are imported when the whole tree is built). Whatever else a run may need sees the whole tree: no
command named (`crmcheck`, `crmcheck --help`), a name that is no command (typer's usage error with its
suggestion), shell completion, and arguments this module cannot read for sure (an option it does not know
before the command name). The copy is checked against the click command built from it: if its options read
the arguments differently (an option of the root taking the command's name as its value), the whole tree is
built after all.
"""

from __future__ import annotations

import copy
import importlib
import os
from collections.abc import Mapping, Sequence
from typing import Any

import typer
import typer.main
from typer.models import TyperInfo


class LazyTyper(typer.Typer):
    """A Typer app whose commands are registered by modules imported only when a run needs them."""

    def __init__(self, *, modules: Mapping[str, str], **settings: Any) -> None:
        super().__init__(**settings)
        self.modules = dict(modules)  # command or group name -> the module that registers it, in --help order

    def load(self, name: str) -> None:
        """Import the module that registers the command or group `name` (nothing when no module does)."""
        module = self.modules.get(name)
        if module is not None:
            importlib.import_module(module)

    def load_all(self) -> None:
        """Import every command's module, and keep the commands in the order `modules` lists them, whichever
        module was imported first."""
        for module in dict.fromkeys(self.modules.values()):
            importlib.import_module(module)
        order = {name: index for index, name in enumerate(self.modules)}
        self.registered_commands.sort(key=lambda info: order.get(_command_name(info) or "", len(order)))
        self.registered_groups.sort(key=lambda info: order.get(_group_name(info) or "", len(order)))


def _whole(app: typer.Typer) -> typer.Typer:
    if isinstance(app, LazyTyper):
        app.load_all()
    return app


def _command_name(info: typer.models.CommandInfo) -> str | None:
    if info.name:
        return info.name
    callback = info.callback
    return typer.main.get_command_name(callback.__name__) if callback is not None else None


def _group_name(info: TyperInfo) -> str | None:
    if isinstance(info.name, str):
        return info.name
    instance = info.typer_instance
    return instance.info.name if instance is not None and isinstance(instance.info.name, str) else None


def _first_word(args: Sequence[str]) -> int | None:
    """The index of the first argument that is not an option (a guess, checked later), None when there is none."""
    for index, arg in enumerate(args):
        if arg == "--":
            return None
        if not arg.startswith("-") or arg == "-":
            return index
    return None


def _pruned(app: typer.Typer, args: Sequence[str]) -> tuple[typer.Typer, list[str]] | None:
    """A copy of `app` holding only what `args` names, and the names on the way; None to keep all of `app`."""
    at = _first_word(args)
    if at is None:
        return None
    word, rest = args[at], args[at + 1:]
    if isinstance(app, LazyTyper):
        app.load(word)
    for command in app.registered_commands:
        if _command_name(command) == word:
            pruned = copy.copy(app)
            pruned.registered_commands, pruned.registered_groups = [command], []
            return pruned, [word]
    for group in app.registered_groups:
        if group.typer_instance is not None and _group_name(group) == word:
            inner = _pruned(group.typer_instance, rest)
            chosen = copy.copy(group)
            names = [word]
            if inner is not None:
                chosen.typer_instance, below = inner
                names += below
            pruned = copy.copy(app)
            pruned.registered_commands, pruned.registered_groups = [], [chosen]
            return pruned, names
    return None


def _path(command: Any, args: Sequence[str]) -> list[str] | None:
    """The subcommand names click will follow for `args`, read with each group's own options (those of the built
    command, help options included); None when an option is one this reading does not know."""
    names: list[str] = []
    index = 0
    parent = None
    while isinstance(getattr(command, "commands", None), dict) and index < len(args):
        ctx = command.context_class(command, info_name=command.name, parent=parent, **command.context_settings)
        takes_value: dict[str, bool] = {}
        for param in command.get_params(ctx):
            if getattr(param, "param_type_name", None) == "option":
                for opt in (*param.opts, *param.secondary_opts):
                    takes_value[opt] = not (param.is_flag or param.count)
        while index < len(args) and args[index].startswith("-") and args[index] != "-":
            name = args[index].split("=", 1)[0]
            if name not in takes_value:
                return None  # "--", a bundle of short flags, or an option this group lacks: click decides
            index += 2 if takes_value[name] and "=" not in args[index] else 1
        if index >= len(args):
            break
        sub = command.commands.get(args[index])
        if sub is None:
            return None
        names.append(args[index])
        command, parent = sub, ctx
        index += 1
    return names


def _completing() -> bool:
    """Whether this run answers the shell's completion (typer reads _PROG_COMPLETE): it needs every command."""
    return any(name.startswith("_") and name.endswith("_COMPLETE") for name in os.environ)


def command_for(app: typer.Typer, args: Sequence[str]) -> Any:
    """The click command to run `args` with: built from only the named command where that gives the same run."""
    if not _completing():
        pruned = _pruned(app, args)
        if pruned is not None:
            copy_app, names = pruned
            command = typer.main.get_command(copy_app)
            if _path(command, args) == names:
                return command
    return typer.main.get_command(_whole(app))
