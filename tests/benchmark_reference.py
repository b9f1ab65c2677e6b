"""The benchmark statistics by their plain definitions: slow and exact, what the tests check the fast ones against."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from crmcheck.benchmark.tally import percentile_rank
from crmcheck.models.benchmark import Distribution, Placement
from crmcheck.scoring import rounded_score


def mean(values: Sequence[float]) -> float | None:
    """Arithmetic mean (exactly rounded sum, so the order of the values never matters)."""
    return math.fsum(values) / len(values) if values else None


def sample_sd(values: Sequence[float]) -> float | None:
    """Sample standard deviation (n - 1 in the denominator); None for fewer than two values."""
    if len(values) < 2:
        return None
    centre = math.fsum(values) / len(values)
    return math.sqrt(math.fsum((x - centre) ** 2 for x in values) / (len(values) - 1))


def quantile(ordered: Sequence[float], p: float) -> float:
    """The p-quantile of sorted values, inclusive linear interpolation: x[h] at h = (n - 1) p."""
    if not ordered:
        raise ValueError("no values")
    h = (len(ordered) - 1) * p
    low = math.floor(h)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (h - low) * (ordered[high] - ordered[low])


def distribution(values: Iterable[float]) -> Distribution:
    """Count, mean, sample SD, min, quartiles and max, each rounded to one decimal."""
    ordered = sorted(values)
    if not ordered:
        return Distribution(count=0, mean=None, sd=None, min=None, q1=None, median=None, q3=None, max=None)
    return Distribution(
        count=len(ordered), mean=rounded_score(mean(ordered)), sd=rounded_score(sample_sd(ordered)),
        min=ordered[0], q1=rounded_score(quantile(ordered, 0.25)), median=rounded_score(quantile(ordered, 0.5)),
        q3=rounded_score(quantile(ordered, 0.75)), max=ordered[-1],
    )


def placement(values: Sequence[float], score: float | None) -> Placement:
    """The company's score among `values` (which include it): percentile rank and peers below, tied, above."""
    if score is None:
        return Placement(score=None)
    below = sum(1 for x in values if x < score)
    above = sum(1 for x in values if x > score)
    tied = len(values) - below - above - 1
    return Placement(score=score, percentile_rank=rounded_score(percentile_rank(values, score)), below=below,
                     tied=tied, above=above)
