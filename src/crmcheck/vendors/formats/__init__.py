"""Formats of `crmcheck vendors report`: one module per format, each `render(report, options) -> str | bytes`."""

from __future__ import annotations

from crmcheck import format_registry
from crmcheck.render import Renderer

VendorFormat = format_registry.format_enum(__name__, "VendorFormat")


def renderer_for(fmt: str) -> Renderer:
    """The render function of a format's module (imported only when that format is used)."""
    return format_registry.renderer_for(__name__, fmt)


def money(value: float, currency: str | None) -> str:
    """12,500 or EUR 12,500: whole units, grouped; cents only when there are any."""
    text = f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    return f"{currency} {text}" if currency else text


def score(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"
