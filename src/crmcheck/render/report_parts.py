"""Optional report parts (change since a baseline, company-versus-customer perception gap) for HTML and xlsx.

The baseline comparison and the multi-respondent aggregation are optional fields of the result model. The
renderers do not read those fields directly: `optional_parts` turns whatever the result carries into these
plain rows, so that each renderer draws a part exactly when it has rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from crmcheck.models.result import AssessmentResult, NotComparable, Regression


@dataclass(frozen=True)
class SectionChange:
    """One section's score and level in the baseline and now."""

    section: str
    title: str
    before: float | None
    after: float | None
    level_before: int | None = None
    level_after: int | None = None

    @property
    def delta(self) -> float | None:
        return None if self.before is None or self.after is None else round(self.after - self.before, 1)


@dataclass(frozen=True)
class QuestionnaireChange:
    """One questionnaire's change since the baseline, overall and per section."""

    questionnaire: str
    before: float | None
    after: float | None
    sections: list[SectionChange] = field(default_factory=list)
    stage_before: int | None = None
    stage_after: int | None = None

    @property
    def delta(self) -> float | None:
        return None if self.before is None or self.after is None else round(self.after - self.before, 1)


@dataclass(frozen=True)
class Changes:
    """Everything that changed since the baseline assessment."""

    baseline_on: dt.date | None
    questionnaires: list[QuestionnaireChange]
    regressions: list[Regression] = field(default_factory=list)  # every step back, as the terminal lists them
    not_comparable: list[NotComparable] = field(default_factory=list)  # provisional scores left out, with why

    def regressions_of(self, questionnaire: str) -> list[Regression]:
        return [r for r in self.regressions if r.questionnaire == questionnaire]

    def not_comparable_of(self, questionnaire: str) -> list[NotComparable]:
        return [n for n in self.not_comparable if n.questionnaire == questionnaire]

    def of(self, questionnaire: str) -> QuestionnaireChange | None:
        return next((q for q in self.questionnaires if q.questionnaire == questionnaire), None)


@dataclass(frozen=True)
class PerceptionGap:
    """One section scored through the company's eyes and through its customers': gap = company - customer."""

    questionnaire: str
    section: str
    title: str
    company: float | None
    customer: float | None
    company_respondents: int | None = None
    customer_respondents: int | None = None
    provisional: bool = False  # the company or the customer score rests on under half its answer cells
    compared: int | None = None  # the scored questions both lenses are asked: the gap compares only these
    context: str | None = None  # the source's own figures on the gap (gap_context): context, not a benchmark

    @property
    def gap(self) -> float | None:
        return None if self.company is None or self.customer is None else round(self.company - self.customer, 1)


@dataclass(frozen=True)
class OptionalParts:
    changes: Changes | None = None
    perception: list[PerceptionGap] = field(default_factory=list)

    def perception_of(self, questionnaire: str) -> list[PerceptionGap]:
        """One questionnaire's perception gaps, largest first (as DESIGN.md orders them)."""
        rows = [row for row in self.perception if row.questionnaire == questionnaire]
        return sorted(rows, key=lambda row: -(abs(row.gap) if row.gap is not None else -1))


def optional_parts(result: AssessmentResult) -> OptionalParts:
    """The optional parts the result carries: its baseline comparison and its company/customer perception gaps."""
    changes = None
    if result.comparison is not None:
        comparison = result.comparison
        changes = Changes(baseline_on=comparison.baseline_on, questionnaires=[
            QuestionnaireChange(
                questionnaire=q.id, before=q.score_before, after=q.score_after,
                sections=[SectionChange(section=s.id, title=s.title, before=s.score_before, after=s.score_after,
                                        level_before=s.level.before, level_after=s.level.after)
                          for s in q.sections],
                stage_before=q.stage.reached.before if q.stage else None,
                stage_after=q.stage.reached.after if q.stage else None,
            )
            for q in comparison.questionnaires
        ], regressions=list(comparison.regressions), not_comparable=list(comparison.not_comparable))
    perception = [
        PerceptionGap(questionnaire=gap.questionnaire, section=line.id, title=line.title, company=line.company,
                      customer=line.customer, company_respondents=gap.company_respondents,
                      customer_respondents=gap.customer_respondents, provisional=line.provisional,
                      compared=gap.compared, context=gap.context)
        for gap in result.perception_gaps
        for line in gap.sections
    ]
    return OptionalParts(changes=changes, perception=perception)
