"""Benchmark as one JSON document: the statistics, the left-out files and the methods used."""

from __future__ import annotations

import json

from crmcheck.models.benchmark import BenchmarkResult
from crmcheck.render import RenderOptions


def render(result: BenchmarkResult, options: RenderOptions) -> str:
    return json.dumps(result.model_dump(mode="json", exclude={"rows"}), indent=2, ensure_ascii=False) + "\n"
