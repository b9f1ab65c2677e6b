"""An improvement plan in a terminal report or comparison: its counts line, its sections and its effects."""

from __future__ import annotations

from collections import Counter

from rich.console import Group, RenderableType
from rich.text import Text

from crmcheck.models.plan_view import ActionView, PlanEffect, PlanSummary
from crmcheck.wording import counted


def headline(summary: PlanSummary) -> str:
    """One line of counts: how many actions, by status, how many overdue and how many gaps closed."""
    statuses = ", ".join(f"{n} {status}" for status, n in summary.by_status.items() if n)
    parts = [f"{counted(len(summary.actions), 'action')}" + (f" ({statuses})" if statuses else "")]
    parts.append(f"{summary.overdue} overdue on {summary.today.isoformat()}")
    if summary.gaps_closed:
        parts.append(f"{counted(summary.gaps_closed, 'gap')} closed")
    return "; ".join(parts)


def report_block(summary: PlanSummary, sections: list[tuple[str, str, list[ActionView]]]) -> Group:
    """The plan in a terminal report: the counts, one line per section with actions, and each overdue action."""
    parts: list[RenderableType] = [Text.assemble(("Improvement plan", "bold"), f" ({summary.file}): ",
                                                 headline(summary))]
    for questionnaire, section, actions in sections:
        counts = Counter(a.status for a in actions)
        statuses = ", ".join(f"{counts[s]} {s}" for s in ("done", "doing", "open", "dropped") if counts[s])
        closed = sum(a.gap == "closed" for a in actions)
        line = Text(f"  {questionnaire}/{section}: {counted(len(actions), 'action')} ({statuses})"
                    + (f", {closed} gap{'s' if closed != 1 else ''} closed" if closed else ""))
        parts.append(line)
        parts.extend(Text(f"    overdue: {a.title} (due {a.due}, {a.owner or 'no owner'})", style="bold red")
                     for a in actions if a.overdue)
    if summary.unplaced:
        parts.append(Text(f"  not in this assessment: {', '.join(summary.unplaced)}", style="dim"))
    return Group(*parts)


def effects_block(effects: list[PlanEffect]) -> Group:
    return Group(Text("The plan against the change", style="bold"), *(Text(f"  {e.text}") for e in effects))
