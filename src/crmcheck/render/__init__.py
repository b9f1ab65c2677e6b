"""Report formats: one module per format, each `render(result, options) -> str` (bytes for binary formats)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Protocol


class ReportFormat(StrEnum):
    TERMINAL = "terminal"
    MARKDOWN = "markdown"
    JSON = "json"
    JUNIT = "junit"
    HTML = "html"
    XLSX = "xlsx"


@dataclass(frozen=True)
class RenderOptions:
    """How a report is drawn; the CLI fills this from flags and the environment."""

    color: bool = False
    width: int = 80
    template: Path | None = None
    show_respondents: bool = False
    title: str | None = None
    extra: tuple[tuple[str, Any], ...] = ()


class Renderer(Protocol):
    def __call__(self, result: Any, options: RenderOptions) -> str | bytes: ...


def renderer_for(fmt: ReportFormat) -> Renderer:
    """The render function of a format's module (imported only when that format is used)."""
    return module_renderer(f"crmcheck.render.{fmt.value}_report")


def module_renderer(module_name: str) -> Renderer:
    """The `render` function of a format module, imported only when that format is used."""
    module = importlib.import_module(module_name)
    render: Renderer = module.render
    return render
