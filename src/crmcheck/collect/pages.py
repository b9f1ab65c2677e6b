"""The HTML the respondent and the admin see, rendered from Jinja templates with autoescaping (no script at all)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from crmcheck.answers.model import Answer
from crmcheck.collect.form import NONE_OF_THESE, NOT_APPLICABLE, FieldState, Page, form_values, page_questions
from crmcheck.collect.status import CollectionStatus
from crmcheck.inert import template_finalize
from crmcheck.models.questionnaire import Question, Questionnaire

HERE = Path(__file__).parent
STYLESHEET = (HERE / "static" / "collect.css").read_bytes()


@dataclass(frozen=True)
class Choice:
    id: str
    value: str
    label: str
    checked: bool
    input: str = "radio"
    extra: bool = False


@dataclass
class QuestionView:
    """One question as a respondent sees it: its lens's wording and respondent help (never the assessor's
    `help`), `{company}` filled in."""

    full_id: str
    number: int
    text: str
    help: str | None  # the question's respondent_help for the lens
    kind: str  # choices | number | text
    state: FieldState
    choices: list[Choice] = field(default_factory=list)
    entry: str = ""
    unit: str | None = None
    error: str | None = None
    allows_na: bool = True

    @property
    def described(self) -> str:
        ids = [f"help-{self.full_id}"] if self.help else []
        return " ".join([*ids, *([f"error-{self.full_id}"] if self.error else [])])


@functools.cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                              finalize=template_finalize)


def intro(company: str, lens: str) -> str:
    if lens == "customer":
        return f"{company} would like to hear how it looks to you, as its customer"
    return f"How {company} works today, as you see it from the inside"


def not_applicable_label(lens: str) -> str:
    return "Does not apply to me" if lens == "customer" else "Does not apply to us"


def _choices(question: Question, questionnaire: Questionnaire, full: str, chosen: list[str], lens: str,
             company: str | None = None) -> list[Choice]:
    if question.type == "scale":
        pairs = [(str(lv.value), f"{lv.value} · {lv.label}") for lv in questionnaire.scales[question.scale or ""]]
    elif question.type == "yes_no":
        pairs = [("yes", "Yes"), ("no", "No")]
    else:
        pairs = [(o.id, o.wording(lens, company)) for o in question.options or ()]
    box = "checkbox" if question.type == "checklist" else "radio"
    made = [Choice(f"{full}-{i}", value, label, value in chosen, box) for i, (value, label) in enumerate(pairs)]
    if question.type == "checklist":
        made.append(Choice(f"{full}-none", NONE_OF_THESE, "None of these", NONE_OF_THESE in chosen, box, True))
    made.append(Choice(f"{full}-na", NOT_APPLICABLE, not_applicable_label(lens), NOT_APPLICABLE in chosen, box,
                       True))
    if box == "radio":
        made.append(Choice(f"{full}-blank", "", "No answer yet", not chosen, box, True))
    return made


def question_views(page: Page, lens: str, first_number: int, states: Mapping[str, FieldState],
                   errors: Mapping[str, str], company: str | None = None) -> list[QuestionView]:
    views = []
    for offset, question in enumerate(page_questions(page, lens)):
        full = f"{page.section.id}.{question.id}"
        state = states.get(full) or FieldState()
        view = QuestionView(full, first_number + offset, question.wording(lens, company),
                            question.respondent_wording(lens, company), "choices", state,
                            error=errors.get(full), unit=question.unit)
        if question.type == "number":
            view.kind = "number"
            view.entry = next((v for v in state.values if v != NOT_APPLICABLE), "")
            view.choices = [Choice(f"{full}-na", NOT_APPLICABLE, not_applicable_label(lens),
                                   NOT_APPLICABLE in state.values, "checkbox", True)]
        elif question.type == "text":
            view.kind = "text"
            view.entry = state.values[0] if state.values else ""
            view.allows_na = False
        else:
            view.choices = _choices(question, page.questionnaire, full, state.values, lens, company)
        views.append(view)
    return views


def saved_states(page: Page, answers: Mapping[str, Answer], lens: str | None = None) -> dict[str, FieldState]:
    return {f"{page.section.id}.{q.id}": form_values(q, answers.get(f"{page.section.id}.{q.id}"))
            for q in page_questions(page, lens)}


def section_intro(page: Page, lens: str, company: str | None = None) -> str | None:
    """What a respondent reads above a section's questions: its `respondent_intro` for the lens (never the
    section's `summary`, which is written for the assessor)."""
    return page.section.respondent_wording(lens, company)


def first_number(pages: list[Page], page: Page, lens: str | None) -> int:
    """The number of the page's first question as this lens counts them."""
    return 1 + sum(len(page_questions(p, lens)) for p in pages[: page.number - 1])


def question_total(questionnaires: list[Questionnaire], lens: str | None) -> int:
    """How many questions a respondent of this lens is asked."""
    return sum(len(section.questions_in(lens)) for q in questionnaires for section in q.sections)


def render_page(**context: Any) -> str:
    return _env().get_template("page.html.j2").render(**context)


def render_done(**context: Any) -> str:
    return _env().get_template("done.html.j2").render(**context)


def render_message(title: str, message: str, prefix: str = "") -> str:
    return _env().get_template("message.html.j2").render(title=title, message=message, prefix=prefix)


def render_admin(status: CollectionStatus, prefix: str = "") -> str:
    counts: dict[str, int] = {}
    for r in status.respondents:
        counts[r.state] = counts.get(r.state, 0) + 1
    text = ", ".join(f"{n} {s}" for s, n in counts.items()) or "no invites yet"
    return _env().get_template("admin.html.j2").render(status=status, counts=text, prefix=prefix)
