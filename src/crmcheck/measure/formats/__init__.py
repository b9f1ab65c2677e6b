"""Formats of `crmcheck measure`: one module per format, each `render(result, options) -> str | bytes`."""

from __future__ import annotations

from enum import StrEnum
from typing import Protocol

from crmcheck.measure.result import MeasureResult
from crmcheck.render import RenderOptions, module_renderer


class MeasureFormat(StrEnum):
    TERMINAL = "terminal"
    MARKDOWN = "markdown"
    HTML = "html"
    JSON = "json"
    XLSX = "xlsx"


class MeasureRenderer(Protocol):
    def __call__(self, result: MeasureResult, options: RenderOptions) -> str | bytes: ...


def renderer_for(fmt: MeasureFormat) -> MeasureRenderer:
    """The render function of a format's module (imported only when that format is used)."""
    render: MeasureRenderer = module_renderer(f"crmcheck.measure.formats.{fmt.value}_format")
    return render
