"""Markdown format of `crmcheck measure` (GitHub-flavoured), from reports/measure.md.j2."""

from __future__ import annotations

from crmcheck.measure.formats.templated import render_measure_template
from crmcheck.measure.result import MeasureResult
from crmcheck.render import RenderOptions


def render(result: MeasureResult, options: RenderOptions) -> str:
    return render_measure_template("measure.md.j2", result, autoescape=False)
