"""The security event log of `collect serve`: one line per event, client addresses and tokens never written.

Events: a failed link or admin login (`failed-link`, `failed-admin`), a refused request (`too-many`, 429),
an invite revoked or expired while the server runs (`revoked`, `expired-link`), a save (`saved`), the status
page opened (`admin`), the invites file unreadable and readable again (`invites-unreadable`,
`invites-readable`), and a request the server could not answer (`error`). A line reads

    2026-11-03T09:12:44Z crmcheck-collect failed-link client=c-5f2a9e01 link=respondent

`client` is a keyed hash of the address (a new key each start): the lines of one client can be told apart
from another's without the log holding anyone's address. A token is never written, nor a path that holds one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
import threading
import time
from pathlib import Path
from typing import TextIO

from crmcheck.errors import InputError
from crmcheck.inert import one_line

_MAX_CLIENTS = 10_000


class EventLog:
    """Writes events to a stream (stderr, or a file opened with `open_log`)."""

    def __init__(self, stream: TextIO | None) -> None:
        self.stream = stream
        self._key = secrets.token_bytes(16)
        self._lock = threading.Lock()
        self._clients: dict[str, str] = {}  # address -> its hash, made once (bounded)
        self._second: tuple[int, str] = (-1, "")  # the last second written, as the log writes it

    def client(self, address: str) -> str:
        """The address as the log shows it: a keyed hash, stable for this run only."""
        known = self._clients.get(address)
        if known is None:
            known = "c-" + hmac.new(self._key, address.encode("utf-8", "replace"), hashlib.sha256).hexdigest()[:10]
            if len(self._clients) >= _MAX_CLIENTS:
                self._clients.clear()
            self._clients[address] = known
        return known

    def _now(self) -> str:
        second = int(time.time())
        last, text = self._second
        if second != last:
            text = dt.datetime.fromtimestamp(second, dt.UTC).isoformat().replace("+00:00", "Z")
            self._second = (second, text)
        return text

    def event(self, kind: str, client: str | None = None, **fields: object) -> None:
        if self.stream is None:
            return
        parts = [self._now(), "crmcheck-collect", kind]
        if client is not None:
            parts.append(f"client={self.client(client)}")
        # values are ours (respondent ids, numbers, status codes) or text made one inert line without spaces
        parts += [f"{name}={one_line(str(value)).replace(' ', '_')}" for name, value in fields.items()
                  if value is not None]
        line = " ".join(parts) + "\n"
        with self._lock:
            try:
                self.stream.write(line)
                self.stream.flush()
            except (OSError, ValueError):  # a full disk or a closed stream must not stop the server
                pass


def open_log(path: Path) -> TextIO:
    """The log file, appended to, created readable by its owner only (it says who answered when)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
    except OSError as exc:
        raise InputError(f"cannot open the log: {exc.strerror or exc}", file=str(path)) from None
    return os.fdopen(fd, "a", encoding="utf-8", buffering=1)
