"""The rules every score follows: exact comparison at band edges, rounding for reports, weighted means, level,
risk, provisional scores, evidence, critical answers and contradicted numbers."""

from __future__ import annotations

import math

from crmcheck.models.questionnaire import Question, Questionnaire
from crmcheck.models.result import Contradicted, Risk
from crmcheck.resolve import Response, band_of

EDGE_DIGITS = 9  # scores are compared at band edges after rounding to this many decimals
NOT_EVIDENCED_MIN = 0.75  # a self-assessed answer scoring this or more should cite evidence
SELF_ASSESSED_LENS = "company"  # customers' answers are their experience; they need no evidence


PROVISIONAL_BELOW = 0.5  # a score resting on less than this share of its questions is provisional


def is_provisional(answered: int, asked: int) -> bool:
    """Whether a score resting on `answered` of `asked` questions (or answer cells) is provisional: it exists
    (something answered) but rests on less than half of what was asked. Compared exactly, in whole numbers:
    exactly half is not provisional."""
    return answered > 0 and 2 * answered < asked


def contradiction(question: Question, response: Response, full: str, text: str) -> Contradicted | None:
    """A number answer further from the value `crmcheck measure` recorded than its metric's tolerance."""
    if question.measure is None or response.measured is None or response.status != "answered":
        return None
    if isinstance(response.value, bool):
        return None
    try:  # a number answer's value is kept as the text it was written as ('2.5')
        answered = float(response.value)
    except (TypeError, ValueError):
        return None
    from crmcheck.measure.catalog import METRICS

    metric = METRICS.get(question.measure)
    if metric is None:
        return None
    measured, source = response.measured
    # compared at 9 decimals, like band edges: an answer exactly at the tolerance agrees
    if round(abs(answered - measured) - metric.tolerance, EDGE_DIGITS) <= 0:
        return None
    return Contradicted(question=full, text=text, answer=answered, measured=measured,
                        tolerance=metric.tolerance, unit=metric.unit, metric=metric.id, source=source)


def needs_evidence(score: float | None, lens: str | None) -> bool:
    """Whether an answer of this score, given through this lens, should cite evidence."""
    return (lens or SELF_ASSESSED_LENS) == SELF_ASSESSED_LENS and score is not None and (
        edge_exact(score) >= NOT_EVIDENCED_MIN)


def edge_exact(x: float) -> float:
    """`x` as scores are compared at band edges: rounded to EDGE_DIGITS decimals (no floating-point residue)."""
    return round(x, EDGE_DIGITS)


NOT_KNOWN = "not known"  # how every format shows an `unknown` answer (distinct from n/a and from blank)


def fails_critical(response: Response) -> bool:
    """Whether a critical question's scored answer fails its section (risk high) and its stage: it scores 0, or
    it is `unknown` (a critical metric nobody knows is what the stage needs and lacks, whatever it scores)."""
    return response.unknown or (response.score is not None and edge_exact(response.score) == 0)


def rounded_score(x: float | None) -> float | None:
    """How every report shows a 0-100 score: one decimal, halves rounded up (81.25 -> 81.3), after the
    exact-edge rounding."""
    return None if x is None else math.floor(edge_exact(x) * 10 + 0.5) / 10


def weighted_mean(pairs: list[tuple[float, float]]) -> float | None:
    """Σ(w·x)/Σw over (weight, value) pairs; None when there are none."""
    total = sum(w for w, _ in pairs)
    return sum(w * x for w, x in pairs) / total if total else None


def level_of(questionnaire: Questionnaire, score: float | None) -> int | None:
    if score is None:
        return None
    return band_of(score, [(lv.min, lv.level) for lv in questionnaire.levels])


def risk_of(questionnaire: Questionnaire, score: float | None, critical_failed: bool) -> Risk | None:
    if questionnaire.kind != "scored" or score is None:
        return None
    if critical_failed:
        return "high"
    exact = edge_exact(score)
    if exact < edge_exact(questionnaire.risk_bands.high):
        return "high"
    if exact < edge_exact(questionnaire.risk_bands.medium):
        return "medium"
    return "low"
