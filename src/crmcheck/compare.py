"""Pure comparison of two assessments of one company: what rose, what fell, which answers changed."""

from __future__ import annotations

from collections.abc import Mapping

from crmcheck.models.questionnaire import Questionnaire
from crmcheck.models.result import (
    AnswerChange,
    AssessmentResult,
    Comparison,
    LevelChange,
    NotComparable,
    QuestionnaireChange,
    QuestionnaireResult,
    QuestionResult,
    Regression,
    RenamedQuestion,
    SectionChange,
    SectionResult,
    StageChange,
    Trend,
)


def difference(before: float | None, after: float | None) -> float | None:
    """After minus before on the one-decimal scores the reports show; None when either is missing."""
    if before is None or after is None:
        return None
    return round(after - before, 1)


def level_change(before: int | None, after: int | None, before_name: str | None = None,
                 after_name: str | None = None) -> LevelChange:
    change = None if before is None or after is None else after - before
    return LevelChange(before=before, after=after, before_name=before_name, after_name=after_name, change=change)


def trend_of(change: float | None) -> Trend:
    if change is None:
        return "not comparable"
    if change > 0:
        return "improved"
    return "declined" if change < 0 else "unchanged"


def _section_change(old: SectionResult | None, new: SectionResult | None) -> SectionChange:
    shown = new or old
    assert shown is not None
    change = difference(old.score if old else None, new.score if new else None)
    return SectionChange(
        id=shown.id, title=shown.title, presence="both" if old and new else ("added" if new else "removed"),
        stage=shown.stage, score_before=old.score if old else None, score_after=new.score if new else None,
        score_change=change,
        level=level_change(old.level if old else None, new.level if new else None,
                           old.level_name if old else None, new.level_name if new else None),
        risk_before=old.risk if old else None, risk_after=new.risk if new else None,
        completeness_before=old.completeness if old else None, completeness_after=new.completeness if new else None,
        trend=trend_of(change) if old and new and not (old.provisional or new.provisional) else "not comparable",
        provisional_before=bool(old and old.provisional), provisional_after=bool(new and new.provisional),
    )


def _stage_change(old: QuestionnaireResult, new: QuestionnaireResult) -> StageChange | None:
    if old.stage is None or new.stage is None:
        return None
    dimensions = {
        name: level_change(old.stage.dimensions.get(name), new.stage.dimensions.get(name))
        for name in dict.fromkeys([*new.stage.dimensions, *old.stage.dimensions])
    }
    return StageChange(reached=level_change(old.stage.reached, new.stage.reached, old.stage.name, new.stage.name),
                       dimensions=dimensions)


def _questions(result: QuestionnaireResult) -> dict[str, QuestionResult]:
    return {q.id: q for s in result.sections for q in s.questions}


def _match_questions(
    old: QuestionnaireResult, new: QuestionnaireResult, questionnaire: Questionnaire | None
) -> tuple[list[tuple[QuestionResult, QuestionResult]], list[RenamedQuestion], list[str], list[str]]:
    """Pair each baseline question with its current one (same id, or linked by `renamed_from`)."""
    before, after = _questions(old), _questions(new)
    pairs: list[tuple[QuestionResult, QuestionResult]] = []
    renamed: list[RenamedQuestion] = []
    removed: list[str] = []
    matched: set[str] = set()
    for old_id, old_question in before.items():
        current = old_id if old_id in after else (questionnaire.current_id(old_id) if questionnaire else None)
        if current is None or current not in after or current in matched or (current != old_id and current in before):
            removed.append(old_id)
            continue
        matched.add(current)
        pairs.append((old_question, after[current]))
        if current != old_id:
            renamed.append(RenamedQuestion(previous_id=old_id, question=current))
    added = [new_id for new_id in after if new_id not in matched]
    return pairs, renamed, added, removed


def _answer_changes(pairs: list[tuple[QuestionResult, QuestionResult]]) -> list[AnswerChange]:
    changes = []
    for old, new in pairs:
        if (old.status, old.answer) == (new.status, new.answer):
            continue
        changes.append(AnswerChange(
            question=new.id, previous_id=old.id if old.id != new.id else None, text=new.text,
            before=old.answer, after=new.answer, score_before=old.score, score_after=new.score,
        ))
    return changes


def _questionnaire_change(
    old: QuestionnaireResult | None, new: QuestionnaireResult | None, questionnaire: Questionnaire | None
) -> QuestionnaireChange:
    shown = new or old
    assert shown is not None
    sections: list[SectionChange] = []
    answers: list[AnswerChange] = []
    renamed: list[RenamedQuestion] = []
    added: list[str] = []
    removed: list[str] = []
    stage = None
    if old and new:
        old_sections = {s.id: s for s in old.sections}
        new_sections = {s.id: s for s in new.sections}
        sections = [_section_change(old_sections.get(s.id), s) for s in new.sections]
        sections += [_section_change(s, None) for s in old.sections if s.id not in new_sections]
        pairs, renamed, added, removed = _match_questions(old, new, questionnaire)
        answers = _answer_changes(pairs)
        stage = _stage_change(old, new)
    return QuestionnaireChange(
        id=shown.id, title=shown.title, kind=shown.kind,
        presence="both" if old and new else ("added" if new else "removed"),
        version_before=old.version if old else None, version_after=new.version if new else None,
        score_before=old.score if old else None, score_after=new.score if new else None,
        score_change=difference(old.score if old else None, new.score if new else None),
        level=level_change(old.level if old else None, new.level if new else None,
                           old.level_name if old else None, new.level_name if new else None),
        completeness_before=old.completeness if old else None, completeness_after=new.completeness if new else None,
        stage=stage, sections=sections, answers_changed=answers, questions_added=added, questions_removed=removed,
        questions_renamed=renamed, provisional_before=bool(old and old.provisional),
        provisional_after=bool(new and new.provisional),
    )


def _level_words(change: LevelChange) -> str:
    def one(level: int | None, name: str | None) -> str:
        return "not assessed" if level is None else f"{level} {name or ''}".strip()

    return f"{one(change.before, change.before_name)} → {one(change.after, change.after_name)}"


def _percent(fraction: float | None) -> str:
    return f"{(fraction or 0) * 100:.0f}%"


def provisional_reason(before: bool, after: bool, completeness_before: float | None,
                       completeness_after: float | None) -> str:
    """Why a score is not compared: which side is provisional, and how much was answered there."""
    sides = []
    if before:
        sides.append(f"in the baseline ({_percent(completeness_before)} answered)")
    if after:
        sides.append(f"now ({_percent(completeness_after)} answered)")
    return (f"provisional {' and '.join(sides)}: under half its questions answered, so not compared "
            "(never counted as a step back)")


def not_comparable_of(changes: list[QuestionnaireChange]) -> list[NotComparable]:
    """Every questionnaire and section in both assessments whose score is provisional on either side."""
    found: list[NotComparable] = []
    for q in changes:
        if q.presence != "both":
            continue
        if q.provisional_before or q.provisional_after:
            found.append(NotComparable(questionnaire=q.id, section=None, text=f"{q.id}: " + provisional_reason(
                q.provisional_before, q.provisional_after, q.completeness_before, q.completeness_after)))
        found.extend(
            NotComparable(questionnaire=q.id, section=s.id, text=f"{q.id}/{s.id}: " + provisional_reason(
                s.provisional_before, s.provisional_after, s.completeness_before, s.completeness_after))
            for s in q.sections if s.presence == "both" and (s.provisional_before or s.provisional_after))
    return found


def regressions_of(changes: list[QuestionnaireChange]) -> list[Regression]:
    """Steps back: a level or stage reached that fell, a section newly at high risk, something no longer assessed.
    A provisional score on either side is not comparable: it is never a step back (see `not_comparable_of`)."""
    found: list[Regression] = []
    for q in changes:
        if q.presence == "removed":
            found.append(Regression(questionnaire=q.id, section=None, kind="missing",
                                    text=f"{q.id} was in the baseline but is not in this assessment"))
            continue
        if q.presence == "added":
            continue
        whole = not (q.provisional_before or q.provisional_after)
        if whole and q.level.change is not None and q.level.change < 0:
            found.append(Regression(questionnaire=q.id, section=None, kind="level",
                                    text=f"{q.id}: level {_level_words(q.level)}"))
        if whole and q.stage and q.stage.reached.change is not None and q.stage.reached.change < 0:
            found.append(Regression(questionnaire=q.id, section=None, kind="stage",
                                    text=f"{q.id}: stage reached {_level_words(q.stage.reached)}"))
        for s in q.sections:
            if s.presence != "both" or s.provisional_before or s.provisional_after:
                continue
            where = f"{q.id}/{s.id}"
            if s.level.before is not None and s.level.after is None:
                found.append(Regression(questionnaire=q.id, section=s.id, kind="missing",
                                        text=f"{where}: assessed before (level {s.level.before}), not assessed now"))
            elif s.level.change is not None and s.level.change < 0:
                found.append(Regression(questionnaire=q.id, section=s.id, kind="level",
                                        text=f"{where}: level {_level_words(s.level)}"))
            if s.risk_after == "high" and s.risk_before in ("low", "medium"):
                found.append(Regression(questionnaire=q.id, section=s.id, kind="risk",
                                        text=f"{where}: risk {s.risk_before} → high"))
    return found


def compare_assessments(
    old: AssessmentResult, new: AssessmentResult, questionnaires: Mapping[str, Questionnaire]
) -> Comparison:
    """Compare a baseline with a later assessment; `questionnaires` are the newer versions, for `renamed_from`."""
    before = {q.id: q for q in old.questionnaires}
    after = {q.id: q for q in new.questionnaires}
    changes = [_questionnaire_change(before.get(q.id), q, questionnaires.get(q.id)) for q in new.questionnaires]
    changes += [_questionnaire_change(q, None, None) for q in old.questionnaires if q.id not in after]
    return Comparison(
        company=new.company, baseline_on=old.assessed_on, assessed_on=new.assessed_on,
        days_between=(new.assessed_on - old.assessed_on).days, questionnaires=changes,
        regressions=regressions_of(changes), not_comparable=not_comparable_of(changes),
    )
