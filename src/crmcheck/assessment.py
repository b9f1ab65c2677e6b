"""Load answers files with their questionnaires and score them: the one call behind `report`."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

from crmcheck.answers.model import AnswersDocument, load_answers
from crmcheck.catalog import Catalog
from crmcheck.errors import InputError, Problem, UsageError
from crmcheck.finished import Progress, total
from crmcheck.inert import name_key
from crmcheck.resolve import Response, resolve
from crmcheck.yamlio import special_kind

if TYPE_CHECKING:
    from crmcheck.aggregate import AnswerSet
    from crmcheck.models.result import AssessmentResult

ANSWERS_SUFFIXES = (".yaml", ".yml")


def responses_of(source: AnswersDocument, catalog: Catalog) -> dict[str, dict[str, Response]]:
    """Every answered questionnaire's checked responses, by questionnaire id."""
    out: dict[str, dict[str, Response]] = {}
    for key, given in source.answers.questionnaires.items():
        questionnaire = catalog.load(key, context=source.doc, keys=("questionnaires", key))
        out[key] = resolve(questionnaire, given, source, key)
    return out


def assess_document(source: AnswersDocument, catalog: Catalog) -> AssessmentResult:
    # imported here: `validate` checks answers with responses_of and needs neither the result model nor scoring
    from crmcheck.models.result import AssessmentResult
    from crmcheck.scoring import score_questionnaire

    answers = source.answers
    results = []
    for key, responses in responses_of(source, catalog).items():
        questionnaire = catalog.get(key)
        targets = answers.questionnaires[key].targets
        results.append(score_questionnaire(questionnaire, responses, targets, answers.lens, answers.company))
    return AssessmentResult(
        company=answers.company, assessed_on=answers.assessed_on, assessor=answers.assessor,
        respondent=answers.respondent, segment=answers.segment, questionnaires=results,
    )


def assess_file(path: str, catalog: Catalog) -> AssessmentResult:
    return assess_document(load_answers(path), catalog)


def _files_under(directory: str, skipped: list[Problem] | None = None) -> list[str]:
    """The .yaml/.yml files under a directory, sorted, skipping hidden files and directories. A named pipe,
    device or socket is never read (it could block for ever): it goes into `skipped`, if given."""
    found: list[str] = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.endswith(ANSWERS_SUFFIXES) and not name.startswith("."):
                path = os.path.join(root, name)
                kind = special_kind(path)
                if kind is None:
                    found.append(path)
                elif skipped is not None:
                    skipped.append(Problem(f"not a regular file ({kind}); skipped", path))
    return sorted(found)


def answers_files(paths: Sequence[str], skipped: list[Problem] | None = None,
                  other_kinds: list[tuple[str, str]] | None = None) -> list[str]:
    """The answers files named, with each directory replaced by the .yaml/.yml files under it (sorted);
    special files found in directories are left out and listed in `skipped`, and crmcheck files of another
    kind (a policy, a selection, score cards, a questionnaire) in `other_kinds` as (path, kind)."""
    from crmcheck.file_kinds import looks_like_other_kind

    found: list[str] = []
    seen: set[str] = set()
    for name in paths:
        if os.path.isdir(name):
            inside = []
            for path in _files_under(name, skipped):
                kind = looks_like_other_kind(path)
                if kind is None:
                    inside.append(path)
                elif other_kinds is not None:
                    other_kinds.append((path, kind))
            if not inside:
                raise InputError("no answers files (*.yaml, *.yml) in this directory", file=name, line=1, column=1)
        elif os.path.exists(name):
            inside = [name]
        else:
            raise InputError("no such file", file=name, line=1, column=1)
        for path in inside:
            key = os.path.abspath(path)
            if key not in seen:
                seen.add(key)
                found.append(path)
    return found


def _answer_sets(files: Sequence[str], catalog: Catalog, first: AnswersDocument) -> Iterator[AnswerSet]:
    """Each file loaded, checked and turned into an answer set, one at a time (memory stays flat). Files the
    fast path plainly accepts skip the models; the others are loaded fully (which reports their errors)."""
    from crmcheck.aggregate import AnsweredQuestionnaire, AnswerSet, quick_answer_set

    for index, path in enumerate(files):
        if index:
            quick = quick_answer_set(path, catalog, first.answers.company, first.answers.assessed_on)
            if quick is not None:
                yield quick
                continue
        source = first if index == 0 else load_answers(path)
        answers = source.answers
        if name_key(answers.company) != name_key(first.answers.company):
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


def assess_paths(paths: Sequence[str], catalog: Catalog, *, show_respondents: bool = False,
                 skipped: list[Problem] | None = None, min_answered: Fraction | None = None,
                 other_kinds: list[tuple[str, str]] | None = None) -> AssessmentResult:
    """The report of one answers file, or of several respondents (files and directories) of one company; with
    `min_answered`, respondents who answered less than that share of their scored questions are left out."""
    files = answers_files(paths, skipped, other_kinds)
    first = load_answers(files[0])
    if len(files) == 1:
        result = assess_document(first, catalog)
        if min_answered is not None:
            from crmcheck.aggregate import percent_text

            progress = result_progress(result)
            if not progress.reaches(min_answered):
                raise UsageError(f"--min-answered {percent_text(min_answered)}: {files[0]} answers "
                                 f"{progress.answered} of {progress.asked} scored questions, less; nothing left to "
                                 "report (lower it)")
        return result
    from crmcheck.aggregate import aggregate  # several respondents only: one file's report needs none of it

    return aggregate(_answer_sets(files, catalog, first), company=first.answers.company,
                     assessed_on=first.answers.assessed_on, show_respondents=show_respondents,
                     min_answered=min_answered)


def result_progress(result: AssessmentResult) -> Progress:
    """One answers file's progress from its scored result (the same counts `progress_of` makes)."""
    return total(Progress(s.answered, s.not_applicable, s.scored_questions)
                 for q in result.questionnaires for s in q.sections)
