"""The respondent's form, both ways: a section's answers as form values, and a posted form back as answers.

Field names are the questions' full ids (`section.question`); values are what an answers file takes:
scale values, `yes`/`no`, option ids, numbers, text, `n/a`, and for a checklist one field per ticked
option (`[]` for "none of these"). `note:ID` and `reason:ID` carry an answer's note and n/a reason.
Pure: no I/O, no web framework.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from crmcheck.answers.model import Answer
from crmcheck.inert import reply_text
from crmcheck.models.questionnaire import Question, Questionnaire, Section
from crmcheck.resolve import marks_not_applicable, score_value
from crmcheck.yamlio import MAX_NUMBER_CHARS, DecimalText

MAX_BODY = 1 << 20  # 1 MiB
MAX_FIELDS = 4000
MAX_TEXT = 4000  # characters in one text answer, note or reason
NOT_APPLICABLE = "n/a"
NONE_OF_THESE = "[]"
CSRF_FIELD = "csrf"
GO_FIELD = "go"
_NUMBER = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\Z")


class FormError(ValueError):
    """The body is not a form this server reads (bad encoding, too many fields)."""


@dataclass(frozen=True)
class Page:
    """One page of the respondent's form: one section of one questionnaire."""

    number: int
    questionnaire: Questionnaire
    section: Section

    def full_ids(self) -> list[str]:
        return [f"{self.section.id}.{q.id}" for q in self.section.questions]


def page_questions(page: Page, lens: str | None) -> list[Question]:
    """The page's questions a respondent of this lens is asked (a question's `lenses` may leave some out)."""
    return page.section.questions_in(lens)


def pages_of(questionnaires: list[Questionnaire]) -> list[Page]:
    pages: list[Page] = []
    for q in questionnaires:
        for section in q.sections:
            pages.append(Page(len(pages) + 1, q, section))
    return pages


@dataclass
class FieldState:
    """What one question's controls show: the chosen values, the note and the n/a reason."""

    values: list[str] = field(default_factory=list)
    note: str = ""
    reason: str = ""


@dataclass
class Posted:
    """A posted page, read: the answers to save (None clears one), what to show again, and any errors."""

    answers: dict[str, Answer | None] = field(default_factory=dict)
    shown: dict[str, FieldState] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    go: str = "next"
    csrf: str = ""


clean = reply_text  # a field's text as one line to store (a one-line YAML scalar): the reply rule of crmcheck.inert


def parse_body(body: bytes) -> list[tuple[str, str]]:
    """An application/x-www-form-urlencoded body as (name, value) pairs."""
    if len(body) > MAX_BODY:
        raise FormError("the form is larger than 1 MiB")
    try:
        text = body.decode("utf-8")
        return parse_qsl(text, keep_blank_values=True, strict_parsing=False, max_num_fields=MAX_FIELDS,
                         encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise FormError("the form is not UTF-8") from None
    except ValueError:
        raise FormError(f"the form has more than {MAX_FIELDS} fields") from None


def form_values(question: Question, answer: Answer | None) -> FieldState:
    """How a saved answer shows in the form."""
    state = FieldState()
    if answer is None:
        return state
    state.note = answer.note or ""
    state.reason = answer.reason or ""
    value = answer.value
    if value is None:
        return state
    if marks_not_applicable(question, value):
        state.values = [NOT_APPLICABLE]
    elif isinstance(value, list):
        state.values = [str(v) for v in value] or [NONE_OF_THESE]
    elif isinstance(value, bool):
        state.values = ["yes" if value else "no"]
    elif isinstance(value, DecimalText):
        state.values = [value.text]
    elif question.type == "yes_no" and isinstance(value, str):
        state.values = ["yes" if value.strip().lower() in ("yes", "y", "true") else "no"]
    else:
        state.values = [str(value)]
    return state


def _number(text: str) -> int | float:
    if len(text) > MAX_NUMBER_CHARS:  # a 401-digit number overflows a float; 41 digits no answers file holds
        raise ValueError(f"'{text[:20]}...' is too long a number; write at most {MAX_NUMBER_CHARS} characters")
    if not _NUMBER.match(text):
        raise ValueError(f"'{text}' is not a number; write digits, with a dot for decimals (for example 12.5)")
    number: int | float = int(text) if re.fullmatch(r"[-+]?[0-9]+", text) else float(text)
    if isinstance(number, float) and not math.isfinite(number):
        raise ValueError(f"'{text}' is not a number")
    return number


def _value(question: Question, questionnaire: Questionnaire, values: list[str]) -> Any:
    """The answers-file value for a question's posted values; None when left unanswered."""
    if not values:
        return None
    if NOT_APPLICABLE in values:
        if len(values) > 1:
            raise ValueError("choose either 'Does not apply' or an answer, not both")
        return NOT_APPLICABLE
    kind = question.type
    if kind == "checklist":
        if NONE_OF_THESE in values:
            if len(values) > 1:
                raise ValueError("choose either 'None of these' or some of the options, not both")
            return []
        value: Any = values
    elif len(values) > 1:
        raise ValueError("choose one answer")
    elif kind == "scale":
        if not re.fullmatch(r"-?[0-9]{1,9}", values[0]):
            raise ValueError(f"'{values[0]}' is not one of this question's answers")
        value = int(values[0])
    elif kind == "yes_no":
        if values[0] not in ("yes", "no"):
            raise ValueError(f"'{values[0]}' is not yes or no")
        value = values[0] == "yes"
    elif kind == "number":
        value = _number(values[0])
    elif kind == "text":
        if len(values[0]) > MAX_TEXT:
            raise ValueError(f"the answer is longer than {MAX_TEXT} characters")
        return clean(values[0]) or None
    else:
        value = values[0]
    normalised, _ = score_value(question, questionnaire, value)
    return normalised


def read_page(page: Page, pairs: list[tuple[str, str]], lens: str | None = None) -> Posted:
    """Read a posted page. Any field that is not this page's (for this lens) is an error: nothing is saved."""
    posted = Posted()
    questions = {f"{page.section.id}.{q.id}": q for q in page_questions(page, lens)}
    values: dict[str, list[str]] = {full: [] for full in questions}
    notes: dict[str, str] = {}
    reasons: dict[str, str] = {}
    stray: list[str] = []
    for name, raw in pairs:
        if name == CSRF_FIELD:
            posted.csrf = raw
        elif name == GO_FIELD:
            posted.go = raw
        elif name in questions:
            if raw.strip():
                values[name].append(raw.strip())
        elif name.startswith("note:") and name[5:] in questions:
            notes[name[5:]] = raw
        elif name.startswith("reason:") and name[7:] in questions:
            reasons[name[7:]] = raw
        else:
            stray.append(name)
    if stray:
        posted.errors["_form"] = (f"the form held a field that is not on this page ({clean(stray[0])[:80]}); "
                                  "nothing was saved")
    for full, question in questions.items():
        note, reason = notes.get(full, ""), reasons.get(full, "")
        posted.shown[full] = FieldState(values[full], note, reason)
        try:
            if len(note) > MAX_TEXT or len(reason) > MAX_TEXT:
                raise ValueError(f"a note or reason is longer than {MAX_TEXT} characters")
            value = _value(question, page.questionnaire, values[full])
        except ValueError as exc:
            posted.errors[full] = str(exc)
            continue
        kept_note, kept_reason = clean(note) or None, clean(reason) or None
        if value is None and kept_note is None:
            posted.answers[full] = None
        else:
            posted.answers[full] = Answer(value=value, note=kept_note,
                                          reason=kept_reason if value == NOT_APPLICABLE else None)
    if posted.go not in ("back", "next", "finish", "save"):
        posted.go = "next"
    return posted
