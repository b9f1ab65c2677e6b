"""JSON format of `crmcheck measure`: the result model, values exact (not rounded)."""

from __future__ import annotations

from crmcheck.measure.result import MeasureResult
from crmcheck.render import RenderOptions


def render(result: MeasureResult, options: RenderOptions) -> str:
    return result.model_dump_json(indent=2) + "\n"
