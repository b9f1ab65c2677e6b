"""Questionnaire format 1 as models: scales, levels, stages, sections, questions, options, and their wording."""

# Field annotations are real objects here, not strings (no `from __future__ import annotations`): pydantic would
# evaluate each string with eval() at every start (tests/test_model_annotations.py).

from functools import cached_property
from typing import Any, Literal

from pydantic import Field, PrivateAttr

from crmcheck.models.base import (
    MAX_BAND_MIN,
    MAX_LEVEL,
    MAX_SCALE_VALUE,
    MAX_VERSION,
    Id,
    OptionalText,
    Score,
    Strict,
    Text,
    Weight,
)

QuestionType = Literal["scale", "yes_no", "choice", "checklist", "number", "text"]
Lens = Literal["company", "customer"]
SCORED_TYPES = frozenset({"scale", "yes_no", "choice", "checklist", "number"})
PROFILE_TYPES = frozenset({"choice", "checklist"})  # the types that may say `scored: false`
PERCENT_RANGE = (0.0, 100.0)  # the range of a number question with unit "%" unless min/max say otherwise


class ScaleLevel(Strict):
    value: int = Field(ge=-MAX_SCALE_VALUE, le=MAX_SCALE_VALUE)
    label: Text
    score: Score


class Level(Strict):
    level: int = Field(ge=1, le=MAX_LEVEL)
    name: Text
    min: float = Field(ge=0, le=100, allow_inf_nan=False)


class RiskBands(Strict):
    high: float = Field(default=40, ge=0, le=100, allow_inf_nan=False)
    medium: float = Field(default=70, ge=0, le=100, allow_inf_nan=False)


class Stage(Strict):
    number: int = Field(ge=1, le=MAX_LEVEL)
    id: Id
    name: Text


class Option(Strict):
    id: Id
    label: Text
    labels: dict[Lens, Text] | None = Field(default=None, description=(
        "the label as each lens's respondent reads it (for example in the company's voice); `label` where a "
        "lens has none, and in reports"))
    score: Score | None = None
    weight: Weight | None = None

    def wording(self, lens: str | None = None, company: str | None = None) -> str:
        """The option's label for a lens (its `labels` entry, else `label`), `{company}` filled."""
        chosen = (self.labels or {}).get(lens or "company")  # type: ignore[call-overload]
        return with_company(chosen if chosen is not None else self.label, company)


class Band(Strict):
    min: float = Field(ge=-MAX_BAND_MIN, le=MAX_BAND_MIN, allow_inf_nan=False)
    score: Score


class RecommendationByLevel(Strict):
    """A recommendation that depends on how far the answer is: `start` for an answer scoring below 0.5 (or none),
    `routine` from 0.5 (done, but not yet a habit), `improve` from 0.75 (done; now measure and improve)."""

    start: Text
    routine: Text
    improve: Text

    def for_score(self, score: float | None) -> str:
        if score is None or score < ROUTINE_FROM:
            return self.start
        return self.routine if score < IMPROVE_FROM else self.improve


ROUTINE_FROM = 0.5  # RecommendationByLevel: the score from which an answer gets the `routine` text
IMPROVE_FROM = 0.75  # ... and the `improve` text


class Question(Strict):
    id: Id
    text: Text | dict[Lens, Text]
    help: OptionalText = None  # for the assessor only: never shown to a respondent
    respondent_help: Text | dict[Lens, Text] | None = Field(default=None, description=(
        "one plain sentence a respondent sees to help them answer (never which answer is good); per lens like text"))
    anchors: dict[Text, Text] | None = Field(default=None, description=(
        "scale and choice questions: for every scale value (or option id), what that answer looks like here"))
    evidence_request: OptionalText = Field(default=None, description=(
        "what the assessor asks to see to evidence the answer (a report, an export, a sample of records)"))
    type: QuestionType
    scale: Id | None = None
    options: list[Option] | None = None
    unit: OptionalText = None
    min: float | None = Field(default=None, ge=-MAX_BAND_MIN, le=MAX_BAND_MIN, allow_inf_nan=False, description=(
        "number questions: the lowest valid answer (unit '%' means 0 unless given)"))
    max: float | None = Field(default=None, ge=-MAX_BAND_MIN, le=MAX_BAND_MIN, allow_inf_nan=False, description=(
        "number questions: the highest valid answer (unit '%' means 100 unless given)"))
    bands: list[Band] | None = None
    counted: bool = Field(default=True, alias="scored", description=(
        "choice and checklist questions: false makes a profile question, reported as counts of answers, "
        "never scored"))
    weight: Weight = 1
    critical: bool = False
    recommendation: Text | RecommendationByLevel | None = None
    reverse_scored: bool = Field(default=False, description=(
        "scale questions: the statement is keyed negatively, so agreeing scores low (score = 1 - the scale's score)"))
    unknown_scores: Score | None = Field(default=None, description=(
        "number questions: makes `unknown` a valid answer that scores this value (not knowing is the finding)"))
    measure: Id | None = Field(default=None, description=(
        "number questions: the id of the metric `crmcheck measure` computes that answers this question"))
    dimension: Id | None = None
    renamed_from: list[Text] = Field(default_factory=list)
    asked_lenses: list[Lens] | None = Field(default=None, alias="lenses", description=(
        "the lenses this question is asked in (default: every lens of the questionnaire); in any other lens it "
        "is absent: not shown, not asked, left out of that lens's scores and completeness"))

    def asked_in(self, lens: str | None) -> bool:
        """Whether the question is put to a respondent of this lens (None: the company's)."""
        return self.asked_lenses is None or (lens or "company") in self.asked_lenses

    @property
    def scored(self) -> bool:
        """Whether the answer counts in scores: a scored type that is not a profile question."""
        return self.counted and self.type in SCORED_TYPES

    @property
    def profile(self) -> bool:
        """A choice or checklist with `scored: false`: reported as counts of answers, never as maturity."""
        return not self.counted and self.type in PROFILE_TYPES

    @property
    def value_range(self) -> tuple[float | None, float | None]:
        """(lowest, highest) value a number question accepts; unit "%" means 0-100 unless min/max say otherwise."""
        low, high = self.min, self.max
        if (self.unit or "").strip() == "%":
            low = PERCENT_RANGE[0] if low is None else low
            high = PERCENT_RANGE[1] if high is None else high
        return low, high

    def wording(self, lens: str | None = None, company: str | None = None) -> str:
        """The question text for a lens (the company's wording when none is given), `{company}` in it replaced by
        the assessed company's name (see `with_company`)."""
        if isinstance(self.text, str):
            return with_company(self.text, company)
        text: str = self.text.get(lens or "company") or next(iter(self.text.values()))  # type: ignore[call-overload]
        return with_company(text, company)

    def option(self, option_id: str) -> Option | None:
        return next((o for o in self.options or () if o.id == option_id), None)

    def anchor(self, value: object) -> str | None:
        """What the answer `value` (a scale value or an option id) looks like for this question, if anchored."""
        return None if self.anchors is None else self.anchors.get(str(value))

    def recommendation_for(self, score: float | None) -> str | None:
        """The recommendation for an answer with this score (None: unanswered), whether one text or by level."""
        if isinstance(self.recommendation, RecommendationByLevel):
            return self.recommendation.for_score(score)
        return self.recommendation

    def respondent_wording(self, lens: str | None = None, company: str | None = None) -> str | None:
        """The respondent's help for a lens, `{company}` filled; None when the question has none."""
        return lens_text(self.respondent_help, lens, company)


COMPANY_PLACEHOLDER = "{company}"
NO_COMPANY = "the company"


def lens_text(text: str | dict[Any, str] | None, lens: str | None, company: str | None) -> str | None:
    """Wording given once or per lens: the lens's (the company's when none is given), `{company}` filled."""
    if text is None:
        return None
    if isinstance(text, str):
        return with_company(text, company)
    chosen = text.get(lens or "company")
    return None if chosen is None else with_company(chosen, company)


def with_company(text: str, company: str | None) -> str:
    """A question's wording with `{company}` replaced by the company's name, so that a customer reads "stay with
    Acme Corp"; "the company" where no name is known yet (a blank answers file, a survey template)."""
    if COMPANY_PLACEHOLDER not in text:
        return text
    name = " ".join((company or "").split()) or NO_COMPANY
    return text.replace(COMPANY_PLACEHOLDER, name)


class Section(Strict):
    id: Id
    title: Text
    source_item: OptionalText = None
    weight: Weight = 1
    summary: OptionalText = None
    respondent_intro: Text | dict[Lens, Text] | None = Field(default=None, description=(
        "a short introduction a respondent sees above the section's questions; per lens like a question's text"))
    stage: int | None = Field(default=None, ge=1, le=MAX_LEVEL)
    questions: list[Question] = Field(min_length=1)

    def respondent_wording(self, lens: str | None = None, company: str | None = None) -> str | None:
        """The respondent's introduction for a lens, `{company}` filled; None when the section has none."""
        return lens_text(self.respondent_intro, lens, company)

    @cached_property
    def scored_questions(self) -> list[tuple[str, Question]]:
        """(full id, question) for each scored question, in order; worked out once (scoring's hot path)."""
        return [(f"{self.id}.{q.id}", q) for q in self.questions if q.scored]

    @cached_property
    def _scored_by_lens(self) -> dict[tuple[str, ...], list[tuple[str, Question]]]:
        return {}

    def scored_in(self, *lenses: str | None) -> list[tuple[str, Question]]:
        """`scored_questions` asked in every lens given (all of them when no question names its lenses)."""
        if all(q.asked_lenses is None for _, q in self.scored_questions):
            return self.scored_questions
        key = tuple(lens or "company" for lens in lenses)
        found = self._scored_by_lens.get(key)
        if found is None:
            found = self._scored_by_lens[key] = [(f, q) for f, q in self.scored_questions
                                                 if all(q.asked_in(lens) for lens in key)]
        return found

    def questions_in(self, *lenses: str | None) -> list[Question]:
        """The section's questions put to respondents of every lens given, in order."""
        return [q for q in self.questions if all(q.asked_in(lens) for lens in lenses)]


class Questionnaire(Strict):
    format: Literal[1]
    id: Id
    title: Text
    version: int = Field(ge=1, le=MAX_VERSION)
    kind: Literal["scored", "staged"]
    source: Text
    description: OptionalText = None
    replaces: Id | None = None
    scales: dict[Id, list[ScaleLevel]] = Field(default_factory=dict)
    levels: list[Level] = Field(min_length=1)
    risk_bands: RiskBands = Field(default_factory=RiskBands)
    default_target: int = Field(ge=1, le=MAX_LEVEL)
    pass_mark: float | None = Field(default=None, ge=0, le=100, allow_inf_nan=False)
    dimensions: list[Id] = Field(default_factory=list)
    stages: list[Stage] = Field(default_factory=list)
    lenses: list[Lens] = Field(default_factory=list)
    gap_context: OptionalText = Field(default=None, description=(
        "two-lens questionnaires: the source's own figures on the perception gap, shown beside this client's gap "
        "as the source's context, never as a benchmark"))
    sections: list[Section] = Field(min_length=1)
    # full ids of questions an earlier version asked and this one dropped without a successor: an answers file
    # for an earlier version may still answer them (the answer is left out); for this version it is an error
    retired: list[Text] = Field(default_factory=list)

    _questions: dict[str, tuple[Section, Question]] = PrivateAttr(default_factory=dict)
    _renamed: dict[str, str] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: Any, /) -> None:
        for section in self.sections:
            for question in section.questions:
                full = f"{section.id}.{question.id}"
                self._questions[full] = (section, question)
                for old in question.renamed_from:
                    self._renamed[old] = full

    @property
    def questions(self) -> dict[str, tuple[Section, Question]]:
        """Every question by full id (`section.question`), in questionnaire order."""
        return self._questions

    @property
    def renamed(self) -> dict[str, str]:
        """Current full id by each former one (`renamed_from`)."""
        return self._renamed

    def current_id(self, full_id: str) -> str | None:
        """The current full id for an id that is current or listed in a `renamed_from`."""
        if full_id in self._questions:
            return full_id
        return self._renamed.get(full_id)

    def stage(self, number: int) -> Stage | None:
        return next((s for s in self.stages if s.number == number), None)

    def level_name(self, level: int | None) -> str | None:
        return next((lv.name for lv in self.levels if lv.level == level), None)
