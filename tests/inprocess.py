"""Run `crmcheck` in this process, through the same entry point and exit-code mapping as the console script.

For tests that run many commands (generated cases): a subprocess costs about half a second of start-up
each, this costs milliseconds. Every command family still has subprocess tests elsewhere.
"""

from __future__ import annotations

import io
import os
import sys
from contextlib import ExitStack
from pathlib import Path
from unittest import mock

from crmcheck.cli import main
from tests.conftest import Run


class _Stream(io.TextIOWrapper):
    """A text stream with a `.buffer`, as sys.stdout has (binary formats such as xlsx write to it)."""

    def __init__(self) -> None:
        super().__init__(io.BytesIO(), encoding="utf-8", errors="surrogateescape", newline="")

    def value(self) -> str:
        self.flush()
        raw = self.buffer
        assert isinstance(raw, io.BytesIO)
        return raw.getvalue().decode("utf-8", errors="surrogateescape")


def invoke(*args: str | Path, env: dict[str, str] | None = None) -> Run:
    """`crmcheck ARGS` in-process: its exit code, stdout and stderr."""
    out, err = _Stream(), _Stream()
    code: int
    with ExitStack() as stack:
        stack.enter_context(mock.patch.dict(os.environ, {"NO_COLOR": "1", "COLUMNS": "80", **(env or {})}))
        stack.enter_context(mock.patch.object(sys, "argv", ["crmcheck", *map(str, args)]))
        stack.enter_context(mock.patch.object(sys, "stdout", out))
        stack.enter_context(mock.patch.object(sys, "stderr", err))
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return Run(code, out.value(), err.value())
