"""The policy rules against a baseline: no score drop past a limit, no level or stage drop, no new high risk."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from crmcheck.compare import provisional_reason
from crmcheck.models.check import RuleOutcome
from crmcheck.models.policy import MaxScoreDrop, NoLevelDrop, NoNewHighRisk, NoStageDrop
from crmcheck.models.result import QuestionnaireChange, SectionChange
from crmcheck.policy.outcomes import PROVISIONAL_FOUND, Outcomes, RuleContext, level_text
from crmcheck.scoring import edge_exact


def _baseline_questionnaires(
    rule: Any, ctx: RuleContext, out: Outcomes, *, kind: str | None = None
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
    rule: Any, ctx: RuleContext, out: Outcomes, *, kind: str | None = None
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


def _line_of_biggest_fall(ctx: RuleContext, q: QuestionnaireChange, section: str) -> int:
    """The answer in a section whose score fell most: the line a reader should look at first."""
    falls = [(a.score_after - a.score_before, a.question) for a in q.answers_changed
             if a.question.split(".", 1)[0] == section and a.score_before is not None and a.score_after is not None]
    falls.sort()
    if falls and falls[0][0] < 0:
        return ctx.locations.line(q.id, section, falls[0][1])
    return ctx.locations.line(q.id, section)


def max_score_drop(number: int, rule: MaxScoreDrop, ctx: RuleContext) -> list[RuleOutcome]:
    out = Outcomes(number, rule, ctx)
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
        out.held_if(edge_exact(-change) <= edge_exact(rule.points), found,
                    f"{q.id}/{s.id} fell {-change:.1f} points ({s.score_before:.1f} → {s.score_after:.1f}); "
                    f"the policy allows {rule.points:g}",
                    questionnaire=q.id, section=s.id, line=_line_of_biggest_fall(ctx, q, s.id))
    return out.items


def no_level_drop(number: int, rule: NoLevelDrop, ctx: RuleContext) -> list[RuleOutcome]:
    out = Outcomes(number, rule, ctx)
    for q, s in _baseline_sections(rule, ctx, out):
        before = level_text(s.level.before, s.level.before_name)
        after = level_text(s.level.after, s.level.after_name)
        found = f"{before} → {after}" if before != after else f"{after}, unchanged"
        dropped = s.level.before is not None and (s.level.after is None or s.level.after < s.level.before)
        out.held_if(not dropped, found, f"{q.id}/{s.id} fell from {before} to {after} (score {s.score_before} → "
                    f"{s.score_after})", questionnaire=q.id, section=s.id, line=_line_of_biggest_fall(ctx, q, s.id))
    return out.items


def no_stage_drop(number: int, rule: NoStageDrop, ctx: RuleContext) -> list[RuleOutcome]:
    out = Outcomes(number, rule, ctx)
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


def no_new_high_risk(number: int, rule: NoNewHighRisk, ctx: RuleContext) -> list[RuleOutcome]:
    out = Outcomes(number, rule, ctx)
    for q, s in _baseline_sections(rule, ctx, out, kind="scored"):
        found = f"{s.risk_before or 'not assessed'} → {s.risk_after or 'not assessed'}"
        new_high = s.risk_after == "high" and s.risk_before in ("low", "medium")
        out.held_if(not new_high, found,
                    f"{q.id}/{s.id} is newly at high risk ({s.risk_before} → high, score {s.score_before} → "
                    f"{s.score_after})", questionnaire=q.id, section=s.id, line=_line_of_biggest_fall(ctx, q, s.id))
    return out.items
