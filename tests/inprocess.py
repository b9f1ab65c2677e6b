"""Run `crmcheck` in this process, through the same entry point and exit-code mapping as the console script.

A subprocess costs a fifth of a second of start-up (Python, typer, pydantic) per command; the suite runs about a
thousand commands. In-process, a command costs what its work costs. `run_cli` (tests/conftest.py) uses this
unless a test asks for a real process (`process=True`), and CRMCHECK_TEST_PROCESS=1 makes every `run_cli` a
real process, to run the whole suite the slow way. Tests of what only a process shows (signals, the console
script, terminals, exit on a closed pipe) start one themselves.
"""

from __future__ import annotations

import io
import os
import sys
from contextlib import ExitStack, chdir
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

from crmcheck.cli import main


@dataclass
class Run:
    code: int
    out: str
    err: str


class _Stream(io.TextIOWrapper):
    """A text stream with a `.buffer`, as sys.stdout has (binary formats such as xlsx write to it)."""

    def __init__(self, data: bytes = b"") -> None:
        super().__init__(io.BytesIO(data), encoding="utf-8", errors="surrogateescape", newline=None if data else "")

    def value(self) -> str:
        self.flush()
        raw = self.buffer
        assert isinstance(raw, io.BytesIO)
        return raw.getvalue().decode("utf-8", errors="surrogateescape")


def invoke(*args: str | Path, env: dict[str, str] | None = None, cwd: Path | None = None,
           stdin: str | None = None) -> Run:
    """`crmcheck ARGS` in-process: its exit code, stdout and stderr (text, as `subprocess.run(text=True)` gives)."""
    out, err = _Stream(), _Stream()
    code: int
    with ExitStack() as stack:
        stack.enter_context(mock.patch.dict(os.environ, {"NO_COLOR": "1", "COLUMNS": "80", **(env or {})}))
        stack.enter_context(mock.patch.object(sys, "argv", ["crmcheck", *map(str, args)]))
        stack.enter_context(mock.patch.object(sys, "stdout", out))
        stack.enter_context(mock.patch.object(sys, "stderr", err))
        stack.enter_context(mock.patch.object(sys, "stdin", _Stream((stdin or "").encode("utf-8"))))
        if cwd is not None:
            stack.enter_context(chdir(cwd))
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    # as text mode in a subprocess reads them: CRLF and lone CR become LF
    return Run(code, _newlines(out.value()), _newlines(err.value()))


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")
