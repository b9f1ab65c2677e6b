"""One guard for every command that writes answers files: a signal stops the work as Ctrl-C does, never mid-save.

`Stopping` turns the signals it is given into an exception (raised from the handler, so the work unwinds
through its own cleanup), and `deferred()` holds a signal back until a save in progress has finished. A
signal someone chose to ignore (`nohup`, `trap '' HUP`) stays ignored when `keep_ignored` is set. Off the
main thread (a test runner's worker, the collect server's threads) Python cannot install handlers, so the
guard does nothing there.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from types import FrameType
from typing import Any

STOP_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")


class Stopping:
    """Within `with Stopping(...)`: each listed signal raises `make_error(signum)`, or waits for `deferred()`."""

    def __init__(self, make_error: Callable[[int], BaseException], names: Sequence[str] = STOP_SIGNALS, *,
                 keep_ignored: bool = False) -> None:
        self._make_error = make_error
        self._names = names
        self._keep_ignored = keep_ignored
        self._holding = False
        self.pending: int | None = None
        self._previous: dict[int, Any] = {}

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self._holding:
            self.pending = signum
            return
        raise self._make_error(signum)

    def __enter__(self) -> Stopping:
        if threading.current_thread() is threading.main_thread():
            for name in self._names:
                number = getattr(signal, name, None)
                if number is None:
                    continue
                if self._keep_ignored and signal.getsignal(number) is not signal.SIG_DFL:
                    continue
                self._previous[number] = signal.signal(number, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)
        self._previous.clear()

    @contextmanager
    def deferred(self) -> Iterator[None]:
        """A signal that arrives inside waits until the block has finished, then stops the work."""
        self._holding = True
        try:
            yield
        finally:
            self._holding = False
        if self.pending is not None:
            raise self._make_error(self.pending)
