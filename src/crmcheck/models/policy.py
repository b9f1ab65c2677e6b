"""Policy format 1: the rules `crmcheck check` holds an assessment to, and their load-time checks."""

# Field annotations are real objects here, not strings (no `from __future__ import annotations`): pydantic would
# evaluate each string with eval() at every start (tests/test_model_annotations.py).

import difflib
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from crmcheck.errors import InputError, Problem
from crmcheck.models.base import MAX_LEVEL, Id, OptionalText, Strict, Text, validate_document
from crmcheck.yamlio import Document, load_mapping

if TYPE_CHECKING:
    from crmcheck.catalog import Catalog
    from crmcheck.models.questionnaire import Questionnaire


def _sections(value: Any) -> Any:
    if value is None or value == "all":
        return value
    if not isinstance(value, list):
        raise ValueError("sections is 'all' or a list of section ids, for example [strengths, culture]")
    if not value:
        raise ValueError("sections: [] lists no section, so the rule would check nothing; list section ids, "
                         "write 'all', or leave sections out")
    for item in value:
        if not isinstance(item, str):
            raise ValueError(f"'{item}' is not a section id; section ids are text, for example strengths")
    return value


Sections = Annotated[
    Literal["all"] | list[str] | None,
    BeforeValidator(_sections),
    Field(description="'all', or a list of section ids of `questionnaire`; see each rule for the default"),
]


MAX_AGE_DAYS = 36_500


def percent(fraction: float) -> str:
    """A fraction as a percentage with at most one decimal: 0.9 -> 90%, 0.955 -> 95.5%."""
    return f"{round(fraction * 100, 1):g}%"


class _Rule(Strict):
    name: OptionalText = Field(default=None, description="a short name shown in reports and CI test names")
    rule: str

    def requirement(self) -> str:
        """What the rule asks, in words."""
        raise NotImplementedError


class _QuestionnaireRule(_Rule):
    questionnaire: Id | None = Field(default=None, description="the questionnaire it applies to; default: every one")


class _SectionRule(_QuestionnaireRule):
    sections: Sections = None


class MinLevel(_SectionRule):
    """The maturity level reached is at least `level`: of each questionnaire, or of each listed section."""

    rule: Literal["min-level"]
    level: int = Field(ge=1, le=MAX_LEVEL)

    def requirement(self) -> str:
        return f"level {self.level} or above"

class MinStage(_QuestionnaireRule):
    """The stage reached in a staged questionnaire is at least `stage`."""

    rule: Literal["min-stage"]
    stage: int = Field(ge=1, le=MAX_LEVEL)

    def requirement(self) -> str:
        return f"stage {self.stage} or above"

class NoHighRisk(_SectionRule):
    """No section is at high risk (every section unless `sections` lists some)."""

    rule: Literal["no-high-risk"]

    def requirement(self) -> str:
        return "not at high risk"

class MinCompleteness(_SectionRule):
    """At least this fraction of the scored questions is answered: per questionnaire, or per listed section."""

    rule: Literal["min-completeness"]
    completeness: float = Field(ge=0, le=1, allow_inf_nan=False,
                                description="a fraction from 0 to 1: 0.9 means 90% answered")

    def requirement(self) -> str:
        return f"at least {percent(self.completeness)} answered"

class MaxAge(_Rule):
    """The assessment is at most `days` old on the day of the check."""

    rule: Literal["max-age"]
    days: int = Field(ge=0, le=MAX_AGE_DAYS, description="whole days, at most 36,500 (a hundred years)")

    def requirement(self) -> str:
        return f"assessed within {self.days} days"

class MustAnswer(_Rule):
    """Each named question has an answer (n/a does not count)."""

    rule: Literal["must-answer"]
    questionnaire: Id
    questions: list[Text] = Field(min_length=1, description="question ids as in answers files: section.question")

    def requirement(self) -> str:
        return "answered"

class Evidence(_SectionRule):
    """Every answer scoring `at_or_above` or more (0 to 100) names its evidence."""

    rule: Literal["evidence"]
    at_or_above: float = Field(ge=0, le=100, allow_inf_nan=False,
                               description="answer score from 0 to 100; 75 is 'Practised' on the practice scale")

    def requirement(self) -> str:
        return f"evidence named for answers scoring {self.at_or_above:g} or more"

class MaxScoreDrop(_SectionRule):
    """No section's score falls by more than `points` against the baseline (every section unless listed)."""

    rule: Literal["max-score-drop"]
    points: float = Field(ge=0, le=100, allow_inf_nan=False, description="score points, 0 to 100")

    def requirement(self) -> str:
        return f"score falls by at most {self.points:g} points"

class NoLevelDrop(_SectionRule):
    """No section's level falls against the baseline (every section unless listed)."""

    rule: Literal["no-level-drop"]

    def requirement(self) -> str:
        return "no lower level than in the baseline"

class NoStageDrop(_QuestionnaireRule):
    """The stage reached in a staged questionnaire does not fall against the baseline."""

    rule: Literal["no-stage-drop"]

    def requirement(self) -> str:
        return "stage reached no lower than in the baseline"

class NoNewHighRisk(_SectionRule):
    """No section that the baseline had at low or medium risk is at high risk now."""

    rule: Literal["no-new-high-risk"]

    def requirement(self) -> str:
        return "not newly at high risk"

class NoOverdueActions(_QuestionnaireRule):
    """No action of the improvement plan (--plan) is open or in progress past its due date."""

    rule: Literal["no-overdue-actions"]

    def requirement(self) -> str:
        return "no plan action open past its due date"

class HighRiskHasAction(_SectionRule):
    """Every section at high risk has an action in the improvement plan (--plan) that is open, in progress or done."""

    rule: Literal["high-risk-has-action"]

    def requirement(self) -> str:
        return "every high-risk section has a plan action"

Rule = Annotated[
    MinLevel | MinStage | NoHighRisk | MinCompleteness | MaxAge | MustAnswer | Evidence | MaxScoreDrop
    | NoLevelDrop | NoStageDrop | NoNewHighRisk | NoOverdueActions | HighRiskHasAction,
    Field(discriminator="rule"),
]
RULE_KINDS: tuple[str, ...] = (
    "min-level", "min-stage", "no-high-risk", "min-completeness", "max-age", "must-answer", "evidence",
    "max-score-drop", "no-level-drop", "no-stage-drop", "no-new-high-risk", "no-overdue-actions",
    "high-risk-has-action",
)
PLAN_RULES = frozenset({"no-overdue-actions", "high-risk-has-action"})
BASELINE_RULES = frozenset({"max-score-drop", "no-level-drop", "no-stage-drop", "no-new-high-risk"})
SECTION_RULES = frozenset({"min-level", "no-high-risk", "min-completeness", "evidence", "max-score-drop",
                           "no-level-drop", "no-new-high-risk"})
RISK_RULES = frozenset({"no-high-risk", "no-new-high-risk", "high-risk-has-action"})
STAGE_RULES = frozenset({"min-stage", "no-stage-drop"})


class Policy(Strict):
    format: Literal[1]
    description: OptionalText = None
    require_baseline: bool = Field(
        default=False, description="true: `check` without --baseline is an error instead of skipping baseline rules")
    rules: list[Rule] = Field(min_length=1)


def _check_kinds(doc: Document) -> list[Problem]:
    """Name a missing or misspelt `rule:` plainly, before pydantic's union errors can."""
    problems: list[Problem] = []
    rules = doc.data.get("rules")
    for i, item in enumerate(rules if isinstance(rules, list) else ()):
        if not isinstance(item, dict):
            continue
        kind = item.get("rule")
        if kind is None:
            pos = doc.position(("rules", i))
            problems.append(Problem(f"rules[{i}]: every rule needs 'rule:', one of {', '.join(RULE_KINDS)}",
                                    doc.path, pos.line, pos.column))
        elif kind not in RULE_KINDS:
            hint = difflib.get_close_matches(str(kind), RULE_KINDS, n=1)
            suggestion = f"did you mean '{hint[0]}'?" if hint else f"known rules: {', '.join(RULE_KINDS)}"
            pos = doc.position(("rules", i, "rule"))
            problems.append(Problem(f"rules[{i}].rule: unknown rule '{kind}' ({suggestion})",
                                    doc.path, pos.line, pos.column))
    return problems


def _check_references(policy: Policy, doc: Document, catalog: "Catalog") -> list[Problem]:
    """Every questionnaire, section, question, level and stage a rule names exists."""
    problems: list[Problem] = []
    for i, rule in enumerate(policy.rules):

        def report(message: str, *keys: Any, i: int = i) -> None:
            pos = doc.position(("rules", i, *keys))
            problems.append(Problem(f"rules[{i}]: {message}", doc.path, pos.line, pos.column))

        qid: str | None = getattr(rule, "questionnaire", None)
        sections = getattr(rule, "sections", None)
        if qid is None:
            if isinstance(sections, list):
                report("list sections together with the 'questionnaire' they belong to", "sections")
            continue
        if qid not in catalog.entries:
            report(f"unknown questionnaire '{qid}' (known: {', '.join(sorted(catalog.entries))})", "questionnaire")
            continue
        questionnaire = catalog.get(qid)
        if isinstance(sections, list):
            known = [s.id for s in questionnaire.sections]
            for si, section in enumerate(sections):
                if section not in known:
                    report(f"{qid} has no section '{section}' (sections: {', '.join(known)})", "sections", si)
        problems.extend(_check_values(rule, questionnaire, doc, i))
    return problems


def _check_values(rule: Any, q: "Questionnaire", doc: Document, i: int) -> list[Problem]:
    problems: list[Problem] = []

    def report(message: str, *keys: Any) -> None:
        pos = doc.position(("rules", i, *keys))
        problems.append(Problem(f"rules[{i}]: {message}", doc.path, pos.line, pos.column))

    if isinstance(rule, MinLevel) and rule.level not in {lv.level for lv in q.levels}:
        report(f"level {rule.level} is not a level of {q.id} "
               f"({', '.join(f'{lv.level} {lv.name}' for lv in q.levels)})", "level")
    if rule.rule in STAGE_RULES and q.kind != "staged":
        report(f"'{rule.rule}' needs a staged questionnaire; {q.id} is scored (use min-level or no-level-drop)",
               "questionnaire")
    elif isinstance(rule, MinStage) and rule.stage not in {s.number for s in q.stages}:
        report(f"stage {rule.stage} is not a stage of {q.id} "
               f"({', '.join(f'{s.number} {s.name}' for s in q.stages)})", "stage")
    if rule.rule in RISK_RULES and q.kind != "scored":
        report(f"'{rule.rule}' needs a scored questionnaire; {q.id} is staged and has no risk", "questionnaire")
    if isinstance(rule, MustAnswer):
        seen: set[str] = set()
        for qi, question in enumerate(rule.questions):
            current = q.current_id(question)
            if current is None:
                close = difflib.get_close_matches(question, list(q.questions), n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                report(f"{q.id} has no question '{question}'{hint}", "questions", qi)
            elif current in seen:
                report(f"'{question}' is listed twice", "questions", qi)
            seen.add(current or question)
    return problems


def parse_policy(doc: Document, catalog: "Catalog") -> Policy:
    """Validate a parsed document as a policy: its shape, then every name it uses against the catalog."""
    if doc.data.get("format") not in (1, None):
        raise doc.error(f"unsupported policy format {doc.data.get('format')!r} (this crmcheck reads format 1)",
                        ("format",))
    problems = _check_kinds(doc)
    if problems:
        raise InputError(problems[0].message, problems=problems)
    policy = validate_document(Policy, doc)
    problems = _check_references(policy, doc, catalog)
    if problems:
        raise InputError(problems[0].message, problems=problems)
    return policy


def load_policy(path: str, catalog: "Catalog") -> Policy:
    return parse_policy(load_mapping(path), catalog)
