"""The command line: parse options, call one library function, write its output, map errors to exit codes.

`main` is the console script. The commands live in one module per job (files, answering, reporting, measure,
collect, plan, vendors), each imported only when its command runs; `app` is the whole Typer app, every command
registered, for the docs and the help tests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crmcheck.cli.root import main
from crmcheck.errors import InputError

if TYPE_CHECKING:
    import typer

    app: typer.Typer


def __getattr__(name: str) -> object:
    if name == "app":
        from crmcheck.cli.root import whole_app

        return whole_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["app", "main", "InputError"]
