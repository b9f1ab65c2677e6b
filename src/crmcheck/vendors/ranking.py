"""Pure: a selection and its score cards -> fit, exclusions, five-year cost, ranking and sensitivity. No I/O."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from crmcheck.models.vendors import MAX_SCORE, YEARS, ScoreCard, SelectionFile, Vendor
from crmcheck.vendors.result import (
    Cell,
    CostLine,
    Disagreement,
    EvaluatorScore,
    Exclusion,
    RequirementInfo,
    Sensitivity,
    VendorReport,
    VendorResult,
)

# the multi-respondent rule: evaluators disagree when their scores differ by more than half the scale
DISAGREEMENT_SPREAD = MAX_SCORE / 2
EDGE_DIGITS = 9  # fits are compared after rounding, so a mathematical tie is a tie
TOP_DISAGREEMENTS = 10
PER_TCO = 100_000


@dataclass
class _Tally:
    scores: list[EvaluatorScore] = field(default_factory=list)

    @property
    def given(self) -> list[int]:
        return [s.score for s in self.scores if s.score is not None]

    @property
    def mean(self) -> float | None:
        given = self.given
        return sum(given) / len(given) if given else None


def _tallies(selection: SelectionFile, cards: Sequence[ScoreCard]) -> dict[str, dict[str, _Tally]]:
    """vendor id -> requirement id -> every evaluator's score, in card order."""
    tallies = {v.id: {r.id: _Tally() for r in selection.requirements} for v in selection.vendors}
    for card in cards:
        for vid, scores in card.scores.items():
            for rid, entry in scores.items():
                score = None if entry.score == "n/a" else int(entry.score)
                tallies[vid][rid].scores.append(EvaluatorScore(evaluator=card.evaluator, score=score, note=entry.note))
    return tallies


def fits(means: Mapping[str, Mapping[str, float]], weights: Mapping[str, float]) -> dict[str, float | None]:
    """fit = 100 × Σ(w·s)/Σw with s = mean/5, over the requirements each vendor was scored on."""
    result: dict[str, float | None] = {}
    for vid, by_requirement in means.items():
        total = sum(weights[rid] for rid in by_requirement)
        result[vid] = (100 * sum(weights[rid] * mean / MAX_SCORE for rid, mean in by_requirement.items()) / total
                       if total > 0 else None)
    return result


def ranking(fit: Mapping[str, float | None], tco: Mapping[str, float], eligible: Sequence[str]) -> list[str]:
    """Eligible vendors with a fit, best first: higher fit, then lower five-year cost, then selection order."""
    order = {vid: i for i, vid in enumerate(eligible)}
    ranked = [vid for vid in eligible if fit[vid] is not None]
    return sorted(ranked, key=lambda vid: (-round(fit[vid] or 0, EDGE_DIGITS), tco[vid], order[vid]))


def _exclusions(vendor: Vendor, tallies: Mapping[str, _Tally], selection: SelectionFile) -> list[Exclusion]:
    found: list[Exclusion] = []
    minimum = selection.core_minimum
    breakers = set(selection.deal_breakers)
    for req in selection.requirements:
        tally = tallies[req.id]
        mean = tally.mean
        if req.core and mean is not None:
            if round(mean, EDGE_DIGITS) == 0:
                found.append(Exclusion(requirement=req.id, reason=f"core requirement '{req.id}' scored 0 by every "
                                       "evaluator"))
            elif round(mean, EDGE_DIGITS) < minimum:
                found.append(Exclusion(requirement=req.id, reason=f"core requirement '{req.id}' averages "
                                       f"{mean:.2f}, below the core minimum {minimum:g}"))
        if req.id in breakers:
            zero = [s.evaluator for s in tally.scores if s.score == 0]
            if zero:
                found.append(Exclusion(requirement=req.id, reason=f"deal breaker '{req.id}' scored 0 by "
                                       f"{', '.join(zero)}"))
    return found


def _cell(rid: str, tally: _Tally) -> Cell:
    given = tally.given
    low, high = (min(given), max(given)) if given else (None, None)
    spread = high - low if low is not None and high is not None else None
    mean = tally.mean
    return Cell(
        requirement=rid, scored=len(given), not_applicable=len(tally.scores) - len(given),
        mean=None if mean is None else round(mean, 2), low=low, high=high, spread=spread,
        disagreement=spread is not None and len(given) > 1 and spread > DISAGREEMENT_SPREAD, scores=tally.scores,
    )


def _roots(c2: float, c1: float, c0: float) -> list[float]:
    scale = max(abs(c2), abs(c1), abs(c0), 1e-300)
    if abs(c2) <= 1e-12 * scale:
        return [] if abs(c1) <= 1e-12 * scale else [-c0 / c1]
    disc = c1 * c1 - 4 * c2 * c0
    if disc < 0:
        return []
    root = math.sqrt(disc)
    return [(-c1 - root) / (2 * c2), (-c1 + root) / (2 * c2)]


def sensitivity(means: Mapping[str, Mapping[str, float]], weights: Mapping[str, float], tco: Mapping[str, float],
                eligible: Sequence[str], requirement_order: Sequence[str]) -> Sensitivity | None:
    """The smallest single-requirement weight change, in percent, after which another vendor leads.

    With every other weight fixed, each vendor's fit is (A + x·a)/(B + x·b) in the weight x of one requirement,
    so two vendors' fits meet where a quadratic in x is zero. Each meeting point at x >= 0 is checked by ranking
    every vendor just beyond it.
    """
    order = ranking(fits(means, weights), tco, eligible)
    if len(order) < 2:
        return None
    leader = order[0]
    best: tuple[float, int, Sensitivity] | None = None

    def parts(vid: str, rid: str) -> tuple[float, float, float, float]:
        scored = means[vid]
        big_a = sum(weights[k] * m / MAX_SCORE for k, m in scored.items() if k != rid)
        big_b = sum(weights[k] for k in scored if k != rid)
        return (big_a, big_b, scored[rid] / MAX_SCORE, 1.0) if rid in scored else (big_a, big_b, 0.0, 0.0)

    for index, rid in enumerate(requirement_order):
        w = weights[rid]
        al, bl, sl, nl = parts(leader, rid)
        for vid in order[1:]:
            av, bv, sv, nv = parts(vid, rid)
            c2 = sv * nl - sl * nv
            c1 = av * nl + sv * bl - al * nv - sl * bv
            c0 = av * bl - al * bv
            for x in _roots(c2, c1, c0):
                if x < 0:
                    continue
                # at a tie broken by cost (the root is today's weight) any change one way changes the leader
                tied = math.isclose(x, w, rel_tol=1e-9)
                step = max(abs(x), 1.0) * 1e-7
                for direction in (1, -1) if tied else (1 if x > w else -1,):
                    changed = dict(weights)
                    changed[rid] = max(0.0, x + direction * step)
                    new_order = ranking(fits(means, changed), tco, eligible)
                    if not new_order or new_order[0] == leader:
                        continue
                    change = 0.0 if tied else (x - w) / w * 100
                    found = Sensitivity(leader=leader, requirement=rid, weight=w, new_weight=round(x, 3) + 0.0,
                                        change_percent=round(change, 1), new_leader=new_order[0],
                                        direction="raise" if direction > 0 else "lower")
                    key = (abs(change), index)
                    if best is None or key < best[:2]:
                        best = (abs(change), index, found)
    return best[2] if best else None


def _costs(vendor: Vendor) -> list[CostLine]:
    c = vendor.costs
    lines = [CostLine(item=f"licences ({YEARS} years)", five_year=YEARS * c.licences_per_year),
             CostLine(item="implementation", five_year=c.implementation),
             CostLine(item="training", five_year=c.training)]
    lines += [CostLine(item=f"add-on: {a.name}", five_year=YEARS * a.per_year + a.once) for a in c.add_ons]
    return lines


def rank_vendors(selection: SelectionFile, cards: Sequence[ScoreCard]) -> VendorReport:
    tallies = _tallies(selection, cards)
    weights = {r.id: r.weight for r in selection.requirements}
    requirement_order = [r.id for r in selection.requirements]
    means = {vid: {rid: t.mean for rid, t in by_req.items() if t.mean is not None} for vid, by_req in tallies.items()}
    fit = fits(means, weights)
    tco = {v.id: v.costs.five_year_total() for v in selection.vendors}
    exclusions = {v.id: _exclusions(v, tallies[v.id], selection) for v in selection.vendors}
    eligible = [v.id for v in selection.vendors if not exclusions[v.id]]
    order = ranking(fit, tco, eligible)
    rank = {vid: i + 1 for i, vid in enumerate(order)}
    results: dict[str, VendorResult] = {}
    for vendor in selection.vendors:
        vfit, cost = fit[vendor.id], tco[vendor.id]
        results[vendor.id] = VendorResult(
            id=vendor.id, name=vendor.name, rank=rank.get(vendor.id), fit=None if vfit is None else round(vfit, 1),
            tco=cost, costs=_costs(vendor),
            # an excluded vendor cannot be chosen: its value for money is not set against the others'
            fit_per_100k=(None if vfit is None or cost <= 0 or exclusions[vendor.id]
                          else round(vfit / cost * PER_TCO, 2)),
            excluded=bool(exclusions[vendor.id]), exclusions=exclusions[vendor.id],
            scored_requirements=len(means[vendor.id]),
            unscored=[rid for rid in requirement_order if rid not in means[vendor.id]],
            cells=[_cell(rid, tallies[vendor.id][rid]) for rid in requirement_order],
        )
    listed = order + [v.id for v in selection.vendors if v.id not in rank]
    spreads = [
        Disagreement(vendor=vid, requirement=c.requirement, spread=c.spread, low=c.low, high=c.high,
                     disagreement=c.disagreement)
        for vid in listed for c in results[vid].cells
        if c.spread and c.low is not None and c.high is not None
    ]
    spreads.sort(key=lambda d: -d.spread)  # stable: ranking order, then requirement order, among equal spreads
    breakers = set(selection.deal_breakers)
    return VendorReport(
        company=selection.company, title=selection.title, currency=selection.currency,
        core_minimum=selection.core_minimum, evaluators=[c.evaluator for c in cards if any(c.scores.values())],
        requirements=[RequirementInfo(id=r.id, text=r.text, group=r.group, core=r.core, weight=r.weight,
                                      deal_breaker=r.id in breakers) for r in selection.requirements],
        vendors=[results[vid] for vid in listed], leader=order[0] if order else None,
        sensitivity=sensitivity(means, weights, tco, eligible, requirement_order),
        disagreements=spreads[:TOP_DISAGREEMENTS],
        unscored_requirements=[rid for rid in requirement_order if all(rid not in means[vid] for vid in means)],
    )
