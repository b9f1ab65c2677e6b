"""How a plan's actions stand against an assessment: the parts of a report, a comparison and `plan show`."""

# Field annotations are real objects here, not strings (no `from __future__ import annotations`): pydantic would
# evaluate each string with eval() at every start (tests/test_model_annotations.py).

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

GapState = Literal["open", "closed", "not assessed"]


class _View(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class ActionView(_View):
    """One action of the plan as a report shows it."""

    id: str
    title: str
    questionnaire: str
    section: str
    questions: list[str]
    owner: str | None
    due: dt.date | None
    status: str
    phase: str
    effort: str | None
    impact: str | None
    done_on: dt.date | None
    notes: str | None
    overdue: bool = Field(description="open or doing after its due date, on the day of the report")
    gap: GapState = Field(description=(
        "open: the assessment still recommends work on its questions; closed: it no longer does; not assessed: "
        "the assessment does not cover its questionnaire (or no assessment was given)"))
    line: int = Field(description="the action's line in the plan file")


class PlanSummary(_View):
    """A plan read beside an assessment: every action with its state, and the counts a reader looks for first."""

    file: str
    company: str
    made_from: str
    made_from_date: dt.date
    today: dt.date
    actions: list[ActionView]
    by_status: dict[str, int]
    overdue: int
    gaps_closed: int
    unplaced: list[str] = Field(default_factory=list, description=(
        "actions whose questionnaire or section is not in this assessment"))


class PlanEffect(_View):
    """A section's actions set against how its level changed between two assessments."""

    questionnaire: str
    section: str
    title: str
    actions: int
    done: int
    level_before: int | None
    level_after: int | None
    text: str = Field(description="e.g. 'best-customers: 3 of 3 actions done, level 2 → 3'")


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
