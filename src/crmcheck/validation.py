"""`validate`: check questionnaire, answers, policy, vendor-selection and score-card files, each judged by what
it holds."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crmcheck.catalog import Catalog
from crmcheck.errors import CrmcheckError
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


def kind_of(doc: Document) -> str:
    data = doc.data
    if "sections" in data or "scales" in data or "levels" in data:
        return "questionnaire"
    if "requirements" in data or "vendors" in data:
        return "selection"
    if "evaluator" in data or "scores" in data:
        return "card"
    if "questionnaires" in data or "company" in data:
        return "answers"
    if "rules" in data:
        return "policy"
    raise doc.error("cannot tell what this file is: a questionnaire has 'sections', an answers file has "
                    "'company' and 'questionnaires', a policy has 'rules', a vendor selection has "
                    "'requirements' and 'vendors', a score card has 'evaluator' and 'scores'")


def _check_questionnaire(doc: Document) -> str:
    from crmcheck.models.questionnaire import parse_questionnaire

    q = parse_questionnaire(doc)
    return f"questionnaire {q.id} v{q.version}: {len(q.sections)} sections, {len(q.questions)} questions"


def _check_answers(doc: Document, catalog: Catalog) -> str:
    from crmcheck.assessment import responses_of
    from crmcheck.models.answers import parse_answers

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
        else:
            report.summary = _check_answers(doc, catalog)
    except CrmcheckError as exc:
        report.ok = False
        report.errors = exc.lines()
    return report
