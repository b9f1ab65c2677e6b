"""Pure policy evaluation: (policy, scored assessment with its comparison, today) -> one outcome per rule and scope."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from crmcheck.answers.model import AnswersDocument
from crmcheck.compare import provisional_reason
from crmcheck.inert import names_evidence
from crmcheck.models.check import OutcomeStatus, RuleOutcome
from crmcheck.models.plan_view import PlanSummary
from crmcheck.models.policy import (
    BASELINE_RULES,
    PLAN_RULES,
    Evidence,
    HighRiskHasAction,
    MaxAge,
    MaxScoreDrop,
    MinCompleteness,
    MinLevel,
    MinStage,
    MustAnswer,
    NoHighRisk,
    NoLevelDrop,
    NoNewHighRisk,
    NoOverdueActions,
    NoStageDrop,
    Policy,
    percent,
)
from crmcheck.models.questionnaire import Questionnaire
from crmcheck.models.result import (
    AssessmentResult,
    Comparison,
    QuestionnaireChange,
    QuestionnaireResult,
    SectionChange,
    SectionResult,
)
from crmcheck.scoring import EDGE_DIGITS

DEFAULT_MAX_AGE_DAYS = 400


def default_policy(*, with_plan: bool = False) -> Policy:
    """The policy `check` applies without --policy: a recent assessment with something answered, and no step back
    against a baseline; with a plan, also no overdue action and an action for every high-risk section."""
    plan_rules = [{"rule": "no-overdue-actions"}, {"rule": "high-risk-has-action"}] if with_plan else []
    return Policy.model_validate({"format": 1, "description": "the default policy", "rules": [
        {"rule": "max-age", "days": DEFAULT_MAX_AGE_DAYS},
        {"rule": "no-level-drop"},
        {"rule": "no-new-high-risk"},
        # at least 0% answered, and (as every completeness rule asks) something answered: not all n/a or blank
        {"rule": "min-completeness", "completeness": 0, "name": "something answered (not all n/a or blank)"},
        *plan_rules,
    ]})


@dataclass(frozen=True)
class AnswerLocations:
    """Lines of an answers file, so that a broken rule can point at the answer behind it."""

    file: str
    assessed_on: int = 1
    questionnaires: dict[str, int] = field(default_factory=dict)
    answers: dict[str, dict[str, int]] = field(default_factory=dict)  # questionnaire -> current full id -> line

    @classmethod
    def of(cls, source: AnswersDocument, questionnaires: Mapping[str, Questionnaire]) -> AnswerLocations:
        doc = source.doc
        lines: dict[str, dict[str, int]] = {}
        starts: dict[str, int] = {}
        for qid, given in source.answers.questionnaires.items():
            starts[qid] = doc.position(("questionnaires", qid), key=True).line
            questionnaire = questionnaires.get(qid)
            mine = lines.setdefault(qid, {})
            for key in given.answers:
                current = questionnaire.current_id(key) if questionnaire else key
                mine[current or key] = doc.position(("questionnaires", qid, "answers", key), key=True).line
        return cls(doc.path, doc.position(("assessed_on",), key=True).line, starts, lines)

    def line(self, questionnaire: str | None = None, section: str | None = None, question: str | None = None) -> int:
        """The most specific line known: the answer, else the section's first answer, else the questionnaire."""
        if questionnaire is None:
            return self.assessed_on
        answers = self.answers.get(questionnaire, {})
        if question is not None and question in answers:
            return answers[question]
        if section is not None:
            mine = [line for full, line in answers.items() if full.split(".", 1)[0] == section]
            if mine:
                return min(mine)
        return self.questionnaires.get(questionnaire, self.assessed_on)


@dataclass(frozen=True)
class _Context:
    result: AssessmentResult
    questionnaires: Mapping[str, Questionnaire]
    today: dt.date
    locations: AnswerLocations
    plan: PlanSummary | None = None

    @property
    def comparison(self) -> Comparison | None:
        return self.result.comparison


def _exact(x: float) -> float:
    return round(x, EDGE_DIGITS)


def _level_text(level: int | None, name: str | None, score: float | None = None) -> str:
    if level is None:
        return "not assessed"
    text = f"level {level} {name or ''}".strip()
    return f"{text} (score {score:.1f})" if score is not None else text


class _Outcomes:
    """Builds the outcomes of one rule, filling the rule's number, name and requirement into each."""

    def __init__(self, number: int, rule: Any, ctx: _Context) -> None:
        self.number, self.rule, self.ctx = number, rule, ctx
        self.items: list[RuleOutcome] = []

    def add(self, status: OutcomeStatus, found: str, message: str | None = None, questionnaire: str | None = None,
            section: str | None = None, question: str | None = None, line: int | None = None,
            file: str | None = None) -> None:
        """One outcome; without a message (a rule that held) the message is the scope and what was found."""
        if questionnaire is None:
            scope = "assessment"
        elif question is not None:
            scope = f"{questionnaire}/{question}"
        elif section is not None:
            scope = f"{questionnaire}/{section}"
        else:
            scope = questionnaire
        self.items.append(RuleOutcome(
            rule=self.rule.rule, rule_number=self.number, rule_name=self.rule.name, requirement=self.rule.requirement(),
            scope=scope, questionnaire=questionnaire, section=section, question=question, status=status,
            found=found, message=message or f"{scope}: {found}", file=file or self.ctx.locations.file,
            line=line if line is not None else self.ctx.locations.line(questionnaire, section, question),
        ))

    def held_if(self, ok: bool, found: str, broken_message: str, **where: Any) -> None:
        self.add("held" if ok else "broken", found, None if ok else broken_message, **where)


def _questionnaires(rule: Any, ctx: _Context, out: _Outcomes) -> Iterator[QuestionnaireResult]:
    """The questionnaires a rule covers; a named one missing from the assessment breaks the rule."""
    wanted: str | None = getattr(rule, "questionnaire", None)
    if wanted is None:
        yield from ctx.result.questionnaires
        return
    found = next((q for q in ctx.result.questionnaires if q.id == wanted), None)
    if found is None:
        out.add("broken", "not in this assessment",
                f"{wanted} is not part of this assessment, so it cannot meet the policy", questionnaire=wanted)
        return
    yield found


def _sections(rule: Any, q: QuestionnaireResult, *, every_by_default: bool) -> list[SectionResult] | None:
    """The sections a rule covers in one questionnaire; None when it applies to the questionnaire as a whole."""
    sections = getattr(rule, "sections", None)
    if sections == "all" or (sections is None and every_by_default):
        return q.sections
    if sections is None:
        return None
    return [s for s in q.sections if s.id in sections]


PROVISIONAL_FOUND = "provisional"


def _skip_provisional(out: _Outcomes, scope: QuestionnaireResult | SectionResult, questionnaire: str,
                      section: str | None = None) -> bool:
    """Skip (with the reason) a scope whose score rests on under half its questions: it is not comparable,
    so a rule neither holds nor breaks on it. True when skipped."""
    if not scope.provisional:
        return False
    where = f"{questionnaire}/{section}" if section else questionnaire
    out.add("skipped", PROVISIONAL_FOUND, f"{where} is provisional ({percent(scope.completeness)} answered, under "
            "half its questions): its score is not judged; answer more of it, or require answers with a "
            "min-completeness rule", questionnaire=questionnaire, section=section)
    return True


def _min_level(number: int, rule: MinLevel, ctx: _Context) -> list[RuleOutcome]:
    out = _Outcomes(number, rule, ctx)
    for q in _questionnaires(rule, ctx, out):
        sections = _sections(rule, q, every_by_default=False)
        scopes: list[tuple[str | None, int | None, str | None, float | None]] = (
            [(None, q.level, q.level_name, q.score)] if sections is None
            else [(s.id, s.level, s.level_name, s.score) for s in sections]
        )
        by_id = {s.id: s for s in q.sections}
        for section, level, name, score in scopes:
            if _skip_provisional(out, by_id[section] if section else q, q.id, section):
                continue
            found = _level_text(level, name, score)
            where = f"{q.id}/{section}" if section else q.id
            state = f"at {found}" if level is not None else found
            out.held_if(level is not None and level >= rule.level, found,
                        f"{where} is {state}; the policy asks for level {rule.level} or above",
                        questionnaire=q.id, section=section)
    return out.items


def _min_stage(number: int, rule: MinStage, ctx: _Context) -> list[RuleOutcome]:
    out = _Outcomes(number, rule, ctx)
    for q in _questionnaires(rule, ctx, out):
        if q.stage is None or _skip_provisional(out, q, q.id):
            continue
        found = f"stage {q.stage.reached} {q.stage.name}"
        out.held_if(q.stage.reached >= rule.stage, found,
                    f"{q.id} has reached {found}; the policy asks for stage {rule.stage} or above", questionnaire=q.id)
    return out.items


def _no_high_risk(number: int, rule: NoHighRisk, ctx: _Context) -> list[RuleOutcome]:
    out = _Outcomes(number, rule, ctx)
    for q in _questionnaires(rule, ctx, out):
        if q.kind != "scored":
            continue
        for s in _sections(rule, q, every_by_default=True) or ():
            if s.score is None:
                out.add("skipped", "not assessed", f"{q.id}/{s.id} is not assessed (no scored answer other than "
                        "n/a), so its risk is unknown; nothing to check", questionnaire=q.id, section=s.id)
                continue
            if _skip_provisional(out, s, q.id, s.id):
                continue
            found = f"{s.risk} risk (score {s.score:.1f})"
            out.held_if(s.risk != "high", found, f"{q.id}/{s.id} is at high risk (score {s.score})",
                        questionnaire=q.id, section=s.id)
    return out.items


def _tally(sections: list[SectionResult]) -> tuple[int, int, int]:
    """Answered, n/a, and scored questions over some sections."""
    return (sum(s.answered for s in sections), sum(s.not_applicable for s in sections),
            sum(s.scored_questions for s in sections))


def _min_completeness(number: int, rule: MinCompleteness, ctx: _Context) -> list[RuleOutcome]:
    out = _Outcomes(number, rule, ctx)
    for q in _questionnaires(rule, ctx, out):
        sections = _sections(rule, q, every_by_default=False)
        in_questionnaire = _tally(q.sections)
        scopes = ([(None, q.completeness, in_questionnaire)] if sections is None
                  else [(s.id, s.completeness, _tally([s])) for s in sections])
        for section, completeness, (answered, not_applicable, asked) in scopes:
            where = f"{q.id}/{section}" if section else q.id
            if answered == 0 and section is not None and not_applicable == asked and in_questionnaire[0]:
                out.add("skipped", "every question n/a", f"{where}: every question is n/a; nothing to check",
                        questionnaire=q.id, section=section)
            elif answered == 0:
                # 0 of 0 is no 100%: a completeness rule never holds on nothing
                found = f"nothing answered ({not_applicable} n/a, {asked - not_applicable} blank)"
                out.add("broken", found, f"{where} has {found}; the policy asks for answers (at least "
                        f"{percent(rule.completeness)} answered)", questionnaire=q.id, section=section)
            else:
                found = f"{percent(completeness)} answered"
                out.held_if(_exact(completeness) >= _exact(rule.completeness), found,
                            f"{where} is {found}; the policy asks for at least {percent(rule.completeness)}",
                            questionnaire=q.id, section=section)
    return out.items


def _max_age(number: int, rule: MaxAge, ctx: _Context) -> list[RuleOutcome]:
    out = _Outcomes(number, rule, ctx)
    age = (ctx.today - ctx.result.assessed_on).days
    if age < 0:
        out.add("broken", f"dated {-age} days in the future",
                f"the assessment is dated {ctx.result.assessed_on}, after the day of the check ({ctx.today}); "
                "fix assessed_on, or give the day with --today")
    else:
        found = f"{age} days old (assessed on {ctx.result.assessed_on})"
        out.held_if(age <= rule.days, found,
                    f"the assessment is {found}; the policy asks for one at most {rule.days} days old: re-assess")
    return out.items


def _must_answer(number: int, rule: MustAnswer, ctx: _Context) -> list[RuleOutcome]:
    out = _Outcomes(number, rule, ctx)
    questionnaire = ctx.questionnaires.get(rule.questionnaire)
    for q in _questionnaires(rule, ctx, out):
        answers = {qr.id: qr for s in q.sections for qr in s.questions}
        for asked in rule.questions:
            current = questionnaire.current_id(asked) if questionnaire else asked
            question = answers.get(current or asked)
            if question is None:
                out.add("broken", "not a question of the version answered",
                        f"{q.id}/{asked} is not a question of {q.id} v{q.version}", questionnaire=q.id, question=asked)
            elif question.status == "answered":
                out.add("held", f"answered: {question.answer}",
                        questionnaire=q.id, question=question.id)
            else:
                advice = "give a real answer, not n/a" if question.status == "n/a" else "answer it"
                out.add("broken", question.status,
                        f"{q.id}/{question.id} must be answered but is {question.status}; {advice}",
                        questionnaire=q.id, question=question.id)
    return out.items


def _evidence(number: int, rule: Evidence, ctx: _Context) -> list[RuleOutcome]:
    out = _Outcomes(number, rule, ctx)
    for q in _questionnaires(rule, ctx, out):
        for s in _sections(rule, q, every_by_default=True) or ():
            for qr in s.questions:
                if qr.score is None or _exact(qr.score) < _exact(rule.at_or_above):
                    continue
                found = f"answer '{qr.answer}' (score {qr.score:.0f})"
                if names_evidence(qr.evidence):  # spaces, zero-width characters, "n/a" or "-" name nothing
                    out.add("held", f"{found}, evidence: {qr.evidence}", questionnaire=q.id, question=qr.id)
                else:
                    out.add("broken", f"{found}, no evidence",
                            f"{q.id}/{qr.id} scores {qr.score:.0f} but names no evidence; add 'evidence:' to the "
                            "answer", questionnaire=q.id, question=qr.id)
    if not out.items:
        out.add("skipped", "no answer in scope",
                f"no answer scores {rule.at_or_above:g} or more, so none needs evidence")
    return out.items


def _baseline_questionnaires(
    rule: Any, ctx: _Context, out: _Outcomes, *, kind: str | None = None
) -> Iterator[QuestionnaireChange]:
    """Questionnaires a baseline rule covers (of one kind, if given) that are in both assessments. One in the
    baseline but not now breaks the rule; one new this year is skipped."""
    comparison = ctx.comparison
    assert comparison is not None
    wanted: str | None = getattr(rule, "questionnaire", None)
    for q in comparison.questionnaires:
        if (wanted is not None and q.id != wanted) or (kind is not None and q.kind != kind):
            continue
        if q.presence == "both" and all(s.score_before is None for s in q.sections):
            out.add("skipped", "not assessed in the baseline", f"{q.id} has no scored answer in the baseline "
                    f"({comparison.baseline_on}); nothing to compare", questionnaire=q.id)
        elif q.presence == "removed":
            out.add("broken", "missing now", f"{q.id} was assessed in the baseline ({comparison.baseline_on}) but is "
                    "not in this assessment", questionnaire=q.id, line=ctx.locations.assessed_on)
        elif q.presence == "added":
            out.add("skipped", "not in the baseline", f"{q.id} was not assessed in the baseline; nothing to compare",
                    questionnaire=q.id)
        else:
            yield q
    if wanted is not None and all(q.id != wanted for q in comparison.questionnaires):
        out.add("broken", "not in this assessment",
                f"{wanted} is not part of this assessment, so it cannot meet the policy", questionnaire=wanted)


def _baseline_sections(
    rule: Any, ctx: _Context, out: _Outcomes, *, kind: str | None = None
) -> Iterator[tuple[QuestionnaireChange, SectionChange]]:
    """Section changes a baseline rule covers; a section only in one questionnaire version is skipped."""
    sections = getattr(rule, "sections", None)
    for q in _baseline_questionnaires(rule, ctx, out, kind=kind):
        for s in q.sections:
            if isinstance(sections, list) and s.id not in sections:
                continue
            if s.presence != "both":
                out.add("skipped", f"section {s.presence} in v{q.version_after}",
                        f"{q.id}/{s.id} is only in one of the two questionnaire versions; nothing to compare",
                        questionnaire=q.id, section=s.id)
                continue
            if s.score_before is None:
                out.add("skipped", "not assessed in the baseline", f"{q.id}/{s.id} was not assessed in the baseline; "
                        "nothing to compare", questionnaire=q.id, section=s.id)
                continue
            if s.provisional_before or s.provisional_after:
                out.add("skipped", PROVISIONAL_FOUND, f"{q.id}/{s.id}: " + provisional_reason(
                    s.provisional_before, s.provisional_after, s.completeness_before, s.completeness_after),
                    questionnaire=q.id, section=s.id)
                continue
            yield q, s


def _line_of_biggest_fall(ctx: _Context, q: QuestionnaireChange, section: str) -> int:
    """The answer in a section whose score fell most: the line a reader should look at first."""
    falls = [(a.score_after - a.score_before, a.question) for a in q.answers_changed
             if a.question.split(".", 1)[0] == section and a.score_before is not None and a.score_after is not None]
    falls.sort()
    if falls and falls[0][0] < 0:
        return ctx.locations.line(q.id, section, falls[0][1])
    return ctx.locations.line(q.id, section)


def _max_score_drop(number: int, rule: MaxScoreDrop, ctx: _Context) -> list[RuleOutcome]:
    out = _Outcomes(number, rule, ctx)
    for q, s in _baseline_sections(rule, ctx, out):
        if s.score_before is None:
            continue
        if s.score_after is None:
            out.add("broken", f"{s.score_before:.1f} → not assessed",
                    f"{q.id}/{s.id} scored {s.score_before:.1f} in the baseline and is not assessed now",
                    questionnaire=q.id, section=s.id)
            continue
        change = s.score_change or 0.0
        found = f"{s.score_before:.1f} → {s.score_after:.1f} ({change:+.1f})"
        out.held_if(_exact(-change) <= _exact(rule.points), found,
                    f"{q.id}/{s.id} fell {-change:.1f} points ({s.score_before:.1f} → {s.score_after:.1f}); "
                    f"the policy allows {rule.points:g}",
                    questionnaire=q.id, section=s.id, line=_line_of_biggest_fall(ctx, q, s.id))
    return out.items


def _no_level_drop(number: int, rule: NoLevelDrop, ctx: _Context) -> list[RuleOutcome]:
    out = _Outcomes(number, rule, ctx)
    for q, s in _baseline_sections(rule, ctx, out):
        before = _level_text(s.level.before, s.level.before_name)
        after = _level_text(s.level.after, s.level.after_name)
        found = f"{before} → {after}" if before != after else f"{after}, unchanged"
        dropped = s.level.before is not None and (s.level.after is None or s.level.after < s.level.before)
        out.held_if(not dropped, found, f"{q.id}/{s.id} fell from {before} to {after} (score {s.score_before} → "
                    f"{s.score_after})", questionnaire=q.id, section=s.id, line=_line_of_biggest_fall(ctx, q, s.id))
    return out.items


def _no_stage_drop(number: int, rule: NoStageDrop, ctx: _Context) -> list[RuleOutcome]:
    out = _Outcomes(number, rule, ctx)
    for q in _baseline_questionnaires(rule, ctx, out, kind="staged"):
        if q.stage is None:
            continue
        if q.provisional_before or q.provisional_after:
            out.add("skipped", PROVISIONAL_FOUND, f"{q.id}: " + provisional_reason(
                q.provisional_before, q.provisional_after, q.completeness_before, q.completeness_after),
                questionnaire=q.id)
            continue
        reached = q.stage.reached
        found = f"stage {reached.before} → {reached.after}" if reached.change else f"stage {reached.after}, unchanged"
        out.held_if((reached.change or 0) >= 0, found,
                    f"{q.id} fell from stage {reached.before} {reached.before_name} to {reached.after} "
                    f"{reached.after_name}", questionnaire=q.id)
    return out.items


def _no_new_high_risk(number: int, rule: NoNewHighRisk, ctx: _Context) -> list[RuleOutcome]:
    out = _Outcomes(number, rule, ctx)
    for q, s in _baseline_sections(rule, ctx, out, kind="scored"):
        found = f"{s.risk_before or 'not assessed'} → {s.risk_after or 'not assessed'}"
        new_high = s.risk_after == "high" and s.risk_before in ("low", "medium")
        out.held_if(not new_high, found,
                    f"{q.id}/{s.id} is newly at high risk ({s.risk_before} → high, score {s.score_before} → "
                    f"{s.score_after})", questionnaire=q.id, section=s.id, line=_line_of_biggest_fall(ctx, q, s.id))
    return out.items


def _no_overdue_actions(number: int, rule: NoOverdueActions, ctx: _Context) -> list[RuleOutcome]:
    out = _Outcomes(number, rule, ctx)
    assert ctx.plan is not None
    plan = ctx.plan
    for a in plan.actions:
        if rule.questionnaire is not None and a.questionnaire != rule.questionnaire:
            continue
        if a.status in ("done", "dropped") or a.due is None or a.gap == "closed":
            continue  # nothing owed: finished, undated, or its gap closed
        where = {"questionnaire": a.questionnaire, "section": a.section, "file": plan.file, "line": a.line}
        owner = f" (owner {a.owner})" if a.owner else " (no owner)"
        out.held_if(not a.overdue, f"{a.status}, due {a.due}",
                    f"action {a.id}{owner} is {a.status} and was due on {a.due}, "
                    f"{(plan.today - a.due).days} days before {plan.today}: finish it, or move its due date",
                    **where)
    if not out.items:
        out.add("skipped", "no dated open action",
                "no action is open or in progress with a due date, so none can be overdue; give actions due dates",
                file=plan.file, line=1)
    return out.items


def _high_risk_has_action(number: int, rule: HighRiskHasAction, ctx: _Context) -> list[RuleOutcome]:
    out = _Outcomes(number, rule, ctx)
    assert ctx.plan is not None
    for q in _questionnaires(rule, ctx, out):
        if q.kind != "scored":
            continue
        for s in _sections(rule, q, every_by_default=True) or ():
            if s.risk != "high" or _skip_provisional(out, s, q.id, s.id):
                continue
            mine = [a for a in ctx.plan.actions if a.questionnaire == q.id and a.section == s.id
                    and a.status != "dropped"]
            found = ", ".join(f"{a.id} ({a.status})" for a in mine) or "no action"
            out.held_if(bool(mine), found,
                        f"{q.id}/{s.id} is at high risk (score {s.score}) and the plan {ctx.plan.file} has no open, "
                        f"in-progress or done action for it: `crmcheck plan ANSWERS --update {ctx.plan.file}` "
                        "adds one", questionnaire=q.id, section=s.id)
    if not out.items:
        out.add("skipped", "no section at high risk", "no section in scope is at high risk; nothing needs an action")
    return out.items


_EVALUATORS: dict[type, Callable[[int, Any, _Context], list[RuleOutcome]]] = {
    MinLevel: _min_level, MinStage: _min_stage, NoHighRisk: _no_high_risk, MinCompleteness: _min_completeness,
    MaxAge: _max_age, MustAnswer: _must_answer, Evidence: _evidence, MaxScoreDrop: _max_score_drop,
    NoLevelDrop: _no_level_drop, NoStageDrop: _no_stage_drop, NoNewHighRisk: _no_new_high_risk,
    NoOverdueActions: _no_overdue_actions, HighRiskHasAction: _high_risk_has_action,
}


def evaluate(
    policy: Policy,
    result: AssessmentResult,
    questionnaires: Mapping[str, Questionnaire],
    today: dt.date,
    locations: AnswerLocations,
    plan: PlanSummary | None = None,
) -> list[RuleOutcome]:
    """Apply every rule to every scope it covers; `result.comparison` feeds the rules against a baseline, `plan`
    the rules about the improvement plan."""
    ctx = _Context(result, questionnaires, today, locations, plan)
    outcomes: list[RuleOutcome] = []
    for number, rule in enumerate(policy.rules, 1):
        if rule.rule in BASELINE_RULES and result.comparison is None:
            out = _Outcomes(number, rule, ctx)
            out.add("skipped", "no baseline", "this rule compares with a baseline; give --baseline OLD to apply it")
            outcomes.extend(out.items)
            continue
        if rule.rule in PLAN_RULES and plan is None:
            out = _Outcomes(number, rule, ctx)
            out.add("skipped", "no plan", "this rule reads the improvement plan; give --plan PLAN.yaml to apply it")
            outcomes.extend(out.items)
            continue
        items = _EVALUATORS[type(rule)](number, rule, ctx)
        if not items:
            out = _Outcomes(number, rule, ctx)
            out.add("skipped", "nothing in scope",
                    "no questionnaire or section of this assessment is in this rule's scope")
            items = out.items
        outcomes.extend(items)
    return outcomes
