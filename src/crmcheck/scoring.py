"""Pure scoring: (questionnaire, responses, targets) -> result, exactly as DESIGN.md's rules say."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from crmcheck.inert import names_evidence
from crmcheck.models.questionnaire import Question, Questionnaire, Section
from crmcheck.models.result import (
    Contradicted,
    LevelBand,
    NextStep,
    NotApplicable,
    NotEvidenced,
    ProfileQuestion,
    QuestionnaireResult,
    QuestionResult,
    Recommendation,
    Risk,
    RiskBandsResult,
    SectionResult,
    StageResult,
    StageScore,
    StageStatus,
)
from crmcheck.profile import ProfileTally
from crmcheck.resolve import UNANSWERED, Response, band_of

EDGE_DIGITS = 9  # scores are compared at band edges after rounding to this many decimals
NOT_EVIDENCED_MIN = 0.75  # a self-assessed answer scoring this or more should cite evidence
SELF_ASSESSED_LENS = "company"  # customers' answers are their experience; they need no evidence


PROVISIONAL_BELOW = 0.5  # a score resting on less than this share of its questions is provisional


def is_provisional(answered: int, asked: int) -> bool:
    """Whether a score resting on `answered` of `asked` questions (or answer cells) is provisional: it exists
    (something answered) but rests on less than half of what was asked. Compared exactly, in whole numbers:
    exactly half is not provisional."""
    return answered > 0 and 2 * answered < asked


def contradiction(question: Question, response: Response, full: str, text: str) -> Contradicted | None:
    """A number answer further from the value `crmcheck measure` recorded than its metric's tolerance."""
    if question.measure is None or response.measured is None or response.status != "answered":
        return None
    if isinstance(response.value, bool):
        return None
    try:  # a number answer's value is kept as the text it was written as ('2.5')
        answered = float(response.value)
    except (TypeError, ValueError):
        return None
    from crmcheck.measure.catalog import METRICS

    metric = METRICS.get(question.measure)
    if metric is None:
        return None
    measured, source = response.measured
    # compared at 9 decimals, like band edges: an answer exactly at the tolerance agrees
    if round(abs(answered - measured) - metric.tolerance, EDGE_DIGITS) <= 0:
        return None
    return Contradicted(question=full, text=text, answer=answered, measured=measured,
                        tolerance=metric.tolerance, unit=metric.unit, metric=metric.id, source=source)


def needs_evidence(score: float | None, lens: str | None) -> bool:
    """Whether an answer of this score, given through this lens, should cite evidence."""
    return (lens or SELF_ASSESSED_LENS) == SELF_ASSESSED_LENS and score is not None and (
        _exact(score) >= NOT_EVIDENCED_MIN)


def _exact(x: float) -> float:
    return round(x, EDGE_DIGITS)


NOT_KNOWN = "not known"  # how every format shows an `unknown` answer (distinct from n/a and from blank)


def fails_critical(response: Response) -> bool:
    """Whether a critical question's scored answer fails its section (risk high) and its stage: it scores 0, or
    it is `unknown` (a critical metric nobody knows is what the stage needs and lacks, whatever it scores)."""
    return response.unknown or (response.score is not None and _exact(response.score) == 0)


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
    def asked(self) -> int:
        return self.scored - self.not_applicable

    @property
    def completeness(self) -> float:
        return self.answered / self.asked if self.asked else 1.0

    @property
    def provisional(self) -> bool:
        return is_provisional(self.answered, self.asked)


def tally_sections(questionnaire: Questionnaire, responses: Mapping[str, Response],
                   *lenses: str | None) -> list[SectionTally]:
    """Every section's raw (unrounded) score and counts, in questionnaire order, over the questions asked in the
    lenses given (a question only another lens is asked is absent here: neither scored nor unanswered)."""
    return [_tally(section, responses, lenses) for section in questionnaire.sections]


def _tally(section: Section, responses: Mapping[str, Response], lenses: tuple[str | None, ...] = ()) -> SectionTally:
    pairs: list[tuple[float, float]] = []
    scored = answered = na = 0
    critical_failed = False
    for full, question in section.scored_in(*lenses):
        scored += 1
        response = responses.get(full, UNANSWERED)
        if response.status == "n/a":
            na += 1
        elif response.status == "answered" and response.score is not None:
            answered += 1
            pairs.append((question.weight, response.score))
            if question.critical and fails_critical(response):
                critical_failed = True
    mean = weighted_mean(pairs)
    return SectionTally(section, None if mean is None else 100 * mean, scored, answered, na, critical_failed)


# Per-section facts the stage rule needs besides the score, packed in a small int so that the benchmark
# can keep them per row cheaply.
NOT_APPLICABLE = 1  # every scored question of the section is n/a (or it has none)
CRITICAL_FAILED = 2  # a critical question of the section scored 0


def section_flags(tally: SectionTally) -> int:
    """The stage rule's facts about one section (NOT_APPLICABLE, CRITICAL_FAILED), as bits."""
    flags = NOT_APPLICABLE if tally.scored == tally.not_applicable else 0
    return flags | (CRITICAL_FAILED if tally.critical_failed else 0)


def stage_status(score: float | None, not_applicable: bool, critical_failed: bool, pass_mark: float) -> StageStatus:
    """DESIGN.md's status of one stage (or one stage of one dimension) from its raw score and facts."""
    if score is None:
        return "not applicable" if not_applicable else "not assessed"
    if critical_failed or _exact(score) < _exact(pass_mark):
        return "failed"
    return "passed"


def climb(statuses: Sequence[tuple[int, StageStatus]]) -> tuple[int, int | None]:
    """(stage reached, the stage that stopped the climb or None) from each stage's status, in order.

    The first stage is the baseline, always reached. Above it a `passed` stage is reached, a `not
    applicable` one is passed over, and a `failed` or `not assessed` one stops the climb.
    """
    if not statuses:
        return 1, None
    reached = statuses[0][0]
    for number, status in statuses[1:]:
        if status == "passed":
            reached = number
        elif status != "not applicable":
            return reached, number
    return reached, None


@dataclass(frozen=True)
class StageTally:
    """One stage's raw score over its sections and its status under the cumulative stage rule."""

    number: int
    score: float | None
    status: StageStatus
    critical_failed: bool

    @property
    def has_evidence(self) -> bool:
        return self.score is not None

    @property
    def passed(self) -> bool:
        return self.status == "passed"


def stage_tallies(
    questionnaire: Questionnaire, section_scores: Sequence[float | None], flags: Sequence[int] | None = None
) -> list[StageTally]:
    """Each stage's score (the weighted mean of its assessed sections' scores, by section weight) and status.

    `flags` holds each section's `section_flags`, in questionnaire order; without them a section with no
    score counts as not assessed and no critical question as failed.
    """
    pass_mark = questionnaire.pass_mark or 0
    flags = flags if flags is not None else [0] * len(questionnaire.sections)
    out: list[StageTally] = []
    for stage in questionnaire.stages:
        members = [(section, score, flag) for section, score, flag
                   in zip(questionnaire.sections, section_scores, flags, strict=True) if section.stage == stage.number]
        score = weighted_mean([(section.weight, score) for section, score, _ in members if score is not None])
        not_applicable = all(flag & NOT_APPLICABLE for _, _, flag in members)
        critical = any(flag & CRITICAL_FAILED for _, _, flag in members)
        out.append(StageTally(stage.number, score, stage_status(score, not_applicable, critical, pass_mark), critical))
    return out


@dataclass(frozen=True)
class ScoreSummary:
    """The headline numbers of one questionnaire, derived from its sections' raw scores alone."""

    score: float | None  # raw (unrounded) weighted mean of the assessed sections
    level: int | None
    reached: int | None  # stage reached, for staged questionnaires


def summarise(
    questionnaire: Questionnaire, section_scores: Sequence[float | None], flags: Sequence[int] | None = None
) -> ScoreSummary:
    """Questionnaire score, level and stage reached from raw section scores (in questionnaire order) and,
    for staged questionnaires, each section's `section_flags`.

    `score_questionnaire` computes its headline numbers through this too, so a summary made from
    the same section scores (or from several respondents' mean section scores) always agrees with it.
    """
    overall = weighted_mean([(section.weight, score) for section, score
                             in zip(questionnaire.sections, section_scores, strict=True) if score is not None])
    reached = None
    if questionnaire.kind == "staged":
        reached, _ = climb([(t.number, t.status) for t in stage_tallies(questionnaire, section_scores, flags)])
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
        if response.unknown:
            return NOT_KNOWN
        return f"{value} {question.unit}".strip() if question.unit else str(value)
    return str(value)


def _anchors(question: Question, questionnaire: Questionnaire) -> dict[str, str] | None:
    """A question's anchors keyed by each answer as reports show it ("2 Defined", an option's label)."""
    if not question.anchors:
        return None
    if question.type == "scale":
        return {f"{lv.value} {lv.label}": question.anchors[str(lv.value)]
                for lv in questionnaire.scales[question.scale or ""] if str(lv.value) in question.anchors}
    return {o.label: question.anchors[o.id] for o in question.options or () if o.id in question.anchors}


@dataclass
class _StageCount:
    """What the stage rule looks at in one stage (or one dimension of one stage): raw pairs and counts."""

    pairs: list[tuple[float, float]] = field(default_factory=list)
    scored: int = 0
    not_applicable: int = 0
    critical_failed: list[str] = field(default_factory=list)  # full ids of critical questions scoring 0
    not_known: list[str] = field(default_factory=list)  # full ids of critical questions answered `unknown`

    @property
    def score(self) -> float | None:
        mean = weighted_mean(self.pairs)
        return None if mean is None else 100 * mean


def _count(questionnaire: Questionnaire, responses: Mapping[str, Response], stage: int,
           dimension: str | None = None) -> _StageCount:
    """A stage's scored questions (of one dimension when given), each weighted by question × section weight."""
    count = _StageCount()
    for section in questionnaire.sections:
        if section.stage != stage:
            continue
        for full, question in section.scored_questions:
            if dimension is not None and question.dimension != dimension:
                continue
            count.scored += 1
            response = responses.get(full, UNANSWERED)
            if response.status == "n/a":
                count.not_applicable += 1
            elif response.status == "answered" and response.score is not None:
                count.pairs.append((section.weight * question.weight, response.score))
                if question.critical and response.unknown:
                    count.not_known.append(full)
                elif question.critical and fails_critical(response):
                    count.critical_failed.append(full)
    return count


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _stage_reason(status: StageStatus, score: float | None, count: _StageCount, pass_mark: float,
                  baseline: bool) -> str:
    """Why a stage has its status, in a few words a report can show beside it."""
    answered = len(count.pairs)
    asked = count.scored - count.not_applicable
    if baseline and not count.scored:
        return "the starting point, with no questions: always reached"
    if status == "not applicable":
        return "no scored questions" if not count.scored else f"all {_plural(count.scored, 'question')} n/a"
    if status == "not assessed":
        return f"none of its {_plural(asked, 'question')} answered"
    shown = f"{_score1(score):.1f}" if score is not None else "-"
    of = f"{answered} of {asked} answered"
    if status == "passed":
        reason = f"score {shown} at or above the pass mark {pass_mark:g} ({of})"
    elif count.critical_failed or count.not_known:
        parts = []
        if count.not_known:
            names = ", ".join(count.not_known)
            parts.append(f"critical metric {names} is not known" if len(count.not_known) == 1 else
                         f"critical metrics {names} are not known")
        if count.critical_failed:
            names = ", ".join(count.critical_failed)
            parts.append(f"critical question {names} scored 0" if len(count.critical_failed) == 1 else
                         f"critical questions {names} scored 0")
        reason = "; ".join(parts) + f" (score {shown}, {of})"
    else:
        reason = f"score {shown} below the pass mark {pass_mark:g} ({of})"
    if baseline:
        reason += "; the starting point is reached whatever its score"
    return reason


def climb_summary(stage: StageResult) -> str:
    """One sentence on how far the climb went and what stopped it (every format shows it)."""
    if stage.stopped_at is None:
        above = [s for s in stage.stages if s.number > stage.reached]
        if not above:
            return f"stage {stage.reached} {stage.name} is the top stage: every stage up to it is passed " \
                   "or not applicable"
        return f"stage {stage.reached} {stage.name} reached; the stages above it are not applicable"
    stopper = next(s for s in stage.stages if s.number == stage.stopped_at)
    if stopper.status == "not assessed":
        return f"stage {stopper.number} not assessed: answer its questions to know whether it is reached"
    return f"stage {stopper.number} failed: {stopper.reason}"


def _stage_result(
    questionnaire: Questionnaire,
    tallies: Sequence[SectionTally],
    responses: Mapping[str, Response],
    targets: Mapping[str, int],
) -> StageResult:
    pass_mark = questionnaire.pass_mark or 0
    first = questionnaire.stages[0].number if questionnaire.stages else 1
    # the stage's score and status as `summarise` works them out (from section scores), so the two agree
    tallied = stage_tallies(questionnaire, [t.score for t in tallies], [section_flags(t) for t in tallies])
    stages: list[StageScore] = []
    for stage, tally in zip(questionnaire.stages, tallied, strict=True):
        count = _count(questionnaire, responses, stage.number)
        score, status = tally.score, tally.status
        baseline = stage.number == first
        stages.append(StageScore(
            number=stage.number, id=stage.id, name=stage.name, score=_score1(score), has_evidence=score is not None,
            passed=status == "passed", status=status,
            reason=_stage_reason(status, score, count, pass_mark, baseline),
        ))
    reached, stopped_at = climb([(s.number, s.status) for s in stages])

    matrix: dict[str, dict[int, float | None]] = {}
    matrix_status: dict[str, dict[int, StageStatus]] = {}
    dimensions: dict[str, int] = {}
    for dimension in questionnaire.dimensions:
        row: dict[int, float | None] = {}
        statuses: dict[int, StageStatus] = {}
        for stage in questionnaire.stages:
            count = _count(questionnaire, responses, stage.number, dimension)
            row[stage.number] = _score1(count.score)
            # a stage with no questions of this dimension is passed over, like an all-n/a one
            statuses[stage.number] = stage_status(count.score, count.scored == count.not_applicable,
                                                  bool(count.critical_failed or count.not_known), pass_mark)
        matrix[dimension] = row
        matrix_status[dimension] = statuses
        dimensions[dimension], _ = climb(list(statuses.items()))

    target = max(targets.values(), default=questionnaire.default_target)
    by_number = {s.number: s for s in stages}
    following = [n for n in by_number if n > reached and by_number[n].status != "not applicable"]
    next_steps: list[NextStep] = []
    if following:
        for section in questionnaire.sections:
            if section.stage != following[0]:
                continue
            for full, question in section.scored_questions:
                response = responses.get(full, UNANSWERED)
                if response.status == "n/a":
                    continue
                if response.status == "unanswered" or (response.score or 0) < 1:
                    next_steps.append(NextStep(question=full, text=question.wording(),
                                               recommendation=question.recommendation_for(response.score)))
    reached_stage = questionnaire.stage(reached)
    result = StageResult(
        reached=reached, name=reached_stage.name if reached_stage else str(reached), target=target,
        gap=max(0, target - reached), pass_mark=pass_mark, stages=stages, dimensions=dimensions, matrix=matrix,
        matrix_status=matrix_status, next_steps=next_steps, stopped_at=stopped_at,
        next_stage=following[0] if following else None,
    )
    return result.model_copy(update={"climb": climb_summary(result)})


def score_questionnaire(
    questionnaire: Questionnaire,
    responses: Mapping[str, Response],
    targets: Mapping[str, int] | None = None,
    lens: str | None = None,
    company: str | None = None,
    also_asked_in: str | None = None,
) -> QuestionnaireResult:
    """Score one questionnaire's responses (full question id -> response); `company` fills `{company}` in
    question wordings. Questions not asked in the lens (a question's `lenses`) are left out altogether, and with
    `also_asked_in` those not asked in that lens too (the perception gap compares the questions both answer)."""
    targets = targets or {}
    lenses = (lens,) if also_asked_in is None else (lens, also_asked_in)
    tallies = tally_sections(questionnaire, responses, *lenses)
    staged = questionnaire.kind == "staged"
    stage = _stage_result(questionnaire, tallies, responses, targets) if staged else None

    sections: list[SectionResult] = []
    recommendations: list[tuple[float, int, Recommendation]] = []
    unanswered: list[str] = []
    not_applicable: list[NotApplicable] = []
    profile: list[ProfileQuestion] = []
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
        contradicted: list[Contradicted] = []
        for question in section.questions_in(*lenses):
            full = f"{section.id}.{question.id}"
            response = responses.get(full, UNANSWERED)
            if question.scored and response.status == "unanswered":
                unanswered.append(full)
            if response.status == "n/a":
                not_applicable.append(NotApplicable(question=full, reason=response.reason))
            s = response.score if question.scored and response.status == "answered" else None
            if needs_evidence(s, lens) and not names_evidence(response.evidence):
                not_evidenced.append(NotEvidenced(question=full, text=question.wording(lens, company),
                                                  score=None if s is None else round(100 * s, 1),
                                                  evidence_request=question.evidence_request))
            against = contradiction(question, response, full, question.wording(lens, company))
            if against is not None:
                contradicted.append(against)
            questions.append(QuestionResult(
                id=full, text=question.wording(lens, company), type=question.type, status=response.status,
                answer=_display(question, questionnaire, response), value=response.value,
                score=None if s is None else round(100 * s, 1), weight=question.weight, critical=question.critical,
                dimension=question.dimension, note=response.note, evidence=response.evidence,
                reason=response.reason, recommendation=question.recommendation_for(s), profile=question.profile,
                anchors=_anchors(question, questionnaire), evidence_request=question.evidence_request,
                measured=response.measured[0] if response.measured else None,
                measured_source=response.measured[1] if response.measured else None, contradicted=against is not None,
            ))
            if question.profile:
                tally_of = ProfileTally(question)
                tally_of.add(response)
                profile.append(tally_of.result(full, section.id, lens))
            needs_work = (gap or 0) > 0 or risk in ("high", "medium")
            if s is not None and _exact(s) < 1 and needs_work:
                priority = section.weight * question.weight * (1 - s) * (1 + (gap or 0))
                recommendations.append((priority, order, Recommendation(
                    question=full, section=section.id, questionnaire=questionnaire.id, priority=round(priority, 3),
                    text=question.recommendation_for(s) or f"Improve: {question.wording(lens, company)}",
                    question_text=question.wording(lens, company), score=round(100 * s, 1),
                )))
            order += 1
        sections.append(SectionResult(
            id=section.id, title=section.title, weight=section.weight, stage=section.stage,
            score=_score1(tally.score), level=level, level_name=questionnaire.level_name(level), risk=risk,
            target=target, gap=gap, completeness=round(tally.completeness, 3), answered=tally.answered,
            scored_questions=tally.scored, not_applicable=tally.not_applicable, questions=questions,
            not_evidenced=not_evidenced, provisional=tally.provisional, contradicted=contradicted,
        ))

    summary = summarise(questionnaire, [t.score for t in tallies], [section_flags(t) for t in tallies])
    overall, level = summary.score, summary.level
    asked = sum(t.scored - t.not_applicable for t in tallies)
    answered = sum(t.answered for t in tallies)
    recommendations.sort(key=lambda item: (-item[0], item[1]))
    return QuestionnaireResult(
        id=questionnaire.id, title=questionnaire.title, version=questionnaire.version, kind=questionnaire.kind,
        source=questionnaire.source, score=_score1(overall), level=level,
        level_name=questionnaire.level_name(level), completeness=round(answered / asked if asked else 1.0, 3),
        provisional=is_provisional(answered, asked),
        sections=sections, recommendations=[r for _, _, r in recommendations], stage=stage,
        unanswered=unanswered, not_applicable=not_applicable,
        levels=[LevelBand(level=lv.level, name=lv.name, min=lv.min) for lv in questionnaire.levels],
        risk_bands=RiskBandsResult(high=questionnaire.risk_bands.high, medium=questionnaire.risk_bands.medium)
        if questionnaire.kind == "scored" else None,
        profile=profile,
    )
