"""From a loaded portfolio to the BenchmarkResult: per segment and questionnaire, distributions and placements."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from crmcheck.benchmark.records import AssessmentRecord, Counted, QuestionnaireScores
from crmcheck.benchmark.tables import Portfolio, Table, company_key
from crmcheck.benchmark.tally import Tally, percentile_rank
from crmcheck.models.benchmark import (
    AssessmentRow,
    BenchmarkResult,
    CompanyAssessment,
    CompanyFocus,
    FailedFile,
    LeftOut,
    QuestionnaireBenchmark,
    SectionBenchmark,
    SegmentBenchmark,
    SegmentField,
    SkippedFile,
    StageCount,
    StageDistribution,
    StagePlacement,
)
from crmcheck.models.questionnaire import Questionnaire
from crmcheck.scoring import CRITICAL_FAILED, NOT_APPLICABLE, level_of, rounded_score, summarise

NOT_GIVEN = "(not given)"


def _rounded(x: float | None) -> float:
    value = rounded_score(x)
    return math.nan if value is None else value


class _Scores:
    """One questionnaire's counted rows as reports show them: rounded, NaN where not assessed. Rows are rounded
    as they are read (no rounded copy of the table is kept); rows with further respondents on the same date
    are combined once, by the mean of their raw section scores."""

    def __init__(self, table: Table, questionnaire: Questionnaire) -> None:
        self.table = table
        # row -> (overall, sections, stage reached), rounded, for rows of several respondents
        self.combined: dict[int, tuple[float, list[float], int]] = {}
        for row in table.more:
            respondents = [scores for _, scores in table.entries(row)]
            columns = zip(*(s.sections for s in respondents), strict=True)
            raw = [math.fsum(given) / len(given) if given else None
                   for given in ([x for x in column if x is not None] for column in columns)]
            summary = summarise(questionnaire, raw, _combined_flags(respondents))
            self.combined[row] = (_rounded(summary.score), [_rounded(x) for x in raw], summary.reached or 0)

    def overall(self, row: int) -> float:
        combined = self.combined.get(row)
        if combined is not None:
            return combined[0]
        score = self.table.scores.get(row)
        return score if math.isnan(score) else _rounded(score)

    def reached(self, row: int) -> int:
        combined = self.combined.get(row)
        return combined[2] if combined is not None else self.table.reached.get(row)

    def section(self, row: int, index: int) -> float:
        combined = self.combined.get(row)
        if combined is not None:
            return combined[1][index]
        score = self.table.sections.get(row, index)
        return score if math.isnan(score) else _rounded(score)

    def column(self, index: int, rows: Sequence[int]) -> Tally:
        """A section's rounded scores over `rows`, leaving out the rows where it was not assessed."""
        combined = self.combined
        out = Tally()
        for row, score in zip(rows, self.table.sections.values(rows, index), strict=True):
            if combined and row in combined:
                score = combined[row][1][index]
            elif not math.isnan(score):
                score = _rounded(score)
            if not math.isnan(score):
                out.add(score)
        return out


def _combined_flags(entries: Sequence[QuestionnaireScores]) -> list[int]:
    """Several respondents' section flags, as the mean of their answers would have them: a section is n/a
    when it is for every respondent, and its critical question failed when every respondent who assessed
    the section failed one (the mean of scores is 0 only when every score is 0)."""
    out = []
    for i in range(len(entries[0].sections)):
        flags = [e.flags[i] if e.flags else 0 for e in entries]
        assessed = [f for e, f in zip(entries, flags, strict=True) if e.sections[i] is not None]
        combined = NOT_APPLICABLE if all(f & NOT_APPLICABLE for f in flags) else 0
        if assessed and all(f & CRITICAL_FAILED for f in assessed):
            combined |= CRITICAL_FAILED
        out.append(combined)
    return out


def _natural(name: str) -> tuple[int, float, str]:
    """Segment order: sizes by their first number (1-10 before 11-50 before 1000+), names alphabetically,
    '(not given)' last."""
    if name == NOT_GIVEN:
        return (1, 0.0, name)
    match = re.match(r"\s*(\d+)", name)
    return (0, float(match.group(1)) if match else math.inf, name.casefold())


def _segment_of(table: Table, row: int, by: SegmentField) -> str:
    value = table.industry(row) if by == "industry" else table.size(row)
    return value if value else NOT_GIVEN


def _questionnaire_benchmark(questionnaire: Questionnaire, scores: _Scores, rows: Sequence[int],
                             focus: int | None) -> QuestionnaireBenchmark:
    def rounded(x: float) -> float | None:
        return None if math.isnan(x) else x

    overall = Tally(x for x in (scores.overall(r) for r in rows) if not math.isnan(x))
    sections: list[SectionBenchmark] = []
    for index, section in enumerate(questionnaire.sections):
        values = scores.column(index, rows)
        company = None
        if focus is not None:
            company = values.placement(rounded(scores.section(focus, index)))
        sections.append(SectionBenchmark(id=section.id, title=section.title, stage=section.stage,
                                         distribution=values.distribution(), company=company))
    stage = None
    if questionnaire.kind == "staged":
        reached = [scores.reached(r) or 1 for r in rows]
        counts = [StageCount(number=s.number, name=s.name, count=reached.count(s.number),
                             share=round(reached.count(s.number) / len(rows), 3) if rows else 0.0)
                  for s in questionnaire.stages]
        stage_focus = None
        if focus is not None:
            mine = scores.reached(focus) or 1
            lower = sum(1 for r in reached if r < mine)
            higher = sum(1 for r in reached if r > mine)
            named = questionnaire.stage(mine)
            stage_focus = StagePlacement(
                reached=mine, name=named.name if named else str(mine),
                percentile_rank=rounded_score(percentile_rank([float(r) for r in reached], float(mine))) or 0.0,
                lower=lower, same=len(reached) - lower - higher - 1, higher=higher,
            )
        stage = StageDistribution(stages=counts, company=stage_focus)
    return QuestionnaireBenchmark(
        id=questionnaire.id, title=questionnaire.title, version=questionnaire.version, kind=questionnaire.kind,
        companies=len(rows), score=overall.distribution(),
        company=overall.placement(rounded(scores.overall(focus))) if focus is not None else None,
        sections=sections, stage=stage,
    )


def _segment(by: SegmentField | None, name: str | None, questionnaires: list[Questionnaire],
             scores: dict[str, _Scores], focus: dict[str, int], known: int) -> SegmentBenchmark:
    """One segment's block (`known`: how many companies the portfolio numbered)."""
    blocks = []
    companies = bytearray(known)  # 1 for each company with a row in the segment: a set would hold an int each
    for questionnaire in questionnaires:
        table = scores[questionnaire.id].table
        rows: Sequence[int] = range(len(table))
        if by is not None:
            rows = [r for r in rows if _segment_of(table, r, by) == name]
        if not rows:
            continue
        for number in table.company.values(rows):
            companies[number] = 1
        chosen = focus.get(questionnaire.id)
        if chosen is not None and by is not None and _segment_of(table, chosen, by) != name:
            chosen = None
        blocks.append(_questionnaire_benchmark(questionnaire, scores[questionnaire.id], rows, chosen))
    return SegmentBenchmark(by=by, name=name, companies=companies.count(1), questionnaires=blocks)


def _focus(portfolio: Portfolio, key: str) -> dict[str, int]:
    """The row of the company's latest counted assessment of each questionnaire."""
    found: dict[str, int] = {}
    number = portfolio.companies.get(key)
    if number is None:
        return found
    for qid, table in portfolio.tables.items():
        rows = [r for r, c in enumerate(table.company.values(range(len(table)))) if c == number]
        if rows:
            found[qid] = max(rows, key=table.dates.get)
    return found


def _row(record: AssessmentRecord, scores: QuestionnaireScores, questionnaire: Questionnaire) -> AssessmentRow:
    stage = questionnaire.stage(scores.reached) if scores.reached is not None else None
    level = level_of(questionnaire, scores.score)
    return AssessmentRow(
        file=record.file, company=record.company, assessed_on=record.assessed_on, industry=record.industry,
        size=record.size, questionnaire=questionnaire.id, version=questionnaire.version,
        score=rounded_score(scores.score), level=level, level_name=questionnaire.level_name(level),
        stage=scores.reached, stage_name=stage.name if stage else None,
        completeness=round(scores.answered / scores.asked if scores.asked else 1.0, 3),
        sections={s.id: rounded_score(x) for s, x in zip(questionnaire.sections, scores.sections, strict=True)},
    )


def _assessment(questionnaire: str, counted: Sequence[Counted]) -> CompanyAssessment:
    """The chosen company's counted files of one questionnaire (several respondents on one date)."""
    first = counted[0][0]
    return CompanyAssessment(questionnaire=questionnaire, assessed_on=first.assessed_on,
                             files=[record.file for record, _ in counted], industry=first.industry, size=first.size)


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
    ordered = [questionnaires[qid] for qid in sorted(portfolio.tables)]
    tables = portfolio.tables
    focus: dict[str, int] = {}
    focus_model = None
    if company is not None:
        focus = _focus(portfolio, company_key(company))
        if not focus:
            known = sorted({name for table in tables.values() for name in table.companies})
            raise CompanyNotFound(company, known)
        focus_model = CompanyFocus(
            name=tables[next(iter(focus))].companies[next(iter(focus.values()))],
            assessments=[_assessment(q.id, tables[q.id].entries(focus[q.id])) for q in ordered if q.id in focus],
        )
    scores = {q.id: _Scores(tables[q.id], q) for q in ordered}
    numbered = len(portfolio.companies)
    segments = [_segment(None, None, ordered, scores, focus, numbered)]
    if by is not None:
        names = sorted({_segment_of(t, r, by) for t in tables.values() for r in range(len(t))}, key=_natural)
        segments += [_segment(by, name, ordered, scores, focus, numbered) for name in names]
    row_models: list[AssessmentRow] = []
    if rows:
        counted = sorted((c for t in tables.values() for r in range(len(t)) for c in t.entries(r)),
                         key=lambda c: (c[0].file, c[1].questionnaire))
        row_models = [_row(record, scores, questionnaires[scores.questionnaire]) for record, scores in counted]
    return BenchmarkResult(
        files=portfolio.files, scored=portfolio.scored,
        companies=len(portfolio.companies),  # every company counted has a row
        all_dates=portfolio.all_dates, by=by, company=focus_model, segments=segments,
        failed=[FailedFile(file=f.file, errors=list(f.errors)) for f in portfolio.failed],
        skipped=[SkippedFile(file=f.file, kind=f.kind or "") for f in portfolio.skipped],
        left_out=LeftOut(earlier=portfolio.earlier, customer_lens=portfolio.customer_lens), rows=row_models,
    )
