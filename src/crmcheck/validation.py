"""`validate`: check questionnaire, answers, policy, vendor-selection and score-card files, each judged by what
it holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crmcheck.catalog import Catalog
from crmcheck.errors import CrmcheckError
from crmcheck.file_kinds import kind_of
from crmcheck.yamlio import Document, load_mapping


@dataclass
class FileReport:
    file: str
    kind: str | None = None
    ok: bool = True
    summary: str = ""
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"file": self.file, "kind": self.kind, "ok": self.ok, "summary": self.summary, "errors": self.errors}


def _check_questionnaire(doc: Document) -> str:
    from crmcheck.models.questionnaire import parse_questionnaire

    q = parse_questionnaire(doc)
    return f"questionnaire {q.id} v{q.version}: {len(q.sections)} sections, {len(q.questions)} questions"


def _check_answers(doc: Document, catalog: Catalog) -> str:
    from crmcheck.answers.model import parse_answers
    from crmcheck.assessment import responses_of

    source = parse_answers(doc)
    parts = []
    for qid, responses in responses_of(source, catalog).items():
        q = catalog.get(qid)
        lens = source.answers.lens
        scored = [r for full, r in responses.items()
                  if q.questions[full][1].scored and q.questions[full][1].asked_in(lens)]
        answered = sum(r.status == "answered" for r in scored)
        na = sum(r.status == "n/a" for r in scored)
        parts.append(f"{qid} {answered}/{len(scored) - na} answered" + (f", {na} n/a" if na else ""))
    return f"answers of {source.answers.company} on {source.answers.assessed_on}: " + "; ".join(parts)


def _check_policy(doc: Document, catalog: Catalog) -> str:
    from crmcheck.models.policy import BASELINE_RULES, parse_policy

    policy = parse_policy(doc, catalog)
    against = sum(rule.rule in BASELINE_RULES for rule in policy.rules)
    return f"policy with {len(policy.rules)} rules" + (f", {against} of them against a baseline" if against else "")


def _check_vendor_file(doc: Document, kind: str) -> str:
    """A selection, or a score card checked on its own (its vendor and requirement ids are checked against the
    selection by `crmcheck vendors report`)."""
    from crmcheck.vendors.files import parse_card, parse_selection

    if kind == "selection":
        chosen = parse_selection(doc).model
        return (f"selection of {chosen.company}: {len(chosen.requirements)} requirements, "
                f"{len(chosen.vendors)} vendors")
    card = parse_card(doc).model
    scored = sum(len(scores) for scores in card.scores.values())
    return f"score card of {card.evaluator}: {scored} scores for {len(card.scores)} vendors"


def _check_plan(doc: Document) -> str:
    from crmcheck.models.plan import parse_plan
    from crmcheck.yamlio import read_text

    plan = parse_plan(doc, read_text(doc.path)).plan
    done = sum(a.status == "done" for a in plan.actions)
    return f"plan for {plan.company}: {len(plan.actions)} actions, {done} done"


def _check_measure_config(doc: Document) -> str:
    from crmcheck.measure.config import MeasureConfig
    from crmcheck.models.base import check_format, validate_document

    check_format(doc, "measure config")
    config = validate_document(MeasureConfig, doc)
    tables = [name for name in ("deals", "leads", "tickets", "invoices") if getattr(config.columns, name, None)]
    return f"measure config: columns for {', '.join(tables) or 'no table'}"


def validate_file(path: str, catalog: Catalog) -> FileReport:
    report = FileReport(path)
    try:
        doc = load_mapping(path)
        report.kind = kind_of(doc)
        if report.kind == "questionnaire":
            report.summary = _check_questionnaire(doc)
        elif report.kind in ("selection", "card"):
            report.summary = _check_vendor_file(doc, report.kind)
        elif report.kind == "policy":
            report.summary = _check_policy(doc, catalog)
        elif report.kind == "plan":
            report.summary = _check_plan(doc)
        elif report.kind == "measure":
            report.summary = _check_measure_config(doc)
        else:
            report.summary = _check_answers(doc, catalog)
    except CrmcheckError as exc:
        report.ok = False
        report.errors = exc.lines()
    return report


def validate_files(paths: list[str], catalog: Catalog) -> tuple[list[FileReport], list[str]]:
    """Check every file; score cards given with a selection are checked against it as well (their vendor and
    requirement ids), each against the nearest selection named before it, or the first one when none is.
    Returns the reports and the warnings (a blank card, which `vendors report` counts as no evaluator)."""
    reports = [validate_file(path, catalog) for path in paths]
    selections = [i for i, r in enumerate(reports) if r.kind == "selection" and r.ok]
    warnings: list[str] = []
    if not any(report.kind == "card" and report.ok for report in reports):
        return reports, warnings  # (the vendor models are built only for vendor files)
    from crmcheck.vendors.files import check_card, is_blank, load_selection, parse_card
    from crmcheck.vendors.report import blank_card_warning

    for i, report in enumerate(reports):
        if report.kind != "card" or not report.ok:
            continue
        try:
            card = parse_card(load_mapping(report.file))
            if is_blank(card):
                warnings.append(blank_card_warning(report.file))
            if selections:
                before = [j for j in selections if j < i]
                selection = load_selection(reports[before[-1] if before else selections[0]].file)
                check_card(card, selection)
                report.summary += f"; its vendors and requirements are those of {selection.path}"
        except CrmcheckError as exc:
            report.ok = False
            report.errors = exc.lines()
    return reports, warnings
