"""Benchmark as JSON lines: one line per counted assessment of a questionnaire, for a spreadsheet or warehouse."""

from __future__ import annotations

from crmcheck.models.benchmark import BenchmarkResult
from crmcheck.render import RenderOptions


def render(result: BenchmarkResult, options: RenderOptions) -> str:
    return "".join(row.model_dump_json() + "\n" for row in result.rows)
