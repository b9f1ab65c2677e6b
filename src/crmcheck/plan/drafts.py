"""What the tool fills in an action: one per recommendation, with where it came from, its phase and impact."""

from __future__ import annotations

from dataclasses import dataclass

from crmcheck.models.result import AssessmentResult, QuestionnaireResult, Recommendation, SectionResult


@dataclass(frozen=True)
class Draft:
    """An action as `crmcheck plan` proposes it, before people give it an owner, a date and an effort."""

    id: str
    title: str
    questionnaire: str
    section: str
    question: str
    why: str
    phase: str
    impact: str
    priority: float


def action_id(questionnaire: str, question: str) -> str:
    """Stable: the gap's questionnaire and full question id, e.g. crm-mistakes.best-customers.defined."""
    return f"{questionnaire}.{question}"


def _phase(q: QuestionnaireResult, section: SectionResult, critical: bool) -> str:
    """now: a critical question or a high-risk section; next: medium risk, or the next stage of a staged
    questionnaire; later: the rest (a gap to the target at low risk, or a stage further up)."""
    if critical or section.risk == "high":
        return "now"
    if q.kind == "staged":
        following = q.stage.next_stage if q.stage else None
        return "next" if section.stage is not None and section.stage == following else "later"
    return "next" if section.risk == "medium" else "later"


def _why(q: QuestionnaireResult, section: SectionResult, rec: Recommendation) -> str:
    """The gap in words, as it stood when the action was made: kept as written when the plan is updated."""
    facts = ["not assessed yet" if section.score is None
             else f"score {section.score:.1f}, level {section.level} {section.level_name}"]
    if section.risk:
        facts.append(f"{section.risk} risk")
    if q.kind == "staged" and q.stage is not None:
        facts.append(f"stage {q.stage.reached} {q.stage.name} reached; this question is in stage {section.stage}")
    elif section.target is not None:
        facts.append(f"target level {section.target}, gap {section.gap or 0}")
    answer = "is unanswered" if rec.score is None else f"scores {rec.score:.0f} of 100"
    return f"{q.title} — {section.title}: {', '.join(facts)}. The question {answer}."


def drafts_of(result: AssessmentResult) -> list[Draft]:
    """One draft per recommendation of every questionnaire (the same question once, with several lenses), highest
    priority first; impact is high for the top third by priority, medium for the middle, low for the rest."""
    found: list[tuple[float, Draft]] = []
    seen: set[str] = set()
    for q in result.questionnaires:
        sections = {s.id: s for s in q.sections}
        for rec in q.recommendations:
            ident = action_id(q.id, rec.question)
            if ident in seen or rec.section not in sections:
                continue
            seen.add(ident)
            section = sections[rec.section]
            critical = any(qr.id == rec.question and qr.critical for qr in section.questions)
            found.append((rec.priority, Draft(
                id=ident, title=rec.text, questionnaire=q.id, section=rec.section, question=rec.question,
                why=_why(q, section, rec), phase=_phase(q, section, critical), impact="", priority=rec.priority)))
    found.sort(key=lambda item: -item[0])
    count = len(found)
    drafts = []
    for rank, (_, draft) in enumerate(found):
        impact = "high" if rank * 3 < count else "medium" if rank * 3 < 2 * count else "low"
        drafts.append(Draft(**{**draft.__dict__, "impact": impact}))
    return drafts
