"""The bulk path's resolving: what `resolve.resolve` gives for an answers file's answers, from plain data, with
each questionnaire's lookups built once; or None (then `resolve` is the way, and it reports).

The value rules are `resolve`'s: the lookup tables hold what `score_value` gives for every value and word they
list, checklists are scored by `checklist_value`, n/a is `marks_not_applicable`, and the version, target, id and
lens checks are `resolve.Checks`. An answer written as a mapping is checked by `rules.answer_check`, derived from
the answers model.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from crmcheck.answers.checks import REFUSED, answer_check
from crmcheck.models.questionnaire import Question, Questionnaire
from crmcheck.resolve import (
    NO_WORDS,
    NOT_APPLICABLE,
    NOT_APPLICABLE_WORDS,
    UNANSWERED,
    YES_WORDS,
    BadValue,
    Checklist,
    Checks,
    Response,
    cached_for,
    checklist_of,
    checklist_value,
    marks_not_applicable,
    not_known,
    score_value,
    with_fields,
)


class Lookup(NamedTuple):
    """How one question's written values map to responses without `score_value`: a value of exactly
    `value_type` is looked up as it is in `by_value`; a string in `by_word` (stripped and lowercased when
    `normalise`). Anything else goes to `score_value`, or back to `resolve` when that finds it wrong.
    The tables hold what `score_value` gives for each value and word (`_lookup`)."""

    value_type: type | None
    by_value: dict[Any, Response]
    by_word: dict[str, Response]
    normalise: bool


class Compiled(Checks):
    """A questionnaire's answer lookups worked out once, for resolving many answers files: each question's
    written value -> its checked response (scale values and labels, yes/no words, option ids), and the
    checks `resolve` makes on versions and targets. Built by `compiled`."""

    __slots__ = ("entries", "lens_only", "plan")

    def __init__(self, questionnaire: Questionnaire) -> None:
        super().__init__(questionnaire)
        self.entries: dict[str, tuple[Question, Lookup | Checklist | None]] = {
            full: (question, _lookup(questionnaire, question)) for full, (_, question) in self.questions.items()}
        # each section with its scored questions' (full id, weight, critical), for `scoring`'s section tally
        self.plan = [(section, tuple((full, q.weight, q.critical) for full, q in section.scored_questions))
                     for section in questionnaire.sections]
        # questions asked in some lenses only, with those lenses: a file of another lens answering one is left to
        # `resolve`, which says what is wrong (or, for an earlier version, leaves the answer out)
        self.lens_only = {full: frozenset(q.asked_lenses) for full, (_, q) in self.questions.items()
                          if q.asked_lenses is not None}


def _lookup(questionnaire: Questionnaire, question: Question) -> Lookup | Checklist | None:
    """For the question types answered with one word or number, the response `resolve` gives for each value and
    word they take (scale values and labels, yes/no words and booleans, option ids; the n/a words where words are
    looked up stripped and lowercased): n/a where `marks_not_applicable` says so, else what `score_value` gives.
    None for the other types."""

    def table(values: Iterable[Any]) -> dict[Any, Response]:
        out: dict[Any, Response] = {}
        for value in values:
            if marks_not_applicable(question, value):
                out[value] = NOT_APPLICABLE
                continue
            try:
                normal, score = score_value(question, questionnaire, value)
            except BadValue:
                continue
            out[value] = Response("answered", normal, score, unknown=not_known(question, normal))
        return out

    def words(written: Iterable[str]) -> dict[Any, Response]:
        return table([*written, *NOT_APPLICABLE_WORDS])

    kind = question.type
    if kind == "scale":
        levels = questionnaire.scales[question.scale or ""]
        return Lookup(int, table(lv.value for lv in levels), words(lv.label.lower() for lv in levels), True)
    if kind == "yes_no":
        return Lookup(bool, table((True, False)), words(sorted(YES_WORDS | NO_WORDS)), True)
    if kind == "choice":
        return Lookup(None, {}, table(o.id for o in question.options or ()), False)
    if kind == "checklist":
        return checklist_of(question)
    return None


_COMPILED: dict[int, Compiled] = {}


def compiled(questionnaire: Questionnaire) -> Compiled:
    """The questionnaire's lookups, built on first use (one per questionnaire object, kept with it)."""
    return cached_for(_COMPILED, Compiled, questionnaire)


def resolve_plain(
    table: Compiled, version: int | None, targets: dict[str, int], answers: dict[str, Any], lens: str = "company"
) -> dict[str, Response] | None:
    """What `resolve` returns, for one questionnaire of an answers file whose other fields passed the checks
    of `answers.rules`, its answers as written (answer id -> a value, or a mapping of an answer's fields,
    checked here by `rules.answer_check`). None when anything is not plainly right (an error, a renamed id
    answered twice, a field or value written in an unusual way): `parse_answers` and `resolve` then say what."""
    if table.newer(version):
        return None
    for section_id, target in targets.items():
        if table.target_fault(section_id, target) is not None:
            return None
    ids = table.answerable(lens)
    entries = table.entries
    responses: dict[str, Response] = {}
    for answer_id, written in answers.items():
        fields = None
        value = written
        if written.__class__ is dict:
            fields = answer_check(written)
            if fields is REFUSED:
                return None
            value = fields["value"]
        full = ids.get(answer_id)
        if full is None or full in responses:
            return None  # unknown, retired, not asked in this lens, answered twice (renamed): `resolve` decides
        question, lookup = entries[full]
        response: Response | None
        if value is None:
            response = UNANSWERED
        elif value.__class__ is str and lookup.__class__ is Lookup:
            if lookup.normalise:
                response = lookup.by_word.get(value.strip().lower())  # n/a words included
            else:  # option ids as they are, and n/a in any spelling
                response = lookup.by_word.get(value)
                if response is None and marks_not_applicable(question, value):
                    response = NOT_APPLICABLE
        elif value.__class__ is str and marks_not_applicable(question, value):
            response = NOT_APPLICABLE
        elif lookup is None:
            try:
                normal, score = score_value(question, table.questionnaire, value)
            except BadValue:
                return None
            response = Response("answered", normal, score, unknown=not_known(question, normal))
        elif isinstance(lookup, Checklist):
            try:
                chosen, score = checklist_value(lookup, value)
            except BadValue:
                return None
            response = Response("answered", chosen, score)
        elif value.__class__ is lookup.value_type:
            response = lookup.by_value.get(value)
        else:
            return None
        if response is None:
            return None
        if fields is not None:
            measured = fields["measured"]
            response = with_fields(response, fields["note"], fields["evidence"], fields["reason"],
                                    None if measured is None else (measured["value"], measured["source"]))
        responses[full] = response
    return {full: responses.get(full, UNANSWERED) for full in table.questions}
