"""`plan show` at a terminal: the actions by phase, overdue first, with owner, due date and status."""

from __future__ import annotations

from collections import Counter

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from crmcheck.models.plan_view import ActionView, PlanEffect, PlanSummary
from crmcheck.plan.formats import in_order, state
from crmcheck.render import RenderOptions
from crmcheck.render.terminal_parts import make_console, printed
from crmcheck.wording import counted

PHASE_TITLES = {"now": "Now", "next": "Next", "later": "Later"}


def headline(summary: PlanSummary) -> str:
    """One line of counts: how many actions, by status, how many overdue and how many gaps closed."""
    statuses = ", ".join(f"{n} {status}" for status, n in summary.by_status.items() if n)
    parts = [f"{counted(len(summary.actions), 'action')}" + (f" ({statuses})" if statuses else "")]
    parts.append(f"{summary.overdue} overdue on {summary.today.isoformat()}")
    if summary.gaps_closed:
        parts.append(f"{counted(summary.gaps_closed, 'gap')} closed")
    return "; ".join(parts)


def _status_text(action: ActionView) -> Text:
    style = "bold red" if action.overdue else "green" if action.status == "done" else "dim" \
        if action.status == "dropped" else ""
    return Text(state(action), style=style)


def action_table(actions: list[ActionView]) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, expand=True)
    table.add_column("Action", ratio=1, overflow="fold")
    table.add_column("Owner", max_width=18)
    table.add_column("Due", no_wrap=True)
    table.add_column("Status", max_width=22)
    for a in actions:
        table.add_row(Text.assemble(a.title, "\n", (a.id, "dim")), Text(a.owner or "—"),
                      a.due.isoformat() if a.due else "—", _status_text(a))
    return table


def render(summary: PlanSummary, options: RenderOptions) -> str:
    console, buffer = make_console(options)
    console.print(Text(f"Improvement plan: {summary.company}", style="bold"))
    console.print(Text(f"{summary.file}, made from {summary.made_from} ({summary.made_from_date.isoformat()})"))
    console.print(Text(headline(summary)))
    ordered = in_order(summary.actions)
    for phase, title in PHASE_TITLES.items():
        mine = [a for a in ordered if a.phase == phase]
        if mine:
            console.print()
            console.print(Text(f"{title} ({counted(len(mine), 'action')})", style="bold"))
            console.print(action_table(mine))
    if not summary.actions:
        console.print("\nNo actions: the assessment the plan was made from had no gap to act on.")
    return printed(buffer)


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
