"""What the benchmark's loader keeps of each answers file: a few numbers per questionnaire, or why it failed."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple


class QuestionnaireScores(NamedTuple):
    """One questionnaire's numbers from one answers file: raw (unrounded) section scores in questionnaire
    order, and the raw questionnaire score and stage reached that `scoring.summarise` derives from them."""

    questionnaire: str
    sections: tuple[float | None, ...]
    score: float | None
    reached: int | None
    answered: int
    asked: int
    flags: tuple[int, ...] = ()  # each section's `scoring.section_flags`, for the stage rule


class AssessmentRecord(NamedTuple):
    """The little the benchmark keeps of one scored answers file."""

    file: str
    company: str
    assessed_on: dt.date
    lens: str
    industry: str | None
    size: str | None
    questionnaires: tuple[QuestionnaireScores, ...]


class LoadFailure(NamedTuple):
    """An answers file that could not be loaded or scored, with its error lines."""

    file: str
    errors: tuple[str, ...]
    kind: str | None = None  # a policy, selection, score card or questionnaire: skipped, not failed


Outcome = AssessmentRecord | LoadFailure
# One questionnaire of one counted answers file: the file's record and that questionnaire's scores in it.
Counted = tuple[AssessmentRecord, QuestionnaireScores]
