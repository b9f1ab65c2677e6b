"""JSON report: the result model as JSON, with a `format` number."""

from __future__ import annotations

import json

from pydantic import BaseModel

from crmcheck.models.trusted import json_data  # model_dump(mode="json") without building a serializer
from crmcheck.render import RenderOptions


def render(result: BaseModel, options: RenderOptions) -> str:
    return json.dumps(json_data(result), indent=2, ensure_ascii=False) + "\n"
