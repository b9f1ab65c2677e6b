"""The --format choices of the commands, read from the format registries that render them, never copied.

A registry is the enum (or dict of renderers) that a format package declares and dispatches on. The CLI reads
its names from the declaring module's source, without running the module: running it would import what the
formats need (the vendor, measure and plan models, rich), and `crmcheck vendors report --help` or a parse of
`--format` must not pay for that. A choice list is read only when a run first needs it (the command's help, or
parsing its options), so building the command tree reads none. tests/cli/test_formats.py checks each list
against the imported registry and every format module of each package.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from typer._types import TyperChoice  # the choice type typer makes of an Enum: same metavar, messages, completion

# where each command's formats are declared today: module, and its enum or dict of renderers (in --help order)
FORMAT_LISTS: dict[str, tuple[str, str]] = {
    "report": ("crmcheck.render", "ReportFormat"),
    "benchmark": ("crmcheck.render.benchmark", "BenchmarkFormat"),
    "compare": ("crmcheck.render.comparison_view", "RENDERERS"),
    "check": ("crmcheck.render.check_view", "RENDERERS"),
    "measure": ("crmcheck.measure.formats", "MeasureFormat"),
    "plan": ("crmcheck.plan.formats", "PlanFormat"),
    "plan-csv-layout": ("crmcheck.plan.formats", "CsvLayout"),
    "vendors": ("crmcheck.vendors.formats", "VendorFormat"),
}


@cache
def formats_of(kind: str) -> tuple[str, ...]:
    """The format names the registry of `kind` declares: a format package's or a view's list in
    `format_registry`, or (for plan's CSV layouts) the enum its module declares, read from its source."""
    from crmcheck import format_registry  # plain data: imports no format package

    module, name = FORMAT_LISTS[kind]
    if module in format_registry.packages() and name.endswith("Format"):  # the package's own format list
        return format_registry.formats(module)
    if module in format_registry.views() and name == "RENDERERS":  # a view's renderers, declared there too
        return format_registry.view_formats(module)
    return declared_names(module, name)


def declared_names(module: str, name: str) -> tuple[str, ...]:
    """The string values of the enum `name` (or the keys of the dict `name`) in `module`, in their order, read
    from its source; imported instead when there is no source to read."""
    import ast  # only when a choice list is needed: not for building the command tree
    import importlib.util

    spec = importlib.util.find_spec(module)
    source = spec.loader.get_source(module) if spec is not None and spec.loader is not None else None  # type: ignore[attr-defined]
    if source is None:
        registry = getattr(importlib.import_module(module), name)
        return tuple(str(getattr(item, "value", item)) for item in registry)
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            return tuple(stmt.value.value for stmt in node.body if isinstance(stmt, ast.Assign)
                         and isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str))
        if isinstance(node, ast.AnnAssign | ast.Assign) and isinstance(node.value, ast.Dict):
            targets = [node.target] if isinstance(node, ast.AnnAssign) else node.targets
            if any(isinstance(target, ast.Name) and target.id == name for target in targets):
                return tuple(key.value for key in node.value.keys
                             if isinstance(key, ast.Constant) and isinstance(key.value, str))
    raise LookupError(f"{module} declares no {name}")


class FormatChoice(TyperChoice[str]):
    """A choice among the formats of one registry, read when first needed."""

    def __init__(self, kind: str) -> None:
        if kind not in FORMAT_LISTS:
            raise KeyError(kind)
        self.kind = kind
        self.case_sensitive = True

    @property
    def choices(self) -> Sequence[str]:
        return formats_of(self.kind)

    @choices.setter
    def choices(self, value: Sequence[str]) -> None:
        raise AttributeError("the choices come from the format registry")


def format_option(kind: str, help_text: str = "Output format.") -> Any:  # typer.Option's own return type
    """The --format/-f option of a command whose formats the registry of `kind` declares."""
    import typer

    return typer.Option("--format", "-f", help=help_text, click_type=FormatChoice(kind))
