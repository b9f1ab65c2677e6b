"""What every policy rule works with: where answers are in the file, the context of one evaluation, and the
outcomes of one rule with the scopes it covers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from crmcheck.answers.model import AnswersDocument
from crmcheck.models.check import OutcomeStatus, RuleOutcome
from crmcheck.models.plan_view import PlanSummary
from crmcheck.models.policy import percent
from crmcheck.models.questionnaire import Questionnaire
from crmcheck.models.result import AssessmentResult, Comparison, QuestionnaireResult, SectionResult


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
class RuleContext:
    result: AssessmentResult
    questionnaires: Mapping[str, Questionnaire]
    today: dt.date
    locations: AnswerLocations
    plan: PlanSummary | None = None

    @property
    def comparison(self) -> Comparison | None:
        return self.result.comparison


def level_text(level: int | None, name: str | None, score: float | None = None) -> str:
    if level is None:
        return "not assessed"
    text = f"level {level} {name or ''}".strip()
    return f"{text} (score {score:.1f})" if score is not None else text


class Outcomes:
    """Builds the outcomes of one rule, filling the rule's number, name and requirement into each."""

    def __init__(self, number: int, rule: Any, ctx: RuleContext) -> None:
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


def questionnaires_in(rule: Any, ctx: RuleContext, out: Outcomes) -> Iterator[QuestionnaireResult]:
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


def sections_in(rule: Any, q: QuestionnaireResult, *, every_by_default: bool) -> list[SectionResult] | None:
    """The sections a rule covers in one questionnaire; None when it applies to the questionnaire as a whole."""
    sections = getattr(rule, "sections", None)
    if sections == "all" or (sections is None and every_by_default):
        return q.sections
    if sections is None:
        return None
    return [s for s in q.sections if s.id in sections]


PROVISIONAL_FOUND = "provisional"


def skip_provisional(out: Outcomes, scope: QuestionnaireResult | SectionResult, questionnaire: str,
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
