"""`plan show --format json`: the plan's summary as JSON, with a `format` number."""

from __future__ import annotations

from crmcheck.json_text import json_document
from crmcheck.models.plan_view import PlanSummary
from crmcheck.models.result import RESULT_FORMAT
from crmcheck.render import RenderOptions


def render(summary: PlanSummary, options: RenderOptions) -> str:
    return json_document({"format": RESULT_FORMAT, **summary.model_dump(mode="json")})
