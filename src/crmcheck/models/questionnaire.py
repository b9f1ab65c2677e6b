"""Questionnaire format 1: scales, levels, sections, questions; and the checks made at load time."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from functools import cached_property
from typing import Any, Literal

from pydantic import Field, PrivateAttr

from crmcheck.errors import InputError, Problem
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
    check_format,
    validate_document,
)
from crmcheck.yamlio import Document, load_mapping

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


def _duplicates(doc: Document, items: list[Any], attr: str, what: str, where: tuple[Any, ...]) -> list[Problem]:
    """A problem at each repeated value of `attr`, naming the line where it was first used."""
    first: dict[Any, int] = {}
    problems = []
    for i, item in enumerate(items):
        value = getattr(item, attr)
        pos = doc.position((*where, i, attr))
        if value in first:
            problems.append(Problem(f"duplicate {what} '{value}' (first used on line {first[value]})", doc.path,
                                    pos.line, pos.column))
        else:
            first[value] = pos.line
    return problems


def _check(q: Questionnaire, doc: Document) -> list[Problem]:
    """The load-time rules pydantic cannot express: uniqueness, references, order, kinds."""
    problems: list[Problem] = []

    def report(message: str, *keys: Any, key: bool = False) -> None:
        pos = doc.position(keys, key=key)
        problems.append(Problem(message, doc.path, pos.line, pos.column))

    def unique(items: list[Any], attr: str, what: str, *where: Any) -> None:
        problems.extend(_duplicates(doc, items, attr, what, where))

    def ascending(values: list[float], what: str, *where: Any) -> None:
        for i in range(1, len(values)):
            if values[i] <= values[i - 1]:
                report(f"{what} must be in ascending order ({values[i]:g} after {values[i - 1]:g})", *where, i)

    for name, levels in q.scales.items():
        if not levels:
            report(f"scale '{name}' has no levels", "scales", name)
        unique(levels, "value", "scale value", "scales", name)
        ascending([lv.value for lv in levels], "scale values", "scales", name)
    unique(q.levels, "level", "level", "levels")
    ascending([lv.min for lv in q.levels], "level mins", "levels")
    ascending([lv.level for lv in q.levels], "level numbers", "levels")
    if q.levels and q.levels[0].min != 0:
        report("the first level must start at min 0, so that every score has a level", "levels", 0, "min")
    if q.risk_bands.high > q.risk_bands.medium:
        report("risk_bands.high must not be above risk_bands.medium", "risk_bands")
    unique(q.sections, "id", "section id", "sections")
    if len(set(q.dimensions)) != len(q.dimensions):
        report("duplicate dimension", "dimensions")
    if len(set(q.lenses)) != len(q.lenses):
        report("duplicate lens", "lenses")
    if q.gap_context is not None and len(q.lenses) < 2:
        report("'gap_context' frames the gap between two lenses; declare 'lenses' (for example [company, "
               "customer]) or remove it", "gap_context", key=True)
    stage_numbers = {s.number for s in q.stages}
    if q.kind == "staged":
        if not q.stages:
            report("a staged questionnaire must declare stages", "kind")
        if q.pass_mark is None:
            report("a staged questionnaire must declare pass_mark", "kind")
        if not q.dimensions:
            report("a staged questionnaire must declare dimensions", "kind")
        unique(q.stages, "number", "stage number", "stages")
        unique(q.stages, "id", "stage id", "stages")
        ascending([s.number for s in q.stages], "stage numbers", "stages")
        if q.default_target not in stage_numbers and q.stages:
            report(f"default_target {q.default_target} is not a declared stage number", "default_target")
    else:
        for field in ("stages", "pass_mark"):
            if getattr(q, field):
                report(f"'{field}' belongs to staged questionnaires only (kind is scored)", field, key=True)
        if q.default_target not in {lv.level for lv in q.levels}:
            report(f"default_target {q.default_target} is not a declared level", "default_target")

    all_ids: set[str] = set()
    for si, section in enumerate(q.sections):
        where = ("sections", si)
        if q.kind == "staged":
            if section.stage is None:
                report(f"section '{section.id}' needs a stage (the questionnaire is staged)", *where)
            elif section.stage not in stage_numbers:
                declared = ", ".join(str(s.number) for s in q.stages) or "none"
                report(f"stage {section.stage} is not declared in stages (declared: {declared})", *where, "stage")
        elif section.stage is not None:
            report("'stage' belongs to sections of staged questionnaires only", *where, "stage", key=True)
        problems.extend(_check_lens_keys(q, section.respondent_intro, doc, (*where, "respondent_intro")))
        for lens in q.lenses:
            if not section.questions_in(lens):
                report(f"section '{section.id}' asks no question of the {lens} lens: each section needs at least "
                       "one question in every lens, or its page would be empty", *where, "questions")
        unique(section.questions, "id", "question id", *where, "questions")
        for qi, question in enumerate(section.questions):
            all_ids.add(f"{section.id}.{question.id}")
            problems.extend(_check_question(q, question, doc, (*where, "questions", qi)))
    for si, section in enumerate(q.sections):
        for qi, question in enumerate(section.questions):
            for ri, old in enumerate(question.renamed_from):
                if old in all_ids:
                    report(f"renamed_from '{old}' is still a current question id", "sections", si,
                           "questions", qi, "renamed_from", ri)
    renamed = {old for section in q.sections for question in section.questions for old in question.renamed_from}
    seen: set[str] = set()
    for ri, old in enumerate(q.retired):
        if old in all_ids:
            report(f"retired '{old}' is still a current question id", "retired", ri)
        elif old in renamed:
            report(f"retired '{old}' is also a renamed_from: an old id either moved or was dropped", "retired", ri)
        elif old in seen:
            report(f"retired '{old}' is listed twice", "retired", ri)
        seen.add(old)
    return problems


def _check_question(q: Questionnaire, question: Question, doc: Document, where: tuple[Any, ...]) -> list[Problem]:
    problems: list[Problem] = []

    def report(message: str, *keys: Any, key: bool = False) -> None:
        pos = doc.position((*where, *keys), key=key)
        problems.append(Problem(message, doc.path, pos.line, pos.column))

    kind = question.type
    if kind == "scale":
        if question.scale is None:
            report("a scale question needs 'scale' (the name of one of the questionnaire's scales)")
        elif question.scale not in q.scales:
            known = ", ".join(q.scales) or "none declared"
            report(f"unknown scale '{question.scale}' (scales: {known})", "scale")
    elif question.scale is not None:
        report(f"'scale' is only for scale questions (this one is {kind})", "scale", key=True)
    if kind in ("choice", "checklist"):
        if not question.options:
            report(f"a {kind} question needs 'options'")
        problems.extend(_duplicates(doc, question.options or [], "id", "option id", (*where, "options")))
        for oi, option in enumerate(question.options or ()):
            if question.profile:
                if option.score is not None:
                    report("a profile question (scored: false) reports its answers, not scores: remove the "
                           "option's score", "options", oi, "score", key=True)
                if option.weight is not None:
                    report("a profile question (scored: false) is not scored: remove the option's weight",
                           "options", oi, "weight", key=True)
                continue
            if kind == "choice" and option.score is None:
                report(f"option '{option.id}' of a choice question needs a score (0 to 1)", "options", oi)
            if kind == "choice" and option.weight is not None:
                report("option weights are for checklists; a choice option has a score", "options", oi, "weight",
                       key=True)
            if kind == "checklist" and option.score is not None:
                report("checklist options take a weight, not a score", "options", oi, "score", key=True)
    elif question.options is not None:
        report(f"'options' are only for choice and checklist questions (this one is {kind})", "options", key=True)
    if "counted" in question.model_fields_set and kind not in PROFILE_TYPES:
        report(f"'scored' is only for choice and checklist questions (this one is {kind}); "
               "'scored: false' makes a profile question", "scored", key=True)
    if question.profile and "weight" in question.model_fields_set:
        report("a profile question (scored: false) is left out of every score, so a weight has no effect: "
               "remove it", "weight", key=True)
    if kind == "number":
        _check_range(question, report)
        if not question.bands:
            report("a number question needs 'bands' ({min, score} in ascending min) to be scored")
        mins = [b.min for b in question.bands or ()]
        for i in range(1, len(mins)):
            if mins[i] <= mins[i - 1]:
                report(f"bands must be in ascending order of min ({mins[i]:g} after {mins[i - 1]:g})", "bands", i)
    elif question.bands is not None:
        report(f"'bands' are only for number questions (this one is {kind})", "bands", key=True)
    else:
        for bound in ("min", "max"):
            if getattr(question, bound) is not None:
                report(f"'{bound}' is only for number questions (this one is {kind})", bound, key=True)
    if question.profile and question.critical:
        report("'critical' only applies to scored questions; a profile question (scored: false) is not scored",
               "critical", key=True)
    elif not question.scored and question.critical:
        report(f"'critical' only applies to scored questions; a {kind} question is not scored", "critical",
               key=True)
    if question.dimension is not None and question.dimension not in q.dimensions:
        known = ", ".join(q.dimensions) or "none declared"
        report(f"unknown dimension '{question.dimension}' (dimensions: {known})", "dimension")
    if q.kind == "staged" and question.scored and question.dimension is None:
        known = ", ".join(q.dimensions) or "none declared"
        report(f"question '{question.id}' needs a dimension: every scored question of a staged questionnaire "
               f"has one (dimensions: {known})")
    asked = _check_question_lenses(q, question, report)
    if isinstance(question.text, dict):
        missing = [lens for lens in asked if lens not in question.text]
        if missing and q.lenses:
            report(f"text has no wording for lens {', '.join(missing)}", "text")
    problems.extend(_check_lens_keys(q, question.text, doc, (*where, "text"), asked))
    problems.extend(_check_lens_keys(q, question.respondent_help, doc, (*where, "respondent_help"), asked))
    for oi, option in enumerate(question.options or ()):
        problems.extend(_check_lens_keys(q, option.labels, doc, (*where, "options", oi, "labels"), asked))
    _check_new_fields(q, question, report)
    return problems


def _check_lens_keys(q: Questionnaire, text: object, doc: Document, where: tuple[Any, ...],
                     asked: list[str] | None = None) -> list[Problem]:
    """Wording given per lens names only the questionnaire's declared lenses (and, for a question asked in only
    some of them, only those: wording for a lens that never sees the question would never be read)."""
    if not isinstance(text, dict):
        return []
    field = where[-1]
    if not q.lenses:
        pos = doc.position(where)
        return [Problem(f"{field} given per lens, but the questionnaire declares no 'lenses' (add, for example, "
                        "'lenses: [company, customer]' at the top level)", doc.path, pos.line, pos.column)]
    extra = [lens for lens in text if lens not in q.lenses]
    if extra:
        pos = doc.position((*where, extra[0]), key=True)
        return [Problem(f"{field} has wording for undeclared lens {', '.join(extra)} (lenses: "
                        f"{', '.join(q.lenses)})", doc.path, pos.line, pos.column)]
    unasked = [lens for lens in text if asked is not None and lens not in asked]
    if unasked:
        pos = doc.position((*where, unasked[0]), key=True)
        return [Problem(f"{field} has wording for lens {unasked[0]}, but the question is not asked in it "
                        f"(its lenses: {', '.join(asked or ())})", doc.path, pos.line, pos.column)]
    return []


def _check_question_lenses(q: Questionnaire, question: Question, report: Callable[..., None]) -> list[str]:
    """A question's own `lenses`: declared ones, each once, at least one. Returns the lenses it is asked in."""
    if question.asked_lenses is None:
        return list(q.lenses)
    if not q.lenses:
        report("'lenses' on a question needs 'lenses' declared at the top level of the questionnaire", "lenses",
               key=True)
        return []
    if not question.asked_lenses:
        report(f"a question is asked in at least one lens (lenses: {', '.join(q.lenses)}); remove the question "
               "instead", "lenses")
    for i, lens in enumerate(question.asked_lenses):
        if lens not in q.lenses:
            report(f"lens '{lens}' is not declared (lenses: {', '.join(q.lenses)})", "lenses", i)
        elif lens in question.asked_lenses[:i]:
            report(f"lens '{lens}' is listed twice", "lenses", i)
    return [lens for lens in question.asked_lenses if lens in q.lenses]


def _check_new_fields(q: Questionnaire, question: Question, report: Callable[..., None]) -> None:
    """anchors, reverse_scored, unknown_scores and measure: each only where it means something."""
    kind = question.type
    if question.anchors is not None:
        if kind not in ("scale", "choice") or not question.scored:
            report(f"'anchors' are for scored scale and choice questions (this one is {kind}"
                   f"{'' if question.scored else ', not scored'})", "anchors", key=True)
        elif kind == "choice":
            expected: list[Any] = [o.id for o in question.options or ()]
            _check_anchor_keys(question.anchors, expected, "option", report)
        elif question.scale in q.scales:
            _check_anchor_keys(question.anchors, [lv.value for lv in q.scales[question.scale]], "scale value",
                               report)
    if question.reverse_scored and kind != "scale":
        report(f"'reverse_scored' is for scale questions (this one is {kind})", "reverse_scored", key=True)
    for field in ("unknown_scores", "measure"):
        if getattr(question, field) is not None and kind != "number":
            report(f"'{field}' is for number questions (this one is {kind})", field, key=True)
    if question.measure is not None:
        from crmcheck.measure.catalog import METRICS

        if question.measure not in METRICS:
            close = difflib.get_close_matches(question.measure, list(METRICS), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            report(f"unknown metric '{question.measure}'{hint} (crmcheck measure computes: "
                   f"{', '.join(METRICS)})", "measure")


def _check_anchor_keys(anchors: dict[str, str], values: list[Any], what: str, report: Callable[..., None]) -> None:
    """Anchors for every scale value (or option) and nothing else: a partial set would leave answers undescribed."""
    expected = [str(v) for v in values]
    extra = [k for k in anchors if k not in expected]
    if extra:
        report(f"anchor for unknown {what} '{extra[0]}' (expected: {', '.join(expected)})",
               "anchors", extra[0], key=True)
        return
    missing = [e for e in expected if e not in anchors]
    if missing:
        report(f"anchors must describe every {what} or none: missing {', '.join(missing)}",
               "anchors")


def _check_range(question: Question, report: Callable[..., None]) -> None:
    """A number question's range: min <= max, and every band's min within it (else the band is unreachable)."""
    low, high = question.value_range
    if low is not None and high is not None and low > high:
        report(f"min ({low:g}) must not be above max ({high:g})", "min" if question.min is not None else "max")
        return
    for i, band in enumerate(question.bands or ()):
        if (low is not None and band.min < low) or (high is not None and band.min > high):
            report(f"band min {band.min:g} is outside the question's range {range_text(low, high)}",
                   "bands", i, "min")


def range_text(low: float | None, high: float | None) -> str:
    """A value range for messages: '0 to 100', 'at least 0', 'at most 10'."""
    if low is not None and high is not None:
        return f"{low:g} to {high:g}"
    if low is not None:
        return f"at least {low:g}"
    return f"at most {high:g}"


def parse_questionnaire(doc: Document) -> Questionnaire:
    """Validate a parsed document as a questionnaire, with every load-time check."""
    if not isinstance(doc.data, dict):
        raise doc.error("the top level must be a mapping of questionnaire fields")
    check_format(doc, "questionnaire")
    questionnaire = validate_document(Questionnaire, doc)
    problems = _check(questionnaire, doc)
    if problems:
        raise InputError(problems[0].message, problems=problems)
    return questionnaire


def load_questionnaire(path: str) -> Questionnaire:
    return parse_questionnaire(load_mapping(path))
