"""JUnit XML for CI (GitLab, Jenkins): a testcase per section from `report`, per rule and scope from `check`."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections import Counter

from crmcheck.inert import xml_safe
from crmcheck.models.check import CheckResult
from crmcheck.models.result import AssessmentResult, SectionResult
from crmcheck.render import RenderOptions
from crmcheck.render.reading import provisional_sentence

TIME = "0.000"  # rules are evaluated in microseconds; CI tools want a time with three decimals


class _Suite:
    """One <testsuite>, counting its cases; names are made unique so that CI history lines up."""

    def __init__(self, parent: ET.Element, name: str) -> None:
        self.element = ET.SubElement(parent, "testsuite", {"name": xml_safe(name)})
        self.names: Counter[tuple[str, str]] = Counter()
        self.tests = self.failures = self.skipped = 0

    def case(self, classname: str, name: str, *, failure: tuple[str, str, str] | None = None,
             skipped: str | None = None, output: str | None = None) -> None:
        key = (classname, name)
        self.names[key] += 1
        if self.names[key] > 1:
            name = f"{name} ({self.names[key]})"
        case = ET.SubElement(self.element, "testcase",
                             {"classname": xml_safe(classname), "name": xml_safe(name), "time": TIME})
        self.tests += 1
        if failure is not None:
            kind, message, detail = failure
            element = ET.SubElement(case, "failure", {"type": xml_safe(kind), "message": xml_safe(message)})
            element.text = xml_safe(detail)
            self.failures += 1
        elif skipped is not None:
            ET.SubElement(case, "skipped", {"message": xml_safe(skipped)})
            self.skipped += 1
        if output:
            ET.SubElement(case, "system-out").text = xml_safe(output)

    def close(self, properties: dict[str, str]) -> None:
        self.element.set("tests", str(self.tests))
        self.element.set("failures", str(self.failures))
        self.element.set("errors", "0")
        self.element.set("skipped", str(self.skipped))
        self.element.set("time", TIME)
        if properties:
            holder = ET.Element("properties")
            for key, value in properties.items():
                ET.SubElement(holder, "property", {"name": key, "value": xml_safe(value)})
            self.element.insert(0, holder)


def _document(root: ET.Element, suites: list[_Suite]) -> str:
    root.set("tests", str(sum(s.tests for s in suites)))
    root.set("failures", str(sum(s.failures for s in suites)))
    root.set("errors", "0")
    root.set("time", TIME)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _section_failure(s: SectionResult, kind: str) -> tuple[str, str, str] | None:
    """A section fails when it is below its target or at high risk."""
    reasons = []
    if s.gap:
        what = "stage" if kind == "staged" else "level"
        reasons.append(f"below its target {what} {s.target} by {s.gap}")
    if s.risk == "high":
        reasons.append("at high risk")
    if not reasons:
        return None
    message = f"{s.title}: {' and '.join(reasons)}"
    detail = (f"{message}.\nscore {s.score:.1f}, level {s.level} {s.level_name or ''}, risk {s.risk or '—'}, "
              f"target {s.target}, gap {s.gap}, {s.completeness * 100:.0f}% answered")
    return ("below-target" if s.gap else "high-risk", message, detail)


def _actions_text(s: SectionResult) -> str:
    """The section's plan actions (--plan) in the testcase's output: how many, by status, and which are overdue."""
    if not s.actions:
        return ""
    statuses = ", ".join(f"{n} {st}" for st in ("done", "doing", "open", "dropped")
                         if (n := sum(a.status == st for a in s.actions)))
    overdue = [a.id for a in s.actions if a.overdue]
    late = f"; overdue: {', '.join(overdue)}" if overdue else ""
    return f"\nplan: {len(s.actions)} action{'s' if len(s.actions) != 1 else ''} ({statuses}){late}"


def _gap_properties(result: AssessmentResult, questionnaire: str) -> dict[str, str]:
    """The perception gap beside each lens's suite, as JSON and markdown give it: the gap, how many questions both
    lenses are asked (the gap compares only these), and the source's own figures, labelled as the source's."""
    gap = next((g for g in result.perception_gaps if g.questionnaire == questionnaire), None)
    if gap is None:
        return {}
    properties = {} if gap.gap is None else {"perception_gap": f"{gap.gap:.1f}"}
    if gap.compared is not None:
        properties["perception_compared"] = str(gap.compared)
    if gap.context:
        properties["perception_context"] = f"The source's figures, not a benchmark of this company: {gap.context}"
    return properties


def render(result: AssessmentResult, options: RenderOptions) -> str:
    """`report --format junit`: one testcase per section; it fails below its target or at high risk."""
    root = ET.Element("testsuites", {"name": xml_safe(f"crmcheck report: {result.company}")})
    suites = []
    for q in result.questionnaires:
        # several respondents: one suite per questionnaire and lens, named apart, so that a JUnit viewer keeps the
        # company's view and the customers' apart instead of merging two suites of one name
        seen_as = f" ({q.lens} view)" if q.lens else ""
        classname = f"crmcheck.{q.id}" + (f".{q.lens}" if q.lens else "")
        suite = _Suite(root, f"{q.id}{seen_as}: {q.title}")
        for s in q.sections:
            name = f"{s.id}: {s.title}"
            if s.score is None:
                suite.case(classname, name, skipped="not assessed: no scored answer in this section")
            elif s.provisional:  # neither passed nor failed: a score on under half the questions is not judged
                suite.case(classname, name, skipped=(
                    f"provisional: score {s.score:.1f}, level {s.level} {s.level_name or ''} on "
                    f"{s.completeness * 100:.0f}% of its questions answered (under half); not judged"))
            else:
                against = "".join(f"\ncontradicted by data: {c.question} answered {c.answer:g}, measured "
                                  f"{c.measured:.1f} (tolerance {c.tolerance:g})" for c in s.contradicted)
                suite.case(classname, name, failure=_section_failure(s, q.kind),
                           output=f"score {s.score:.1f}, level {s.level} {s.level_name or ''}".strip()
                           + _actions_text(s) + against)
        properties = {"company": result.company, "assessed_on": str(result.assessed_on),
                      "questionnaire_version": str(q.version)}
        if q.lens:
            properties.update(lens=q.lens, respondents=str(q.respondents or 0))
        if q.provisional:
            properties["provisional"] = provisional_sentence(q)
        properties.update(_gap_properties(result, q.id))
        suite.close(properties)
        suites.append(suite)
    return _document(root, suites)


def render_check(check: CheckResult) -> str:
    """`check --junit FILE`: one testcase per rule and scope; broken rules fail, skipped ones are skipped."""
    policy = check.policy or "default policy"
    root = ET.Element("testsuites", {"name": xml_safe(f"crmcheck check: {check.company}")})
    suite = _Suite(root, f"crmcheck check ({policy})")
    for o in check.outcomes:
        name = f"{o.scope}: {o.label}"
        where = f"{o.file}:{o.line}" if o.file and o.line else (o.file or "")
        if o.status == "broken":
            detail = f"{o.message}\nrule {o.rule_number} ({o.rule}): {o.requirement}\nfound: {o.found}\nat: {where}"
            suite.case(f"crmcheck.{o.rule}", name, failure=(o.rule, o.message, detail))
        elif o.status == "skipped":
            suite.case(f"crmcheck.{o.rule}", name, skipped=o.message)
        else:
            suite.case(f"crmcheck.{o.rule}", name, output=o.message)
    properties = {"company": check.company, "assessed_on": str(check.assessed_on), "checked_on": str(check.checked_on),
                  "answers": check.answers, "policy": policy}
    if check.baseline:
        properties["baseline"] = check.baseline
    suite.close(properties)
    return _document(root, [suite])
