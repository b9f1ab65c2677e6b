"""Benchmark statistics against hand-worked numbers: quartiles, sample SD, percentile ranks with ties."""

from __future__ import annotations

import datetime as dt
import statistics

import pytest

from crmcheck.benchmark.build import build_benchmark
from crmcheck.benchmark.records import AssessmentRecord, LoadFailure, QuestionnaireScores
from crmcheck.benchmark.tables import Portfolio
from crmcheck.benchmark.tally import percentile_rank
from crmcheck.models.questionnaire import Questionnaire
from crmcheck.scoring import summarise
from tests.benchmark_reference import distribution, placement, quantile, sample_sd
from tests.conftest import questionnaire_from
from tests.portfolio_fixture import STEPS, TINY

SIX = [85.0, 40.0, 60.0, 55.0, 70.0, 60.0]


def test_quartiles_hand_worked_inclusive_linear_interpolation() -> None:
    ordered = sorted(SIX)  # 40 55 60 60 70 85
    # h = (n - 1) p = 5p: Q1 at h=1.25 -> 55 + 0.25 * (60 - 55); median at 2.5 -> 60; Q3 at 3.75 -> 60 + 0.75 * 10
    assert quantile(ordered, 0.25) == 56.25
    assert quantile(ordered, 0.5) == 60.0
    assert quantile(ordered, 0.75) == 67.5
    assert quantile(ordered, 0) == 40.0
    assert quantile(ordered, 1) == 85.0
    # the same definition as Python's statistics.quantiles(method="inclusive") and Excel's QUARTILE.INC
    assert statistics.quantiles(SIX, n=4, method="inclusive") == [56.25, 60.0, 67.5]


def test_distribution_hand_worked() -> None:
    d = distribution(SIX)
    # mean 370 / 6 = 61.67; squared deviations sum to 1133.33, / (n - 1) = 226.67, sqrt = 15.06
    assert (d.count, d.mean, d.sd) == (6, 61.7, 15.1)
    assert (d.min, d.q1, d.median, d.q3, d.max) == (40.0, 56.3, 60.0, 67.5, 85.0)  # 56.25 rounds half up
    assert sample_sd(SIX) == pytest.approx(statistics.stdev(SIX))


def test_distribution_of_one_and_of_none() -> None:
    one = distribution([42.5])
    assert (one.count, one.mean, one.sd, one.min, one.q1, one.median, one.q3, one.max) == (
        1, 42.5, None, 42.5, 42.5, 42.5, 42.5, 42.5)
    empty = distribution([])
    assert (empty.count, empty.mean, empty.sd, empty.median) == (0, None, None, None)


def test_percentile_rank_ties_share_the_middle() -> None:
    # 40 55 60 60 70 85: for 60, 2 below and 2 equal -> (2 + 2/2) / 6 = 50%
    assert percentile_rank(SIX, 60.0) == 50.0
    assert percentile_rank(SIX, 85.0) == pytest.approx(100 * 5.5 / 6)
    assert percentile_rank(SIX, 40.0) == pytest.approx(100 * 0.5 / 6)
    tied = placement(SIX, 60.0)
    assert (tied.percentile_rank, tied.below, tied.tied, tied.above) == (50.0, 2, 1, 2)
    top = placement(SIX, 85.0)
    assert (top.percentile_rank, top.below, top.tied, top.above) == (91.7, 5, 0, 0)
    every = placement([70.0, 70.0, 70.0], 70.0)
    assert (every.percentile_rank, every.below, every.tied, every.above) == (50.0, 0, 2, 0)
    alone = placement([70.0], 70.0)
    assert (alone.percentile_rank, alone.below, alone.tied, alone.above) == (50.0, 0, 0, 0)
    assert placement(SIX, None).percentile_rank is None


QUESTIONNAIRES = {"tiny": questionnaire_from(TINY), "steps": questionnaire_from(STEPS)}


@pytest.fixture
def questionnaires() -> dict[str, Questionnaire]:
    return QUESTIONNAIRES


def record(file: str, company: str, date: str, tiny: tuple[float | None, float | None] | None = None,
           steps: tuple[float | None, float | None] | None = None, industry: str | None = None,
           size: str | None = None, lens: str = "company") -> AssessmentRecord:
    scores = []
    for qid, sections in (("tiny", tiny), ("steps", steps)):
        if sections is not None:
            summary = summarise(QUESTIONNAIRES[qid], sections)
            scores.append(QuestionnaireScores(qid, sections, summary.score, summary.reached,
                                              sum(x is not None for x in sections), 2))
    return AssessmentRecord(file, company, dt.date.fromisoformat(date), lens, industry, size, tuple(scores))


def small_portfolio(all_dates: bool = False) -> Portfolio:
    """The portfolio of tests/portfolio_fixture.py, as the loader's records."""
    portfolio = Portfolio(all_dates=all_dates)
    for outcome in [
        record("alpha-2025", "Alpha Ltd", "2025-03-01", (25.0, 25.0), None, "software", "11-50"),
        record("alpha-2026", "Alpha Ltd", "2026-03-01", (100.0, 50.0), (100.0, 100.0), "software", "11-50"),
        record("beta", "Beta GmbH", "2026-01-10", (75.0, 50.0), (100.0, 0.0), "software", "51-200"),
        record("gamma", "Gamma Inc", "2026-02-02", (50.0, None), (0.0, None), "retail", "51-200"),
        record("delta", "Delta AG", "2025-12-12", (50.0, 100.0), (100.0, 0.0), "retail"),
        record("epsilon", "Epsilon SA", "2026-05-05", (0.0, 25.0), None, "energy", "1-10"),
        record("alpha-customer", "Alpha Ltd", "2026-04-01", (0.0, 0.0), lens="customer"),
        LoadFailure("broken", ("broken:8:21: people.owner: '9' is not on the practice scale",)),
    ]:
        portfolio.add(outcome)
    return portfolio


def test_small_portfolio_hand_worked(questionnaires: dict[str, Questionnaire]) -> None:
    result = build_benchmark(small_portfolio(), questionnaires, company="alpha  LTD")
    assert (result.files, result.scored, result.companies) == (8, 7, 5)
    assert (result.left_out.earlier, result.left_out.customer_lens) == (1, 1)
    assert [f.file for f in result.failed] == ["broken"]
    (everyone,) = result.segments
    steps, tiny = everyone.questionnaires
    assert (tiny.id, tiny.companies) == ("tiny", 5)
    # overall: Alpha 75, Beta 62.5, Gamma 50 (process n/a), Delta 75, Epsilon 12.5
    o = tiny.score
    assert (o.count, o.mean, o.sd, o.min, o.q1, o.median, o.q3, o.max) == (5, 55.0, 25.9, 12.5, 50.0, 62.5, 75.0, 75.0)
    assert tiny.company is not None
    assert (tiny.company.score, tiny.company.percentile_rank, tiny.company.below, tiny.company.tied,
            tiny.company.above) == (75.0, 80.0, 3, 1, 0)  # (3 below + 2 equal / 2) / 5
    people, process = tiny.sections
    # people: 0 50 50 75 100 -> mean 55, SD sqrt(5500 / 4) = 37.08
    p = people.distribution
    assert (p.count, p.mean, p.sd, p.q1, p.median, p.q3) == (5, 55.0, 37.1, 50.0, 50.0, 75.0)
    assert people.company is not None and people.company.percentile_rank == 90.0
    # process: 25 50 50 100 (Gamma not assessed) -> mean 56.25, Q1 at h=0.75: 43.75, Q3 at h=2.25: 62.5
    d = process.distribution
    assert (d.count, d.mean, d.sd, d.q1, d.median, d.q3) == (4, 56.3, 31.5, 43.8, 50.0, 62.5)
    # stages reached: Alpha 3, Beta 2, Gamma 1 (stage 2 answered and failed), Delta 2
    assert steps.stage is not None
    assert [(s.number, s.count, s.share) for s in steps.stage.stages] == [(1, 1, 0.25), (2, 2, 0.5), (3, 1, 0.25)]
    mine = steps.stage.company
    assert mine is not None
    assert (mine.reached, mine.name, mine.lower, mine.same, mine.higher, mine.percentile_rank) == (
        3, "Top", 3, 0, 0, 87.5)


def test_company_section_not_assessed_has_no_rank(questionnaires: dict[str, Questionnaire]) -> None:
    result = build_benchmark(small_portfolio(), questionnaires, company="Gamma Inc")
    tiny = result.segments[0].questionnaires[1]
    people, process = tiny.sections
    assert people.company is not None
    assert (people.company.score, people.company.percentile_rank, people.company.tied) == (50.0, 40.0, 1)
    assert process.company is not None
    assert (process.company.score, process.company.percentile_rank) == (None, None)
    steps = result.segments[0].questionnaires[0]
    assert steps.stage is not None and steps.stage.company is not None
    assert (steps.stage.company.reached, steps.stage.company.lower, steps.stage.company.higher) == (1, 0, 3)


def test_all_dates_counts_every_assessment(questionnaires: dict[str, Questionnaire]) -> None:
    result = build_benchmark(small_portfolio(all_dates=True), questionnaires, company="Alpha Ltd")
    tiny = result.segments[0].questionnaires[1]
    assert tiny.companies == 6
    assert tiny.sections[0].distribution.count == 6  # Alpha's 2025 score (25) counts too
    assert result.left_out.earlier == 0
    assert result.company is not None
    assert [(a.questionnaire, a.assessed_on.isoformat()) for a in result.company.assessments] == [
        ("steps", "2026-03-01"), ("tiny", "2026-03-01")]


def test_segments_with_one_member(questionnaires: dict[str, Questionnaire]) -> None:
    result = build_benchmark(small_portfolio(), questionnaires, company="Epsilon SA", by="industry")
    assert [(s.by, s.name, s.companies) for s in result.segments] == [
        (None, None, 5), ("industry", "energy", 1), ("industry", "retail", 2), ("industry", "software", 2)]
    energy = result.segments[1]
    (tiny,) = energy.questionnaires  # Epsilon answered no staged questionnaire
    o = tiny.score
    assert (o.count, o.mean, o.sd, o.q1, o.median, o.q3) == (1, 12.5, None, 12.5, 12.5, 12.5)
    assert tiny.company is not None
    assert (tiny.company.percentile_rank, tiny.company.below, tiny.company.tied, tiny.company.above) == (
        50.0, 0, 0, 0)
    # the company is placed only in its own segment
    assert all(q.company is None for s in result.segments[2:] for q in s.questionnaires)


def test_sizes_sort_by_number_and_missing_segment_last(questionnaires: dict[str, Questionnaire]) -> None:
    result = build_benchmark(small_portfolio(), questionnaires, by="size")
    assert [s.name for s in result.segments[1:]] == ["1-10", "11-50", "51-200", "(not given)"]


def test_several_respondents_on_one_date_count_once_with_mean_section_scores(
        questionnaires: dict[str, Questionnaire]) -> None:
    portfolio = Portfolio()
    portfolio.add(record("a1", "Acme", "2026-01-01", (100.0, 50.0), (100.0, None)))
    portfolio.add(record("a2", "Acme", "2026-01-01", (50.0, None), (50.0, 100.0)))
    portfolio.add(record("b", "Bolt", "2026-01-01", (0.0, 0.0)))
    result = build_benchmark(portfolio, questionnaires, company="Acme", rows=True)
    steps, tiny = result.segments[0].questionnaires
    assert tiny.companies == 2
    assert tiny.company is not None
    # people (100 + 50) / 2 = 75, process 50 (one respondent) -> tiny (75 + 50) / 2 = 62.5
    assert [s.company.score for s in tiny.sections if s.company] == [75.0, 50.0]
    assert tiny.company.score == 62.5
    # steps: s2 (100 + 50) / 2 = 75 passes 70, s3 100 -> stage 3
    assert steps.stage is not None and steps.stage.company is not None and steps.stage.company.reached == 3
    assert result.company is not None and result.company.assessments[1].files == ["a1", "a2"]
    # rows stay one per file and questionnaire
    assert [(r.file, r.questionnaire, r.score) for r in result.rows] == [
        ("a1", "steps", 100.0), ("a1", "tiny", 75.0), ("a2", "steps", 75.0), ("a2", "tiny", 50.0),
        ("b", "tiny", 0.0)]


def test_result_does_not_depend_on_how_files_were_split(questionnaires: dict[str, Questionnaire]) -> None:
    a = build_benchmark(small_portfolio(), questionnaires, company="Beta GmbH", by="industry", rows=True)
    b = build_benchmark(small_portfolio(), questionnaires, company="Beta GmbH", by="industry", rows=True)
    assert a == b
