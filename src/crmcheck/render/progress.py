"""A one-line progress bar for long runs, drawn on a terminal stream (stderr) and erased when done."""

from __future__ import annotations

import time
from typing import TextIO

REDRAW_SECONDS = 0.1
BAR_WIDTH = 24


class ProgressBar:
    """Redrawn at most ten times a second; silent unless enabled (by default: the stream is a terminal)
    and the job is at least `minimum` items long."""

    def __init__(self, stream: TextIO, *, label: str, unit: str, enabled: bool | None = None,
                 minimum: int = 200) -> None:
        self.stream = stream
        self.label = label
        self.unit = unit
        self.enabled = stream.isatty() if enabled is None else enabled
        self.minimum = minimum
        self.total = 0
        self.active = False
        self.drawn = 0
        self.started = 0.0
        self.last = 0.0
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        self.fill, self.empty = ("█", "░") if encoding == "utf8" else ("#", ".")

    def start(self, total: int) -> None:
        self.total = total
        self.active = self.enabled and total >= self.minimum
        self.started = self.last = time.monotonic()
        if self.active:
            self._draw(0)

    def update(self, done: int) -> None:
        if not self.active:
            return
        now = time.monotonic()
        if now - self.last < REDRAW_SECONDS and done < self.total:
            return
        self.last = now
        self._draw(done)

    def line(self, done: int) -> str:
        filled = BAR_WIDTH * done // self.total if self.total else BAR_WIDTH
        elapsed = time.monotonic() - self.started
        rate = f", {done / elapsed:,.0f}/s" if elapsed > 0.5 and done else ""
        return (f"{self.label} {self.fill * filled}{self.empty * (BAR_WIDTH - filled)} "
                f"{done:,}/{self.total:,} {self.unit}{rate}")

    def _draw(self, done: int) -> None:
        text = self.line(done)
        self.stream.write("\r" + text + " " * max(0, self.drawn - len(text)))
        self.stream.flush()
        self.drawn = len(text)

    def finish(self) -> None:
        """Erase the bar, leaving the line free for what comes next."""
        if self.drawn:
            self.stream.write("\r" + " " * self.drawn + "\r")
            self.stream.flush()
            self.drawn = 0
        self.active = False
