"""Benchmark as GitHub-flavoured markdown, from the Jinja template `reports/benchmark.md.j2`."""

from __future__ import annotations

from crmcheck.models.benchmark import BenchmarkResult
from crmcheck.render import RenderOptions
from crmcheck.render.templating import render_template

FAILED_SHOWN = 20


def render(result: BenchmarkResult, options: RenderOptions) -> str:
    context = {
        "result": result,
        "title": options.title or "CRM benchmark" + (f": {result.company.name}" if result.company else ""),
        "failed_shown": FAILED_SHOWN,
    }
    return render_template("benchmark.md.j2", options.template, context, autoescape=False)
