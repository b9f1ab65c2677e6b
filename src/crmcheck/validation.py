"""`validate`: check questionnaire, answers and policy files, each judged by what it holds."""

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
    if "questionnaires" in data or "company" in data:
        return "answers"
    if "rules" in data:
        return "policy"
    raise doc.error("cannot tell what this file is: a questionnaire has 'sections', an answers file has "
                    "'company' and 'questionnaires', a policy has 'rules'")


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
        scored = [r for full, r in responses.items() if q.questions[full][1].scored]
        answered = sum(r.status == "answered" for r in scored)
        na = sum(r.status == "n/a" for r in scored)
        parts.append(f"{qid} {answered}/{len(scored) - na} answered" + (f", {na} n/a" if na else ""))
    return f"answers of {source.answers.company} on {source.answers.assessed_on}: " + "; ".join(parts)


def _check_policy(doc: Document, catalog: Catalog) -> str:
    from crmcheck.models.policy import BASELINE_RULES, parse_policy

    policy = parse_policy(doc, catalog)
    against = sum(rule.rule in BASELINE_RULES for rule in policy.rules)
    return f"policy with {len(policy.rules)} rules" + (f", {against} of them against a baseline" if against else "")


def validate_file(path: str, catalog: Catalog) -> FileReport:
    report = FileReport(path)
    try:
        doc = load_mapping(path)
        report.kind = kind_of(doc)
        if report.kind == "questionnaire":
            report.summary = _check_questionnaire(doc)
        elif report.kind == "policy":
            report.summary = _check_policy(doc, catalog)
        else:
            report.summary = _check_answers(doc, catalog)
    except CrmcheckError as exc:
        report.ok = False
        report.errors = exc.lines()
    return report
