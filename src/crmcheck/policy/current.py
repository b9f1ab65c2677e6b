"""The policy rules on the assessment itself: levels, stages, risk, completeness, age, required answers, evidence."""

from __future__ import annotations

from crmcheck.inert import names_evidence
from crmcheck.models.check import RuleOutcome
from crmcheck.models.policy import (
    Evidence,
    MaxAge,
    MinCompleteness,
    MinLevel,
    MinStage,
    MustAnswer,
    NoHighRisk,
    percent,
)
from crmcheck.models.result import SectionResult
from crmcheck.policy.outcomes import Outcomes, RuleContext, level_text, questionnaires_in, sections_in, skip_provisional
from crmcheck.scoring import edge_exact


def min_level(number: int, rule: MinLevel, ctx: RuleContext) -> list[RuleOutcome]:
    out = Outcomes(number, rule, ctx)
    for q in questionnaires_in(rule, ctx, out):
        sections = sections_in(rule, q, every_by_default=False)
        scopes: list[tuple[str | None, int | None, str | None, float | None]] = (
            [(None, q.level, q.level_name, q.score)] if sections is None
            else [(s.id, s.level, s.level_name, s.score) for s in sections]
        )
        by_id = {s.id: s for s in q.sections}
        for section, level, name, score in scopes:
            if skip_provisional(out, by_id[section] if section else q, q.id, section):
                continue
            found = level_text(level, name, score)
            where = f"{q.id}/{section}" if section else q.id
            state = f"at {found}" if level is not None else found
            out.held_if(level is not None and level >= rule.level, found,
                        f"{where} is {state}; the policy asks for level {rule.level} or above",
                        questionnaire=q.id, section=section)
    return out.items


def min_stage(number: int, rule: MinStage, ctx: RuleContext) -> list[RuleOutcome]:
    out = Outcomes(number, rule, ctx)
    for q in questionnaires_in(rule, ctx, out):
        if q.stage is None or skip_provisional(out, q, q.id):
            continue
        found = f"stage {q.stage.reached} {q.stage.name}"
        out.held_if(q.stage.reached >= rule.stage, found,
                    f"{q.id} has reached {found}; the policy asks for stage {rule.stage} or above", questionnaire=q.id)
    return out.items


def no_high_risk(number: int, rule: NoHighRisk, ctx: RuleContext) -> list[RuleOutcome]:
    out = Outcomes(number, rule, ctx)
    for q in questionnaires_in(rule, ctx, out):
        if q.kind != "scored":
            continue
        for s in sections_in(rule, q, every_by_default=True) or ():
            if s.score is None:
                out.add("skipped", "not assessed", f"{q.id}/{s.id} is not assessed (no scored answer other than "
                        "n/a), so its risk is unknown; nothing to check", questionnaire=q.id, section=s.id)
                continue
            if skip_provisional(out, s, q.id, s.id):
                continue
            found = f"{s.risk} risk (score {s.score:.1f})"
            out.held_if(s.risk != "high", found, f"{q.id}/{s.id} is at high risk (score {s.score})",
                        questionnaire=q.id, section=s.id)
    return out.items


def _tally(sections: list[SectionResult]) -> tuple[int, int, int]:
    """Answered, n/a, and scored questions over some sections."""
    return (sum(s.answered for s in sections), sum(s.not_applicable for s in sections),
            sum(s.scored_questions for s in sections))


def min_completeness(number: int, rule: MinCompleteness, ctx: RuleContext) -> list[RuleOutcome]:
    out = Outcomes(number, rule, ctx)
    for q in questionnaires_in(rule, ctx, out):
        sections = sections_in(rule, q, every_by_default=False)
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
                out.held_if(edge_exact(completeness) >= edge_exact(rule.completeness), found,
                            f"{where} is {found}; the policy asks for at least {percent(rule.completeness)}",
                            questionnaire=q.id, section=section)
    return out.items


def max_age(number: int, rule: MaxAge, ctx: RuleContext) -> list[RuleOutcome]:
    out = Outcomes(number, rule, ctx)
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


def must_answer(number: int, rule: MustAnswer, ctx: RuleContext) -> list[RuleOutcome]:
    out = Outcomes(number, rule, ctx)
    questionnaire = ctx.questionnaires.get(rule.questionnaire)
    for q in questionnaires_in(rule, ctx, out):
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


def evidence(number: int, rule: Evidence, ctx: RuleContext) -> list[RuleOutcome]:
    out = Outcomes(number, rule, ctx)
    for q in questionnaires_in(rule, ctx, out):
        for s in sections_in(rule, q, every_by_default=True) or ():
            for qr in s.questions:
                if qr.score is None or edge_exact(qr.score) < edge_exact(rule.at_or_above):
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
