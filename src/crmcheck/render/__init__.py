"""Report formats: one module per format, each `render(result, options) -> str` (bytes for binary formats)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from crmcheck import format_registry

ReportFormat = format_registry.format_enum(__name__, "ReportFormat")


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


def renderer_for(fmt: str) -> Renderer:
    """The render function of a format's module (imported only when that format is used)."""
    return format_registry.renderer_for(__name__, fmt)
