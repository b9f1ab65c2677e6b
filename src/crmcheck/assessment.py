"""Load answers files with their questionnaires and score them: the one call behind `report`."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from crmcheck.catalog import Catalog
from crmcheck.errors import InputError
from crmcheck.models.answers import AnswersDocument, load_answers
from crmcheck.models.result import AssessmentResult
from crmcheck.resolve import Response, resolve
from crmcheck.scoring import score_questionnaire

if TYPE_CHECKING:
    from crmcheck.aggregate import AnswerSet

ANSWERS_SUFFIXES = (".yaml", ".yml")


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


def answers_files(paths: Sequence[str]) -> list[str]:
    """The answers files named, with each directory replaced by the .yaml/.yml files under it (sorted)."""
    found: list[str] = []
    seen: set[Path] = set()
    for name in paths:
        path = Path(name)
        if path.is_dir():
            inside = sorted(
                p for p in path.rglob("*")
                if p.suffix in ANSWERS_SUFFIXES and p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not inside:
                raise InputError("no answers files (*.yaml, *.yml) in this directory", file=name)
        elif path.exists():
            inside = [path]
        else:
            raise InputError("no such file", file=name)
        for p in inside:
            if p.resolve() not in seen:
                seen.add(p.resolve())
                found.append(str(p))
    return found


def _answer_sets(files: Sequence[str], catalog: Catalog, first: AnswersDocument) -> Iterator[AnswerSet]:
    """Each file loaded, checked and turned into an answer set, one at a time (memory stays flat)."""
    from crmcheck.aggregate import AnsweredQuestionnaire, AnswerSet

    for index, path in enumerate(files):
        source = first if index == 0 else load_answers(path)
        answers = source.answers
        if answers.company != first.answers.company:
            raise source.doc.error(
                f"company '{answers.company}' differs from '{first.answers.company}' in {first.path}; "
                "one report covers one company: report each company's files separately", ("company",))
        if answers.assessed_on != first.answers.assessed_on:
            raise source.doc.error(
                f"assessed_on {answers.assessed_on} differs from {first.answers.assessed_on} in {first.path}; "
                "several respondents must share one assessment date (give a survey one date with "
                "`crmcheck import --date`; compare two dates with `crmcheck compare`)", ("assessed_on",))
        parts = [
            AnsweredQuestionnaire(catalog.get(key), responses, answers.questionnaires[key].targets)
            for key, responses in responses_of(source, catalog).items()
        ]
        yield AnswerSet(file=path, lens=answers.lens, respondent=answers.respondent, questionnaires=parts,
                        assessor=answers.assessor, segment=answers.segment)


def assess_paths(paths: Sequence[str], catalog: Catalog, *, show_respondents: bool = False) -> AssessmentResult:
    """The report of one answers file, or of several respondents (files and directories) of one company."""
    from crmcheck.aggregate import aggregate

    files = answers_files(paths)
    first = load_answers(files[0])
    if len(files) == 1:
        return assess_document(first, catalog)
    return aggregate(_answer_sets(files, catalog, first), company=first.answers.company,
                     assessed_on=first.answers.assessed_on, show_respondents=show_respondents)
