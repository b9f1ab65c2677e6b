"""Benchmark as one JSON document: the statistics, the left-out files and the methods used."""

from __future__ import annotations

from crmcheck.json_text import json_document
from crmcheck.models.benchmark import BenchmarkResult
from crmcheck.render import RenderOptions


def render(result: BenchmarkResult, options: RenderOptions) -> str:
    return json_document(result.model_dump(mode="json", exclude={"rows"}))
