"""Loading an assessment together with an earlier one of the same company, and comparing the two."""

from __future__ import annotations

from dataclasses import dataclass

from crmcheck.answers.model import AnswersDocument, load_answers
from crmcheck.assessment import assess_document
from crmcheck.catalog import Catalog
from crmcheck.errors import CrmcheckError, InputError, Problem
from crmcheck.inert import name_key
from crmcheck.models.questionnaire import Questionnaire
from crmcheck.models.result import AssessmentResult, Comparison, QuestionnaireResult


@dataclass
class Assessed:
    """A scored answers file, with the parsed file (for line numbers) and the questionnaires it used."""

    source: AnswersDocument
    result: AssessmentResult
    questionnaires: dict[str, Questionnaire]

    @property
    def path(self) -> str:
        return self.source.path


def assess(path: str, catalog: Catalog) -> Assessed:
    source = load_answers(path)
    result = assess_document(source, catalog)
    return Assessed(source, result, {q.id: catalog.get(q.id) for q in result.questionnaires})


def _version_hints(source: AnswersDocument, catalog: Catalog) -> list[Problem]:
    """Why an older answers file may not fit today's questionnaires, and what to do about it."""
    hints = []
    for qid, given in source.answers.questionnaires.items():
        if given.version is None or qid not in catalog.entries:
            continue
        try:
            current = catalog.get(qid).version
        except CrmcheckError:
            continue
        if given.version != current:
            hints.append(Problem(
                f"note: {source.path} answers {qid} version {given.version}, but version {current} is loaded; "
                f"give the version-{given.version} questionnaire with --baseline-questionnaires DIR"))
    return hints


def _same_company(a: str, b: str) -> bool:
    return name_key(a) == name_key(b)


def load_baseline(path: str, newer: Assessed, catalog: Catalog) -> Assessed:
    """Score the earlier assessment `path`; it must exist, load, be the same company's and not be dated later."""
    source = None
    try:
        source = load_answers(path)
        result = assess_document(source, catalog)
    except CrmcheckError as exc:
        hints = _version_hints(source, catalog) if source else []
        raise InputError(exc.problems[0].message, problems=[
            *exc.problems, *hints, Problem(f"the baseline {path} cannot be used: fix it, or give another one")
        ], more=exc.more) from None
    company, other = source.answers.company, newer.result.company
    if not _same_company(company, other):
        raise source.doc.error(f"the baseline is an assessment of '{company}', but {newer.path} is of '{other}'; "
                               "compare assessments of one company", ("company",))
    if result.assessed_on > newer.result.assessed_on:
        raise source.doc.error(f"the baseline is dated {result.assessed_on}, after {newer.path} "
                               f"({newer.result.assessed_on}); the baseline must be the earlier assessment",
                               ("assessed_on",))
    _refuse_empty_baseline(path, source, result, newer)
    return Assessed(source, result, {q.id: catalog.get(q.id) for q in result.questionnaires})


def _answered(q: QuestionnaireResult) -> int:
    return sum(s.answered for s in q.sections)


def _refuse_empty_baseline(path: str, source: AnswersDocument, result: AssessmentResult, newer: Assessed) -> None:
    """A baseline that assessed none of the newer assessment's questionnaires is no baseline: every comparison
    with it would hold on nothing."""
    before = {q.id: q for q in result.questionnaires}
    wanted = [q.id for q in newer.result.questionnaires]
    if any(qid in before and _answered(before[qid]) for qid in wanted):
        return
    what = ", ".join(f"{qid}: {'nothing answered' if qid in before else 'not in it'}" for qid in wanted)
    keys = ("questionnaires",) if "questionnaires" in source.doc.data else ()
    error = source.doc.error(f"the baseline assessed none of the questionnaires of {newer.path} ({what}); a "
                             "comparison with it would check nothing", keys, key=True)
    raise InputError(error.problems[0].message, problems=[
        *error.problems, Problem(f"the baseline {path} cannot be used: fix it, or give another one")]) from None


def compare_with(newer: Assessed, baseline: Assessed) -> Comparison:
    from crmcheck.compare import compare_assessments  # only with a baseline: a report without one needs none of it

    return compare_assessments(baseline.result, newer.result, newer.questionnaires)


def compare_files(old: str, new: str, catalog: Catalog, baseline_catalog: Catalog | None = None) -> Comparison:
    """`crmcheck compare OLD NEW`: both files scored, checked to belong together, and compared."""
    newer = assess(new, catalog)
    return compare_with(newer, load_baseline(old, newer, baseline_catalog or catalog))
