"""`plan show --format markdown`: the actions by phase and a mermaid gantt of their due dates."""

from __future__ import annotations

from crmcheck.models.plan_view import PlanSummary, in_order, state
from crmcheck.render import RenderOptions
from crmcheck.render.templating import render_template


def render(summary: PlanSummary, options: RenderOptions) -> str:
    actions = in_order(summary.actions)
    return render_template("plan.md.j2", options.template, {
        "summary": summary, "actions": actions, "state": state, "title": options.title or "Improvement plan",
    }, autoescape=False)
