"""Where the interview talks to a person: the injectable Terminal, the real console, and line folding."""

from __future__ import annotations

import contextlib
import os
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from crmcheck.errors import UsageError
from crmcheck.inert import terminal_text

MAX_WIDTH = 100

Style = Literal["", "heading", "question", "dim", "error", "ok"]


@dataclass
class Terminal:
    """Where the interview talks to a person: injectable so that the whole loop can be tested.

    `read(prompt)` returns one typed line without its newline, raising EOFError (Ctrl-D) or
    KeyboardInterrupt (Ctrl-C); `write(text, style)` shows one line.
    """

    read: Callable[[str], str]
    write: Callable[[str, Style], None]
    width: int = 80


def console_terminal() -> Terminal:
    """The real terminal: `input()` line reading (with line editing), rich output that honours NO_COLOR."""
    import shutil
    import sys

    if not sys.stdin.isatty():
        raise UsageError(
            "the interview needs a person at a terminal, and standard input is not one. To fill in answers "
            "without a terminal, write a blank answers file with `crmcheck new QUESTIONNAIRE -o FILE`, edit it, "
            "then check it with `crmcheck validate FILE`"
        )
    with contextlib.suppress(ImportError):  # not on every platform
        import readline  # noqa: F401 - gives input() line editing and history
    from rich.console import Console
    from rich.text import Text

    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    console = Console(highlight=False, markup=False, emoji=False, soft_wrap=True, no_color=not color,
                      color_system="standard" if color else None)
    styles: dict[str, str] = {"heading": "bold cyan", "question": "bold", "dim": "dim", "error": "bold red",
                              "ok": "green"}

    def write(text: str, style: Style) -> None:
        console.print(Text(text, style=styles.get(style, "") if color else ""))

    width = min(max(shutil.get_terminal_size((80, 24)).columns, 40), MAX_WIDTH)
    return Terminal(input, write, width)


def wrap(text: str, width: int, indent: str = "", subsequent: str | None = None) -> list[str]:
    return textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent if subsequent is None
                         else subsequent, break_on_hyphens=False) or [indent.rstrip()]


shown = terminal_text  # text from files as the interview shows it: the terminal rule of crmcheck.inert
