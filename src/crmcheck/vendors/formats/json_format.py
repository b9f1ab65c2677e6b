"""JSON format of the vendor report: the result model as JSON, with a `format` number."""

from __future__ import annotations

from crmcheck.json_text import json_document
from crmcheck.render import RenderOptions
from crmcheck.vendors.result import VendorReport


def render(report: VendorReport, options: RenderOptions) -> str:
    return json_document(report.model_dump(mode="json"))
