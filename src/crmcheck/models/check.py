"""The result of `crmcheck check`: one outcome per policy rule and scope, from which every output is drawn."""

# Field annotations are real objects here, not strings (no `from __future__ import annotations`): pydantic would
# evaluate each string with eval() at every start (tests/test_model_annotations.py).

import datetime as dt
from typing import Literal

from pydantic import Field, computed_field

from crmcheck.errors import EXIT_FAILED, EXIT_OK
from crmcheck.models.result import RESULT_FORMAT, Comparison, Model

OutcomeStatus = Literal["held", "broken", "skipped"]


class RuleOutcome(Model):
    """One rule applied to one scope (the assessment, a questionnaire, a section, a question or an answer)."""

    rule: str = Field(description="the rule's kind, e.g. min-level")
    rule_number: int = Field(description="the rule's position in the policy, from 1")
    rule_name: str | None = None
    requirement: str = Field(description="what the rule asks, in words")
    scope: str = Field(description="what it was applied to: 'assessment', 'questionnaire', 'questionnaire/section' "
                       "or 'questionnaire/section.question'")
    questionnaire: str | None = None
    section: str | None = None
    question: str | None = None
    status: OutcomeStatus
    found: str = Field(description="what the assessment shows for this scope")
    message: str = Field(description="one sentence: why it held, broke or was skipped")
    file: str | None = Field(default=None, description="the answers file behind this outcome")
    line: int | None = Field(default=None, description="the line in that file behind this outcome")

    @property
    def label(self) -> str:
        """The rule's name, or what it asks when it has none."""
        return self.rule_name or self.requirement


class CheckResult(Model):
    format: int = RESULT_FORMAT
    company: str
    assessed_on: dt.date
    checked_on: dt.date
    answers: str
    baseline: str | None = None
    baseline_on: dt.date | None = None
    policy: str | None = Field(description="the policy file; null for the default policy")
    policy_description: str | None = None
    rules: int = Field(description="how many rules the policy has")
    outcomes: list[RuleOutcome]
    comparison: Comparison | None = None
    plan: str | None = Field(default=None, description="the improvement plan file (--plan), if given")

    def count(self, status: OutcomeStatus) -> int:
        return sum(o.status == status for o in self.outcomes)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def passed(self) -> bool:
        """True when no rule broke: the only case in which `check` exits 0."""
        return self.count("broken") == 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def held(self) -> int:
        return self.count("held")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def broken(self) -> int:
        return self.count("broken")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def skipped(self) -> int:
        return self.count("skipped")

    @property
    def exit_code(self) -> int:
        return EXIT_OK if self.passed else EXIT_FAILED

    def by_rule(self) -> list[tuple[int, list[RuleOutcome]]]:
        """Outcomes grouped by rule number, in policy order."""
        groups: dict[int, list[RuleOutcome]] = {}
        for outcome in self.outcomes:
            groups.setdefault(outcome.rule_number, []).append(outcome)
        return sorted(groups.items())
