"""Formats of `crmcheck measure`: one module per format, each `render(result, options) -> str | bytes`."""

from __future__ import annotations

import importlib
from enum import StrEnum
from typing import Protocol

from crmcheck.measure.result import MeasureResult
from crmcheck.render import RenderOptions


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
    module = importlib.import_module(f"crmcheck.measure.formats.{fmt.value}_format")
    render: MeasureRenderer = module.render
    return render
