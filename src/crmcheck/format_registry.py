"""The format registry: which output formats each format package has, and the render function of one.

A format package holds one module per format, each with `render(result, options)`. Its formats are declared
here once, in the order the CLI lists them, so that the CLI can build its choices without importing the
packages; the packages' own enums are built from the same list (`format_enum`). The views (compare's and
check's: one module, a dict of renderers) have their formats declared here too. tests/test_format_registry.py
proves that each declared format has its module and that each format module is declared.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from enum import StrEnum
from typing import cast

# package -> (the ending of its format modules' names, its formats in CLI order)
_PACKAGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "crmcheck.render": ("_report", ("terminal", "markdown", "json", "junit", "html", "xlsx")),
    "crmcheck.render.benchmark": ("_report", ("terminal", "markdown", "json", "jsonl")),
    "crmcheck.measure.formats": ("_format", ("terminal", "markdown", "html", "json", "xlsx")),
    "crmcheck.plan.formats": ("_format", ("terminal", "markdown", "html", "json", "xlsx", "csv")),
    "crmcheck.vendors.formats": ("_format", ("terminal", "markdown", "html", "json", "xlsx")),
}


# views: one module rendering one kind of result in several formats, dispatching on its dict RENDERERS (format ->
# render function); their formats in CLI order (tests/cli/test_formats.py holds each list to its RENDERERS)
_VIEWS: dict[str, tuple[str, ...]] = {
    "crmcheck.render.comparison_view": ("terminal", "markdown", "json"),
    "crmcheck.render.check_view": ("terminal", "markdown", "json"),
}


def views() -> tuple[str, ...]:
    """Every view module (one module, several formats in its RENDERERS), by its dotted name."""
    return tuple(_VIEWS)


def view_formats(module: str) -> tuple[str, ...]:
    """The formats of a view module's RENDERERS, in the order the CLI lists them."""
    try:
        return _VIEWS[module]
    except KeyError:
        raise ValueError(f"{module} is not a view module (they are {', '.join(_VIEWS)})") from None


def packages() -> tuple[str, ...]:
    """Every format package, by its dotted name."""
    return tuple(_PACKAGES)


def formats(package: str) -> tuple[str, ...]:
    """The formats of a format package (e.g. `formats("crmcheck.render")`), in the order the CLI lists them."""
    return _declared(package)[1]


def format_enum(package: str, name: str) -> type[StrEnum]:
    """A StrEnum called `name` of the package's formats, each member named as its value (`terminal`)."""
    return cast("type[StrEnum]", StrEnum(name, [(fmt, fmt) for fmt in formats(package)]))


def module_name(package: str, fmt: str) -> str:
    """The dotted name of the module that renders `fmt` in `package`."""
    suffix, names = _declared(package)
    if fmt not in names:
        raise ValueError(f"{package} has no format {fmt!r} (it has {', '.join(names)})")
    return f"{package}.{fmt}{suffix}"


def renderer_for(package: str, fmt: str) -> Callable[..., str | bytes]:
    """The `render` function of one format of a package, its module imported only when that format is used (each
    package's own `renderer_for` gives it its package's type: this module imports none of them)."""
    module = importlib.import_module(module_name(package, str(fmt)))
    render: Callable[..., str | bytes] = module.render
    return render


def _declared(package: str) -> tuple[str, tuple[str, ...]]:
    try:
        return _PACKAGES[package]
    except KeyError:
        raise ValueError(f"{package} is not a format package (they are {', '.join(_PACKAGES)})") from None
