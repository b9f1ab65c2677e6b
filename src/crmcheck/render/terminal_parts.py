"""The pieces every terminal format draws with: a console writing to a string, its text, bars and tables."""

from __future__ import annotations

import io

from rich.console import Console
from rich.table import Table
from rich.text import Text

from crmcheck.render import RenderOptions

RISK_STYLE = {"high": "bold red", "medium": "yellow", "low": "green", None: "dim"}
BAR_WIDTH = 8


def make_console(options: RenderOptions) -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    console = Console(
        file=buffer, width=options.width, force_terminal=options.color, no_color=not options.color,
        color_system="standard" if options.color else None, highlight=False, emoji=False,
        legacy_windows=False,
    )
    return console, buffer


def printed(buffer: io.StringIO) -> str:
    """What the console wrote, without the blanks rich pads every line with (they get in the way of copy, paste
    and diff)."""
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def numbered_table(text: str, figure: str) -> Table:
    """A headerless list: a number, a wrapping text and a figure at the right."""
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column(text, ratio=1)
    table.add_column(figure, justify="right", no_wrap=True)
    return table


def bar(score: float | None, style: str = "", width: int = BAR_WIDTH) -> Text:
    """A short bar and the score; blank cells are dots so it reads without colour. Width 0: the score alone."""
    if score is None:
        return Text("not assessed", style="dim")
    if width == 0:
        return Text(f"{score:5.1f}", style=style)
    filled = round(score / 100 * width)
    return Text.assemble(("█" * filled, style), ("·" * (width - filled), "dim"), f" {score:5.1f}")
