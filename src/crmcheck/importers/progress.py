"""A progress bar on stderr for long imports, drawn only on a terminal and only for large files."""

from __future__ import annotations

import sys
from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

LARGE_FILE_ROWS = 500  # fewer rows than this finish before a bar would be worth drawing


class StderrProgress:
    """The import's Progress, as a rich bar on stderr; silent when stderr is not a terminal."""

    def __init__(self, *, minimum: int = LARGE_FILE_ROWS, force: bool = False) -> None:
        self.minimum = minimum
        self.enabled = force or sys.stderr.isatty()
        self.counting = self.enabled  # a bar needs the number of rows up front
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def start(self, description: str, total: int) -> None:
        if not self.enabled or total < self.minimum:
            self._task = None
            return
        if self._bar is None:
            self._bar = Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                console=Console(stderr=True), transient=True,
            )
            self._bar.start()
        self._task = self._bar.add_task(description, total=total)

    def advance(self, count: int = 1) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.advance(self._task, count)

    def __enter__(self) -> StderrProgress:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.stop()
