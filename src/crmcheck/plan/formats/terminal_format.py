"""`plan show` at a terminal: the actions by phase, overdue first, with owner, due date and status."""

from __future__ import annotations

from rich import box
from rich.table import Table
from rich.text import Text

from crmcheck.models.plan_view import ActionView, PlanSummary, in_order, state
from crmcheck.render import RenderOptions
from crmcheck.render.plan_blocks import headline
from crmcheck.render.terminal_parts import make_console, printed
from crmcheck.wording import counted

PHASE_TITLES = {"now": "Now", "next": "Next", "later": "Later"}


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
