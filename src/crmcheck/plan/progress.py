"""A plan set against an assessment (which gaps are still open, what is overdue) and against a change."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable

from crmcheck.models.plan import Action, PlanDocument
from crmcheck.models.plan_view import ActionView, GapState, PlanEffect, PlanSummary
from crmcheck.models.result import AssessmentResult, Comparison, QuestionnaireResult

CurrentId = Callable[[str, str], str]  # (questionnaire, question id as written) -> the current full id


def same_id(questionnaire: str, question: str) -> str:
    return question


def _gap(action: Action, results: list[QuestionnaireResult] | None, current_id: CurrentId) -> GapState:
    """Whether the assessment still asks for work on the action's questions (or, with none listed, its section).
    Without an assessment (None), what the plan file records: closed once `plan --update` marked it so."""
    if results is None:
        return "closed" if action.gap_closed is not None else "open"
    if not results:
        return "not assessed"
    asked = [current_id(action.questionnaire, q) for q in action.questions]
    statuses = {qr.id: qr.status for r in results for s in r.sections for qr in s.questions}
    recommended = {(rec.section, rec.question) for r in results for rec in r.recommendations}
    if asked:
        if all(statuses.get(q, "unanswered") == "unanswered" for q in asked):
            return "not assessed"
        return "open" if any((action.section, q) in recommended for q in asked) else "closed"
    in_section = [st for qid, st in statuses.items() if qid.split(".", 1)[0] == action.section]
    if not in_section or all(st == "unanswered" for st in in_section):
        return "not assessed"
    return "open" if any(section == action.section for section, _ in recommended) else "closed"


def plan_summary(
    source: PlanDocument, result: AssessmentResult | None, today: dt.date, current_id: CurrentId = same_id,
) -> PlanSummary:
    """Every action with its state on `today`, against `result` when one is given."""
    plan = source.plan
    views: list[ActionView] = []
    unplaced: list[str] = []
    for index, action in enumerate(plan.actions):
        results = [q for q in result.questionnaires if q.id == action.questionnaire] if result else None
        if results and all(action.section not in {s.id for s in q.sections} for q in results):
            unplaced.append(action.id)
        gap = _gap(action, results, current_id)
        views.append(ActionView(
            id=action.id, title=action.title, questionnaire=action.questionnaire, section=action.section,
            questions=action.questions, owner=action.owner, due=action.due, status=action.status,
            phase=action.phase, effort=action.effort, impact=action.impact, done_on=action.done_on,
            notes=action.notes, overdue=action.overdue(today) and gap != "closed", gap=gap,
            line=source.line_of(index)))
    counts = Counter(v.status for v in views)
    return PlanSummary(
        file=source.path, company=plan.company, made_from=plan.assessment.file,
        made_from_date=plan.assessment.assessed_on, today=today, actions=views,
        by_status={status: counts.get(status, 0) for status in ("open", "doing", "done", "dropped")},
        overdue=sum(v.overdue for v in views), gaps_closed=sum(v.gap == "closed" for v in views), unplaced=unplaced)


def with_plan(result: AssessmentResult, summary: PlanSummary) -> AssessmentResult:
    """The result with each section's actions beside it, and the plan's summary."""
    questionnaires = []
    for q in result.questionnaires:
        sections = [s.model_copy(update={"actions": [a for a in summary.actions if a.questionnaire == q.id
                                                     and a.section == s.id]}) for s in q.sections]
        questionnaires.append(q.model_copy(update={"sections": sections}))
    comparison = result.comparison
    if comparison is not None:
        comparison = comparison.model_copy(update={"plan_effects": plan_effects(comparison, summary)})
    return result.model_copy(update={"questionnaires": questionnaires, "plan": summary, "comparison": comparison})


def _effect_text(section: str, actions: int, done: int, before: int | None, after: int | None) -> str:
    work = f"{done} of {actions} action{'s' if actions != 1 else ''} done" if actions else "no action"
    if before is None and after is None:
        change = "not assessed"
    elif before == after:
        change = "no change"
    else:
        change = f"level {'—' if before is None else before} → {'—' if after is None else after}"
    return f"{section}: {work}, {change}"


def plan_effects(comparison: Comparison, summary: PlanSummary) -> list[PlanEffect]:
    """For each section with an action, or whose level moved: how many of its actions were done, and the move.
    Dropped actions are left out of the count (nobody expected them to move anything)."""
    effects: list[PlanEffect] = []
    for q in comparison.questionnaires:
        for s in q.sections:
            mine = [a for a in summary.actions if a.questionnaire == q.id and a.section == s.id
                    and a.status != "dropped"]
            before, after = s.level.before, s.level.after
            if not mine and before == after:
                continue
            done = sum(a.status == "done" for a in mine)
            effects.append(PlanEffect(
                questionnaire=q.id, section=s.id, title=s.title, actions=len(mine), done=done, level_before=before,
                level_after=after, text=_effect_text(s.id, len(mine), done, before, after)))
    return effects
