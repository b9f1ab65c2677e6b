"""Formats of `crmcheck vendors report`: one module per format, each `render(report, options) -> str | bytes`."""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from crmcheck.render import RenderOptions, module_renderer
from crmcheck.vendors.result import VendorReport


class VendorFormat(StrEnum):
    TERMINAL = "terminal"
    MARKDOWN = "markdown"
    HTML = "html"
    JSON = "json"
    XLSX = "xlsx"


class VendorRenderer(Protocol):
    def __call__(self, report: VendorReport, options: RenderOptions) -> str | bytes: ...


def renderer_for(fmt: VendorFormat) -> VendorRenderer:
    """The render function of a format's module (imported only when that format is used)."""
    render: VendorRenderer = module_renderer(f"crmcheck.vendors.formats.{fmt.value}_format")  # type: ignore[assignment]
    return render


def money(value: float, currency: str | None) -> str:
    """12,500 or EUR 12,500: whole units, grouped; cents only when there are any."""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    return f"{currency} {text}" if currency else text


def score(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"
