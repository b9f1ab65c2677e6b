"""Per-client rate limits: a token bucket for all requests, and a stricter one for unknown links (guessing)."""

from __future__ import annotations

import functools
import ipaddress
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_CLIENTS = 50_000  # memory stays bounded however many addresses knock


@dataclass
class Bucket:
    """`rate` tokens per second up to `burst`; each request takes one."""

    rate: float
    burst: float
    clock: Callable[[], float] = time.monotonic
    _tokens: dict[str, tuple[float, float]] = field(default_factory=dict)  # client -> (tokens, when)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def take(self, client: str) -> bool:
        """True when the client may go on; False when it is over its limit."""
        if self.rate <= 0:
            return True
        now = self.clock()
        with self._lock:
            tokens, when = self._tokens.get(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - when) * self.rate)
            allowed = tokens >= 1
            if allowed:
                tokens -= 1
            if len(self._tokens) >= MAX_CLIENTS and client not in self._tokens:
                self._forget_full(now)
            self._tokens[client] = (tokens, now)
            return allowed

    def blocked(self, client: str) -> bool:
        """True while the client has no token left (without taking one)."""
        if self.rate <= 0:
            return False
        now = self.clock()
        with self._lock:
            tokens, when = self._tokens.get(client, (self.burst, now))
            return min(self.burst, tokens + (now - when) * self.rate) < 1

    def wait(self, client: str) -> int:
        """Whole seconds until the client has a token again (0 when it has one)."""
        if self.rate <= 0:
            return 0
        now = self.clock()
        with self._lock:
            tokens, when = self._tokens.get(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - when) * self.rate)
        return 0 if tokens >= 1 else max(1, math.ceil((1 - tokens) / self.rate))

    def _forget_full(self, now: float) -> None:
        """Drop clients whose bucket has filled up again (they are as if never seen)."""
        full = [c for c, (t, w) in self._tokens.items() if t + (now - w) * self.rate >= self.burst]
        for client in full or list(self._tokens)[: len(self._tokens) // 2]:
            del self._tokens[client]


MAX_KNOWN = 20_000  # (client, link) pairs remembered as seen working


@dataclass
class RateLimits:
    """What `serve` enforces per client address.

    Guessing links is slowed, not banned: after `misses` unknown links an address waits for the bucket to
    refill (one more guess every 30 s by default) before any new link is looked up, while links that already
    worked from that address go on working. An office behind one NAT address that mistypes 20 links is
    not locked out: the colleagues already answering carry on, and a new link opens within half a minute.
    """

    requests: Bucket
    misses: Bucket  # requests for a link that does not exist
    _known: dict[tuple[str, str], None] = field(default_factory=dict)  # (client, token hash), oldest first
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def remember(self, client: str, token_hash: str) -> None:
        """A link that worked from this client: it keeps working while the client's guesses are slowed."""
        with self._lock:
            self._known.pop((client, token_hash), None)
            self._known[(client, token_hash)] = None
            if len(self._known) > MAX_KNOWN:
                del self._known[next(iter(self._known))]

    def may_look_up(self, client: str, token_hash: str) -> bool:
        """Whether a link may be looked up now: the client has guesses left, or the link worked for it before."""
        if not self.misses.blocked(client):
            return True
        with self._lock:
            return (client, token_hash) in self._known

    @classmethod
    def per_minute(cls, requests: int, misses: int = 20) -> RateLimits:
        return cls(Bucket(requests / 60, max(requests / 2, 1) if requests > 0 else 0),
                   Bucket(misses / 600, misses) if misses > 0 else Bucket(0, 0))


MAX_FORWARDED = 1024  # characters of X-Forwarded-For looked at: a proxy's header names a few addresses


@functools.lru_cache(maxsize=4096)  # asked at every request; an address parsed once
def client_key(address: str) -> str:
    """The rate-limit key of an address: IPv4 as is, IPv6 by its /64 (one household or office holds a whole
    /64, so counting single IPv6 addresses would give each of its machines, or an attacker, 2^64 keys)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def forwarded_for(value: str | None) -> str | None:
    """The client address a reverse proxy put last in X-Forwarded-For, or None when there is none that reads
    as an IP address (never arbitrary text: a key is at most an address long)."""
    if not value or len(value) > MAX_FORWARDED:
        return None
    last = value.rsplit(",", 1)[-1].strip()
    if last.startswith("[") and "]" in last:  # [2001:db8::1]:443
        last = last[1:last.index("]")]
    elif last.count(":") == 1:  # 203.0.113.9:443
        last = last.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(last))
    except ValueError:
        return None
