"""Formats of `crmcheck plan show`: one module per format, each `render(summary, options) -> str` (bytes for xlsx)."""

from __future__ import annotations

from enum import StrEnum

from crmcheck import format_registry
from crmcheck.render import Renderer

PlanFormat = format_registry.format_enum(__name__, "PlanFormat")


class CsvLayout(StrEnum):
    """The issue trackers whose CSV import `plan show --format csv` writes for (docs/plan.md)."""

    JIRA = "jira"
    GITHUB = "github"


def renderer_for(fmt: str) -> Renderer:
    return format_registry.renderer_for(__name__, fmt)
