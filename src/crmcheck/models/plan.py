"""Plan format 1: an improvement plan kept in git, its actions, and the checks made when it is loaded."""

# Field annotations are real objects here, not strings (no `from __future__ import annotations`): pydantic would
# evaluate each string with eval() at every start (tests/test_model_annotations.py).

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import Field

from crmcheck.answers.model import Date
from crmcheck.errors import InputError, Problem
from crmcheck.models.base import Id, OptionalText, Strict, Text, check_format, validate_document
from crmcheck.yamlio import Document, parse, read_text

ActionStatus = Literal["open", "doing", "done", "dropped"]
Phase = Literal["now", "next", "later"]
Size = Literal["low", "medium", "high"]
STATUSES: tuple[str, ...] = ("open", "doing", "done", "dropped")
PHASES: tuple[str, ...] = ("now", "next", "later")
SIZES: tuple[str, ...] = ("low", "medium", "high")
ACTION_ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)*$"
ActionId = Annotated[str, Field(pattern=ACTION_ID_PATTERN, max_length=200)]


class AssessmentRef(Strict):
    """The answers file a plan was made from (or last updated from), and its date."""

    file: Text
    assessed_on: Date


class Action(Strict):
    """One thing the company agreed to do about a gap: the tool fills where it came from, people fill the rest."""

    id: ActionId = Field(description="stable: questionnaire.section.question of the gap it addresses")
    title: Text
    questionnaire: Id
    section: Id
    questions: list[Text] = Field(default_factory=list, description="full question ids (section.question)")
    why: OptionalText = Field(default=None, description="the gap, risk and score the action was made for")
    owner: OptionalText = None
    due: Date | None = None
    status: ActionStatus = "open"
    phase: Phase = "next"
    effort: Size | None = None
    impact: Size | None = None
    notes: OptionalText = None
    done_on: Date | None = None
    gap_closed: Date | None = Field(default=None, description=(
        "written by `plan --update`: the date of the assessment in which the gap was found closed"))

    @property
    def finished(self) -> bool:
        """Done or dropped: nothing more is expected of it."""
        return self.status in ("done", "dropped")

    def overdue(self, today: dt.date) -> bool:
        """Still open or in progress after its due date (an action whose gap closed is no longer owed)."""
        return not self.finished and self.gap_closed is None and self.due is not None and self.due < today


class Plan(Strict):
    format: Literal[1]
    company: Text
    assessment: AssessmentRef
    actions: list[Action] = Field(default_factory=list)


@dataclass
class PlanDocument:
    """A plan together with the parsed YAML (for error positions and the lines of its actions) and its text."""

    plan: Plan
    doc: Document
    text: str

    @property
    def path(self) -> str:
        return self.doc.path

    def line_of(self, index: int) -> int:
        return self.doc.position(("actions", index)).line


def _check(plan: Plan, doc: Document) -> list[Problem]:
    problems: list[Problem] = []

    def report(message: str, *keys: Any) -> None:
        pos = doc.position(keys)
        problems.append(Problem(message, doc.path, pos.line, pos.column))

    first: dict[str, int] = {}
    for i, action in enumerate(plan.actions):
        line = doc.position(("actions", i)).line
        if action.id in first:
            report(f"duplicate action id '{action.id}' (first used on line {first[action.id]})", "actions", i, "id")
        first.setdefault(action.id, line)
        if action.done_on is not None and action.status != "done":
            report(f"done_on is set but status is {action.status}: set status: done, or remove done_on",
                   "actions", i, "done_on")
        for qi, question in enumerate(action.questions):
            if question.split(".", 1)[0] != action.section:
                report(f"question '{question}' is not in the action's section '{action.section}' (write "
                       "section.question)", "actions", i, "questions", qi)
    return problems


def parse_plan(doc: Document, text: str) -> PlanDocument:
    if not isinstance(doc.data, dict):
        raise doc.error("the top level must be a mapping of plan fields (format, company, assessment, actions)")
    check_format(doc, "plan")
    if doc.data.get("actions") is None and "actions" in doc.data:
        doc.data["actions"] = []
    plan = validate_document(Plan, doc)
    problems = _check(plan, doc)
    if problems:
        raise InputError(problems[0].message, problems=problems)
    return PlanDocument(plan, doc, text)


def plan_from_text(text: str, path: str) -> PlanDocument:
    """A plan from its text (read once, so that the text kept is exactly the text checked)."""
    doc = parse(text, path)
    if not isinstance(doc.data, dict):
        kind = "a list" if isinstance(doc.data, list) else "a single value"
        raise doc.error(f"the top level must be a mapping of plan fields, not {kind}")
    return parse_plan(doc, text)


def load_plan(path: str) -> PlanDocument:
    return plan_from_text(read_text(path), path)
