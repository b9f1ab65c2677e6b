"""Formats of `crmcheck measure`: one module per format, each `render(result, options) -> str | bytes`."""

from __future__ import annotations

from crmcheck import format_registry
from crmcheck.render import Renderer

MeasureFormat = format_registry.format_enum(__name__, "MeasureFormat")


def renderer_for(fmt: str) -> Renderer:
    """The render function of a format's module (imported only when that format is used)."""
    return format_registry.renderer_for(__name__, fmt)
