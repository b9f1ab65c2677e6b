"""JSON report: the result model as JSON, with a `format` number."""

from __future__ import annotations

from pydantic import BaseModel

from crmcheck.json_text import json_document
from crmcheck.models.trusted import json_data  # model_dump(mode="json") without building a serializer
from crmcheck.render import RenderOptions


def render(result: BaseModel, options: RenderOptions) -> str:
    return json_document(json_data(result))
