"""The ranking recomputed independently (exact fractions, brute-force weight scans) on the example and on
random selections."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest

from crmcheck.models.vendors import Costs, Requirement, Score, ScoreCard, SelectionFile, Vendor
from crmcheck.vendors.files import load_selection
from crmcheck.vendors.ranking import rank_vendors
from crmcheck.vendors.report import build_report
from tests.conftest import ROOT

EXAMPLE = ROOT / "examples" / "brightwater" / "selection"


def _scores(selection: SelectionFile, cards: list[ScoreCard]) -> dict[tuple[str, str], list[int]]:
    found: dict[tuple[str, str], list[int]] = {}
    for card in cards:
        for vid, scores in card.scores.items():
            for rid, entry in scores.items():
                if entry.score != "n/a":
                    found.setdefault((vid, rid), []).append(int(entry.score))
    return found


def _fit(selection: SelectionFile, scores: dict[tuple[str, str], list[int]], vid: str,
         weights: dict[str, Fraction]) -> Fraction | None:
    num = den = Fraction(0)
    for r in selection.requirements:
        given = scores.get((vid, r.id))
        if given:
            num += weights[r.id] * Fraction(sum(given), len(given)) / 5
            den += weights[r.id]
    return 100 * num / den if den else None


def _excluded(selection: SelectionFile, scores: dict[tuple[str, str], list[int]], vid: str) -> bool:
    for r in selection.requirements:
        given = scores.get((vid, r.id), [])
        mean = Fraction(sum(given), len(given)) if given else None
        if r.core and mean is not None and (mean == 0 or mean < Fraction(selection.core_minimum)):
            return True
        if r.id in selection.deal_breakers and 0 in given:
            return True
    return False


def _tco(v: Vendor) -> Fraction:
    c = v.costs
    return (5 * Fraction(c.licences_per_year) + Fraction(c.implementation) + Fraction(c.training)
            + sum((5 * Fraction(a.per_year) + Fraction(a.once) for a in c.add_ons), Fraction(0)))


def _leader(selection: SelectionFile, scores: dict[tuple[str, str], list[int]],
            weights: dict[str, Fraction]) -> str | None:
    ranked = []
    for i, v in enumerate(selection.vendors):
        fit = _fit(selection, scores, v.id, weights)
        if fit is not None and not _excluded(selection, scores, v.id):
            ranked.append((-fit, _tco(v), i, v.id))
    return min(ranked)[3] if ranked else None


def _check(selection: SelectionFile, cards: list[ScoreCard]) -> None:
    report = rank_vendors(selection, cards)
    scores = _scores(selection, cards)
    weights = {r.id: Fraction(r.weight) for r in selection.requirements}
    by_id = {v.id: v for v in report.vendors}
    for v in selection.vendors:
        fit = _fit(selection, scores, v.id, weights)
        got = by_id[v.id]
        assert got.fit == (None if fit is None else round(float(fit), 1))
        assert got.tco == float(_tco(v))
        assert got.excluded == _excluded(selection, scores, v.id)
        for cell in got.cells:
            given = scores.get((v.id, cell.requirement), [])
            assert cell.scored == len(given)
            if given:
                assert cell.mean == round(sum(given) / len(given), 2)
                assert cell.spread == max(given) - min(given)
                assert cell.disagreement == (len(given) > 1 and max(given) - min(given) > 2.5)
    leader = _leader(selection, scores, weights)
    assert report.leader == leader
    ranked = [v for v in report.vendors if v.rank is not None]
    assert [v.rank for v in ranked] == list(range(1, len(ranked) + 1))
    s = report.sensitivity
    if s is None:
        # no single weight, scanned from 0 to ten times its value, changes the leader
        for r in selection.requirements:
            for k in range(0, 201):
                changed = {**weights, r.id: weights[r.id] * Fraction(k, 20)}
                if k:
                    assert _leader(selection, scores, changed) in (leader, None)
        return
    assert s.leader == leader
    w = weights[s.requirement]
    x = Fraction(s.new_weight)
    # just beyond the reported weight the leader is another vendor (the reported weight is rounded to 3 places)
    beyond = x + (Fraction(1, 500) if s.direction == "raise" else -Fraction(1, 500))
    assert _leader(selection, scores, {**weights, s.requirement: max(beyond, Fraction(0))}) == s.new_leader != leader
    # and no requirement's weight changes the leader within a smaller change, scanned finely
    bound = abs(Fraction(s.change_percent)) / 100 * Fraction(999, 1000)
    for r in selection.requirements:
        for k in range(-40, 41):
            factor = 1 + bound * Fraction(k, 40)
            if factor >= 0:
                assert _leader(selection, scores, {**weights, r.id: weights[r.id] * factor}) == leader, (r.id, k)
    assert round(float((x - w) / w * 100), 0) == round(s.change_percent, 0)


def test_example_selection_recomputed() -> None:
    selection = load_selection(str(EXAMPLE / "selection.yaml")).model
    from crmcheck.vendors.files import load_cards

    cards = [c.model for c in load_cards([str(EXAMPLE / "cards")], load_selection(str(EXAMPLE / "selection.yaml")))]
    assert len(selection.requirements) >= 25 and len(selection.vendors) >= 3 and len(cards) >= 5
    _check(selection, cards)
    report = build_report(str(EXAMPLE / "selection.yaml"), [str(EXAMPLE / "cards")])
    assert report.leader is not None and report.sensitivity is not None
    assert any(v.excluded for v in report.vendors)
    assert report.unscored_requirements == ["local-partner"]


def _random_case(seed: int) -> tuple[SelectionFile, list[ScoreCard]]:
    rnd = random.Random(seed)
    reqs = [Requirement(id=f"r{i}", text=f"Requirement {i}", core=rnd.random() < 0.3,
                        weight=rnd.choice([0.5, 1, 2, 3, 5])) for i in range(rnd.randint(2, 7))]
    vendors = [Vendor(id=f"v{i}", name=f"Vendor {i}", costs=Costs(licences_per_year=rnd.choice([1000, 2000, 3000]),
                                                                     implementation=rnd.randint(0, 5) * 1000))
               for i in range(rnd.randint(2, 5))]
    breakers = [r.id for r in reqs if rnd.random() < 0.15]
    selection = SelectionFile(format=1, company="Random", core_minimum=rnd.choice([0, 1, 2]), requirements=reqs,
                              vendors=vendors, deal_breakers=breakers)
    cards = []
    for e in range(rnd.randint(1, 4)):
        scores: dict[str, dict[str, Score]] = {}
        for v in vendors:
            scores[v.id] = {}
            for r in reqs:
                roll = rnd.random()
                if roll < 0.1:
                    continue
                value: int | str = "n/a" if roll < 0.15 else rnd.choice([1, 2, 3, 3, 4, 4, 5] + [0] * (roll > 0.97))
                scores[v.id][r.id] = Score(score=value)  # type: ignore[arg-type]
        cards.append(ScoreCard(format=1, evaluator=f"E{e}", scores=scores))
    return selection, cards


@pytest.mark.parametrize("seed", range(40))
def test_random_selections_recomputed(seed: int) -> None:
    _check(*_random_case(seed))


def test_tie_on_fit_goes_to_the_cheaper_vendor_and_any_change_the_right_way_flips_it() -> None:
    reqs = [Requirement(id="a", text="A"), Requirement(id="b", text="B")]
    vendors = [Vendor(id="dear", name="Dear", costs=Costs(licences_per_year=2000)),
               Vendor(id="cheap", name="Cheap", costs=Costs(licences_per_year=1000))]
    selection = SelectionFile(format=1, company="T", requirements=reqs, vendors=vendors)
    card = ScoreCard(format=1, evaluator="E", scores={"dear": {"a": Score(score=4), "b": Score(score=2)},
                                                        "cheap": {"a": Score(score=2), "b": Score(score=4)}})
    report = rank_vendors(selection, [card])
    assert report.leader == "cheap" and report.vendors[0].fit == report.vendors[1].fit == 60.0
    s = report.sensitivity
    assert s is not None and s.change_percent == 0 and s.new_leader == "dear"
    assert (s.requirement, s.direction) == ("a", "raise")
