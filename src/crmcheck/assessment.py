"""Load answers files with their questionnaires and score them: the one call behind `report`."""

from __future__ import annotations

from crmcheck.catalog import Catalog
from crmcheck.models.answers import AnswersDocument, load_answers
from crmcheck.models.result import AssessmentResult
from crmcheck.resolve import Response, resolve
from crmcheck.scoring import score_questionnaire


def responses_of(source: AnswersDocument, catalog: Catalog) -> dict[str, dict[str, Response]]:
    """Every answered questionnaire's checked responses, by questionnaire id."""
    out: dict[str, dict[str, Response]] = {}
    for key, given in source.answers.questionnaires.items():
        questionnaire = catalog.load(key, context=source.doc, keys=("questionnaires", key))
        out[key] = resolve(questionnaire, given, source, key)
    return out


def assess_document(source: AnswersDocument, catalog: Catalog) -> AssessmentResult:
    answers = source.answers
    results = []
    for key, responses in responses_of(source, catalog).items():
        questionnaire = catalog.get(key)
        targets = answers.questionnaires[key].targets
        results.append(score_questionnaire(questionnaire, responses, targets, answers.lens))
    return AssessmentResult(
        company=answers.company, assessed_on=answers.assessed_on, assessor=answers.assessor,
        respondent=answers.respondent, segment=answers.segment, questionnaires=results,
    )


def assess_file(path: str, catalog: Catalog) -> AssessmentResult:
    return assess_document(load_answers(path), catalog)
