"""Applying a policy: the default policy of `check`, and every rule to every scope it covers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from crmcheck.models.check import RuleOutcome
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
)
from crmcheck.models.questionnaire import Questionnaire
from crmcheck.models.result import AssessmentResult
from crmcheck.policy.baseline import max_score_drop, no_level_drop, no_new_high_risk, no_stage_drop
from crmcheck.policy.current import evidence, max_age, min_completeness, min_level, min_stage, must_answer, no_high_risk
from crmcheck.policy.outcomes import AnswerLocations, Outcomes, RuleContext
from crmcheck.policy.plan import high_risk_has_action, no_overdue_actions

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


_EVALUATORS: dict[type, Callable[[int, Any, RuleContext], list[RuleOutcome]]] = {
    MinLevel: min_level, MinStage: min_stage, NoHighRisk: no_high_risk, MinCompleteness: min_completeness,
    MaxAge: max_age, MustAnswer: must_answer, Evidence: evidence, MaxScoreDrop: max_score_drop,
    NoLevelDrop: no_level_drop, NoStageDrop: no_stage_drop, NoNewHighRisk: no_new_high_risk,
    NoOverdueActions: no_overdue_actions, HighRiskHasAction: high_risk_has_action,
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
    ctx = RuleContext(result, questionnaires, today, locations, plan)
    outcomes: list[RuleOutcome] = []
    for number, rule in enumerate(policy.rules, 1):
        if rule.rule in BASELINE_RULES and result.comparison is None:
            out = Outcomes(number, rule, ctx)
            out.add("skipped", "no baseline", "this rule compares with a baseline; give --baseline OLD to apply it")
            outcomes.extend(out.items)
            continue
        if rule.rule in PLAN_RULES and plan is None:
            out = Outcomes(number, rule, ctx)
            out.add("skipped", "no plan", "this rule reads the improvement plan; give --plan PLAN.yaml to apply it")
            outcomes.extend(out.items)
            continue
        items = _EVALUATORS[type(rule)](number, rule, ctx)
        if not items:
            out = Outcomes(number, rule, ctx)
            out.add("skipped", "nothing in scope",
                    "no questionnaire or section of this assessment is in this rule's scope")
            items = out.items
        outcomes.extend(items)
    return outcomes
