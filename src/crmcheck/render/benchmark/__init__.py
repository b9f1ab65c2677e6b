"""Benchmark formats: one module per format, each `render(result, options) -> str` on a BenchmarkResult."""

from __future__ import annotations

import importlib
from enum import StrEnum

from crmcheck.render import Renderer


class BenchmarkFormat(StrEnum):
    TERMINAL = "terminal"
    MARKDOWN = "markdown"
    JSON = "json"
    JSONL = "jsonl"


def renderer_for(fmt: BenchmarkFormat) -> Renderer:
    """The render function of a benchmark format's module (imported only when that format is used)."""
    module = importlib.import_module(f"crmcheck.render.benchmark.{fmt.value}_report")
    render: Renderer = module.render
    return render
