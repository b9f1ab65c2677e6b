"""The CLI package's layout: each command's module registers it, and a run imports only that module."""

from __future__ import annotations

import subprocess
import sys

import typer.main

from crmcheck.cli import app
from crmcheck.cli.root import COMMAND_MODULES
from tests.conftest import EXAMPLES, ROOT


def test_each_command_is_registered_by_the_module_the_table_names() -> None:
    registered: dict[str, set[str]] = {}
    for info in app.registered_commands:
        assert info.callback is not None
        registered[typer.main.get_command_name(info.callback.__name__) if not info.name else info.name] = {
            info.callback.__module__}
    for group in app.registered_groups:
        assert group.typer_instance is not None and isinstance(group.typer_instance.info.name, str)
        registered[group.typer_instance.info.name] = {
            c.callback.__module__ for c in group.typer_instance.registered_commands if c.callback is not None}
    assert registered.keys() == COMMAND_MODULES.keys()
    for name, modules in registered.items():
        assert modules == {f"crmcheck.cli.{COMMAND_MODULES[name]}"}, name


def test_help_lists_the_commands_in_the_tables_order() -> None:
    assert list(typer.main.get_command(app).commands) == list(COMMAND_MODULES)  # type: ignore[attr-defined]


def _cli_modules_after(*args: str) -> set[str]:
    code = ("import sys; from crmcheck.cli import main; sys.argv = ['crmcheck', *sys.argv[1:]]\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "sys.stderr.write(' '.join(m for m in sys.modules if m.startswith('crmcheck.')))")
    run = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT)
    return set(run.stderr.split())


def test_a_run_imports_only_its_commands_module_and_no_format_package_for_help() -> None:
    shared = {"crmcheck.cli.root", "crmcheck.cli.options", "crmcheck.cli.output"}
    report = _cli_modules_after("report", str(EXAMPLES / "assessment-2026.yaml"), "--format", "json")
    assert {m for m in report if m.startswith("crmcheck.cli.")} == shared | {"crmcheck.cli.reporting",
                                                                           "crmcheck.cli.formats"}
    # the help lists the vendor formats without importing the vendor models they render
    vendors = _cli_modules_after("vendors", "report", "--help")
    assert "crmcheck.cli.vendors" in vendors and "crmcheck.cli.reporting" not in vendors
    assert not {"crmcheck.vendors.formats", "crmcheck.vendors.result"} & vendors
