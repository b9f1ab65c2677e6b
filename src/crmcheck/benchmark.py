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
import itertools
import math
import re
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from crmcheck.inert import name_key
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
    SkippedFile,
    StageCount,
    StageDistribution,
    StagePlacement,
)
from crmcheck.models.questionnaire import Questionnaire
from crmcheck.scoring import CRITICAL_FAILED, NOT_APPLICABLE, level_of, rounded_score, summarise

NOT_GIVEN = "(not given)"


# ---------------------------------------------------------------------------------------------
# Statistics


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
    return Placement(score=score, percentile_rank=rounded_score(percentile_rank(values, score)), below=below,
                     tied=tied, above=above)


class Tally:
    """Scores counted per distinct value: what `distribution` and `placement` need, in memory that does not
    grow with the number of scores (scores as reports show them take at most 1,001 values). Gives exactly
    what those functions give for the same scores: the same sums (math.fsum is exactly rounded, whatever
    the order), the same sorted positions."""

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
        """`distribution(values)`."""
        n = self.n
        if not n:
            return distribution(())
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
        """`quantile(sorted scores, p)`."""
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
        """`placement(values, score)`; the scores counted include `score`."""
        if score is None:
            return Placement(score=None)
        below = sum(count for x, count in self.counts.items() if x < score)
        above = sum(count for x, count in self.counts.items() if x > score)
        equal = self.n - below - above
        return Placement(score=score, percentile_rank=rounded_score(100 * (below + equal / 2) / self.n),
                         below=below, tied=equal - 1, above=above)


# ---------------------------------------------------------------------------------------------
# Records: what the loader keeps of each answers file


class QuestionnaireScores(NamedTuple):
    """One questionnaire's numbers from one answers file: raw (unrounded) section scores in questionnaire
    order, and the raw questionnaire score and stage reached that `scoring.summarise` derives from them."""

    questionnaire: str
    sections: tuple[float | None, ...]
    score: float | None
    reached: int | None
    answered: int
    asked: int
    flags: tuple[int, ...] = ()  # each section's `scoring.section_flags`, for the stage rule


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
    kind: str | None = None  # a policy, selection, score card or questionnaire: skipped, not failed


Outcome = AssessmentRecord | LoadFailure
# One questionnaire of one counted answers file: the file's record and that questionnaire's scores in it.
Counted = tuple[AssessmentRecord, QuestionnaireScores]


def company_key(name: str) -> str:
    """Company names match by `inert.name_key` ("ACME  corp" is "Acme Corp", with or without a zero-width space)."""
    return name_key(name)


class Companies:
    """Company keys numbered 0, 1, 2... in the order first seen, without a Python object per company: the keys'
    UTF-8 bytes one after the other in one buffer, and an open-addressing hash table of company numbers in an
    array (a dict of 20,000 keys would hold 20,000 strings and 20,000 numbers: some 150 bytes a company,
    against about 45 here)."""

    def __init__(self) -> None:
        self._blob = bytearray()
        self._ends = Column("i")  # where each key ends in the blob; it starts where the one before ends
        self._slots = array("i", [-1]) * 8  # company number, -1: free
        self._mask = 7

    def __len__(self) -> int:
        return len(self._ends)

    def key(self, number: int) -> bytes:
        ends = self._ends
        return bytes(self._blob[ends.get(number - 1) if number else 0:ends.get(number)])

    def _find(self, data: bytes) -> int:
        """The slot of `data`'s number, or the free slot where it would go."""
        slots, mask = self._slots, self._mask
        slot = hash(data) & mask
        while (number := slots[slot]) >= 0 and self.key(number) != data:
            slot = (slot + 1) & mask
        return slot

    def get(self, key: str) -> int | None:
        number = self._slots[self._find(key.encode("utf-8"))]
        return number if number >= 0 else None

    def number(self, key: str) -> int:
        """The company's number, a new one for a key not seen before."""
        data = key.encode("utf-8")
        slot = self._find(data)
        number = self._slots[slot]
        if number >= 0:
            return number
        number = len(self._ends)
        self._blob += data
        self._ends.grow(number + 1)
        self._ends.set(number, len(self._blob))
        self._slots[slot] = number
        if 2 * len(self._ends) > len(self._slots):  # at most half full: short probes
            self._slots = array("i", [-1]) * (2 * len(self._slots))
            self._mask = len(self._slots) - 1
            for known in range(len(self._ends)):
                self._slots[self._find(self.key(known))] = known
        return number


BLOCK_SHIFT = 10
BLOCK = 1 << BLOCK_SHIFT  # rows a block of a column holds


_WIDER = {"b": "h", "h": "i", "i": "q"}  # array type codes of whole numbers, each the next wider


class Column:
    """A column of numbers, `width` of them per row, stored in blocks of BLOCK rows allocated whole. It grows
    without ever copying itself: one array would, by a little each time it outgrew its buffer, and leave the
    old buffer behind in the heap (with 50,000 files, megabytes of peak memory). A column of whole numbers
    starts narrow (`code` "h": two bytes) and is widened the first time a number does not fit."""

    __slots__ = ("_blank", "_blocks", "_fill", "_rows", "_width")

    def __init__(self, code: str, width: int = 1, fill: float = 0) -> None:
        self._width = width
        self._fill = fill
        self._blank = array(code, [fill]) * (BLOCK * width)
        self._blocks: list[array[Any]] = []
        self._rows = 0

    def _widen(self) -> None:
        code = _WIDER[self._blank.typecode]
        self._blank = array(code, [self._fill]) * (BLOCK * self._width)
        self._blocks = [array(code, block) for block in self._blocks]

    def __len__(self) -> int:
        return self._rows

    def grow(self, rows: int) -> None:
        """Make room for `rows` rows; new rows hold the fill value."""
        while len(self._blocks) * BLOCK < rows:
            self._blocks.append(self._blank[:])
        self._rows = max(self._rows, rows)

    def get(self, row: int, index: int = 0) -> Any:
        return self._blocks[row >> BLOCK_SHIFT][(row & (BLOCK - 1)) * self._width + index]

    def set(self, row: int, value: Any) -> None:
        try:
            self._blocks[row >> BLOCK_SHIFT][row & (BLOCK - 1)] = value
        except OverflowError:
            self._widen()
            self.set(row, value)

    def row(self, row: int) -> array[Any]:
        start = (row & (BLOCK - 1)) * self._width
        return self._blocks[row >> BLOCK_SHIFT][start:start + self._width]

    def set_row(self, row: int, values: array[Any]) -> None:
        start = (row & (BLOCK - 1)) * self._width
        self._blocks[row >> BLOCK_SHIFT][start:start + self._width] = values

    def values(self, rows: Iterable[int], index: int = 0) -> Iterator[Any]:
        """The `index`th number of each of `rows`."""
        blocks, width = self._blocks, self._width
        for row in rows:
            yield blocks[row >> BLOCK_SHIFT][(row & (BLOCK - 1)) * width + index]


class Table:
    """One questionnaire's counted assessments, a row per company (per company and date with --all-dates),
    kept column by column as numbers: the company (its number in the portfolio), its segment (indexes into
    the portfolio's list of segment values), the date, and the scores: about 100 bytes a row for ten
    sections, so memory stays small for large portfolios. Company names and file paths are kept only when
    asked for (`names`): the statistics do not need them, only the focus company, the row listing and the
    "did you mean" of an unknown company do.

    A row holds one answers file's numbers; further respondents of the same company on the same date
    are kept whole in `more` (they are few)."""

    def __init__(self, questionnaire: str, width: int, names: bool = True,
                 texts: list[str | None] | None = None) -> None:
        self.questionnaire = questionnaire
        self.width = width  # sections
        self.names = names
        self.texts: list[str | None] = texts if texts is not None else [None]  # segment values; 0: none
        self.row_of = Column("h")  # company number -> its row + 1 (0: none yet); latest assessments only
        self.groups: dict[tuple[int, int], int] = {}  # (company number, date) -> row, with all dates
        self.company = Column("h")  # company number
        self.companies: list[str] = []  # with `names` only, as are `files`
        self.files: list[str] = []
        self.industries = Column("h")  # index into `texts`
        self.sizes = Column("h")
        self.dates = Column("i")  # proleptic ordinals
        self.sections = Column("d", width, math.nan)  # NaN: section not assessed
        self.flags = Column("b", width)  # each section's `scoring.section_flags`
        self.scores = Column("d", 1, math.nan)  # NaN: nothing assessed
        self.reached = Column("b")  # 0: not a staged questionnaire (stages are numbered up to 100)
        self.answered = Column("h")
        self.asked = Column("h")
        self._columns = (self.company, self.industries, self.sizes, self.dates, self.sections, self.flags,
                         self.scores, self.reached, self.answered, self.asked)
        self.more: dict[int, list[Counted]] = {}

    def __len__(self) -> int:
        return len(self.company)

    def industry(self, row: int) -> str | None:
        return self.texts[int(self.industries.get(row))]

    def size(self, row: int) -> str | None:
        return self.texts[int(self.sizes.get(row))]

    def _put(self, row: int, company: int, record: AssessmentRecord, scores: QuestionnaireScores, industry: int,
             size: int) -> None:
        """Write a file's scores into a row: a new one at the end, or over a superseded one."""
        if row == len(self.company):
            for column in self._columns:
                column.grow(row + 1)
            if self.names:
                self.companies.append(record.company)
                self.files.append(record.file)
        elif self.names:
            self.companies[row] = record.company
            self.files[row] = record.file
        self.company.set(row, company)
        self.industries.set(row, industry)
        self.sizes.set(row, size)
        self.dates.set(row, record.assessed_on.toordinal())
        self.sections.set_row(row, array("d", [math.nan if x is None else x for x in scores.sections]))
        self.flags.set_row(row, array("b", scores.flags or [0] * self.width))
        self.scores.set(row, math.nan if scores.score is None else scores.score)
        self.reached.set(row, scores.reached or 0)
        self.answered.set(row, scores.answered)
        self.asked.set(row, scores.asked)

    def add(self, company: int, record: AssessmentRecord, scores: QuestionnaireScores, all_dates: bool,
            industry: int = 0, size: int = 0) -> int:
        """Count a file's scores of this questionnaire for company number `company` (`industry` and `size`:
        indexes into `texts`); returns how many counted ones it superseded (or 1 if it is itself older)."""
        date = record.assessed_on.toordinal()
        row: int | None
        if all_dates:
            row = self.groups.get((company, date))
            if row is None:
                self.groups[(company, date)] = len(self)
        else:
            self.row_of.grow(company + 1)
            row = self.row_of.get(company) - 1
            if row < 0:
                row = None
                self.row_of.set(company, len(self) + 1)
        if row is None:
            self._put(len(self), company, record, scores, industry, size)
            return 0
        if date == self.dates.get(row):
            self.more.setdefault(row, []).append((record, scores))
            return 0
        if date < self.dates.get(row):
            return 1
        superseded = 1 + len(self.more.pop(row, []))
        self._put(row, company, record, scores, industry, size)
        return superseded

    def entry(self, row: int) -> Counted:
        """The first answers file of a row, rebuilt from the columns (its record holds this questionnaire only)."""
        score = self.scores.get(row)
        scores = QuestionnaireScores(
            questionnaire=self.questionnaire,
            sections=tuple(None if math.isnan(x) else x for x in self.sections.row(row)),
            score=None if math.isnan(score) else score, reached=self.reached.get(row) or None,
            answered=self.answered.get(row), asked=self.asked.get(row), flags=tuple(self.flags.row(row)),
        )
        record = AssessmentRecord(
            file=self.files[row] if self.names else "", company=self.companies[row] if self.names else "",
            assessed_on=dt.date.fromordinal(self.dates.get(row)), lens="company", industry=self.industry(row),
            size=self.size(row), questionnaires=(scores,),
        )
        return record, scores

    def entries(self, row: int) -> list[Counted]:
        """Every answers file counted in a row: the first, then further respondents on the same date."""
        return [self.entry(row), *self.more.get(row, ())]


@dataclass
class Portfolio:
    """Accumulates outcomes as they stream in, keeping only each company's latest assessment of each
    questionnaire (all of them with `all_dates`). Feed it outcomes in a fixed order (the loader's file
    order) and the result does not depend on how the files were shared between processes.

    `names`: keep each row's company name and file path (needed for `--company` and the row listing)."""

    all_dates: bool = False
    names: bool = True
    files: int = 0
    scored: int = 0
    failed: list[LoadFailure] = field(default_factory=list)
    skipped: list[LoadFailure] = field(default_factory=list)  # files of another kind (`LoadFailure.kind`)
    earlier: int = 0
    customer_lens: int = 0
    tables: dict[str, Table] = field(default_factory=dict)
    companies: Companies = field(default_factory=Companies)  # company key -> company number
    # each segment value once (index 0: none), rows hold its index
    texts: list[str | None] = field(default_factory=lambda: [None])
    _text_index: dict[str, int] = field(default_factory=dict)

    def _text(self, text: str | None) -> int:
        if text is None:
            return 0
        index = self._text_index.get(text)
        if index is None:
            index = self._text_index[text] = len(self.texts)
            self.texts.append(text)
        return index

    def add(self, outcome: Outcome) -> None:
        self.files += 1
        if isinstance(outcome, LoadFailure):
            (self.failed if outcome.kind is None else self.skipped).append(outcome)
            return
        self.scored += 1
        if outcome.lens != "company":
            self.customer_lens += 1
            return
        if not outcome.questionnaires:
            return
        key = company_key(outcome.company)
        number = self.companies.number(key)
        industry, size = self._text(outcome.industry), self._text(outcome.size)
        for q in outcome.questionnaires:
            table = self.tables.get(q.questionnaire)
            if table is None:
                table = self.tables[q.questionnaire] = Table(q.questionnaire, len(q.sections), self.names, self.texts)
            self.earlier += table.add(number, outcome, q, self.all_dates, industry, size)


# ---------------------------------------------------------------------------------------------
# From the portfolio to the result


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
