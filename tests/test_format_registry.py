"""The format registry: every declared format has its module, every format module is declared."""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

import pytest

from crmcheck import format_registry

SUFFIXES = {"crmcheck.render": "_report", "crmcheck.render.benchmark": "_report",
            "crmcheck.measure.formats": "_format", "crmcheck.plan.formats": "_format",
            "crmcheck.vendors.formats": "_format"}
ENUMS = {"crmcheck.render": "ReportFormat", "crmcheck.render.benchmark": "BenchmarkFormat",
         "crmcheck.measure.formats": "MeasureFormat", "crmcheck.plan.formats": "PlanFormat",
         "crmcheck.vendors.formats": "VendorFormat"}


def _folder(package: str) -> Path:
    spec = importlib.util.find_spec(package)
    assert spec is not None and spec.origin is not None
    return Path(spec.origin).parent


def test_the_packages_are_the_five_format_packages() -> None:
    assert set(format_registry.packages()) == set(SUFFIXES)


@pytest.mark.parametrize("package", sorted(SUFFIXES))
def test_every_declared_format_has_a_module_with_render(package: str) -> None:
    for fmt in format_registry.formats(package):
        assert format_registry.module_name(package, fmt) == f"{package}.{fmt}{SUFFIXES[package]}"
        render = format_registry.renderer_for(package, fmt)
        assert callable(render)
        assert render is importlib.import_module(f"{package}.{fmt}{SUFFIXES[package]}").render


@pytest.mark.parametrize("package", sorted(SUFFIXES))
def test_every_format_module_is_declared(package: str) -> None:
    suffix = SUFFIXES[package]
    on_disk = {p.name.removesuffix(f"{suffix}.py") for p in _folder(package).glob(f"*{suffix}.py")}
    assert on_disk == set(format_registry.formats(package))


@pytest.mark.parametrize("package", sorted(SUFFIXES))
def test_the_package_enum_is_the_declared_formats_in_order(package: str) -> None:
    enum = getattr(importlib.import_module(package), ENUMS[package])
    assert [member.value for member in enum] == list(format_registry.formats(package))
    assert [member.name for member in enum] == list(format_registry.formats(package))
    assert enum("json").value == "json"


def test_the_order_is_the_order_the_cli_lists() -> None:
    assert format_registry.formats("crmcheck.render") == ("terminal", "markdown", "json", "junit", "html", "xlsx")
    assert format_registry.formats("crmcheck.plan.formats")[-1] == "csv"


def test_a_package_renderer_for_takes_an_enum_member_or_its_name() -> None:
    from crmcheck.render import ReportFormat, renderer_for
    from crmcheck.render.markdown_report import render

    assert renderer_for(ReportFormat("markdown")) is render
    assert renderer_for("markdown") is render


def test_an_unknown_format_or_package_is_refused_with_what_there_is() -> None:
    with pytest.raises(ValueError, match=r"crmcheck.render has no format 'pdf' \(it has terminal, markdown, json"):
        format_registry.renderer_for("crmcheck.render", "pdf")
    with pytest.raises(ValueError, match=r"crmcheck.scoring is not a format package \(they are crmcheck.render,"):
        format_registry.formats("crmcheck.scoring")
