"""`plan show --format html`: one self-contained page of the actions by phase, print-friendly."""

from __future__ import annotations

from crmcheck.models.plan_view import PlanSummary, in_order, state
from crmcheck.render import RenderOptions
from crmcheck.render.templating import render_template


def render(summary: PlanSummary, options: RenderOptions) -> str:
    return render_template("plan.html.j2", options.template, {
        "summary": summary, "actions": in_order(summary.actions), "state": state,
        "title": options.title or "Improvement plan",
    }, autoescape=True)
