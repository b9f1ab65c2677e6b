"""The root of the command line: the app and its own options, which module registers each command, and main()
(the one place that turns every outcome into a line and a documented exit code)."""

from __future__ import annotations

import os
import sys
from typing import Annotated, NoReturn

import typer

from crmcheck import __version__
from crmcheck.cli.output import note
from crmcheck.command_tree import LazyTyper
from crmcheck.errors import EXIT_INPUT, EXIT_INTERNAL, EXIT_INTERRUPTED, EXIT_OK, CrmcheckError

# every command and group, in the order --help lists them, and the module of crmcheck.cli that registers it:
# a run imports only the module of the command it names (crmcheck.command_tree)
COMMAND_MODULES = {
    "list": "files", "show": "files", "new": "answering", "interview": "answering", "validate": "files",
    "report": "reporting", "benchmark": "reporting", "import": "answering", "compare": "reporting",
    "check": "reporting", "schema": "files", "demo": "reporting", "measure": "measure", "collect": "collect",
    "plan": "plan", "vendors": "vendors",
}

app = LazyTyper(
    modules={name: f"crmcheck.cli.{module}" for name, module in COMMAND_MODULES.items()},
    name="crmcheck",
    help="Assess the health of a company's CRM practice: questionnaires, answers, scores and reports.\n\n"
    "Start with `crmcheck demo`, or `crmcheck list` to see the questionnaires.",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def whole_app() -> typer.Typer:
    """The app with every command registered (for the docs, the help tests and typer's own runner)."""
    app.load_all()
    return app


def _print_version(value: bool) -> None:
    if value:
        sys.stdout.write(f"crmcheck {__version__}\n")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show the full traceback of an internal error.")] = False,
    version: Annotated[
        bool, typer.Option("--version", is_eager=True, callback=_print_version, help="Print the version and exit.")
    ] = False,
) -> None:
    """Options for every command."""


def _fail(code: int, lines: list[str]) -> NoReturn:
    for line in lines:
        note(line)
    sys.exit(code)


def _is_usage_error(exc: Exception) -> bool:
    """Typer's command-line parsing errors (bad option, missing argument), whichever click it bundles."""
    return hasattr(exc, "show") and hasattr(exc, "exit_code") and type(exc).__name__ not in ("Exit", "Abort")


def main() -> None:
    """Console entry point: run the app and turn every outcome into one of the documented exit codes."""
    debug = "--debug" in sys.argv[1:] or bool(os.environ.get("CRMCHECK_DEBUG"))
    from crmcheck.pydantic_plugins import skip_plugin_scan  # PYDANTIC_DISABLE_PLUGINS unless set; see there

    skip_plugin_scan()
    try:
        from crmcheck import command_tree  # only the invoked command is built (see there)

        result = command_tree.command_for(app, sys.argv[1:])(standalone_mode=False)
    except CrmcheckError as exc:
        _fail(exc.exit_code, exc.lines())
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        _fail(EXIT_INTERRUPTED, ["crmcheck: interrupted"])
    except BrokenPipeError:
        # the reader went away (e.g. `| head`); nothing more to say
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT_OK)
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if _is_usage_error(exc):
            exc.show()  # type: ignore[attr-defined]
            sys.exit(EXIT_INPUT)
        if debug:
            import traceback

            traceback.print_exc()
        _fail(EXIT_INTERNAL, [f"crmcheck: internal error ({type(exc).__name__}: {exc}). This is a bug: please "
                              "report it with the command you ran" + ("" if debug else "; --debug shows the "
                              "traceback") + "."])
    code = result if isinstance(result, int) else EXIT_OK
    if code == EXIT_INTERRUPTED:  # Typer turns Ctrl-C into exit 130 without a word
        note("crmcheck: interrupted")
    sys.exit(code)
