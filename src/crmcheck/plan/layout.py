"""Plan files people edit: the tool's fields first, then the ones a person fills, each with a comment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from crmcheck.answers.layout import comment_text, scalar
from crmcheck.plan.drafts import Draft

INDENT = "  "
_HUMAN_FIELDS = (
    ("owner", "who makes it happen"),
    ("due", "YYYY-MM-DD"),
    ("effort", "low | medium | high"),
    ("done_on", "YYYY-MM-DD, once done"),
    ("notes", ""),
)


def _line(indent: str, name: str, value: str, comment: str = "") -> str:
    text = f"{indent}{name}:{' ' + value if value else ''}"
    return f"{text:<38}# {comment}" if comment else text


def action_lines(draft: Draft, indent: str = INDENT) -> list[str]:
    """One action as a block mapping item, the fields a person fills left blank with what goes there."""
    inner = indent + "  "
    lines = [
        f"{indent}- id: {scalar(draft.id)}",
        _line(inner, "title", scalar(draft.title)),
        _line(inner, "questionnaire", scalar(draft.questionnaire)),
        _line(inner, "section", scalar(draft.section)),
        _line(inner, "questions", f"[{scalar(draft.question)}]"),
        _line(inner, "why", scalar(draft.why)),
        _line(inner, "phase", draft.phase, "now | next | later"),
        _line(inner, "impact", draft.impact, "low | medium | high (suggested from the gap's priority)"),
        _line(inner, "status", "open", "open | doing | done | dropped"),
    ]
    lines += [_line(inner, name, "", comment) for name, comment in _HUMAN_FIELDS]
    return lines


def assessment_value(file: str, assessed_on: dt.date) -> str:
    return f"{{file: {scalar(file)}, assessed_on: {assessed_on.isoformat()}}}"


def dump_plan(company: str, file: str, assessed_on: dt.date, drafts: Sequence[Draft]) -> str:
    """A new plan file: a header saying how to use it, then the actions by phase, highest priority first."""
    header = [
        f"# Improvement plan for {comment_text(company)}, made by `crmcheck plan` from {comment_text(file)} "
        f"(assessed on {assessed_on.isoformat()}).",
        "# One action per gap. Give each an owner, a due date and an effort, keep its status current (open, doing,",
        "# done, dropped) and set done_on once it is done. Keep this file in git beside the answers files.",
        "# Next assessment: `crmcheck plan NEW.yaml --update THIS-FILE` adds new gaps and marks closed ones",
        "# (gap_closed), keeping every edit and comment; `crmcheck report NEW.yaml --plan THIS-FILE` shows",
        "# each section's actions, and `crmcheck check NEW.yaml --plan THIS-FILE` fails on overdue actions.",
        "format: 1",
        f"company: {scalar(company)}",
        f"assessment: {assessment_value(file, assessed_on)}",
    ]
    if not drafts:
        return "\n".join([*header, "actions: []  # no gap needs an action: every section meets its target", ""])
    lines = [*header, "actions:"]
    for phase in ("now", "next", "later"):
        mine = [d for d in drafts if d.phase == phase]
        if mine:
            lines.append(f"{INDENT}# {phase}: {_PHASE_WORDS[phase]}")
            for draft in mine:
                lines += action_lines(draft)
    return "\n".join(lines) + "\n"


_PHASE_WORDS = {
    "now": "critical questions and high-risk sections",
    "next": "medium-risk sections, and the next stage of a staged questionnaire",
    "later": "the remaining gaps to the target",
}
