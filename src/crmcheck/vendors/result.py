"""The vendor-selection result model: what every format of `crmcheck vendors report` is rendered from."""

# Field annotations are real objects here, not strings (no `from __future__ import annotations`): pydantic would
# evaluate each string with eval() at every start (tests/test_model_annotations.py).

from typing import Literal

from pydantic import BaseModel


class RequirementInfo(BaseModel):
    id: str
    text: str
    group: str
    core: bool
    weight: float
    deal_breaker: bool


class EvaluatorScore(BaseModel):
    evaluator: str
    score: int | None  # None: the evaluator marked it n/a
    note: str | None = None


class Cell(BaseModel):
    """One vendor on one requirement, over every evaluator who scored it."""

    requirement: str
    scored: int  # evaluators who gave a score (n/a and blanks left out)
    not_applicable: int
    mean: float | None
    low: int | None
    high: int | None
    spread: int | None
    disagreement: bool
    scores: list[EvaluatorScore]


class Exclusion(BaseModel):
    requirement: str
    reason: str


class CostLine(BaseModel):
    item: str
    five_year: float


class VendorResult(BaseModel):
    id: str
    name: str
    rank: int | None  # None: excluded, or nothing scored
    fit: float | None  # 0..100, one decimal
    tco: float  # five-year total cost of ownership
    costs: list[CostLine]
    fit_per_100k: float | None  # fit points per 100,000 of five-year TCO
    excluded: bool
    exclusions: list[Exclusion]
    scored_requirements: int
    unscored: list[str]  # requirement ids no evaluator scored for this vendor
    cells: list[Cell]


class Sensitivity(BaseModel):
    """The smallest change to one requirement's weight that puts another vendor first."""

    leader: str
    requirement: str
    weight: float
    new_weight: float
    change_percent: float  # signed: negative when the weight goes down; 0 when any change one way is enough
    direction: Literal["raise", "lower"]
    new_leader: str


class Disagreement(BaseModel):
    vendor: str
    requirement: str
    spread: int
    low: int
    high: int
    disagreement: bool


class VendorReport(BaseModel):
    format: int = 1
    company: str
    title: str | None
    currency: str | None
    core_minimum: float
    evaluators: list[str]
    requirements: list[RequirementInfo]
    vendors: list[VendorResult]  # in ranking order: ranked first, then excluded or unscored
    leader: str | None
    sensitivity: Sensitivity | None
    disagreements: list[Disagreement]  # the widest spreads first
    unscored_requirements: list[str]  # requirements no evaluator scored for any vendor
