"""Every --format choice of every command has a renderer, and every renderer is offered (pip-audit's pattern).

The CLI reads its choices from the registries (crmcheck.cli.formats); these tests hold each list against the
registry as Python imports it, and each registry against the format modules of its package.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from enum import StrEnum
from typing import Any

import pytest
import typer.main

from crmcheck import format_registry
from crmcheck.cli import app
from crmcheck.cli.formats import FORMAT_LISTS, FormatChoice, declared_names, formats_of
from crmcheck.cli.options import ListFormat

# registries whose formats are modules: the package, how a format module's name ends, the enum
MODULE_REGISTRIES = {
    "report": ("crmcheck.render", "_report", "ReportFormat"),
    "benchmark": ("crmcheck.render.benchmark", "_report", "BenchmarkFormat"),
    "measure": ("crmcheck.measure.formats", "_format", "MeasureFormat"),
    "plan": ("crmcheck.plan.formats", "_format", "PlanFormat"),
    "vendors": ("crmcheck.vendors.formats", "_format", "VendorFormat"),
}
# registries that are a dict of renderer functions in one view module
DICT_REGISTRIES = {"compare": "crmcheck.render.comparison_view", "check": "crmcheck.render.check_view"}
# --format of the listings (list, show, validate, collect invite/status): each command prints terminal or JSON
LISTINGS = {"list", "show", "validate", "collect invite", "collect status"}


def _options() -> Iterator[tuple[str, Any]]:
    """(command path, option) for every choice option of every command of the whole tree."""
    def walk(command: Any, path: str) -> Iterator[tuple[str, Any]]:
        subcommands = getattr(command, "commands", None)
        if subcommands:
            for name, sub in subcommands.items():
                yield from walk(sub, f"{path} {name}".strip())
            return
        for param in command.params:
            if param.param_type_name == "option" and hasattr(param.type, "choices"):
                yield path, param
    yield from walk(typer.main.get_command(app), "")


def _format_options() -> dict[str, Any]:
    return {path: option for path, option in _options() if "--format" in option.opts}


def test_every_format_option_reads_a_registry_or_is_a_listing() -> None:
    options = _format_options()
    assert {"report", "benchmark", "compare", "check", "measure", "plan show", "vendors report"} <= options.keys()
    for path, option in options.items():
        if path in LISTINGS:
            assert not isinstance(option.type, FormatChoice), path
            assert list(option.type.choices) == [f.value for f in ListFormat], path
        else:
            assert isinstance(option.type, FormatChoice), f"{path}: --format choices copied, not read"
    assert options.keys() >= LISTINGS


def test_each_choice_list_is_the_registry_as_python_imports_it() -> None:
    """Each command reads the registry of its own package, and the source-reading of crmcheck.cli.formats gives
    what the module defines, in its order."""
    where = {kind: (package, enum) for kind, (package, _, enum) in MODULE_REGISTRIES.items()}
    where |= {kind: (module, "RENDERERS") for kind, module in DICT_REGISTRIES.items()}
    where["plan-csv-layout"] = ("crmcheck.plan.formats", "CsvLayout")
    assert where == FORMAT_LISTS
    for kind, (module, name) in FORMAT_LISTS.items():
        registry = getattr(importlib.import_module(module), name)
        values = [getattr(item, "value", item) for item in registry]
        assert list(formats_of(kind)) == values, kind
        assert values, kind


def test_every_choice_has_a_renderer_module_and_every_module_is_offered() -> None:
    offered = {option.type.kind: list(option.type.choices) for path, option in _format_options().items()
               if path not in LISTINGS}
    assert offered.keys() == MODULE_REGISTRIES.keys() | DICT_REGISTRIES.keys()
    for kind, (package_name, suffix, enum_name) in MODULE_REGISTRIES.items():
        package = importlib.import_module(package_name)
        modules = {m.name.removesuffix(suffix) for m in pkgutil.iter_modules(package.__path__)
                   if m.name.endswith(suffix)}
        assert set(offered[kind]) == modules, (kind, offered[kind], modules)
        enum: type[StrEnum] = getattr(package, enum_name)
        for choice in offered[kind]:
            render = package.renderer_for(enum(choice))
            assert callable(render) and render.__module__ == f"{package_name}.{choice}{suffix}", (kind, choice)
    for kind, module in DICT_REGISTRIES.items():
        renderers = importlib.import_module(module).RENDERERS
        assert offered[kind] == list(renderers) == list(format_registry.view_formats(module)), kind
        assert all(callable(render) for render in renderers.values()), kind
    assert set(format_registry.views()) == set(DICT_REGISTRIES.values())


def test_the_plan_csv_layouts_are_the_registrys() -> None:
    from crmcheck.plan.formats import CsvLayout

    layouts = {path: option for path, option in _options() if "--csv-layout" in option.opts}
    assert list(layouts) == ["plan show"]
    assert list(layouts["plan show"].type.choices) == [layout.value for layout in CsvLayout]


def test_every_registry_listed_is_used_by_a_command() -> None:
    used = {option.type.kind for _, option in _options() if isinstance(option.type, FormatChoice)}
    assert used == FORMAT_LISTS.keys()


def test_a_registry_that_is_missing_is_an_error_not_an_empty_list() -> None:
    with pytest.raises(LookupError, match="declares no NoSuchFormat"):
        declared_names("crmcheck.render", "NoSuchFormat")
    with pytest.raises(KeyError):
        FormatChoice("no-such-kind")


def test_without_a_source_to_read_the_registry_is_imported(monkeypatch: pytest.MonkeyPatch) -> None:
    """A module installed as bytecode only gives no source: its registry is then read from the import."""
    import copy
    import importlib.util

    from crmcheck.render import ReportFormat

    real_find_spec = importlib.util.find_spec

    class NoSource:
        def get_source(self, name: str) -> None:
            return None

    def sourceless(name: str, package: str | None = None) -> Any:
        spec = copy.copy(real_find_spec(name, package))
        spec.loader = NoSource()
        return spec

    monkeypatch.setattr(importlib.util, "find_spec", sourceless)
    assert declared_names("crmcheck.render", "ReportFormat") == tuple(f.value for f in ReportFormat)
    assert declared_names("crmcheck.render.check_view", "RENDERERS") == ("terminal", "markdown", "json")
