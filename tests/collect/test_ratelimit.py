"""The token buckets behind `serve --rate-limit`: refill over time, per client, bounded memory."""

from __future__ import annotations

import pytest

from crmcheck.collect import ratelimit
from crmcheck.collect.ratelimit import Bucket, RateLimits


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_allows_its_burst_then_refills_at_its_rate() -> None:
    clock = Clock()
    bucket = Bucket(rate=2, burst=3, clock=clock)  # 2 a second, 3 at once
    assert [bucket.take("a") for _ in range(4)] == [True, True, True, False]
    assert bucket.take("b")  # another client has its own bucket
    assert bucket.blocked("a") and not bucket.blocked("b")
    clock.now += 0.5  # one token back
    assert bucket.take("a") and not bucket.take("a")
    clock.now += 60
    assert [bucket.take("a") for _ in range(4)] == [True, True, True, False]  # never more than the burst


def test_zero_means_no_limit() -> None:
    limits = RateLimits.per_minute(0, 0)
    assert all(limits.requests.take("a") for _ in range(10_000))
    assert all(limits.misses.take("a") for _ in range(1_000)) and not limits.misses.blocked("a")


def test_per_minute_figures() -> None:
    limits = RateLimits.per_minute(600, 20)
    assert limits.requests.rate == 10 and limits.requests.burst == 300
    assert limits.misses.burst == 20 and limits.misses.rate * 600 == 20


def test_memory_stays_bounded_however_many_clients(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ratelimit, "MAX_CLIENTS", 100)
    clock = Clock()
    bucket = Bucket(rate=1, burst=5, clock=clock)
    for i in range(1000):
        bucket.take(f"10.0.{i // 256}.{i % 256}")
    assert len(bucket._tokens) <= 100
