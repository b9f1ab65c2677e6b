"""Markdown report: GitHub-flavoured, from the Jinja template `reports/markdown.md.j2`."""

from __future__ import annotations

from crmcheck.models.result import AssessmentResult
from crmcheck.render import RenderOptions
from crmcheck.render.reading import how_to_read
from crmcheck.render.templating import render_template

TOP_PRIORITIES = 5


def render(result: AssessmentResult, options: RenderOptions) -> str:
    context = {
        "result": result,
        "title": options.title or f"CRM assessment: {result.company}",
        "top": result.top_recommendations(TOP_PRIORITIES),
        "options": options,
        "reading": how_to_read(result),
    }
    return render_template("markdown.md.j2", options.template, context, autoescape=False)
