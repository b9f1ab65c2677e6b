"""The result model: every report format is rendered from these, never from raw answers."""

# Field annotations are real objects here, not strings (no `from __future__ import annotations`): pydantic would
# evaluate each string with eval() at every start (tests/test_model_annotations.py).

import datetime as dt
from typing import Any, Literal

from pydantic import ConfigDict, Field

from crmcheck.answers.model import Respondent, Segment
from crmcheck.models.plan_view import ActionView, PlanEffect, PlanSummary
from crmcheck.models.trusted import Trusted

RESULT_FORMAT = 1
Risk = Literal["high", "medium", "low"]
Status = Literal["answered", "n/a", "unanswered"]
StageStatus = Literal["passed", "failed", "not assessed", "not applicable"]


class Model(Trusted):
    """Built by our own scoring from checked data: keyword construction is not validated again (models.trusted)."""

    model_config = ConfigDict(extra="forbid", defer_build=True)


class IndividualAnswer(Model):
    """One respondent's answer to one question, shown only when asked for (--show-respondents)."""

    respondent: str
    answer: str | None
    score: float | None
    note: str | None = None
    evidence: str | None = None


class NotEvidenced(Model):
    """A self-assessed answer at 75 or above that cites no evidence (self-scoring inflation)."""

    question: str
    text: str
    score: float | None = Field(description="the answer's score, or the mean score with several respondents")
    answers: int = Field(default=1, description="answers at 75 or above without evidence")
    respondents: int = Field(default=1, description="respondents who answered the question")
    evidence_request: str | None = Field(default=None, description="what the assessor asks to see for it")


class Contradicted(Model):
    """An answer that differs from the value measured from the company's data by more than the metric's tolerance
    (`crmcheck measure --write` records the measured value in the answers file)."""

    question: str
    text: str
    answer: float
    measured: float
    tolerance: float
    unit: str
    metric: str
    source: str


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
    anchors: dict[str, str] | None = Field(default=None, description=(
        "what each answer looks like for this question: the answer as reports show it -> its anchor"))
    evidence_request: str | None = Field(default=None, description="what the assessor asks to see to evidence it")
    profile: bool = Field(default=False, description="a profile question (scored: false): counted, never scored")
    # set only when several respondents are aggregated (scores 0-100, like `score`)
    respondents: int | None = Field(default=None, description="respondents whose answer counts in the mean")
    score_min: float | None = None
    score_max: float | None = None
    disagreement: bool = Field(default=False, description="respondents' scores differ by more than half the scale")
    individual: list[IndividualAnswer] | None = Field(
        default=None, description="each respondent's answer; only with --show-respondents")
    measured: float | None = Field(default=None, description="the value `crmcheck measure` recorded for it")
    measured_source: str | None = None
    contradicted: bool = Field(default=False, description="the answer differs from the measured value beyond "
                               "the metric's tolerance")


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
    not_evidenced: list[NotEvidenced] = Field(default_factory=list)
    actions: list[ActionView] = Field(default_factory=list, description="the plan's actions for this section (--plan)")
    provisional: bool = Field(default=False, description=(
        "the score rests on less than half of the section's scored questions (answer cells with several "
        "respondents): shown as provisional, never compared"))
    contradicted: list[Contradicted] = Field(default_factory=list, description="answers contradicted by data")


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
    status: StageStatus = Field(default="passed", description=(
        "passed | failed | not assessed (no answers yet) | not applicable (every question n/a)"))
    reason: str = Field(default="", description="why the stage has its status, in words")


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
    matrix_status: dict[str, dict[int, StageStatus]] = Field(
        default_factory=dict, description="dimension -> stage number -> that dimension's status at that stage")
    stopped_at: int | None = Field(default=None, description=(
        "the stage above the reached one that stopped the climb (failed or not assessed); null when none did"))
    next_stage: int | None = Field(default=None, description=(
        "the stage next_steps come from: the first above the reached one that is not 'not applicable'"))
    climb: str = Field(default="", description="one sentence on how far the climb went and what stopped it")


class ProfileOption(Model):
    """One option of a profile question: how many respondents chose it, and their share of those who answered."""

    id: str
    label: str
    count: int
    share: float | None = Field(description="count / answered, from 0 to 1; null when nobody answered")


class ProfileAnswer(Model):
    """One distinct answer given to a profile question (a checklist's answer is its set of options), and how often."""

    options: list[str]
    count: int


class ProfileQuestion(Model):
    """A profile question (`scored: false`): its answers counted, never scored."""

    question: str
    section: str
    text: str
    type: str
    answered: int = Field(description="respondents who gave an answer other than n/a")
    not_applicable: int
    options: list[ProfileOption]
    answers: list[ProfileAnswer] = Field(description="each distinct answer and its count, most common first")
    most_common: list[list[str]] = Field(
        description="the most common answer (several when tied), each as its list of option ids")


class ProfileLensOption(Model):
    """One option of a profile question with each lens's count and share."""

    id: str
    label: str
    company_count: int
    company_share: float | None
    customer_count: int
    customer_share: float | None


class ProfileComparison(Model):
    """A profile question seen through both lenses, side by side, with how far customers agree with the company."""

    question: str
    section: str
    text: str
    company_answered: int
    customer_answered: int
    options: list[ProfileLensOption]
    company_answer: list[list[str]] = Field(description="the company's most common answers (more than one when tied)")
    agreement: float | None = Field(description=(
        "share of customers (0 to 1) whose answer matches the company's most common answer (any of them when "
        "tied); null when either side gave no answer"))


class NotApplicable(Model):
    question: str
    reason: str | None


class LevelBand(Model):
    """One maturity level of a questionnaire: scores from `min` up to the next band's min."""

    level: int
    name: str
    min: float


class RiskBandsResult(Model):
    """Where risk changes: a section scoring below `high` is high risk, below `medium` medium risk."""

    high: float
    medium: float


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
    risk_bands: RiskBandsResult | None = Field(
        default=None, description="the questionnaire's risk bands (scored kind), so reports can explain risk"
    )
    lens: str | None = Field(default=None, description="whose view, when several respondents are aggregated")
    respondents: int | None = Field(default=None, description="respondents aggregated into this result")
    profile: list[ProfileQuestion] = Field(
        default_factory=list, description="profile questions (scored: false): answers counted, never scored")
    provisional: bool = Field(default=False, description=(
        "the score rests on less than half of the questionnaire's scored questions (answer cells with several "
        "respondents): shown as provisional, never compared"))
    finished: int | None = Field(default=None, description=(
        "with several respondents: how many answered every scored question of this questionnaire (or marked it n/a)"))


class GapLine(Model):
    """One section or question seen through both lenses: company score − customer score (0-100)."""

    id: str
    section: str
    title: str
    company: float | None
    customer: float | None
    gap: float | None
    provisional: bool = Field(default=False, description=(
        "a section whose company or customer score is provisional (under half its answer cells answered)"))


class PerceptionGap(Model):
    """Where the company's view of itself and its customers' view differ, largest gap first."""

    questionnaire: str
    title: str
    company: float | None
    customer: float | None
    gap: float | None
    company_respondents: int
    customer_respondents: int
    sections: list[GapLine]
    questions: list[GapLine]
    profile: list[ProfileComparison] = Field(
        default_factory=list, description="profile questions, both lenses side by side, with the agreement")
    compared: int | None = Field(default=None, description=(
        "how many scored questions both lenses are asked: the gap compares only these"))
    context: str | None = Field(default=None, description=(
        "the source's own figures on the gap (the questionnaire's gap_context): context, not a benchmark"))


class RespondentEntry(Model):
    lens: str
    label: str
    name: str | None = None
    role: str | None = None
    file: str


class LensRespondents(Model):
    """Who answered through one lens: a count, and the people only with --show-respondents."""

    lens: str
    count: int = Field(description="respondents counted in the report")
    people: list[RespondentEntry] | None = None
    finished: int = Field(default=0, description=(
        "of those counted, how many answered every scored question (or marked it n/a)"))
    left_out: int = Field(default=0, description="respondents left out for answering less than --min-answered")


Presence = Literal["both", "added", "removed"]
Trend = Literal["improved", "declined", "unchanged", "not comparable"]


class LevelChange(Model):
    """A maturity level (or a stage reached) before and after; `change` is after minus before."""

    before: int | None
    after: int | None
    before_name: str | None = None
    after_name: str | None = None
    change: int | None


class AnswerChange(Model):
    """A question whose answer (or answer status) differs between the two assessments."""

    question: str = Field(description="full id in the newer questionnaire")
    previous_id: str | None = Field(default=None, description="its id in the baseline when it was renamed")
    text: str
    before: str | None = Field(description="the answer as shown in reports; null when unanswered")
    after: str | None
    score_before: float | None
    score_after: float | None


class RenamedQuestion(Model):
    previous_id: str
    question: str


class SectionChange(Model):
    id: str
    title: str
    presence: Presence
    stage: int | None = None
    score_before: float | None
    score_after: float | None
    score_change: float | None
    level: LevelChange
    risk_before: Risk | None
    risk_after: Risk | None
    completeness_before: float | None
    completeness_after: float | None
    trend: Trend
    provisional_before: bool = Field(default=False, description="provisional in the baseline: not compared")
    provisional_after: bool = Field(default=False, description="provisional now: not compared")


class StageChange(Model):
    reached: LevelChange
    dimensions: dict[str, LevelChange]


class Regression(Model):
    """A change the default policy and `compare --fail-on-regression` count as a step back."""

    questionnaire: str
    section: str | None
    kind: Literal["level", "stage", "risk", "missing"]
    text: str


class QuestionnaireChange(Model):
    id: str
    title: str
    kind: Literal["scored", "staged"]
    presence: Presence
    version_before: int | None
    version_after: int | None
    score_before: float | None
    score_after: float | None
    score_change: float | None
    level: LevelChange
    completeness_before: float | None
    completeness_after: float | None
    stage: StageChange | None = None
    sections: list[SectionChange]
    answers_changed: list[AnswerChange]
    questions_added: list[str]
    questions_removed: list[str]
    questions_renamed: list[RenamedQuestion]
    provisional_before: bool = Field(default=False, description="provisional in the baseline: not compared")
    provisional_after: bool = Field(default=False, description="provisional now: not compared")


class NotComparable(Model):
    """A questionnaire or section left out of the comparison because a score on either side is provisional."""

    questionnaire: str
    section: str | None
    text: str


class Comparison(Model):
    """What changed between a baseline assessment and a later one of the same company."""

    company: str
    baseline_on: dt.date
    assessed_on: dt.date
    days_between: int
    questionnaires: list[QuestionnaireChange]
    regressions: list[Regression]
    plan_effects: list[PlanEffect] = Field(default_factory=list, description=(
        "with --plan: each section's actions set against how its level changed"))
    not_comparable: list[NotComparable] = Field(default_factory=list, description=(
        "provisional scores (under half the questions answered) on either side: never counted as a regression"))


class AssessmentResult(Model):
    format: int = RESULT_FORMAT
    company: str
    assessed_on: dt.date
    assessor: str | None = None
    respondent: Respondent | None = None
    segment: Segment | None = None
    questionnaires: list[QuestionnaireResult]
    comparison: Comparison | None = Field(default=None, description="the change since a baseline, when one is given")
    respondents: list[LensRespondents] = Field(
        default_factory=list, description="with several answers files: who answered, by lens")
    perception_gaps: list[PerceptionGap] = Field(default_factory=list)
    plan: PlanSummary | None = Field(default=None, description="the improvement plan read beside it (--plan)")
    min_answered: float | None = Field(default=None, description=(
        "--min-answered as a fraction from 0 to 1: respondents who answered less were left out"))

    def top_recommendations(self, limit: int) -> list[Recommendation]:
        """The highest-priority recommendations across every questionnaire."""
        merged = sorted((r for q in self.questionnaires for r in q.recommendations), key=lambda r: -r.priority)
        # with several lenses the same question can be recommended once per lens: keep its highest priority
        seen: set[tuple[str, str]] = set()
        unique = []
        for r in merged:
            if (r.questionnaire, r.question) not in seen:
                seen.add((r.questionnaire, r.question))
                unique.append(r)
        return unique[:limit]
