"""JSON format of the vendor report: the result model as JSON, with a `format` number."""

from __future__ import annotations

import json

from crmcheck.render import RenderOptions
from crmcheck.vendors.result import VendorReport


def render(report: VendorReport, options: RenderOptions) -> str:
    return json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
