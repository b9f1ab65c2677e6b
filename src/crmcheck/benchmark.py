"""Portfolio benchmark, pure: small score records in, counts, means, quartiles and percentile ranks out.

Definitions (also in `docs/benchmark.md` and in every JSON output, see `models.benchmark.Methods`):

- statistics are taken over each company's scores as reports show them (one decimal);
- standard deviation: the *sample* standard deviation (divides by n - 1), none for one company;
- quartiles: linear interpolation between closest ranks, inclusive method (Excel QUARTILE.INC,
  numpy's default): the p-quantile of sorted x[0..n-1] is x[h] interpolated at h = (n - 1) p;
- percentile rank of a score s among n scores (the company's own included):
  100 x (count below s + count equal to s / 2) / n, so tied companies share the middle rank.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from crmcheck.models.benchmark import (
    AssessmentRow,
    BenchmarkResult,
    CompanyAssessment,
    CompanyFocus,
    Distribution,
    FailedFile,
    LeftOut,
    Placement,
    QuestionnaireBenchmark,
    SectionBenchmark,
    SegmentBenchmark,
    SegmentField,
    StageCount,
    StageDistribution,
    StagePlacement,
)
from crmcheck.models.questionnaire import Questionnaire
from crmcheck.scoring import rounded_score, summarise

NOT_GIVEN = "(not given)"


# ---------------------------------------------------------------------------------------------
# Statistics


def _one_decimal(x: float | None) -> float | None:
    return rounded_score(x)


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
        count=len(ordered), mean=_one_decimal(mean(ordered)), sd=_one_decimal(sample_sd(ordered)),
        min=ordered[0], q1=_one_decimal(quantile(ordered, 0.25)), median=_one_decimal(quantile(ordered, 0.5)),
        q3=_one_decimal(quantile(ordered, 0.75)), max=ordered[-1],
    )


def percentile_rank(values: Sequence[float], score: float) -> float:
    """100 x (values below `score` + half the values equal to it) / all values; `values` includes `score`."""
    below = sum(1 for x in values if x < score)
    equal = sum(1 for x in values if x == score)
    return 100 * (below + equal / 2) / len(values)


def placement(values: Sequence[float], score: float | None) -> Placement:
    """The company's score among `values` (which include it): percentile rank and peers below, tied, above."""
    if score is None:
        return Placement(score=None)
    below = sum(1 for x in values if x < score)
    above = sum(1 for x in values if x > score)
    tied = len(values) - below - above - 1
    return Placement(score=score, percentile_rank=_one_decimal(percentile_rank(values, score)), below=below,
                     tied=tied, above=above)


# ---------------------------------------------------------------------------------------------
# Records: what the loader keeps of each answers file


class QuestionnaireScores(NamedTuple):
    """One questionnaire's raw (unrounded) section scores from one answers file, in questionnaire order."""

    questionnaire: str
    sections: tuple[float | None, ...]
    answered: int
    asked: int


class AssessmentRecord(NamedTuple):
    """The little the benchmark keeps of one scored answers file."""

    file: str
    company: str
    assessed_on: dt.date
    lens: str
    industry: str | None
    size: str | None
    questionnaires: tuple[QuestionnaireScores, ...]


class LoadFailure(NamedTuple):
    """An answers file that could not be loaded or scored, with its error lines."""

    file: str
    errors: tuple[str, ...]


Outcome = AssessmentRecord | LoadFailure


def company_key(name: str) -> str:
    """Company names match ignoring case and runs of spaces ("ACME  corp" is "Acme Corp")."""
    return " ".join(name.split()).casefold()


_Entry = tuple[AssessmentRecord, QuestionnaireScores]


@dataclass
class Portfolio:
    """Accumulates outcomes as they stream in, keeping only each company's latest assessment of each
    questionnaire (all of them with `all_dates`). Feed it outcomes in a fixed order (the loader's file
    order) and the result does not depend on how the files were shared between processes."""

    all_dates: bool = False
    files: int = 0
    scored: int = 0
    failed: list[LoadFailure] = field(default_factory=list)
    earlier: int = 0
    customer_lens: int = 0
    # (company key, questionnaire id) -> the counted entries: one date's files, or every file with all_dates
    groups: dict[tuple[str, str], list[_Entry]] = field(default_factory=dict)

    def add(self, outcome: Outcome) -> None:
        self.files += 1
        if isinstance(outcome, LoadFailure):
            self.failed.append(outcome)
            return
        self.scored += 1
        if outcome.lens != "company":
            self.customer_lens += 1
            return
        key = company_key(outcome.company)
        for scores in outcome.questionnaires:
            group_key = (key, scores.questionnaire)
            entries = self.groups.get(group_key)
            if entries is None:
                self.groups[group_key] = [(outcome, scores)]
            elif self.all_dates or outcome.assessed_on == entries[0][0].assessed_on:
                entries.append((outcome, scores))
            elif outcome.assessed_on > entries[0][0].assessed_on:
                self.earlier += len(entries)
                self.groups[group_key] = [(outcome, scores)]
            else:
                self.earlier += 1


# ---------------------------------------------------------------------------------------------
# From the portfolio to the result


@dataclass
class _Unit:
    """One company's counted assessment of one questionnaire: one date, its respondents combined."""

    company: str  # as written in the latest of its files
    key: str
    assessed_on: dt.date
    industry: str | None
    size: str | None
    files: list[str]
    sections: list[float | None]  # raw, respondents' mean
    score: float | None  # rounded, as reports show
    reached: int | None

    def segment(self, by: SegmentField) -> str:
        value = self.industry if by == "industry" else self.size
        return value if value else NOT_GIVEN


def _combine(questionnaire: Questionnaire, entries: list[_Entry]) -> _Unit:
    """Several respondents of one company on one date: the mean of their raw section scores."""
    columns = list(zip(*(scores.sections for _, scores in entries), strict=True))
    sections: list[float | None] = []
    for column in columns:
        given = [x for x in column if x is not None]
        sections.append(math.fsum(given) / len(given) if given else None)
    summary = summarise(questionnaire, sections)
    last = entries[-1][0]
    return _Unit(company=last.company, key=company_key(last.company), assessed_on=last.assessed_on,
                 industry=last.industry, size=last.size, files=[record.file for record, _ in entries],
                 sections=sections, score=rounded_score(summary.score), reached=summary.reached)


def _units(portfolio: Portfolio, questionnaires: dict[str, Questionnaire]) -> dict[str, list[_Unit]]:
    """Questionnaire id -> the counted units, in the order their groups first appeared."""
    out: dict[str, list[_Unit]] = {}
    for (_, qid), entries in portfolio.groups.items():
        questionnaire = questionnaires[qid]
        if portfolio.all_dates:
            by_date: dict[dt.date, list[_Entry]] = {}
            for entry in entries:
                by_date.setdefault(entry[0].assessed_on, []).append(entry)
            out.setdefault(qid, []).extend(_combine(questionnaire, group) for group in by_date.values())
        else:
            out.setdefault(qid, []).append(_combine(questionnaire, entries))
    return out


def _natural(name: str) -> tuple[int, float, str]:
    """Segment order: sizes by their first number (1-10 before 11-50 before 1000+), names alphabetically,
    '(not given)' last."""
    if name == NOT_GIVEN:
        return (1, 0.0, name)
    match = re.match(r"\s*(\d+)", name)
    return (0, float(match.group(1)) if match else math.inf, name.casefold())


def _questionnaire_benchmark(questionnaire: Questionnaire, units: list[_Unit], focus: _Unit | None) -> (
        QuestionnaireBenchmark):
    overall = [u.score for u in units if u.score is not None]
    sections: list[SectionBenchmark] = []
    for index, section in enumerate(questionnaire.sections):
        scores = [rounded_score(u.sections[index]) for u in units]
        values = [x for x in scores if x is not None]
        company = None
        if focus is not None:
            company = placement(values, rounded_score(focus.sections[index]))
        sections.append(SectionBenchmark(id=section.id, title=section.title, stage=section.stage,
                                         distribution=distribution(values), company=company))
    stage = None
    if questionnaire.kind == "staged":
        reached = [u.reached or 1 for u in units]
        counts = [StageCount(number=s.number, name=s.name, count=reached.count(s.number),
                             share=round(reached.count(s.number) / len(units), 3) if units else 0.0)
                  for s in questionnaire.stages]
        stage_focus = None
        if focus is not None:
            mine = focus.reached or 1
            lower = sum(1 for r in reached if r < mine)
            higher = sum(1 for r in reached if r > mine)
            named = questionnaire.stage(mine)
            stage_focus = StagePlacement(
                reached=mine, name=named.name if named else str(mine),
                percentile_rank=_one_decimal(percentile_rank([float(r) for r in reached], float(mine))) or 0.0,
                lower=lower, same=len(reached) - lower - higher - 1, higher=higher,
            )
        stage = StageDistribution(stages=counts, company=stage_focus)
    return QuestionnaireBenchmark(
        id=questionnaire.id, title=questionnaire.title, version=questionnaire.version, kind=questionnaire.kind,
        companies=len(units), score=distribution(overall),
        company=placement(overall, focus.score) if focus is not None else None, sections=sections, stage=stage,
    )


def _segment(by: SegmentField | None, name: str | None, questionnaires: list[Questionnaire],
             units: dict[str, list[_Unit]], focus: dict[str, _Unit]) -> SegmentBenchmark:
    blocks = []
    companies: set[str] = set()
    for questionnaire in questionnaires:
        mine = units.get(questionnaire.id, [])
        if by is not None:
            mine = [u for u in mine if u.segment(by) == name]
        if not mine:
            continue
        companies.update(u.key for u in mine)
        chosen = focus.get(questionnaire.id)
        if chosen is not None and by is not None and chosen.segment(by) != name:
            chosen = None
        blocks.append(_questionnaire_benchmark(questionnaire, mine, chosen))
    return SegmentBenchmark(by=by, name=name, companies=len(companies), questionnaires=blocks)


def _focus(units: dict[str, list[_Unit]], key: str) -> dict[str, _Unit]:
    """The company's latest counted unit of each questionnaire (the latest date; with --all-dates there
    may be several)."""
    found: dict[str, _Unit] = {}
    for qid, listed in units.items():
        for unit in listed:
            if unit.key == key and (qid not in found or unit.assessed_on > found[qid].assessed_on):
                found[qid] = unit
    return found


def _row(unit_record: AssessmentRecord, scores: QuestionnaireScores, questionnaire: Questionnaire) -> AssessmentRow:
    summary = summarise(questionnaire, scores.sections)
    stage = questionnaire.stage(summary.reached) if summary.reached is not None else None
    return AssessmentRow(
        file=unit_record.file, company=unit_record.company, assessed_on=unit_record.assessed_on,
        industry=unit_record.industry, size=unit_record.size, questionnaire=questionnaire.id,
        version=questionnaire.version, score=rounded_score(summary.score), level=summary.level,
        level_name=questionnaire.level_name(summary.level), stage=summary.reached,
        stage_name=stage.name if stage else None,
        completeness=round(scores.answered / scores.asked if scores.asked else 1.0, 3),
        sections={s.id: rounded_score(x) for s, x in zip(questionnaire.sections, scores.sections, strict=True)},
    )


class CompanyNotFound(LookupError):
    """The company asked for has no counted assessment in the portfolio."""

    def __init__(self, name: str, known: list[str]) -> None:
        self.name = name
        self.known = known
        super().__init__(name)


def build_benchmark(
    portfolio: Portfolio,
    questionnaires: dict[str, Questionnaire],
    *,
    company: str | None = None,
    by: SegmentField | None = None,
    rows: bool = False,
) -> BenchmarkResult:
    """The statistics of a loaded portfolio; `questionnaires` holds every questionnaire it mentions.

    Raises CompanyNotFound when `company` has no counted assessment.
    """
    units = _units(portfolio, questionnaires)
    ordered = [questionnaires[qid] for qid in sorted(units)]
    focus: dict[str, _Unit] = {}
    focus_model = None
    if company is not None:
        focus = _focus(units, company_key(company))
        if not focus:
            known = sorted({u.company for listed in units.values() for u in listed})
            raise CompanyNotFound(company, known)
        focus_model = CompanyFocus(
            name=next(iter(focus.values())).company,
            assessments=[CompanyAssessment(questionnaire=q.id, assessed_on=focus[q.id].assessed_on,
                                           files=focus[q.id].files, industry=focus[q.id].industry,
                                           size=focus[q.id].size)
                         for q in ordered if q.id in focus],
        )
    segments = [_segment(None, None, ordered, units, focus)]
    if by is not None:
        names = sorted({u.segment(by) for listed in units.values() for u in listed}, key=_natural)
        segments += [_segment(by, name, ordered, units, focus) for name in names]
    row_models: list[AssessmentRow] = []
    if rows:
        entries = sorted((entry for listed in portfolio.groups.values() for entry in listed),
                         key=lambda e: (e[0].file, e[1].questionnaire))
        row_models = [_row(record, scores, questionnaires[scores.questionnaire]) for record, scores in entries]
    return BenchmarkResult(
        files=portfolio.files, scored=portfolio.scored,
        companies=len({u.key for listed in units.values() for u in listed}),
        all_dates=portfolio.all_dates, by=by, company=focus_model, segments=segments,
        failed=[FailedFile(file=f.file, errors=list(f.errors)) for f in portfolio.failed],
        left_out=LeftOut(earlier=portfolio.earlier, customer_lens=portfolio.customer_lens), rows=row_models,
    )
