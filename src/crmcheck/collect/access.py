"""Who gets in, and how: the status page's one-time login and its sessions, the client's rate-limit key, and the
guard every request passes first (rate limits, security headers, never a 500)."""

from __future__ import annotations

import hmac
import secrets
import sys
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from starlette.responses import HTMLResponse, Response

from crmcheck.collect.events import EventLog
from crmcheck.collect.pages import render_message
from crmcheck.collect.ratelimit import RateLimits, client_key, forwarded_for
from crmcheck.collect.records import hash_token

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]]

CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; base-uri 'none'; "
       "frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"),
]
# sent only when the public address is https: a browser that met the survey over TLS never tries http again
HSTS = (b"strict-transport-security", b"max-age=31536000")
ADMIN_COOKIE = "crmcheck_admin"
ADMIN_SESSION_SECONDS = 12 * 3600
TRUSTED_PROXIES = frozenset({"127.0.0.1", "::1"})


@dataclass
class AdminAccess:
    """The status page's keys: a one-time login token (printed at start) that opens a session cookie.

    The token printed by `serve` is in a URL, so it ends up in the browser's history: it works once. Opening
    it sets an HttpOnly cookie and sends the browser to /admin, whose URL holds nothing secret.
    """

    login_hash: str
    used: bool = False
    sessions: dict[str, float] = field(default_factory=dict)  # hash of a session token -> when it ends
    lock: threading.Lock = field(default_factory=threading.Lock)

    def log_in(self, token: str) -> str | None:
        """A new session token for the one-time login token; None when it is wrong or used already."""
        with self.lock:
            if self.used or not hmac.compare_digest(hash_token(token), self.login_hash):
                return None
            self.used = True
            session = secrets.token_urlsafe(24)
            self.sessions[hash_token(session)] = time.monotonic() + ADMIN_SESSION_SECONDS
            return session

    def valid(self, session: str | None) -> bool:
        if not session or len(session) > 128:
            return False
        with self.lock:
            ends = self.sessions.get(hash_token(session))
            return ends is not None and time.monotonic() < ends


class Guarded(Protocol):
    """What the guard reads of the server: its limits, its event log, its headers, its prefix, whom to trust."""

    limits: RateLimits
    log: EventLog
    headers: list[tuple[bytes, bytes]]
    prefix: str
    trust_proxy: bool


def too_many(server: Guarded, client: str, wait: int, what: str) -> HTMLResponse:
    server.log.event("too-many", client, limit=what)
    seconds = max(1, wait)
    return HTMLResponse(render_message("Too many requests", f"Please wait {seconds} seconds and try again.",
                                       server.prefix), status_code=429, headers={"retry-after": str(seconds)})


def client_of(scope: Scope, trust_proxy: bool) -> str:
    """The client's rate-limit key: the connection's address, or with `trust_proxy`, from a proxy on this
    machine, the address it put last in X-Forwarded-For (parsed as an IP address, or else ignored)."""
    peer = str((scope.get("client") or ("-", 0))[0])
    if trust_proxy and peer in TRUSTED_PROXIES:
        values = [v.decode("latin-1") for k, v in scope.get("headers", ()) if k == b"x-forwarded-for"]
        forwarded = forwarded_for(values[-1]) if values else None
        if forwarded is not None:
            peer = forwarded
    return client_key(peer)


def guarded(app: ASGIApp, server: Guarded) -> ASGIApp:
    """Rate limits before anything else, the security headers on every response, and never a 500."""

    async def wrapper(scope: Scope, receive: Callable[[], Awaitable[Message]],
                      send: Callable[[Message], Awaitable[None]]) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                names = {name for name, _ in message.get("headers", [])}
                message["headers"] = [*message.get("headers", []),
                                      *(h for h in server.headers if h[0] not in names)]
            await send(message)

        client = client_of(scope, server.trust_proxy)
        scope["crmcheck.client"] = client
        if not server.limits.requests.take(client):
            response: Response = too_many(server, client, server.limits.requests.wait(client), "requests")
            await response(scope, receive, send_with_headers)
            return
        try:
            await app(scope, receive, send_with_headers)
        except Exception as exc:  # noqa: BLE001 - a bug must not become a 500 with a traceback for the client
            sys.stderr.write(f"crmcheck collect: could not answer a request: {type(exc).__name__}: {exc}\n")
            server.log.event("error", client, exception=type(exc).__name__)
            if not started:
                response = HTMLResponse(render_message("This page cannot be shown just now", "What you saved before "
                                                       "is kept. Please try again in a minute.", server.prefix),
                                        status_code=503)
                await response(scope, receive, send_with_headers)

    return wrapper
