"""`plan show --format json`: the plan's summary as JSON, with a `format` number."""

from __future__ import annotations

import json

from crmcheck.models.plan_view import PlanSummary
from crmcheck.models.result import RESULT_FORMAT
from crmcheck.render import RenderOptions


def render(summary: PlanSummary, options: RenderOptions) -> str:
    return json.dumps({"format": RESULT_FORMAT, **summary.model_dump(mode="json")}, indent=2,
                      ensure_ascii=False) + "\n"
