"""The HTTP connections of `collect serve`: header and body deadlines, connection caps, uvicorn's own answers.

uvicorn (h11) waits for ever for a request's headers and body, so one client holding thousands of idle or
trickling sockets (slowloris) would make every respondent wait. Here a connection must complete its
request's headers within `header_timeout` seconds (counted from the connection, or from the end of the
previous response) and its body within `body_timeout` seconds of the headers, or it is closed. One address
may hold at most `per_address` connections and the server `total`; a connection beyond either is answered
503 at once and closed. Those answers, and uvicorn's own 400 for a malformed request, carry the same
security headers as every page.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, ClassVar

from uvicorn.protocols.http.h11_impl import H11Protocol

from crmcheck.collect.ratelimit import client_key

HEADER_TIMEOUT = 15.0
BODY_TIMEOUT = 30.0
PER_ADDRESS = 256  # far above what one browser (6) or an office behind one NAT address needs at once
TOTAL = 4096


@dataclass
class ConnectionLimits:
    header_timeout: float = HEADER_TIMEOUT
    body_timeout: float = BODY_TIMEOUT
    per_address: int = PER_ADDRESS
    total: int = TOTAL
    exempt: frozenset[str] = frozenset()  # a trusted reverse proxy's addresses: it keeps its own limits
    security_headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    open_by_address: dict[str, int] = field(default_factory=dict)  # touched by the event loop's thread only


_REASONS = {400: b"Bad Request", 408: b"Request Timeout", 503: b"Service Unavailable"}


def plain_response(status: int, text: str, headers: list[tuple[bytes, bytes]]) -> bytes:
    """A whole HTTP/1.1 response that closes the connection, written without h11 (whatever state it is in)."""
    body = text.encode("ascii") + b"\n"
    lines = [b"HTTP/1.1 %d %s" % (status, _REASONS[status]), b"content-type: text/plain; charset=utf-8",
             b"content-length: %d" % len(body), b"connection: close",
             *(name + b": " + value for name, value in headers)]
    if status == 503:
        lines.append(b"retry-after: 10")
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def guarded_protocol(limits: ConnectionLimits) -> type[H11Protocol]:
    """uvicorn's h11 protocol with `limits` enforced (a class of its own per server, as uvicorn makes the
    protocol objects itself)."""

    class GuardedProtocol(H11Protocol):
        guard: ClassVar[ConnectionLimits] = limits

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._deadline: asyncio.TimerHandle | None = None
            self._watched: object = None  # the request whose headers have been seen
            self._address: str | None = None  # counted in open_by_address

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            guard = self.guard
            key = client_key(self.client[0]) if self.client else "-"
            if len(self.connections) > guard.total or (
                    key not in guard.exempt and guard.open_by_address.get(key, 0) >= guard.per_address):
                self._refuse(503, "Too many connections; try again in a moment.")
                return
            guard.open_by_address[key] = guard.open_by_address.get(key, 0) + 1
            self._address = key
            self._arm(guard.header_timeout, self._headers_too_slow)

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            if self._address is not None:
                left = self.guard.open_by_address.get(self._address, 1) - 1
                if left > 0:
                    self.guard.open_by_address[self._address] = left
                else:
                    self.guard.open_by_address.pop(self._address, None)
                self._address = None
            super().connection_lost(exc)

        def handle_events(self) -> None:
            super().handle_events()
            cycle = self.cycle
            if cycle is None or self.transport.is_closing():
                return
            if cycle is not self._watched:  # a new request's headers are complete: now its body
                self._watched = cycle
                self._disarm()
                if cycle.more_body:
                    self._arm(self.guard.body_timeout, self._body_too_slow)
            elif not cycle.more_body:
                self._disarm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            cycle = self.cycle  # a pipelined request may have started inside: it has its own deadline
            if not self.transport.is_closing() and (cycle is None or cycle.response_complete):
                # kept alive: the next request's headers have a deadline too
                self._arm(self.guard.header_timeout, self._headers_too_slow)

        def send_400_response(self, msg: str) -> None:
            self._refuse(400, msg)

        # -- deadlines

        def _arm(self, seconds: float, then: Any) -> None:
            self._disarm()
            self._deadline = self.loop.call_later(seconds, then)

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _headers_too_slow(self) -> None:
            self._deadline = None
            if not self.transport.is_closing():
                self._refuse(408, "The request's headers took too long.")

        def _body_too_slow(self) -> None:
            self._deadline = None
            cycle = self.cycle
            if cycle is not None and cycle.more_body and not self.transport.is_closing():
                if not cycle.response_started:  # the app, still reading, sees the client gone and stops
                    self.transport.write(plain_response(408, "The request's body took too long.",
                                                        self.guard.security_headers))
                self.transport.close()

        def _refuse(self, status: int, text: str) -> None:
            self._disarm()
            self.transport.write(plain_response(status, text, self.guard.security_headers))
            self.transport.close()

    return GuardedProtocol
