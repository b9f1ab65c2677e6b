"""The cumulative stage rule of staged questionnaires: each stage's status, the climb, the headline summary,
and the stage result with its reasons, dimension matrix and next steps."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from crmcheck.models.questionnaire import Questionnaire
from crmcheck.models.result import NextStep, StageResult, StageScore, StageStatus
from crmcheck.resolve import UNANSWERED, Response
from crmcheck.scoring.rules import edge_exact, fails_critical, level_of, rounded_score, weighted_mean
from crmcheck.scoring.sections import CRITICAL_FAILED, NOT_APPLICABLE, SectionTally, section_flags


def stage_status(score: float | None, not_applicable: bool, critical_failed: bool, pass_mark: float) -> StageStatus:
    """DESIGN.md's status of one stage (or one stage of one dimension) from its raw score and facts."""
    if score is None:
        return "not applicable" if not_applicable else "not assessed"
    if critical_failed or edge_exact(score) < edge_exact(pass_mark):
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
    shown = f"{rounded_score(score):.1f}" if score is not None else "-"
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


def stage_result(
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
            number=stage.number, id=stage.id, name=stage.name, score=rounded_score(score),
            has_evidence=score is not None, passed=status == "passed", status=status,
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
            row[stage.number] = rounded_score(count.score)
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
