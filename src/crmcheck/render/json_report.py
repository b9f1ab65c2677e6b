"""JSON report: the result model as JSON, with a `format` number."""

from __future__ import annotations

import json

from pydantic import BaseModel

from crmcheck.render import RenderOptions


def render(result: BaseModel, options: RenderOptions) -> str:
    return json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
