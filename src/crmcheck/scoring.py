"""Pure scoring: (questionnaire, responses, targets) -> result, exactly as DESIGN.md's rules say."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from crmcheck.inert import has_visible_text
from crmcheck.models.questionnaire import Question, Questionnaire, Section
from crmcheck.models.result import (
    LevelBand,
    NextStep,
    NotApplicable,
    NotEvidenced,
    QuestionnaireResult,
    QuestionResult,
    Recommendation,
    Risk,
    RiskBandsResult,
    SectionResult,
    StageResult,
    StageScore,
)
from crmcheck.resolve import UNANSWERED, Response, band_of

EDGE_DIGITS = 9  # scores are compared at band edges after rounding to this many decimals
NOT_EVIDENCED_MIN = 0.75  # a self-assessed answer scoring this or more should cite evidence
SELF_ASSESSED_LENS = "company"  # customers' answers are their experience; they need no evidence


def needs_evidence(score: float | None, lens: str | None) -> bool:
    """Whether an answer of this score, given through this lens, should cite evidence."""
    return (lens or SELF_ASSESSED_LENS) == SELF_ASSESSED_LENS and score is not None and (
        _exact(score) >= NOT_EVIDENCED_MIN)


def _exact(x: float) -> float:
    return round(x, EDGE_DIGITS)


def _score1(x: float | None) -> float | None:
    """One decimal, halves rounded up (81.25 -> 81.3), after the exact-edge rounding."""
    return None if x is None else math.floor(_exact(x) * 10 + 0.5) / 10


rounded_score = _score1  # the public name: how every report shows a 0-100 score


def weighted_mean(pairs: list[tuple[float, float]]) -> float | None:
    """Σ(w·x)/Σw over (weight, value) pairs; None when there are none."""
    total = sum(w for w, _ in pairs)
    return sum(w * x for w, x in pairs) / total if total else None


def level_of(questionnaire: Questionnaire, score: float | None) -> int | None:
    if score is None:
        return None
    return band_of(score, [(lv.min, lv.level) for lv in questionnaire.levels])


def risk_of(questionnaire: Questionnaire, score: float | None, critical_failed: bool) -> Risk | None:
    if questionnaire.kind != "scored" or score is None:
        return None
    if critical_failed:
        return "high"
    exact = _exact(score)
    if exact < _exact(questionnaire.risk_bands.high):
        return "high"
    if exact < _exact(questionnaire.risk_bands.medium):
        return "medium"
    return "low"


@dataclass
class SectionTally:
    """Raw (unrounded) numbers for one section, kept for the stage and recommendation rules."""

    section: Section
    score: float | None
    scored: int
    answered: int
    not_applicable: int
    critical_failed: bool

    @property
    def completeness(self) -> float:
        asked = self.scored - self.not_applicable
        return self.answered / asked if asked else 1.0


def tally_sections(questionnaire: Questionnaire, responses: Mapping[str, Response]) -> list[SectionTally]:
    """Every section's raw (unrounded) score and counts, in questionnaire order."""
    return [_tally(section, responses) for section in questionnaire.sections]


def _tally(section: Section, responses: Mapping[str, Response]) -> SectionTally:
    pairs: list[tuple[float, float]] = []
    scored = answered = na = 0
    critical_failed = False
    for full, question in section.scored_questions:
        scored += 1
        response = responses.get(full, UNANSWERED)
        if response.status == "n/a":
            na += 1
        elif response.status == "answered" and response.score is not None:
            answered += 1
            pairs.append((question.weight, response.score))
            if question.critical and _exact(response.score) == 0:
                critical_failed = True
    mean = weighted_mean(pairs)
    return SectionTally(section, None if mean is None else 100 * mean, scored, answered, na, critical_failed)


@dataclass(frozen=True)
class StageTally:
    """One stage's raw score over its sections, whether it has evidence, and whether it passed."""

    number: int
    score: float | None
    has_evidence: bool
    passed: bool


def stage_tallies(questionnaire: Questionnaire, section_scores: Sequence[float | None]) -> list[StageTally]:
    """Each stage's score from its sections' raw scores (in questionnaire order); a stage has evidence when
    one of its sections is assessed, which is exactly when one of its scored questions has an answer."""
    pass_mark = _exact(questionnaire.pass_mark or 0)
    out: list[StageTally] = []
    for stage in questionnaire.stages:
        pairs = [(section.weight, score) for section, score in zip(questionnaire.sections, section_scores, strict=True)
                 if section.stage == stage.number and score is not None]
        score = weighted_mean(pairs)
        out.append(StageTally(stage.number, score, bool(pairs), score is not None and _exact(score) >= pass_mark))
    return out


@dataclass(frozen=True)
class ScoreSummary:
    """The headline numbers of one questionnaire, derived from its sections' raw scores alone."""

    score: float | None  # raw (unrounded) weighted mean of the assessed sections
    level: int | None
    reached: int | None  # stage reached, for staged questionnaires


def summarise(questionnaire: Questionnaire, section_scores: Sequence[float | None]) -> ScoreSummary:
    """Questionnaire score, level and stage reached from raw section scores (in questionnaire order).

    `score_questionnaire` computes its headline numbers through this too, so a summary made from
    the same section scores (or from several respondents' mean section scores) always agrees with it.
    """
    overall = weighted_mean([(section.weight, score) for section, score
                             in zip(questionnaire.sections, section_scores, strict=True) if score is not None])
    reached = None
    if questionnaire.kind == "staged":
        reached = _reached([(t.number, t.has_evidence, t.passed) for t in stage_tallies(questionnaire, section_scores)])
    return ScoreSummary(overall, level_of(questionnaire, overall), reached)


def answer_text(question: Question, questionnaire: Questionnaire, response: Response) -> str | None:
    """How an answer reads in a report: the scale label, option label, yes/no, n/a; None if unanswered."""
    return _display(question, questionnaire, response)


def _display(question: Question, questionnaire: Questionnaire, response: Response) -> str | None:
    if response.status == "n/a":
        return "n/a"
    if response.status == "unanswered":
        return None
    value = response.value
    if value is None:
        # several respondents' mean: a score without any one value; aggregate.py words the answer itself
        return None
    if question.type == "scale":
        label = next((lv.label for lv in questionnaire.scales[question.scale or ""] if lv.value == value), "")
        return f"{value} {label}".strip()
    if question.type == "yes_no":
        return "yes" if value else "no"
    if question.type == "choice":
        option = question.option(str(value))
        return option.label if option else str(value)
    if question.type == "checklist":
        labels = [o.label for o in question.options or () if o.id in value]
        return "; ".join(labels) if labels else "none"
    if question.type == "number":
        return f"{value} {question.unit}".strip() if question.unit else str(value)
    return str(value)


def _stage_result(
    questionnaire: Questionnaire,
    tallies: list[SectionTally],
    responses: Mapping[str, Response],
    targets: Mapping[str, int],
) -> StageResult:
    pass_mark = questionnaire.pass_mark or 0
    tallied = stage_tallies(questionnaire, [t.score for t in tallies])
    stages = [StageScore(number=stage.number, id=stage.id, name=stage.name, score=_score1(t.score),
                         has_evidence=t.has_evidence, passed=t.passed)
              for stage, t in zip(questionnaire.stages, tallied, strict=True)]
    reached = _reached([(t.number, t.has_evidence, t.passed) for t in tallied])

    matrix: dict[str, dict[int, float | None]] = {}
    dimensions: dict[str, int] = {}
    for dimension in questionnaire.dimensions:
        row: dict[int, float | None] = {}
        flags: list[tuple[int, bool, bool]] = []
        for stage in questionnaire.stages:
            pairs = []
            for section in questionnaire.sections:
                if section.stage != stage.number:
                    continue
                for question in section.questions:
                    response = responses.get(f"{section.id}.{question.id}", UNANSWERED)
                    if question.scored and question.dimension == dimension and response.status == "answered":
                        pairs.append((section.weight * question.weight, response.score or 0.0))
            mean = weighted_mean(pairs)
            score = None if mean is None else 100 * mean
            row[stage.number] = _score1(score)
            flags.append((stage.number, bool(pairs), score is not None and _exact(score) >= _exact(pass_mark)))
        matrix[dimension] = row
        dimensions[dimension] = _reached(flags)

    target = max(targets.values(), default=questionnaire.default_target)
    numbers = [s.number for s in questionnaire.stages]
    following = [n for n in numbers if n > reached]
    next_steps: list[NextStep] = []
    if following:
        for section in questionnaire.sections:
            if section.stage != following[0]:
                continue
            for question in section.questions:
                response = responses.get(f"{section.id}.{question.id}", UNANSWERED)
                if not question.scored or response.status == "n/a":
                    continue
                if response.status == "unanswered" or (response.score or 0) < 1:
                    next_steps.append(NextStep(question=f"{section.id}.{question.id}", text=question.wording(),
                                               recommendation=question.recommendation))
    reached_stage = questionnaire.stage(reached)
    return StageResult(
        reached=reached, name=reached_stage.name if reached_stage else str(reached), target=target,
        gap=max(0, target - reached),
        pass_mark=pass_mark, stages=stages, dimensions=dimensions, matrix=matrix, next_steps=next_steps,
    )


def _reached(stages: list[tuple[int, bool, bool]]) -> int:
    """Greatest stage k with evidence such that every stage up to k with evidence passed; the first always."""
    if not stages:
        return 1
    reached = stages[0][0]
    all_passed = True
    for number, evidence, passed in stages[1:]:
        if evidence and not passed:
            all_passed = False
        if all_passed and evidence:
            reached = number
    if stages[0][1] and not stages[0][2]:
        return stages[0][0]
    return reached


def score_questionnaire(
    questionnaire: Questionnaire,
    responses: Mapping[str, Response],
    targets: Mapping[str, int] | None = None,
    lens: str | None = None,
    company: str | None = None,
) -> QuestionnaireResult:
    """Score one questionnaire's responses (full question id -> response); `company` fills `{company}` in
    question wordings."""
    targets = targets or {}
    tallies = tally_sections(questionnaire, responses)
    staged = questionnaire.kind == "staged"
    stage = _stage_result(questionnaire, tallies, responses, targets) if staged else None

    sections: list[SectionResult] = []
    recommendations: list[tuple[float, int, Recommendation]] = []
    unanswered: list[str] = []
    not_applicable: list[NotApplicable] = []
    order = 0
    for tally in tallies:
        section = tally.section
        level = level_of(questionnaire, tally.score)
        risk = risk_of(questionnaire, tally.score, tally.critical_failed)
        target = targets.get(section.id, questionnaire.default_target)
        gap: int | None
        if stage is not None:
            # how many stages this section's stage (capped at the target) lies beyond the reached one
            gap = None if tally.score is None else max(0, min(target, section.stage or 0) - stage.reached)
        else:
            gap = None if level is None else max(0, target - level)
        questions: list[QuestionResult] = []
        not_evidenced: list[NotEvidenced] = []
        for question in section.questions:
            full = f"{section.id}.{question.id}"
            response = responses.get(full, UNANSWERED)
            if question.scored and response.status == "unanswered":
                unanswered.append(full)
            if response.status == "n/a":
                not_applicable.append(NotApplicable(question=full, reason=response.reason))
            s = response.score if question.scored and response.status == "answered" else None
            if needs_evidence(s, lens) and not has_visible_text(response.evidence):
                not_evidenced.append(NotEvidenced(question=full, text=question.wording(lens, company),
                                                  score=None if s is None else round(100 * s, 1)))
            questions.append(QuestionResult(
                id=full, text=question.wording(lens, company), type=question.type, status=response.status,
                answer=_display(question, questionnaire, response), value=response.value,
                score=None if s is None else round(100 * s, 1), weight=question.weight, critical=question.critical,
                dimension=question.dimension, note=response.note, evidence=response.evidence,
                reason=response.reason, recommendation=question.recommendation,
            ))
            needs_work = (gap or 0) > 0 or risk in ("high", "medium")
            if s is not None and _exact(s) < 1 and needs_work:
                priority = section.weight * question.weight * (1 - s) * (1 + (gap or 0))
                recommendations.append((priority, order, Recommendation(
                    question=full, section=section.id, questionnaire=questionnaire.id, priority=round(priority, 3),
                    text=question.recommendation or f"Improve: {question.wording(lens, company)}",
                    question_text=question.wording(lens, company), score=round(100 * s, 1),
                )))
            order += 1
        sections.append(SectionResult(
            id=section.id, title=section.title, weight=section.weight, stage=section.stage,
            score=_score1(tally.score), level=level, level_name=questionnaire.level_name(level), risk=risk,
            target=target, gap=gap, completeness=round(tally.completeness, 3), answered=tally.answered,
            scored_questions=tally.scored, not_applicable=tally.not_applicable, questions=questions,
            not_evidenced=not_evidenced,
        ))

    summary = summarise(questionnaire, [t.score for t in tallies])
    overall, level = summary.score, summary.level
    asked = sum(t.scored - t.not_applicable for t in tallies)
    answered = sum(t.answered for t in tallies)
    recommendations.sort(key=lambda item: (-item[0], item[1]))
    return QuestionnaireResult(
        id=questionnaire.id, title=questionnaire.title, version=questionnaire.version, kind=questionnaire.kind,
        source=questionnaire.source, score=_score1(overall), level=level,
        level_name=questionnaire.level_name(level), completeness=round(answered / asked if asked else 1.0, 3),
        sections=sections, recommendations=[r for _, _, r in recommendations], stage=stage,
        unanswered=unanswered, not_applicable=not_applicable,
        levels=[LevelBand(level=lv.level, name=lv.name, min=lv.min) for lv in questionnaire.levels],
        risk_bands=RiskBandsResult(high=questionnaire.risk_bands.high, medium=questionnaire.risk_bands.medium)
        if questionnaire.kind == "scored" else None,
    )
