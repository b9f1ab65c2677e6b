"""Terminal format of `crmcheck measure`: the metrics by table, the findings, customer value and the answers."""

from __future__ import annotations

from rich import box
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from crmcheck.inert import terminal_text
from crmcheck.measure.formats.view import (
    answer_rows,
    answers_heading,
    excluded_lines,
    flags,
    metric_groups,
    money,
)
from crmcheck.measure.result import MeasureResult
from crmcheck.render import RenderOptions
from crmcheck.render.terminal_parts import make_console, printed


def _t(text: object, style: str = "") -> Text:
    """File text as a rich Text: never read as markup, made inert by the terminal rule (crmcheck.inert)."""
    return Text(terminal_text(text), style=style)


def _table(*headers: str, right: tuple[int, ...] = ()) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for i, h in enumerate(headers):
        table.add_column(h, justify="right" if i in right else "left", overflow="fold")
    return table


def render(result: MeasureResult, options: RenderOptions) -> str:
    console, buffer = make_console(options)
    parts: list[RenderableType] = [Text("crmcheck measure", style="bold")]
    sources = _table("Table", "File", "Rows", "Used", "Period", right=(2, 3))
    for t in result.tables:
        sources.add_row(_t(t.name), _t(t.path), f"{t.rows:,}", f"{t.used:,}",
                        _t(f"{t.first} to {t.last}" if t.first else "—"))
    parts.append(sources)
    for title, rows in metric_groups(result):
        table = _table(title, "Value", "Over", right=(1,))
        for row in rows:
            style = "dim" if row.metric.value is None else ""
            table.add_row(_t(row.metric.title, style), _t(row.shown, style), _t(row.detail, style))
        parts.append(table)
    if result.channels:
        table = _table("Channel", "Tickets", right=(1,))
        for c in result.channels:
            table.add_row(_t(c.key), f"{c.tickets:,}")
        parts.append(table)
    if result.months:
        table = _table("Month", "Tickets", right=(1,))
        for c in result.months:
            table.add_row(_t(c.key), f"{c.tickets:,}")
        parts.append(table)
    if result.accounts:
        cur = result.currency
        table = _table("Size", "Value", "Account", "Invoiced", "Net", "Tickets", "Late days", "Value",
                       right=(0, 1, 3, 4, 5, 6, 7))
        for a in sorted(result.accounts, key=lambda a: a.size_rank)[:10]:
            table.add_row(str(a.size_rank), str(a.value_rank), _t(a.account), money(round(a.invoiced), None),
                          money(round(a.net_revenue), None), f"{a.tickets:,}",
                          "—" if a.days_late_per_invoice is None else f"{a.days_late_per_invoice:.1f}",
                          money(round(a.value), None))
        parts.append(_t(f"Customer value: the 10 biggest of {result.accounts_total:,} accounts"
                        f"{' (' + cur + ')' if cur else ''}; value = net revenue − {result.cost_per_ticket:g} a "
                        f"ticket − {result.financing_rate:g} a year on late amounts"))
        parts.append(table)
    found = flags(result)
    if found:
        parts.append(Text("Findings", style="bold"))
        parts += [_t(f"• {line}", "yellow" if "contradicted" in line.lower() else "") for line in found]
    checks = answer_rows(result)
    if checks:
        table = _table("Question", "Answered", "Measured", "Status", right=(1, 2))
        for a_row in checks:
            table.add_row(_t(a_row.check.question), _t(a_row.answered), _t(a_row.measured),
                          _t(a_row.status, "bold red" if a_row.check.status == "contradicted" else ""))
        parts.append(_t(answers_heading(result), "bold"))
        parts.append(table)
    lines = excluded_lines(result)
    if lines:
        parts.append(Text(f"Rows left out ({result.excluded_total:,})", style="bold"))
        parts += [_t(line) for line in lines]
    parts += [_t(f"note: {n}", "dim") for n in result.notes]
    for part in parts:
        console.print(part)
    return printed(buffer)
