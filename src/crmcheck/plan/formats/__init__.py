"""Formats of `crmcheck plan show`: one module per format, each `render(summary, options) -> str` (bytes for xlsx)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from crmcheck import format_registry
from crmcheck.models.plan_view import ActionView
from crmcheck.render import Renderer

PlanFormat = format_registry.format_enum(__name__, "PlanFormat")


class CsvLayout(StrEnum):
    """The issue trackers whose CSV import `plan show --format csv` writes for (docs/plan.md)."""

    JIRA = "jira"
    GITHUB = "github"


def renderer_for(fmt: str) -> Renderer:
    return format_registry.renderer_for(__name__, fmt)


PHASE_ORDER = {"now": 0, "next": 1, "later": 2}


def in_order(actions: list[ActionView]) -> list[ActionView]:
    """By phase; within a phase overdue first, then by owner (unowned last) and due date (undated last)."""
    return sorted(actions, key=lambda a: (
        PHASE_ORDER.get(a.phase, 3), not a.overdue, a.owner is None, (a.owner or "").casefold(),
        a.due or dt.date.max))


def state(action: ActionView) -> str:
    """The action's status in words, with what a reader must not miss: overdue, or its gap closed."""
    words = action.status
    if action.status == "done" and action.done_on:
        words += f" on {action.done_on.isoformat()}"
    if action.overdue:
        words += ", overdue"
    if action.gap == "closed":
        words += ", gap closed"
    return words
