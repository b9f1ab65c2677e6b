"""`crmcheck check`: load the assessment, its baseline and the policy, and apply the policy's rules."""

from __future__ import annotations

import datetime as dt

from crmcheck.baseline import assess, compare_with, load_baseline
from crmcheck.catalog import Catalog
from crmcheck.errors import UsageError
from crmcheck.models.check import CheckResult
from crmcheck.models.policy import load_policy
from crmcheck.policy import AnswerLocations, default_policy, evaluate


def run_check(
    answers: str,
    *,
    baseline: str | None,
    policy: str | None,
    today: dt.date,
    catalog: Catalog,
    baseline_catalog: Catalog | None = None,
    plan: str | None = None,
) -> CheckResult:
    """Every rule of the policy (or of the default policy) applied to `answers`, compared with `baseline`, and
    against the improvement `plan` when one is given."""
    rules = load_policy(policy, catalog) if policy is not None else default_policy(with_plan=plan is not None)
    if rules.require_baseline and baseline is None:
        raise UsageError(f"the policy {policy} sets require_baseline: give the earlier assessment with --baseline OLD")
    newer = assess(answers, catalog)
    earlier = load_baseline(baseline, newer, baseline_catalog or catalog) if baseline is not None else None
    comparison = compare_with(newer, earlier) if earlier is not None else None
    result = newer.result.model_copy(update={"comparison": comparison})
    summary = None
    if plan is not None:
        from crmcheck.plan.run import read_plan

        summary = read_plan(plan, result, today, catalog)
    outcomes = evaluate(rules, result, newer.questionnaires, today,
                        AnswerLocations.of(newer.source, newer.questionnaires), summary)
    return CheckResult(
        company=result.company, assessed_on=result.assessed_on, checked_on=today, answers=answers,
        baseline=baseline, baseline_on=earlier.result.assessed_on if earlier else None, policy=policy,
        policy_description=rules.description, rules=len(rules.rules), outcomes=outcomes, comparison=comparison,
        plan=plan,
    )
