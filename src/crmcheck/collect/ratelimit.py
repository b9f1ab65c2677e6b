"""Per-client rate limits: a token bucket for all requests, and a stricter one for unknown links (guessing)."""

from __future__ import annotations

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

    def _forget_full(self, now: float) -> None:
        """Drop clients whose bucket has filled up again (they are as if never seen)."""
        full = [c for c, (t, w) in self._tokens.items() if t + (now - w) * self.rate >= self.burst]
        for client in full or list(self._tokens)[: len(self._tokens) // 2]:
            del self._tokens[client]


@dataclass
class RateLimits:
    """What `serve` enforces per client address."""

    requests: Bucket
    misses: Bucket  # requests for a link that does not exist

    @classmethod
    def per_minute(cls, requests: int, misses: int = 20) -> RateLimits:
        return cls(Bucket(requests / 60, max(requests / 2, 1) if requests > 0 else 0),
                   Bucket(misses / 600, misses) if misses > 0 else Bucket(0, 0))
