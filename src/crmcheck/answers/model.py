"""Answers format 1: one assessment of one company on one date by one respondent."""

# Field annotations are real objects here, not strings (no `from __future__ import annotations`): pydantic would
# evaluate each string with eval() at every start (tests/test_model_annotations.py).

import datetime as dt
import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, WithJsonSchema, field_validator

from crmcheck.models.base import OptionalText, Strict, Text, check_format, validate_document
from crmcheck.yamlio import Document, load_mapping

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")


def _as_date(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not _DATE.match(value):
        raise ValueError("a date is written YYYY-MM-DD, for example 2026-11-01")
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValueError(f"{value} is not a real date ({exc})") from None


Date = Annotated[dt.date, BeforeValidator(_as_date), WithJsonSchema(
    {"type": "string", "format": "date", "pattern": r"^\d{4}-\d{2}-\d{2}$"})]


class Respondent(Strict):
    name: OptionalText = None
    role: OptionalText = None
    lens: Literal["company", "customer"] = "company"


class Segment(Strict):
    industry: OptionalText = None
    size: OptionalText = None


class Measured(Strict):
    """The value `crmcheck measure` computed for the question from the company's data, and from what."""

    value: float = Field(allow_inf_nan=False)
    source: Text


class Answer(Strict):
    """One answer as written: a value (or n/a), with an optional note, evidence and reason."""

    value: Any = None
    note: OptionalText = None
    evidence: OptionalText = None
    reason: OptionalText = None
    measured: Measured | None = Field(default=None, description=(
        "written by `crmcheck measure --write`: the measured value and its source; an answer further from it "
        "than the metric's tolerance is reported as contradicted by data"))


def _expand_short_forms(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    return {key: item if isinstance(item, dict) else {"value": item} for key, item in value.items()}


class QuestionnaireAnswers(Strict):
    version: int | None = Field(default=None, ge=1)
    targets: dict[str, int] = Field(default_factory=dict)
    answers: Annotated[dict[str, Answer], BeforeValidator(_expand_short_forms)] = Field(default_factory=dict)

    @field_validator("answers", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return {} if value is None else value


class AnswersHeader(Strict):
    """The fields of an answers file before its questionnaires (a writer checks its header lines alone)."""

    format: Literal[1]
    company: Text
    assessed_on: Date
    assessor: OptionalText = None
    respondent: Respondent | None = None
    segment: Segment | None = None

    @property
    def lens(self) -> str:
        return self.respondent.lens if self.respondent else "company"


class AnswersFile(AnswersHeader):
    questionnaires: dict[str, QuestionnaireAnswers] = Field(min_length=1)


@dataclass
class AnswersDocument:
    """An answers file together with the parsed YAML, for error positions."""

    answers: AnswersFile
    doc: Document

    @property
    def path(self) -> str:
        return self.doc.path


def parse_answers(doc: Document) -> AnswersDocument:
    if not isinstance(doc.data, dict):
        raise doc.error("the top level must be a mapping of answers-file fields")
    check_format(doc, "answers")
    return AnswersDocument(validate_document(AnswersFile, doc), doc)


def load_answers(path: str) -> AnswersDocument:
    return parse_answers(load_mapping(path))
