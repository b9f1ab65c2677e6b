"""The result model: every report format is rendered from these, never from raw answers."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from crmcheck.models.answers import Respondent, Segment

RESULT_FORMAT = 1
Risk = Literal["high", "medium", "low"]
Status = Literal["answered", "n/a", "unanswered"]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class QuestionResult(Model):
    id: str
    text: str
    type: str
    status: Status
    answer: str | None = None
    value: Any = None
    score: float | None = None
    weight: float = 1
    critical: bool = False
    dimension: str | None = None
    note: str | None = None
    evidence: str | None = None
    reason: str | None = None
    recommendation: str | None = None


class SectionResult(Model):
    id: str
    title: str
    weight: float = 1
    stage: int | None = None
    score: float | None
    level: int | None
    level_name: str | None
    risk: Risk | None
    target: int | None
    gap: int | None
    completeness: float
    answered: int
    scored_questions: int
    not_applicable: int
    questions: list[QuestionResult]


class Recommendation(Model):
    question: str
    section: str
    questionnaire: str
    priority: float
    text: str
    question_text: str
    score: float | None


class StageScore(Model):
    number: int
    id: str
    name: str
    score: float | None
    has_evidence: bool
    passed: bool


class NextStep(Model):
    question: str
    text: str
    recommendation: str | None = None


class StageResult(Model):
    reached: int
    name: str
    target: int
    gap: int
    pass_mark: float
    stages: list[StageScore]
    dimensions: dict[str, int]
    matrix: dict[str, dict[int, float | None]] = Field(
        default_factory=dict, description="dimension -> stage number -> score over that dimension's questions"
    )
    next_steps: list[NextStep]


class NotApplicable(Model):
    question: str
    reason: str | None


class LevelBand(Model):
    """One maturity level of a questionnaire: scores from `min` up to the next band's min."""

    level: int
    name: str
    min: float


class QuestionnaireResult(Model):
    id: str
    title: str
    version: int
    kind: Literal["scored", "staged"]
    source: str
    score: float | None
    level: int | None
    level_name: str | None
    completeness: float
    sections: list[SectionResult]
    recommendations: list[Recommendation]
    stage: StageResult | None = None
    unanswered: list[str]
    not_applicable: list[NotApplicable]
    levels: list[LevelBand] = Field(
        default_factory=list, description="the questionnaire's maturity levels, so reports can draw targets as scores"
    )


class AssessmentResult(Model):
    format: int = RESULT_FORMAT
    company: str
    assessed_on: dt.date
    assessor: str | None = None
    respondent: Respondent | None = None
    segment: Segment | None = None
    questionnaires: list[QuestionnaireResult]

    def top_recommendations(self, limit: int) -> list[Recommendation]:
        """The highest-priority recommendations across every questionnaire."""
        merged = [r for q in self.questionnaires for r in q.recommendations]
        return sorted(merged, key=lambda r: -r.priority)[:limit]
