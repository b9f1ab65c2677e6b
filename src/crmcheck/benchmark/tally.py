"""Benchmark statistics over counted scores: counts, means, quartiles and percentile ranks.

Definitions (also in `docs/benchmark.md` and in every JSON output, see `models.benchmark.Methods`):

- statistics are taken over each company's scores as reports show them (one decimal);
- standard deviation: the *sample* standard deviation (divides by n - 1), none for one company;
- quartiles: linear interpolation between closest ranks, inclusive method (Excel QUARTILE.INC,
  numpy's default): the p-quantile of sorted x[0..n-1] is x[h] interpolated at h = (n - 1) p;
- percentile rank of a score s among n scores (the company's own included):
  100 x (count below s + count equal to s / 2) / n, so tied companies share the middle rank.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Iterable, Iterator, Sequence

from crmcheck.models.benchmark import Distribution, Placement
from crmcheck.scoring import rounded_score


def percentile_rank(values: Sequence[float], score: float) -> float:
    """100 x (values below `score` + half the values equal to it) / all values; `values` includes `score`."""
    below = sum(1 for x in values if x < score)
    equal = sum(1 for x in values if x == score)
    return 100 * (below + equal / 2) / len(values)


class Tally:
    """Scores counted per distinct value: what a distribution and a placement need, in memory that does not
    grow with the number of scores (scores as reports show them take at most 1,001 values). Gives exactly
    what the plain definitions give for the same scores (tests/benchmark_reference.py, which the tests compare
    it with): the same sums (math.fsum is exactly rounded, whatever the order), the same sorted positions."""

    def __init__(self, values: Iterable[float] = ()) -> None:
        self.counts: dict[float, int] = {}
        self.n = 0
        for value in values:
            self.add(value)

    def add(self, value: float) -> None:
        self.counts[value] = self.counts.get(value, 0) + 1
        self.n += 1

    def __len__(self) -> int:
        return self.n

    def distribution(self) -> Distribution:
        """Count, mean, sample SD, min, quartiles and max, each rounded to one decimal."""
        n = self.n
        if not n:
            return Distribution(count=0, mean=None, sd=None, min=None, q1=None, median=None, q3=None, max=None)
        items = sorted(self.counts.items())
        centre = math.fsum(self._each(items, lambda x: x)) / n
        sd = math.sqrt(math.fsum(self._each(items, lambda x: (x - centre) ** 2)) / (n - 1)) if n > 1 else None
        return Distribution(
            count=n, mean=rounded_score(centre), sd=rounded_score(sd), min=items[0][0],
            q1=rounded_score(self._quantile(items, 0.25)), median=rounded_score(self._quantile(items, 0.5)),
            q3=rounded_score(self._quantile(items, 0.75)), max=items[-1][0],
        )

    @staticmethod
    def _each(items: list[tuple[float, int]], term: Callable[[float], float]) -> Iterator[float]:
        """term(x) for every score x, each as many times as it was counted."""
        return itertools.chain.from_iterable(itertools.repeat(term(x), count) for x, count in items)

    def _quantile(self, items: list[tuple[float, int]], p: float) -> float:
        """The p-quantile of the sorted scores, inclusive linear interpolation: x[h] at h = (n - 1) p."""
        h = (self.n - 1) * p
        low = math.floor(h)
        high = min(low + 1, self.n - 1)
        at_low, at_high = self._kth(items, low), self._kth(items, high)
        return at_low + (h - low) * (at_high - at_low)

    @staticmethod
    def _kth(items: list[tuple[float, int]], k: int) -> float:
        """The score at position k (from 0) of the sorted scores."""
        for x, count in items:
            if k < count:
                return x
            k -= count
        raise IndexError(k)

    def placement(self, score: float | None) -> Placement:
        """The score among the scores counted (which include it): percentile rank and peers below, tied, above."""
        if score is None:
            return Placement(score=None)
        below = sum(count for x, count in self.counts.items() if x < score)
        above = sum(count for x, count in self.counts.items() if x > score)
        equal = self.n - below - above
        return Placement(score=score, percentile_rank=rounded_score(100 * (below + equal / 2) / self.n),
                         below=below, tied=equal - 1, above=above)
