"""The policy rules on the improvement plan: no overdue action, an action for every high-risk section."""

from __future__ import annotations

from crmcheck.models.check import RuleOutcome
from crmcheck.models.policy import HighRiskHasAction, NoOverdueActions
from crmcheck.policy.outcomes import Outcomes, RuleContext, questionnaires_in, sections_in, skip_provisional


def no_overdue_actions(number: int, rule: NoOverdueActions, ctx: RuleContext) -> list[RuleOutcome]:
    out = Outcomes(number, rule, ctx)
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


def high_risk_has_action(number: int, rule: HighRiskHasAction, ctx: RuleContext) -> list[RuleOutcome]:
    out = Outcomes(number, rule, ctx)
    assert ctx.plan is not None
    for q in questionnaires_in(rule, ctx, out):
        if q.kind != "scored":
            continue
        for s in sections_in(rule, q, every_by_default=True) or ():
            if s.risk != "high" or skip_provisional(out, s, q.id, s.id):
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
