"""The portfolio in memory: each questionnaire's counted assessments as columns of numbers, one row a company."""

from __future__ import annotations

import datetime as dt
import math
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from crmcheck.benchmark.records import AssessmentRecord, Counted, LoadFailure, Outcome, QuestionnaireScores
from crmcheck.inert import name_key


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
