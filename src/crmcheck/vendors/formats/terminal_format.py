"""Terminal format of the vendor report: the ranking with fit bars, exclusions, how close the call is."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from crmcheck.inert import terminal_text as shown
from crmcheck.render import RenderOptions
from crmcheck.render.terminal_parts import bar, make_console, numbered_table, printed
from crmcheck.vendors.formats import money, score
from crmcheck.vendors.result import VendorReport
from crmcheck.wording import counted


def _ranking(report: VendorReport, width: int) -> Table:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, expand=False)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("Vendor", ratio=1, min_width=12)
    table.add_column("Fit", no_wrap=True)
    table.add_column("5-year TCO", justify="right", overflow="fold")
    table.add_column("Fit/100k", justify="right", no_wrap=True)
    bar_width = 8 if width >= 80 else 0
    for v in report.vendors:
        status = Text(shown(v.name))
        if v.excluded:
            status.append("\nexcluded", style="bold red")
        elif v.fit is None:
            status.append("\nnot scored", style="dim")
        table.add_row(str(v.rank) if v.rank else "—", status,
                      bar(v.fit, "red" if v.excluded else "green", bar_width),
                      Text(shown(money(v.tco, report.currency))), score(v.fit_per_100k, 2))
    return table


def _how_close(report: VendorReport, names: dict[str, str]) -> list[Text]:
    s = report.sensitivity
    if s and s.change_percent == 0:
        change = "increase" if s.direction == "raise" else "decrease"
        return [Text(f"How close: {names[s.leader]} and {names[s.new_leader]} are level on fit and the lower "
                     f"five-year cost decides; any {change} in the weight of '{s.requirement}' puts "
                     f"{names[s.new_leader]} first.")]
    if s:
        direction = "raising" if s.direction == "raise" else "lowering"
        return [Text(f"How close: {direction} the weight of '{s.requirement}' from {s.weight:g} to {s.new_weight:g} "
                     f"({s.change_percent:+.1f}%) puts {names[s.new_leader]} first; no smaller single-weight change "
                     "does.")]
    if not report.leader:
        return []
    if sum(v.rank is not None for v in report.vendors) < 2:
        return [Text("How close: only one vendor is ranked, so there is nothing to compare it with.")]
    return [Text("How close: no change to a single requirement's weight changes the leader.")]


def render(report: VendorReport, options: RenderOptions) -> str:
    console, buffer = make_console(options)
    title = shown(report.title or f"CRM vendor selection: {report.company}")
    parts: list[RenderableType] = [
        Text(title, style="bold"),
        Text(f"{counted(len(report.vendors), 'vendor')}, {counted(len(report.requirements), 'requirement')}, "
             f"{counted(len(report.evaluators), 'evaluator')}: {shown(', '.join(report.evaluators))}"),
        _ranking(report, options.width),
    ]
    names = {v.id: shown(v.name) for v in report.vendors}
    if report.leader:
        parts.append(Text(f"Leader: {names[report.leader]}", style="bold green"))
    else:
        parts.append(Text("No vendor can be ranked: every vendor is excluded or unscored.", style="bold red"))
    parts.extend(_how_close(report, names))
    excluded = [v for v in report.vendors if v.excluded]
    if excluded:
        parts.append(Text("\nExcluded", style="bold"))
        table = Table(box=None, show_header=False, pad_edge=False)
        table.add_column("Vendor", style="red", max_width=30)
        table.add_column("Reason", ratio=1)
        for v in excluded:
            for i, e in enumerate(v.exclusions):
                table.add_row(Text(names[v.id] if i == 0 else ""), Text(shown(e.reason)))
        parts.append(table)
    if report.disagreements:
        parts.append(Text("\nWhere evaluators disagree most (score spread, 0-5)", style="bold"))
        table = numbered_table("Vendor and requirement", "Spread")
        for i, d in enumerate(report.disagreements, start=1):
            flag = Text(" disagreement", style="yellow") if d.disagreement else Text("")
            table.add_row(str(i), Text(f"{names[d.vendor]}: {shown(d.requirement)}") + flag,
                          f"{d.low}-{d.high}")
        parts.append(table)
    if report.unscored_requirements:
        parts.append(Text("\nScored by nobody: " + ", ".join(shown(r) for r in report.unscored_requirements),
                          style="yellow"))
    console.print(Group(*parts))
    return printed(buffer)
