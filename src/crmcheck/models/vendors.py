"""Selection and score-card files (format 1): the strict models of what they hold (vendors/files.py loads them)."""

# Field annotations are real objects here, not strings (no `from __future__ import annotations`): pydantic would
# evaluate each string with eval() at every start (tests/test_model_annotations.py).

from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field, field_validator, model_validator

from crmcheck.answers.model import Date
from crmcheck.models.base import Id, OptionalText, Strict, Text, Weight

YEARS = 5  # the total cost of ownership covers five years, as the selection method asks
MAX_SCORE = 5
NOT_APPLICABLE = "n/a"
MAX_MONEY = 10**12  # far beyond any CRM budget; keeps sums exact in floats and printable as written
Money = Annotated[float, Field(ge=0, le=MAX_MONEY, allow_inf_nan=False)]


class Requirement(Strict):
    id: Id
    text: Text
    group: Text = "General"
    core: bool = False
    weight: Weight = 1


class AddOn(Strict):
    """A vendor or partner add-on: a yearly fee, a one-off fee, or both."""

    name: Text
    per_year: Money = 0
    once: Money = 0


class Costs(Strict):
    licences_per_year: Money
    implementation: Money = 0
    training: Money = 0
    add_ons: list[AddOn] = Field(default_factory=list)

    def five_year_total(self) -> float:
        return (YEARS * self.licences_per_year + self.implementation + self.training
                + sum(YEARS * a.per_year + a.once for a in self.add_ons))


class Vendor(Strict):
    id: Id
    name: Text
    costs: Costs


class SelectionFile(Strict):
    format: Literal[1]
    company: Text
    title: OptionalText = None
    currency: Annotated[OptionalText, Field(max_length=12)] = None  # a code or symbol shown beside amounts
    core_minimum: float = Field(default=0, ge=0, le=MAX_SCORE, allow_inf_nan=False)
    requirements: list[Requirement] = Field(min_length=1)
    vendors: list[Vendor] = Field(min_length=1)
    deal_breakers: list[Id] = Field(default_factory=list)

    @field_validator("deal_breakers", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return [] if value is None else value


def _score_value(value: Any) -> Any:
    """A score as written: 0..5 or n/a; booleans and text other than n/a are not scores."""
    if isinstance(value, str) and value.strip().lower() == NOT_APPLICABLE:
        return NOT_APPLICABLE
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"a score is a whole number from 0 to {MAX_SCORE}, or n/a")
    if not 0 <= value <= MAX_SCORE:
        raise ValueError(f"a score is from 0 to {MAX_SCORE}, or n/a; got {value}")
    return value


ScoreValue = Annotated[int | Literal["n/a"], BeforeValidator(_score_value)]


class Score(Strict):
    score: ScoreValue
    note: OptionalText = None


def _expand(value: Any) -> Any:
    """`requirement: 4` is short for `requirement: {score: 4}`; a vendor with nothing scored yet is empty."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        return value
    return {key: item if isinstance(item, dict | BaseModel) else {"score": item} for key, item in value.items()}


VendorScores = Annotated[dict[str, Score], BeforeValidator(_expand)]


class ScoreCard(Strict):
    format: Literal[1]
    evaluator: Text
    role: OptionalText = None
    scored_on: Date | None = None
    scores: dict[str, VendorScores] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _none_scores(cls, value: Any) -> Any:
        if isinstance(value, dict) and value.get("scores", {}) is None:
            return {**value, "scores": {}}
        return value
