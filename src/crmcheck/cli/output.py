"""Where a command's result and notes go: stdout or a file, inert control characters, colour and width."""

from __future__ import annotations

import os
import shutil
import sys
from typing import TYPE_CHECKING, TypeVar

from crmcheck.errors import UsageError
from crmcheck.inert import inert_coloured, inert_copy, inert_text, one_line

if TYPE_CHECKING:
    from crmcheck.render import RenderOptions

T = TypeVar("T")


def to_terminal(output: str | None) -> bool:
    return output in (None, "-") and sys.stdout.isatty()


def refuse_binary_on_terminal(fmt: str, output: str | None) -> None:
    """A binary format (xlsx) goes to a file, never to a terminal."""
    if fmt == "xlsx" and to_terminal(output):
        raise UsageError("xlsx is a binary format: write it to a file with -o FILE")


def render_options(output: str | None, **fields: object) -> RenderOptions:
    """Colour and width follow NO_COLOR and whether the output is a terminal."""
    from crmcheck.render import RenderOptions

    tty = to_terminal(output)
    color = _colour_on(output)
    width = min(shutil.get_terminal_size((80, 24)).columns, 120) if tty else 80
    return RenderOptions(color=color, width=width, **fields)  # type: ignore[arg-type]


def emit(text: str | bytes, output: str | None, *, coloured: bool | None = None) -> None:
    """Write a command's result to stdout or, atomically, to a file. Control characters from file text are shown
    visibly in both (`coloured`, default: whether colour is on, says whether rich's colours must pass on stdout):
    a report written with -o is read with `cat` as often as in a browser."""
    if output in (None, "-"):
        if isinstance(text, bytes):
            sys.stdout.buffer.write(text)
        elif coloured if coloured is not None else _colour_on(output):
            sys.stdout.write(_inert(inert_coloured(text)))
        else:
            # \uXXXX keeps a JSON result valid
            sys.stdout.write(_inert(inert_text(text, json_escapes=text.lstrip().startswith(("{", "[")))))
        sys.stdout.flush()
        return
    from crmcheck.yamlio import write_atomic

    if isinstance(text, str):
        text = inert_text(text, json_escapes=text.lstrip().startswith(("{", "[")))
    write_atomic(output, text)


def _inert(text: str) -> str:
    """Printed text that a CI runner cannot read as a workflow command, whatever user text it holds."""
    from crmcheck.inert import neutralise_workflow_commands

    return neutralise_workflow_commands(text)


def _colour_on(output: str | None) -> bool:
    """Whether stdout carries rich's own colour sequences (which must pass); file text in it is inert already."""
    return to_terminal(output) and not os.environ.get("NO_COLOR")


def for_terminal(result: T, output: str | None) -> T:
    """The result with file text made inert when it is rendered in colour (docs/bad-input.md)."""
    return inert_copy(result) if _colour_on(output) else result


def note(message: str) -> None:
    """A diagnostic for the person at the terminal (stderr, never mixed into results): always one line, with
    any control character or newline from file text shown visibly."""
    sys.stderr.write(_inert(one_line(message)) + "\n")
