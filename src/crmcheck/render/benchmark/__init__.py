"""Benchmark formats: one module per format, each `render(result, options) -> str` on a BenchmarkResult."""

from __future__ import annotations

from crmcheck import format_registry
from crmcheck.render import Renderer

BenchmarkFormat = format_registry.format_enum(__name__, "BenchmarkFormat")


def renderer_for(fmt: str) -> Renderer:
    """The render function of a benchmark format's module (imported only when that format is used)."""
    return format_registry.renderer_for(__name__, fmt)
