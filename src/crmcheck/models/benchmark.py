"""The benchmark result model: portfolio statistics that every benchmark format is rendered from."""

# Field annotations are real objects here, not strings (no `from __future__ import annotations`): pydantic would
# evaluate each string with eval() at every start (tests/test_model_annotations.py).

import datetime as dt
from typing import Literal

from pydantic import Field

from crmcheck.models.result import Model

BENCHMARK_FORMAT = 1
SegmentField = Literal["industry", "size"]

STANDARD_DEVIATION = "sample standard deviation (divides by n - 1); none for a single company"
QUARTILES = ("linear interpolation between closest ranks, inclusive method (Excel QUARTILE.INC, numpy's default, "
             "Python statistics.quantiles method='inclusive')")
PERCENTILE_RANK = ("100 x (companies below + half of the companies with the same score, the company itself "
                   "included) / companies; ties share the middle rank")
SCORES_USED = "each company's scores as reports show them (one decimal); statistics rounded to one decimal"


class Methods(Model):
    """How the statistics are computed, spelled out in every JSON output."""

    standard_deviation: str = STANDARD_DEVIATION
    quartiles: str = QUARTILES
    percentile_rank: str = PERCENTILE_RANK
    scores: str = SCORES_USED


class Distribution(Model):
    """Count, mean, spread and quartiles of one score across the companies of a segment."""

    count: int
    mean: float | None
    sd: float | None
    min: float | None
    q1: float | None
    median: float | None
    q3: float | None
    max: float | None


class Placement(Model):
    """Where the chosen company's score sits among its peers (the company counts as one of them)."""

    score: float | None
    percentile_rank: float | None = None
    below: int = 0
    tied: int = Field(0, description="other companies with exactly the same score")
    above: int = 0


class SectionBenchmark(Model):
    id: str
    title: str
    stage: int | None = None
    distribution: Distribution
    company: Placement | None = None


class StageCount(Model):
    number: int
    name: str
    count: int
    share: float = Field(description="fraction of the companies, 0 to 1")


class StagePlacement(Model):
    reached: int = Field(description="the stage the company's assessment reached")
    name: str
    percentile_rank: float = Field(description="as a score's, by stage reached: ties share the middle rank")
    lower: int = Field(description="other companies at a lower stage")
    same: int = Field(description="other companies at the same stage")
    higher: int = Field(description="other companies at a higher stage")


class StageDistribution(Model):
    stages: list[StageCount]
    company: StagePlacement | None = None


class QuestionnaireBenchmark(Model):
    id: str
    title: str
    version: int
    kind: Literal["scored", "staged"]
    companies: int = Field(description="assessments counted: one per company unless --all-dates")
    score: Distribution
    company: Placement | None = None
    sections: list[SectionBenchmark]
    stage: StageDistribution | None = None


class SegmentBenchmark(Model):
    by: SegmentField | None = None
    name: str | None = Field(None, description="the segment value; null for the whole portfolio")
    companies: int
    questionnaires: list[QuestionnaireBenchmark]


class CompanyAssessment(Model):
    """The chosen company's counted assessment of one questionnaire."""

    questionnaire: str
    assessed_on: dt.date
    files: list[str]
    industry: str | None = None
    size: str | None = None


class CompanyFocus(Model):
    name: str
    assessments: list[CompanyAssessment]


class FailedFile(Model):
    file: str
    errors: list[str]


class SkippedFile(Model):
    """A crmcheck file of another kind found among the answers files: left out, as `validate` tells kinds apart."""

    file: str
    kind: str = Field(description="questionnaire, policy, selection or card")


class LeftOut(Model):
    """Scored assessments that the statistics do not count, and why."""

    earlier: int = Field(0, description="questionnaire assessments superseded by a later one of the same company")
    customer_lens: int = Field(0, description="answers files in the customer lens (customers rating a company)")


class AssessmentRow(Model):
    """One counted assessment of one questionnaire, as one line of jsonl output."""

    file: str
    company: str
    assessed_on: dt.date
    industry: str | None
    size: str | None
    questionnaire: str
    version: int
    score: float | None
    level: int | None
    level_name: str | None
    stage: int | None
    stage_name: str | None
    completeness: float
    sections: dict[str, float | None]


class BenchmarkResult(Model):
    format: int = BENCHMARK_FORMAT
    files: int = Field(description="answers files found")
    scored: int = Field(description="answers files loaded and scored")
    companies: int
    all_dates: bool = False
    by: SegmentField | None = None
    company: CompanyFocus | None = None
    segments: list[SegmentBenchmark]
    failed: list[FailedFile] = Field(default_factory=list)
    skipped: list[SkippedFile] = Field(default_factory=list, description="policies, selections, score cards and "
                                       "questionnaires found among the files: left out")
    left_out: LeftOut = Field(default_factory=LeftOut)
    methods: Methods = Field(default_factory=Methods)
    rows: list[AssessmentRow] = Field(default_factory=list, description="filled only for jsonl output")
