"""Check an answers file against its questionnaire and turn each answer into a value and a score."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, TypeVar

from crmcheck.answers.model import Answer, AnswersDocument, QuestionnaireAnswers
from crmcheck.errors import MAX_PROBLEMS_SHOWN, InputError, Problem
from crmcheck.models.questionnaire import Question, Questionnaire, range_text
from crmcheck.yamlio import DecimalText

T = TypeVar("T")
YES_WORDS = frozenset({"yes", "y", "true"})
NO_WORDS = frozenset({"no", "n", "false"})


NOT_APPLICABLE_WORDS = ("n/a", "na")  # stripped and lowercased


def is_not_applicable(value: Any) -> bool:
    return isinstance(value, str) and value.strip().lower() in NOT_APPLICABLE_WORDS


def marks_not_applicable(question: Question, value: Any) -> bool:
    """Whether `value` says the question does not apply. A text question's answer is text as written ("NA" is
    someone's initials, "N/A" what they typed): only `n/a` itself, as crmcheck writes it, marks one n/a."""
    if question.type == "text":
        return isinstance(value, str) and value.strip() == "n/a"
    return is_not_applicable(value)


UNKNOWN = "unknown"  # the written answer, and the checked value, of "the respondent does not know"


def is_unknown(value: Any) -> bool:
    return isinstance(value, str) and value.strip().lower() == UNKNOWN


@dataclass(frozen=True)
class Response:
    """One question's answer, checked: its normalised value and its score in [0, 1]."""

    status: Literal["answered", "n/a", "unanswered"]
    value: Any = None
    score: float | None = None
    note: str | None = None
    evidence: str | None = None
    reason: str | None = None
    unknown: bool = False  # a number question answered `unknown` (value UNKNOWN, score its `unknown_scores`)
    measured: tuple[float, str] | None = None  # (value, source) that `crmcheck measure --write` recorded


UNANSWERED = Response("unanswered")


class BadValue(ValueError):
    pass


def _number(value: Any) -> float:
    if isinstance(value, str) and _as_number(value) is not None:
        raise BadValue(f"'{value}' is quoted text, not a number; write {value.strip()} without quotes")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BadValue(f"expected a number, got '{value}'")
    return float(value)


def _as_whole_number(text: str) -> int | None:
    """The whole number a piece of text spells ("3", " 3 "), or None: a quoted number is text in YAML."""
    try:
        return int(text.strip())
    except ValueError:
        return None


def _as_number(text: str) -> float | None:
    try:
        number = float(text.strip())
    except ValueError:
        return None
    return number if number == number and abs(number) != float("inf") else None


def _unit(question: Question) -> str:
    unit = (question.unit or "").strip()
    return "" if not unit else unit if unit == "%" else f" {unit}"


def band_of(value: float, bands: list[tuple[float, T]]) -> T | None:
    """The item whose min is the greatest min <= value, comparing exactly at the edges."""
    exact = round(value, 9)
    found = None
    for minimum, item in bands:
        if round(minimum, 9) <= exact:
            found = item
        else:
            break
    return found


def scale_score(question: Question, score: float) -> float:
    """A scale level's score for this question: reversed (1 - score) when the statement is keyed negatively."""
    return 1 - score if question.reverse_scored else score


def score_value(question: Question, questionnaire: Questionnaire, value: Any) -> tuple[Any, float | None]:
    """Normalise a written value for a question and score it; raises BadValue with a user message."""
    kind = question.type
    if kind == "scale":
        levels = questionnaire.scales[question.scale or ""]
        if isinstance(value, int) and not isinstance(value, bool):
            for lv in levels:
                if lv.value == value:
                    return lv.value, scale_score(question, lv.score)
        elif isinstance(value, str):
            label = value.strip().lower()
            for lv in levels:
                if lv.label.lower() == label:
                    return lv.value, scale_score(question, lv.score)
        allowed = ", ".join(f"{lv.value} ({lv.label})" for lv in levels)
        if isinstance(value, list | dict):
            raise BadValue(f"a scale answer is one value, not a {'list' if isinstance(value, list) else 'mapping'}; "
                           f"use one of {allowed}, or n/a")
        if isinstance(value, str) and _as_whole_number(value) in {lv.value for lv in levels}:
            raise BadValue(f"'{value}' is quoted text, not the number {value.strip()}; write {value.strip()} "
                           "without quotes")
        raise BadValue(f"'{value}' is not on the {question.scale} scale; use one of {allowed}, or n/a")
    if kind == "yes_no":
        if isinstance(value, bool):
            return value, 1.0 if value else 0.0
        if isinstance(value, str) and value.strip().lower() in YES_WORDS | NO_WORDS:
            yes = value.strip().lower() in YES_WORDS
            return yes, 1.0 if yes else 0.0
        raise BadValue(f"'{value}' is not yes or no")
    if kind == "choice":
        option = question.option(value) if isinstance(value, str) else None
        if option is None:
            allowed = ", ".join(o.id for o in question.options or ())
            raise BadValue(f"'{value}' is not an option of this question; use one of {allowed}")
        return option.id, None if question.profile else option.score
    if kind == "checklist":
        return checklist_value(checklist_of(question), value)
    if kind == "number":
        if is_unknown(value):
            if question.unknown_scores is None:
                raise BadValue("'unknown' is an answer only to questions that declare unknown_scores; give a "
                               "number, n/a (does not apply), or leave it blank (not asked yet)")
            return UNKNOWN, question.unknown_scores
        number = _number(value)
        low, high = question.value_range
        if (low is not None and round(number, 9) < round(low, 9)) or (
                high is not None and round(number, 9) > round(high, 9)):
            raise BadValue(f"{number:g}{_unit(question)} is outside the valid range {range_text(low, high)}"
                           f"{_unit(question)}")
        bands = [(b.min, b.score) for b in question.bands or ()]
        score = band_of(number, bands)
        if score is None:
            raise BadValue(f"{number:g} is below the lowest band ({bands[0][0]:g})")
        return (value.text if isinstance(value, DecimalText) else value), score
    if isinstance(value, list | dict):
        raise BadValue("a text answer is a single piece of text")
    if isinstance(value, bool):
        return ("yes" if value else "no"), None
    return (value.text if isinstance(value, DecimalText) else str(value)), None


def resolve(
    questionnaire: Questionnaire, given: QuestionnaireAnswers, source: AnswersDocument, key: str
) -> dict[str, Response]:
    """Map every question's full id to its checked response; errors name the answers-file line."""
    doc = source.doc
    where = ("questionnaires", key)
    problems: list[Problem] = []
    more = 0  # problems past the ones shown: counted, without working out their place or a suggestion

    def problems_full() -> bool:
        return len(problems) >= MAX_PROBLEMS_SHOWN

    def report(message: str, *keys: Any, as_key: bool = False) -> None:
        nonlocal more
        if problems_full():
            more += 1
            return
        pos = doc.position((*where, *keys), key=as_key)
        problems.append(Problem(message, doc.path, pos.line, pos.column))

    table = checks_of(questionnaire)
    if table.newer(given.version):
        report(f"answers are for version {given.version} but questionnaire {questionnaire.id} is version "
               f"{questionnaire.version}", "version")
    for section_id, target in given.targets.items():
        fault = table.target_fault(section_id, target)
        if fault == "section":
            report(f"target for unknown section '{section_id}' (sections: {', '.join(table.sections)})",
                   "targets", section_id, as_key=True)
        elif fault == "value":
            what = "stage" if questionnaire.kind == "staged" else "level"
            report(f"target {target} is not a {what} of {questionnaire.id} "
                   f"({', '.join(map(str, sorted(table.targets_allowed)))})", "targets", section_id)

    responses: dict[str, Response] = {}
    names: dict[str, list[str]] = {}  # for suggestions, made at the first unknown id
    questions = table.questions
    lens = source.answers.lens
    hidden = table.hidden(lens)
    older = table.older(given.version)
    for answer_id, answer in given.answers.items():
        full = table.ids.get(answer_id)
        if full is None and older and answer_id in table.retired:
            continue  # asked by the version this file answers, dropped since: left out, as documented
        if full is None:
            if problems_full():
                more += 1
                continue
            names = names or _question_names(questionnaire)
            hint = _closest_question(questionnaire, names, answer_id)
            suggestion = f" (did you mean '{hint}'?)" if hint else ""
            if answer_id in table.retired:
                suggestion = (f" (version {questionnaire.version} no longer asks it; only a file that says it "
                              "answers an earlier version may still give it)")
            report(f"no question '{answer_id}' in {questionnaire.id} v{questionnaire.version}{suggestion}",
                   "answers", answer_id, as_key=True)
            continue
        if full in responses:
            report(f"'{answer_id}' answers '{full}' a second time (it was renamed)", "answers", answer_id, as_key=True)
            continue
        if full in hidden:
            if older:
                continue  # an earlier version asked this lens; this one does not: left out, like a retired id
            if answer.value is not None:
                asked = ", ".join(questions[full][1].asked_lenses or ())
                report(f"{answer_id} is not asked in the {lens} lens (asked in: {asked}); remove the answer",
                       "answers", answer_id, as_key=True)
            continue
        try:
            responses[full] = _response(questionnaire, questions[full][1], answer)
        except BadValue as exc:
            report(f"{answer_id}: {exc}", "answers", answer_id, "value")
    if problems:
        raise InputError(problems[0].message, problems=problems, more=more)
    return {full: responses.get(full, UNANSWERED) for full in questions}


def _closest_question(questionnaire: Questionnaire, names: dict[str, list[str]], answer_id: str) -> str | None:
    """The question id a misspelt one most likely meant: within its section when the section exists.

    Ids share long section prefixes, so comparing whole ids would match any question of the section.
    """
    section, _, name = answer_id.partition(".")
    in_section = names.get(section)
    if in_section:
        hint = difflib.get_close_matches(name, in_section, n=1)
        return f"{section}.{hint[0]}" if hint else None
    hint = difflib.get_close_matches(answer_id, list(questionnaire.questions), n=1, cutoff=0.85)
    return hint[0] if hint else None


def _question_names(questionnaire: Questionnaire) -> dict[str, list[str]]:
    """Question ids (without the section) by section id."""
    return {section.id: [q.id for q in section.questions] for section in questionnaire.sections}


# ---------------------------------------------------------------------------------------------
# What `resolve` and the bulk path (`answers/plain.py`) share


class Checklist(NamedTuple):
    """A checklist question's options, for `checklist_value`."""

    ids: frozenset[str]
    weights: tuple[tuple[str, float], ...]  # (option id, weight or 1), in option order
    total: float
    profile: bool


def checklist_of(question: Question) -> Checklist:
    options = question.options or []
    weights = tuple((o.id, o.weight or 1) for o in options)
    return Checklist(frozenset(o.id for o in options), weights, sum(w for _, w in weights), question.profile)


def checklist_value(checklist: Checklist, value: Any) -> tuple[list[str], float | None]:
    """A checklist answer's chosen ids (one id alone stands for a list of it), each an option once, and its score:
    the chosen options' weights (1 when none is given) over all of them, summed in option order; None for a
    profile question. Raises BadValue with a user message."""
    ids = checklist.ids
    if isinstance(value, str) and value in ids:
        value = [value]
    if not isinstance(value, list):
        raise BadValue("a checklist answer is a list of option ids, for example [a, b], or [] for none")
    chosen: list[str] = []
    for item in value:
        if not isinstance(item, str) or item not in ids:
            allowed = ", ".join(option for option, _ in checklist.weights)
            raise BadValue(f"'{item}' is not an option of this question; use any of {allowed}")
        if item in chosen:
            raise BadValue(f"option '{item}' is listed twice")
        chosen.append(item)
    if checklist.profile:
        return chosen, None
    return chosen, sum(w for option, w in checklist.weights if option in chosen) / checklist.total


class Checks:
    """What `resolve` and `resolve_plain` check of a questionnaire's answers besides the values: the version, the
    targets, which ids answer which question (current or renamed), and which questions a lens is not asked."""

    __slots__ = ("_answerable", "_hidden", "ids", "questionnaire", "questions", "renamed", "retired", "sections",
                 "targets_allowed", "version")

    def __init__(self, questionnaire: Questionnaire) -> None:
        self.questionnaire = questionnaire
        self.questions = questionnaire.questions  # fetched once: it is a private attribute, slow to reach
        self.renamed = questionnaire.renamed
        self.version = questionnaire.version
        self.retired = frozenset(questionnaire.retired)
        self.sections = dict.fromkeys(s.id for s in questionnaire.sections)  # in questionnaire order
        self.targets_allowed = frozenset(
            {s.number for s in questionnaire.stages} if questionnaire.kind == "staged"
            else {lv.level for lv in questionnaire.levels})
        # each written id -> the question it answers: a current id itself, a former one (`renamed_from`) the current
        self.ids = {**self.renamed, **{full: full for full in self.questions}}
        self._hidden: dict[str, frozenset[str]] = {}
        self._answerable: dict[str, dict[str, str]] = {}

    def newer(self, version: int | None) -> bool:
        """Whether answers for `version` are for a later version than this questionnaire's."""
        return version is not None and version > self.version

    def older(self, version: int | None) -> bool:
        return version is not None and version < self.version

    def target_fault(self, section_id: str, target: int) -> Literal["section", "value"] | None:
        """What is wrong with a section's target: an unknown section, a value that is no level (stage) of it."""
        if section_id not in self.sections:
            return "section"
        return None if target in self.targets_allowed else "value"

    def answerable(self, lens: str) -> dict[str, str]:
        """`ids` without the questions not asked in this lens."""
        found = self._answerable.get(lens)
        if found is None:
            hidden = self.hidden(lens)
            found = self._answerable[lens] = {written: full for written, full in self.ids.items()
                                              if full not in hidden}
        return found

    def hidden(self, lens: str) -> frozenset[str]:
        """The questions (full ids) not asked in this lens."""
        found = self._hidden.get(lens)
        if found is None:
            found = self._hidden[lens] = frozenset(
                full for full, (_, question) in self.questions.items() if not question.asked_in(lens))
        return found


C = TypeVar("C", bound=Checks)
_KEPT = 32


def cached_for(cache: dict[int, C], make: Callable[[Questionnaire], C], questionnaire: Questionnaire) -> C:
    """The questionnaire's entry in the cache, made on first use (one per questionnaire object, kept with it)."""
    found = cache.get(id(questionnaire))
    if found is None or found.questionnaire is not questionnaire:
        if len(cache) >= _KEPT:  # a long-lived process (tests) meets many catalogs: keep a few
            cache.clear()
        found = cache[id(questionnaire)] = make(questionnaire)
    return found


_CHECKS: dict[int, Checks] = {}


def checks_of(questionnaire: Questionnaire) -> Checks:
    return cached_for(_CHECKS, Checks, questionnaire)


NOT_APPLICABLE = Response("n/a")


def with_fields(response: Response, note: str | None, evidence: str | None, reason: str | None,
                 measured: tuple[float, str] | None) -> Response:
    """A response with its answer's note, evidence and reason, and the measured value (kept on an answered one)."""
    return Response(response.status, response.value, response.score, note, evidence, reason, response.unknown,
                    measured if response.status == "answered" else None)


def _response(questionnaire: Questionnaire, question: Question, answer: Answer) -> Response:
    value = answer.value
    if value is None:
        response = UNANSWERED
    elif marks_not_applicable(question, value):
        response = NOT_APPLICABLE
    else:
        normal, score = score_value(question, questionnaire, value)
        response = Response("answered", normal, score, unknown=not_known(question, normal))
    measured = answer.measured
    return with_fields(response, answer.note, answer.evidence, answer.reason,
                        None if measured is None else (measured.value, measured.source))


def not_known(question: Question, value: Any) -> bool:
    """Whether a checked value is the `unknown` answer (only a number question's checked value is ever text)."""
    return question.type == "number" and value == UNKNOWN
