"""Check an answers file against its questionnaire and turn each answer into a value and a score."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple, TypeVar

from crmcheck.answers.model import Answer, AnswersDocument, QuestionnaireAnswers
from crmcheck.errors import MAX_PROBLEMS_SHOWN, InputError, Problem
from crmcheck.models.questionnaire import Question, Questionnaire, range_text
from crmcheck.yamlio import DecimalText

T = TypeVar("T")
_YES = frozenset({"yes", "y", "true"})
_NO = frozenset({"no", "n", "false"})


def is_not_applicable(value: Any) -> bool:
    return isinstance(value, str) and value.strip().lower() in ("n/a", "na")


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


class _BadValue(ValueError):
    pass


def _number(value: Any) -> float:
    if isinstance(value, str) and _as_number(value) is not None:
        raise _BadValue(f"'{value}' is quoted text, not a number; write {value.strip()} without quotes")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _BadValue(f"expected a number, got '{value}'")
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
    """Normalise a written value for a question and score it; raises _BadValue with a user message."""
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
            raise _BadValue(f"a scale answer is one value, not a {'list' if isinstance(value, list) else 'mapping'}; "
                            f"use one of {allowed}, or n/a")
        if isinstance(value, str) and _as_whole_number(value) in {lv.value for lv in levels}:
            raise _BadValue(f"'{value}' is quoted text, not the number {value.strip()}; write {value.strip()} "
                            "without quotes")
        raise _BadValue(f"'{value}' is not on the {question.scale} scale; use one of {allowed}, or n/a")
    if kind == "yes_no":
        if isinstance(value, bool):
            return value, 1.0 if value else 0.0
        if isinstance(value, str) and value.strip().lower() in _YES | _NO:
            yes = value.strip().lower() in _YES
            return yes, 1.0 if yes else 0.0
        raise _BadValue(f"'{value}' is not yes or no")
    if kind == "choice":
        option = question.option(value) if isinstance(value, str) else None
        if option is None:
            allowed = ", ".join(o.id for o in question.options or ())
            raise _BadValue(f"'{value}' is not an option of this question; use one of {allowed}")
        return option.id, None if question.profile else option.score
    if kind == "checklist":
        if isinstance(value, str) and question.option(value) is not None:
            value = [value]
        if not isinstance(value, list):
            raise _BadValue("a checklist answer is a list of option ids, for example [a, b], or [] for none")
        chosen: list[str] = []
        for item in value:
            if not isinstance(item, str) or question.option(item) is None:
                allowed = ", ".join(o.id for o in question.options or ())
                raise _BadValue(f"'{item}' is not an option of this question; use any of {allowed}")
            if item in chosen:
                raise _BadValue(f"option '{item}' is listed twice")
            chosen.append(item)
        if question.profile:
            return chosen, None
        options = question.options or []
        total = sum(o.weight or 1 for o in options)
        got = sum(o.weight or 1 for o in options if o.id in chosen)
        return chosen, got / total
    if kind == "number":
        if is_unknown(value):
            if question.unknown_scores is None:
                raise _BadValue("'unknown' is an answer only to questions that declare unknown_scores; give a "
                                "number, n/a (does not apply), or leave it blank (not asked yet)")
            return UNKNOWN, question.unknown_scores
        number = _number(value)
        low, high = question.value_range
        if (low is not None and round(number, 9) < round(low, 9)) or (
                high is not None and round(number, 9) > round(high, 9)):
            raise _BadValue(f"{number:g}{_unit(question)} is outside the valid range {range_text(low, high)}"
                            f"{_unit(question)}")
        bands = [(b.min, b.score) for b in question.bands or ()]
        score = band_of(number, bands)
        if score is None:
            raise _BadValue(f"{number:g} is below the lowest band ({bands[0][0]:g})")
        return (value.text if isinstance(value, DecimalText) else value), score
    if isinstance(value, list | dict):
        raise _BadValue("a text answer is a single piece of text")
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

    if given.version is not None and given.version > questionnaire.version:
        report(f"answers are for version {given.version} but questionnaire {questionnaire.id} is version "
               f"{questionnaire.version}", "version")
    sections = {s.id: s for s in questionnaire.sections}
    targets_allowed = (
        {s.number for s in questionnaire.stages} if questionnaire.kind == "staged"
        else {lv.level for lv in questionnaire.levels}
    )
    for section_id, target in given.targets.items():
        if section_id not in sections:
            report(f"target for unknown section '{section_id}' (sections: {', '.join(sections)})",
                   "targets", section_id, as_key=True)
        elif target not in targets_allowed:
            what = "stage" if questionnaire.kind == "staged" else "level"
            report(f"target {target} is not a {what} of {questionnaire.id} "
                   f"({', '.join(map(str, sorted(targets_allowed)))})", "targets", section_id)

    responses: dict[str, Response] = {}
    lens = source.answers.lens
    names: dict[str, list[str]] = {}  # for suggestions, made at the first unknown id
    questions = questionnaire.questions  # fetched once: it is a private attribute, slow to reach per answer
    renamed = questionnaire.renamed
    older = given.version is not None and given.version < questionnaire.version
    for answer_id, answer in given.answers.items():
        full = answer_id if answer_id in questions else renamed.get(answer_id)
        if full is None and older and answer_id in questionnaire.retired:
            continue  # asked by the version this file answers, dropped since: left out, as documented
        if full is None:
            if problems_full():
                more += 1
                continue
            names = names or _question_names(questionnaire)
            hint = _closest_question(questionnaire, names, answer_id)
            suggestion = f" (did you mean '{hint}'?)" if hint else ""
            if answer_id in questionnaire.retired:
                suggestion = (f" (version {questionnaire.version} no longer asks it; only a file that says it "
                              "answers an earlier version may still give it)")
            report(f"no question '{answer_id}' in {questionnaire.id} v{questionnaire.version}{suggestion}",
                   "answers", answer_id, as_key=True)
            continue
        if full in responses:
            report(f"'{answer_id}' answers '{full}' a second time (it was renamed)", "answers", answer_id, as_key=True)
            continue
        if not questions[full][1].asked_in(lens):
            if older:
                continue  # an earlier version asked this lens; this one does not: left out, like a retired id
            if answer.value is not None:
                asked = ", ".join(questions[full][1].asked_lenses or ())
                report(f"{answer_id} is not asked in the {lens} lens (asked in: {asked}); remove the answer",
                       "answers", answer_id, as_key=True)
            continue
        try:
            responses[full] = _response(questionnaire, questions[full][1], answer)
        except _BadValue as exc:
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
# The bulk fast path: the same responses from plain data, or None (then `resolve` is the way, and it reports)


class Lookup(NamedTuple):
    """How one question's written values map to responses without `score_value`: a value of exactly
    `value_type` is looked up as it is in `by_value`; a string in `by_word` (stripped and lowercased when
    `normalise`). Anything else goes to `score_value`, or back to `resolve` when that finds it wrong."""

    value_type: type | None
    by_value: dict[Any, Response]
    by_word: dict[str, Response]
    normalise: bool


class Checklist(NamedTuple):
    """A checklist question's options for `score_value`'s rule: the chosen ids, each an option once; the score
    is the chosen options' weights (1 when none is given) over all of them, summed in option order."""

    ids: frozenset[str]
    weights: tuple[tuple[str, float], ...]  # (option id, weight or 1), in option order
    total: float
    profile: bool


class Compiled:
    """A questionnaire's answer lookups worked out once, for resolving many answers files: each question's
    written value -> its checked response (scale values and labels, yes/no words, option ids), and the
    checks `resolve` makes on versions and targets. Built by `compiled`."""

    __slots__ = ("lens_only", "lookups", "plan", "questionnaire", "questions", "renamed", "sections",
                 "targets_allowed", "version")

    def __init__(self, questionnaire: Questionnaire) -> None:
        self.questionnaire = questionnaire
        self.questions = questionnaire.questions
        self.renamed = questionnaire.renamed
        self.version = questionnaire.version
        self.sections = frozenset(s.id for s in questionnaire.sections)
        self.targets_allowed = frozenset(
            {s.number for s in questionnaire.stages} if questionnaire.kind == "staged"
            else {lv.level for lv in questionnaire.levels})
        self.lookups: dict[str, Lookup | Checklist | None] = {
            full: _lookup(questionnaire, question) for full, (_, question) in self.questions.items()}
        # each section with its scored questions' (full id, weight, critical), for `scoring`'s section tally
        self.plan = [(section, tuple((full, q.weight, q.critical) for full, q in section.scored_questions))
                     for section in questionnaire.sections]
        # questions asked in some lenses only, with those lenses: a file of another lens answering one is left to
        # `resolve`, which says what is wrong (or, for an earlier version, leaves the answer out)
        self.lens_only = {full: frozenset(q.asked_lenses) for full, (_, q) in self.questions.items()
                          if q.asked_lenses is not None}


def _lookup(questionnaire: Questionnaire, question: Question) -> Lookup | Checklist | None:
    """The responses `score_value` gives for the question types answered with one word or number (the first
    match wins, as there); None for the others."""
    kind = question.type
    if kind == "scale":
        ints: dict[Any, Response] = {}
        labels: dict[str, Response] = {}
        for lv in questionnaire.scales[question.scale or ""]:
            response = Response("answered", lv.value, scale_score(question, lv.score))
            ints.setdefault(lv.value, response)
            labels.setdefault(lv.label.lower(), response)
        return Lookup(int, ints, labels, True)
    if kind == "yes_no":
        yes, no = Response("answered", True, 1.0), Response("answered", False, 0.0)
        return Lookup(bool, {True: yes, False: no}, {**dict.fromkeys(_NO, no), **dict.fromkeys(_YES, yes)}, True)
    if kind == "choice":
        ids: dict[str, Response] = {}
        for option in question.options or ():
            ids.setdefault(option.id, Response("answered", option.id, None if question.profile else option.score))
        return Lookup(None, {}, ids, False)
    if kind == "checklist":
        options = question.options or []
        return Checklist(frozenset(o.id for o in options), tuple((o.id, o.weight or 1) for o in options),
                         sum(o.weight or 1 for o in options), question.profile)
    return None


_COMPILED: dict[int, Compiled] = {}
_COMPILED_KEPT = 32


def compiled(questionnaire: Questionnaire) -> Compiled:
    """The questionnaire's lookups, built on first use (one per questionnaire object, kept with it)."""
    found = _COMPILED.get(id(questionnaire))
    if found is None or found.questionnaire is not questionnaire:
        if len(_COMPILED) >= _COMPILED_KEPT:  # a long-lived process (tests) meets many catalogs: keep a few
            _COMPILED.clear()
        found = _COMPILED[id(questionnaire)] = Compiled(questionnaire)
    return found


_NOT_APPLICABLE = Response("n/a")

_ANSWER_FIELDS = frozenset({"value", "note", "evidence", "reason"})


def resolve_plain(
    table: Compiled, version: int | None, targets: dict[str, int], answers: dict[str, Any], lens: str = "company"
) -> dict[str, Response] | None:
    """What `resolve` returns, for one questionnaire of an answers file whose other fields passed the checks
    of `models.answers`, its answers as written (answer id -> a value, or a mapping of value, note, evidence
    and reason). None when anything is not plainly right (an error, a renamed id answered twice, a field or
    value written in an unusual way): `parse_answers` and `resolve` then say what."""
    if version is not None and version > table.version:
        return None
    for section_id, target in targets.items():
        if section_id not in table.sections or target not in table.targets_allowed:
            return None
    questions = table.questions
    lookups = table.lookups
    responses: dict[str, Response] = {}
    for answer_id, value in answers.items():
        note = evidence = reason = None
        if value.__class__ is dict:
            if not value.keys() <= _ANSWER_FIELDS:
                return None
            note, evidence, reason = value.get("note"), value.get("evidence"), value.get("reason")
            if not ((note is None or note.__class__ is str) and (evidence is None or evidence.__class__ is str)
                    and (reason is None or reason.__class__ is str)):
                return None
            value = value.get("value")
        full = answer_id if answer_id in questions else table.renamed.get(answer_id)
        if full is None or full in responses:
            return None
        if table.lens_only and full in table.lens_only and lens not in table.lens_only[full]:
            return None
        response: Response | None
        if value is None:
            response = UNANSWERED
        elif (isinstance(value, str) and value.strip().lower() in ("n/a", "na")
              and (questions[full][1].type != "text" or value.strip() == "n/a")):
            response = _NOT_APPLICABLE
        else:
            lookup = lookups[full]
            if lookup is None:
                question = questions[full][1]
                try:
                    normal, score = score_value(question, table.questionnaire, value)
                except _BadValue:
                    return None
                response = Response("answered", normal, score, unknown=_not_known(question, normal))
            elif isinstance(lookup, Checklist):
                response = _checklist(lookup, value)
            elif value.__class__ is str:
                response = lookup.by_word.get(value.strip().lower() if lookup.normalise else value)
            elif value.__class__ is lookup.value_type:
                response = lookup.by_value.get(value)
            else:
                return None
            if response is None:
                return None
        if note is not None or evidence is not None or reason is not None:
            response = Response(response.status, response.value, response.score, note, evidence, reason,
                                response.unknown)
        responses[full] = response
    return {full: responses.get(full, UNANSWERED) for full in questions}


def _checklist(lookup: Checklist, value: Any) -> Response | None:
    """`score_value` for a checklist, or None where it would find the value wrong."""
    ids = lookup.ids
    if value.__class__ is str and value in ids:
        value = [value]
    if value.__class__ is not list:
        return None
    chosen: list[str] = []
    for item in value:
        if item.__class__ is not str or item not in ids or item in chosen:
            return None
        chosen.append(item)
    if lookup.profile:
        return Response("answered", chosen, None)
    return Response("answered", chosen, sum(w for option, w in lookup.weights if option in chosen) / lookup.total)


def _response(questionnaire: Questionnaire, question: Question, answer: Answer) -> Response:
    # positional arguments: this runs for every answer of every file
    if answer.value is None:
        return Response("unanswered", None, None, answer.note, answer.evidence, answer.reason)
    if marks_not_applicable(question, answer.value):
        return Response("n/a", None, None, answer.note, answer.evidence, answer.reason)
    value, score = score_value(question, questionnaire, answer.value)
    measured = (answer.measured.value, answer.measured.source) if answer.measured is not None else None
    return Response("answered", value, score, answer.note, answer.evidence, answer.reason,
                    _not_known(question, value), measured)


def _not_known(question: Question, value: Any) -> bool:
    """Whether a checked value is the `unknown` answer (only a number question's checked value is ever text)."""
    return question.type == "number" and value == UNKNOWN
