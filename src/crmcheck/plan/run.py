"""The library calls behind `crmcheck plan` and `--plan`: make, update and read a plan beside an assessment."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from crmcheck.catalog import Catalog
from crmcheck.errors import CrmcheckError, InputError
from crmcheck.inert import name_key
from crmcheck.models.plan import PlanDocument, load_plan
from crmcheck.models.plan_view import PlanSummary
from crmcheck.models.result import AssessmentResult
from crmcheck.plan.drafts import drafts_of
from crmcheck.plan.layout import dump_plan
from crmcheck.plan.progress import CurrentId, plan_summary
from crmcheck.plan.store import update_file
from crmcheck.plan.update import UpdateOutcome, update_plan


def current_ids(catalog: Catalog) -> CurrentId:
    """A question id as a plan wrote it -> its id in today's questionnaire (renamed questions follow)."""
    def current(questionnaire: str, question: str) -> str:
        try:
            return catalog.get(questionnaire).current_id(question) or question
        except CrmcheckError:
            return question
    return current


def _assessed(answers: Sequence[str], catalog: Catalog) -> AssessmentResult:
    from crmcheck.report import assess_report

    return assess_report(list(answers), catalog)


def _source_name(answers: Sequence[str]) -> str:
    return answers[0] if len(answers) == 1 else ", ".join(answers)


def new_plan(answers: Sequence[str], catalog: Catalog) -> str:
    """The text of a plan made from the assessment's recommendations."""
    result = _assessed(answers, catalog)
    return dump_plan(result.company, _source_name(answers), result.assessed_on, drafts_of(result))


def _same_company(plan: PlanDocument, result: AssessmentResult) -> None:
    if name_key(plan.plan.company) != name_key(result.company):
        pos = plan.doc.position(("company",))
        raise InputError(f"this plan is for {plan.plan.company!r}, but the assessment is of {result.company!r}",
                         file=plan.path, line=pos.line, column=pos.column)


def update_plan_file(answers: Sequence[str], plan_path: str, catalog: Catalog) -> UpdateOutcome:
    """Bring the plan at `plan_path` up to the newer assessment, in place (store.update_file's rules)."""
    result = _assessed(answers, catalog)
    current = current_ids(catalog)

    def compute(source: PlanDocument) -> UpdateOutcome:
        _same_company(source, result)
        return update_plan(source, result, _source_name(answers), current)

    return update_file(plan_path, compute)


def read_plan(plan_path: str, result: AssessmentResult | None, today: dt.date, catalog: Catalog) -> PlanSummary:
    """The plan's actions as they stand on `today`, against `result` when one is given."""
    source = load_plan(plan_path)
    if result is not None:
        _same_company(source, result)
    return plan_summary(source, result, today, current_ids(catalog))
