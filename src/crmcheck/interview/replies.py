"""Reading what a person types at a question into an answer value, and showing an answer back in words."""

from __future__ import annotations

import re
from typing import Any

from crmcheck.answers.model import Answer
from crmcheck.answers.reconcile import NO, YES
from crmcheck.errors import CrmcheckError
from crmcheck.inert import reply_text
from crmcheck.models.questionnaire import Question, Questionnaire
from crmcheck.resolve import UNKNOWN, is_unknown, marks_not_applicable, score_value
from crmcheck.yamlio import parse

_NUMBER = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\Z")
_SEPARATORS = re.compile(r"[\s,;]+")
_NONE = frozenset({"0", "none", "-"})
UNKNOWN_KEYS = frozenset({"u", UNKNOWN})  # typed at a number question with unknown_scores: nobody knows it


clean_text = reply_text  # typed text as one line to store: the reply rule of crmcheck.inert


def choices(question: Question, questionnaire: Questionnaire) -> list[tuple[str, str, Any]]:
    """The numbered choices shown for a question: (what to type, label, the value it stands for)."""
    if question.type == "scale":
        return [(str(lv.value), lv.label, lv.value) for lv in questionnaire.scales[question.scale or ""]]
    if question.type == "yes_no":
        return [("1", "Yes", True), ("2", "No", False)]
    if question.type in ("choice", "checklist"):
        return [(str(i), o.label, o.id) for i, o in enumerate(question.options or (), 1)]
    return []


def _pick(token: str, question: Question, questionnaire: Questionnaire) -> Any:
    lowered = token.lower()
    for key, label, value in choices(question, questionnaire):
        if token == key or lowered == label.lower() or (isinstance(value, str) and lowered == value.lower()):
            return value
    return None


def range_text(question: Question, questionnaire: Questionnaire) -> str:
    if question.type == "yes_no":
        return "1 for yes or 2 for no"
    keys = [k for k, _, _ in choices(question, questionnaire)]
    numbers = [int(k) for k in keys if re.fullmatch(r"-?[0-9]+", k)]
    if len(keys) > 2 and len(numbers) == len(keys) and numbers == list(range(numbers[0], numbers[0] + len(keys))):
        return f"a number from {keys[0]} to {keys[-1]}"
    return keys[0] if len(keys) == 1 else f"{', '.join(keys[:-1])} or {keys[-1]}"


def read_reply(question: Question, questionnaire: Questionnaire, typed: str) -> Any:
    """Turn what was typed for a question into an answer value; ValueError says what is wrong."""
    text = clean_text(typed)
    kind = question.type
    if kind == "text":
        return text
    if kind == "number" and text.lower() in UNKNOWN_KEYS:
        if question.unknown_scores is None:
            raise ValueError("'not known' is not an answer to this question; type a number, x if it does not "
                             "apply, or s to skip it for now")
        return UNKNOWN
    if kind == "number":
        if (question.unit or "").strip() == "%" and text.endswith("%"):
            text = text[:-1].rstrip()  # "50%" or "50 %" on a percent question: the number is 50
        if not _NUMBER.match(text):
            raise ValueError(f"'{text}' is not a number; type digits, like 12 or 2.5")
        try:
            value: Any = parse(text, "<answer>").data  # the same int or decimal the answers file will hold
        except CrmcheckError as exc:
            raise ValueError(f"'{text}' cannot be used: {exc.problems[0].message}") from None
    elif kind == "checklist":
        tokens = [t for t in _SEPARATORS.split(text) if t]
        if not tokens:
            raise ValueError("type the numbers of the choices that apply, like 1 3, or 0 for none")
        if len(tokens) == 1 and tokens[0].lower() in _NONE:
            return []
        value = []
        for token in tokens:
            picked = _pick(token, question, questionnaire)
            if picked is None:
                keys = [k for k, _, _ in choices(question, questionnaire)]
                raise ValueError(f"'{token}' is not one of the choices; type the numbers that apply "
                                 f"({keys[0]} to {keys[-1]}), like 1 3, or 0 for none")
            if picked not in value:
                value.append(picked)
    elif kind == "yes_no":
        lowered = text.lower()
        if lowered in YES or text == "1":
            value = True
        elif lowered in NO or lowered == "n" or text == "2":  # `n` is no here; the note key is `t`
            value = False
        else:
            raise ValueError(f"'{text}' is not an answer here; type {range_text(question, questionnaire)}")
    else:
        value = _pick(text, question, questionnaire)
        if value is None:
            raise ValueError(f"'{text}' is not one of the choices; type {range_text(question, questionnaire)}")
    score_value(question, questionnaire, value)  # e.g. a number below the lowest band
    return value


def describe(question: Question, questionnaire: Questionnaire, answer: Answer | None) -> str:
    """An answer as a person reads it: the choice labels, the unit, or 'not applicable'."""
    if answer is None or answer.value is None:
        return "not answered"
    if marks_not_applicable(question, answer.value):
        return "not applicable" + (f" ({answer.reason})" if answer.reason else "")
    if question.type == "number" and is_unknown(answer.value):
        return "not known"
    try:
        value, _ = score_value(question, questionnaire, answer.value)
    except ValueError:
        return str(answer.value)
    labels = {v: label for _, label, v in choices(question, questionnaire)}
    if question.type == "scale":
        return f"{value} {labels.get(value, '')}".strip()
    if question.type == "yes_no":
        return "yes" if value else "no"
    if question.type == "choice":
        return str(labels.get(value, value))
    if question.type == "checklist":
        return ", ".join(str(labels.get(v, v)) for v in value) or "none of these"
    if question.type == "number":
        unit = question.unit or ""
        return f"{value}{unit}" if unit == "%" else f"{value} {unit}".rstrip()
    return str(value)


def how_to_answer(question: Question, q: Questionnaire) -> str:
    kind = question.type
    if kind == "checklist":
        how = "Type the numbers of all that apply, like 1 3, or 0 for none."
    elif kind == "number":
        how = f"Type a number{' (' + question.unit + ')' if question.unit else ''}"
        how += ", or u if nobody knows it." if question.unknown_scores is not None else "."
    elif kind == "text":
        how = "Type your answer (free text, not scored)."
    elif kind == "yes_no":
        how = "Type y or 1 for yes, n or 2 for no."
    else:
        how = f"Type {range_text(question, q)}."
    return how
