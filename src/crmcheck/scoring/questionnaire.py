"""Scoring one questionnaire's responses into its QuestionnaireResult, and how an answer reads in a report."""

from __future__ import annotations

from collections.abc import Mapping

from crmcheck.inert import names_evidence
from crmcheck.models.questionnaire import Question, Questionnaire
from crmcheck.models.result import (
    Contradicted,
    LevelBand,
    NotApplicable,
    NotEvidenced,
    ProfileQuestion,
    QuestionnaireResult,
    QuestionResult,
    Recommendation,
    RiskBandsResult,
    SectionResult,
)
from crmcheck.profile import ProfileTally
from crmcheck.resolve import UNANSWERED, Response
from crmcheck.scoring.rules import (
    NOT_KNOWN,
    contradiction,
    edge_exact,
    is_provisional,
    level_of,
    needs_evidence,
    risk_of,
    rounded_score,
)
from crmcheck.scoring.sections import section_flags, tally_sections
from crmcheck.scoring.stages import stage_result, summarise


def answer_text(question: Question, questionnaire: Questionnaire, response: Response) -> str | None:
    """How an answer reads in a report: the scale label, option label, yes/no, n/a; None if unanswered."""
    return _display(question, questionnaire, response)


def _display(question: Question, questionnaire: Questionnaire, response: Response) -> str | None:
    if response.status == "n/a":
        return "n/a"
    if response.status == "unanswered":
        return None
    value = response.value
    if value is None:
        # several respondents' mean: a score without any one value; aggregate.py words the answer itself
        return None
    if question.type == "scale":
        label = next((lv.label for lv in questionnaire.scales[question.scale or ""] if lv.value == value), "")
        return f"{value} {label}".strip()
    if question.type == "yes_no":
        return "yes" if value else "no"
    if question.type == "choice":
        option = question.option(str(value))
        return option.label if option else str(value)
    if question.type == "checklist":
        labels = [o.label for o in question.options or () if o.id in value]
        return "; ".join(labels) if labels else "none"
    if question.type == "number":
        if response.unknown:
            return NOT_KNOWN
        return f"{value} {question.unit}".strip() if question.unit else str(value)
    return str(value)


def _anchors(question: Question, questionnaire: Questionnaire) -> dict[str, str] | None:
    """A question's anchors keyed by each answer as reports show it ("2 Defined", an option's label)."""
    if not question.anchors:
        return None
    if question.type == "scale":
        return {f"{lv.value} {lv.label}": question.anchors[str(lv.value)]
                for lv in questionnaire.scales[question.scale or ""] if str(lv.value) in question.anchors}
    return {o.label: question.anchors[o.id] for o in question.options or () if o.id in question.anchors}


def score_questionnaire(
    questionnaire: Questionnaire,
    responses: Mapping[str, Response],
    targets: Mapping[str, int] | None = None,
    lens: str | None = None,
    company: str | None = None,
    also_asked_in: str | None = None,
) -> QuestionnaireResult:
    """Score one questionnaire's responses (full question id -> response); `company` fills `{company}` in
    question wordings. Questions not asked in the lens (a question's `lenses`) are left out altogether, and with
    `also_asked_in` those not asked in that lens too (the perception gap compares the questions both answer)."""
    targets = targets or {}
    lenses = (lens,) if also_asked_in is None else (lens, also_asked_in)
    tallies = tally_sections(questionnaire, responses, *lenses)
    staged = questionnaire.kind == "staged"
    stage = stage_result(questionnaire, tallies, responses, targets) if staged else None

    sections: list[SectionResult] = []
    recommendations: list[tuple[float, int, Recommendation]] = []
    unanswered: list[str] = []
    not_applicable: list[NotApplicable] = []
    profile: list[ProfileQuestion] = []
    order = 0
    for tally in tallies:
        section = tally.section
        level = level_of(questionnaire, tally.score)
        risk = risk_of(questionnaire, tally.score, tally.critical_failed)
        target = targets.get(section.id, questionnaire.default_target)
        gap: int | None
        if stage is not None:
            # how many stages this section's stage (capped at the target) lies beyond the reached one
            gap = None if tally.score is None else max(0, min(target, section.stage or 0) - stage.reached)
        else:
            gap = None if level is None else max(0, target - level)
        questions: list[QuestionResult] = []
        not_evidenced: list[NotEvidenced] = []
        contradicted: list[Contradicted] = []
        for question in section.questions_in(*lenses):
            full = f"{section.id}.{question.id}"
            response = responses.get(full, UNANSWERED)
            if question.scored and response.status == "unanswered":
                unanswered.append(full)
            if response.status == "n/a":
                not_applicable.append(NotApplicable(question=full, reason=response.reason))
            s = response.score if question.scored and response.status == "answered" else None
            if needs_evidence(s, lens) and not names_evidence(response.evidence):
                not_evidenced.append(NotEvidenced(question=full, text=question.wording(lens, company),
                                                  score=None if s is None else round(100 * s, 1),
                                                  evidence_request=question.evidence_request))
            against = contradiction(question, response, full, question.wording(lens, company))
            if against is not None:
                contradicted.append(against)
            questions.append(QuestionResult(
                id=full, text=question.wording(lens, company), type=question.type, status=response.status,
                answer=_display(question, questionnaire, response), value=response.value,
                score=None if s is None else round(100 * s, 1), weight=question.weight, critical=question.critical,
                dimension=question.dimension, note=response.note, evidence=response.evidence,
                reason=response.reason, recommendation=question.recommendation_for(s), profile=question.profile,
                anchors=_anchors(question, questionnaire), evidence_request=question.evidence_request,
                measured=response.measured[0] if response.measured else None,
                measured_source=response.measured[1] if response.measured else None, contradicted=against is not None,
            ))
            if question.profile:
                tally_of = ProfileTally(question)
                tally_of.add(response)
                profile.append(tally_of.result(full, section.id, lens))
            needs_work = (gap or 0) > 0 or risk in ("high", "medium")
            if s is not None and edge_exact(s) < 1 and needs_work:
                priority = section.weight * question.weight * (1 - s) * (1 + (gap or 0))
                recommendations.append((priority, order, Recommendation(
                    question=full, section=section.id, questionnaire=questionnaire.id, priority=round(priority, 3),
                    text=question.recommendation_for(s) or f"Improve: {question.wording(lens, company)}",
                    question_text=question.wording(lens, company), score=round(100 * s, 1),
                )))
            order += 1
        sections.append(SectionResult(
            id=section.id, title=section.title, weight=section.weight, stage=section.stage,
            score=rounded_score(tally.score), level=level, level_name=questionnaire.level_name(level), risk=risk,
            target=target, gap=gap, completeness=round(tally.completeness, 3), answered=tally.answered,
            scored_questions=tally.scored, not_applicable=tally.not_applicable, questions=questions,
            not_evidenced=not_evidenced, provisional=tally.provisional, contradicted=contradicted,
        ))

    summary = summarise(questionnaire, [t.score for t in tallies], [section_flags(t) for t in tallies])
    overall, level = summary.score, summary.level
    asked = sum(t.scored - t.not_applicable for t in tallies)
    answered = sum(t.answered for t in tallies)
    recommendations.sort(key=lambda item: (-item[0], item[1]))
    return QuestionnaireResult(
        id=questionnaire.id, title=questionnaire.title, version=questionnaire.version, kind=questionnaire.kind,
        source=questionnaire.source, score=rounded_score(overall), level=level,
        level_name=questionnaire.level_name(level), completeness=round(answered / asked if asked else 1.0, 3),
        provisional=is_provisional(answered, asked),
        sections=sections, recommendations=[r for _, _, r in recommendations], stage=stage,
        unanswered=unanswered, not_applicable=not_applicable,
        levels=[LevelBand(level=lv.level, name=lv.name, min=lv.min) for lv in questionnaire.levels],
        risk_bands=RiskBandsResult(high=questionnaire.risk_bands.high, medium=questionnaire.risk_bands.medium)
        if questionnaire.kind == "scored" else None,
        profile=profile,
    )
