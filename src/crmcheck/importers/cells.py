"""Reading one survey cell as an answer: scale values or labels, options by id or label, checklists, numbers."""

from __future__ import annotations

import functools
import html
import math
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from crmcheck.models.questionnaire import Option, Question, Questionnaire
from crmcheck.resolve import UNKNOWN, score_value
from crmcheck.yamlio import MAX_NUMBER_CHARS

_TAG = re.compile(r"<[^>]+>")
_NOT_WORD = re.compile(r"[^\w]+")
_LEADING_NUMBER = re.compile(r"^(?:q\s*)?\d+\s+(?=\S)")
_CHOICE_SEPARATOR = re.compile(r"(\s*[;,|\n]\s*)")
_SCALE_WITH_NUMBER = re.compile(r"^\s*(-?\d+)\s*(?:[-–—:.)]\s*|\s)(.+)$")
_LABEL_WITH_NUMBER = re.compile(r"^(.+?)\s*\(\s*(-?\d+)\s*\)\s*$")
_NUMBER = re.compile(r"^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$")
_WHOLE = re.compile(r"^[-+]?\d+$")
_DECIMAL_COMMA = re.compile(r"^[-+]?\d+,\d+$")
_NOT_APPLICABLE = frozenset({"n a", "na", "not applicable", "does not apply"})
# a number question with unknown_scores: the respondent does not know the figure (normalised as `normalize` does)
_NOT_KNOWN = frozenset({"unknown", "not known", "don t know", "dont know", "do not know"})
_YES = frozenset({"yes", "y", "true", "1"})
_NO = frozenset({"no", "n", "false", "0"})
_TICKED = frozenset({"1", "x", "yes", "true", "checked", "selected"})
_UNTICKED = frozenset({"", "0", "no", "false", "unchecked", "not selected"})


class CellError(ValueError):
    """A cell that cannot be read as an answer to its question; the message says why."""


@functools.lru_cache(maxsize=16384)  # an import normalizes the same labels and cell texts once per row
def normalize(text: str) -> str:
    """Text reduced for matching: no HTML tags, case, accents of width, punctuation or extra spaces."""
    value = html.unescape(_TAG.sub(" ", text))
    value = unicodedata.normalize("NFKC", value).casefold().replace("_", " ")
    return " ".join(_NOT_WORD.sub(" ", value).split())


def without_number(normalized: str) -> str:
    """'q7 how likely ...' or '7 how likely ...' -> 'how likely ...' (survey tools often number questions)."""
    return _LEADING_NUMBER.sub("", normalized, count=1)


def _option_by_text(question: Question, text: str) -> Option | None:
    wanted = normalize(text)
    for option in question.options or ():
        if option.id == text.strip() or normalize(option.id) == wanted or normalize(option.label) == wanted:
            return option
    return None


def _allowed_options(question: Question) -> str:
    return "; ".join(f"{o.label} ({o.id})" for o in question.options or ())


def _scale_value(question: Question, questionnaire: Questionnaire, text: str) -> int:
    levels = questionnaire.scales[question.scale or ""]
    by_value = {lv.value: lv for lv in levels}
    stripped = text.strip()
    if _NUMBER.match(stripped) and float(stripped).is_integer() and int(float(stripped)) in by_value:
        return int(float(stripped))
    wanted = normalize(stripped)
    for level in levels:
        if normalize(level.label) == wanted:
            return level.value
    # "3 - Practised", "3. Practised", "Practised (3)": the number and the label must agree
    for pattern, number_group, label_group in ((_SCALE_WITH_NUMBER, 1, 2), (_LABEL_WITH_NUMBER, 2, 1)):
        match = pattern.match(stripped)
        if match:
            found = by_value.get(int(match.group(number_group)))
            if found is not None and normalize(found.label) == normalize(match.group(label_group)):
                return found.value
    allowed = ", ".join(f"{lv.value} ({lv.label})" for lv in levels)
    raise CellError(f"'{_short(text)}' is not on the {question.scale} scale; expected one of {allowed}, or n/a")


def _number(question: Question, text: str, decimal_comma: bool) -> int | float:
    value = text.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    for unit in (question.unit or "", "%"):
        if unit and value.lower().endswith(unit.lower()):
            value = value[: -len(unit)].strip()
    if decimal_comma and _DECIMAL_COMMA.match(value):
        value = value.replace(",", ".")
    if not _NUMBER.match(value):
        raise CellError(f"'{_short(text)}' is not a number")
    if len(value) > MAX_NUMBER_CHARS:  # an answers file could not hold it: the loader refuses longer numbers
        raise CellError(f"a number written with {len(value)} characters is too long (at most {MAX_NUMBER_CHARS})")
    if _WHOLE.match(value):
        return int(value)  # exactly, however many digits: through float, 20 digits would lose the last few
    number = float(value)
    if not math.isfinite(number):
        raise CellError(f"'{_short(text)}' is too large to be a number")
    return int(number) if number.is_integer() and "e" not in value.lower() else number


def split_choices(question: Question, text: str) -> list[str]:
    """The option ids in a checklist cell, however the tool joined them (', ' ';' '|' or new lines).

    Labels that themselves contain a separator ("Discounts, perks or incentives") are found by
    trying the longest run of pieces that makes up a whole label first.
    """
    parts = _CHOICE_SEPARATOR.split(text.strip())
    pieces = parts[0::2]
    separators = parts[1::2]
    chosen: list[str] = []
    i = 0
    while i < len(pieces):
        if not pieces[i].strip():
            i += 1
            continue
        for j in range(len(pieces), i, -1):
            candidate = pieces[i] + "".join(s + p for s, p in zip(separators[i:j - 1], pieces[i + 1:j], strict=True))
            option = _option_by_text(question, candidate)
            if option is not None:
                if option.id not in chosen:
                    chosen.append(option.id)
                i = j
                break
        else:
            raise CellError(f"'{_short(pieces[i])}' is not an option of this question; options: "
                            f"{_allowed_options(question)}")
    return chosen


def option_ticked(question: Question, option: Option, text: str) -> bool:
    """A checklist column with one option (SurveyMonkey): the cell holds the option's label when ticked."""
    wanted = normalize(text)
    if wanted in _UNTICKED:
        return False
    if wanted in _TICKED or wanted in (normalize(option.label), normalize(option.id)):
        return True
    raise CellError(f"'{_short(text)}' in the column of option '{option.label}': expected that label "
                    "(ticked) or an empty cell")


def read_cell(question: Question, questionnaire: Questionnaire, text: str,
              value_map: Mapping[str, Any] | None = None, *, decimal_comma: bool = False) -> Any:
    """The answers-file value for a cell (None when blank); raises CellError with a plain message."""
    if not text.strip():
        return None
    wanted = normalize(text)
    if value_map:
        for key, mapped in value_map.items():
            if normalize(key) == wanted:
                return mapped
    if wanted in _NOT_APPLICABLE:
        return "n/a"
    kind = question.type
    value: Any
    if kind == "scale":
        value = _scale_value(question, questionnaire, text)
    elif kind == "yes_no":
        if wanted in _YES:
            value = True
        elif wanted in _NO:
            value = False
        else:
            raise CellError(f"'{_short(text)}' is not yes or no")
    elif kind == "choice":
        option = _option_by_text(question, text)
        if option is None:
            raise CellError(f"'{_short(text)}' is not an option of this question; options: "
                            f"{_allowed_options(question)}")
        value = option.id
    elif kind == "checklist":
        value = split_choices(question, text)
    elif kind == "number" and wanted in _NOT_KNOWN:
        value = UNKNOWN  # checked below: only a question with unknown_scores takes it
    elif kind == "number":
        value = _number(question, text, decimal_comma)
    else:
        return text.strip().replace("\r\n", "\n").replace("\r", "\n")
    check_value(question, questionnaire, value)
    return value


def check_value(question: Question, questionnaire: Questionnaire, value: Any) -> None:
    """Raise CellError unless the value is a valid answer (the same check as for an answers file)."""
    if isinstance(value, str) and normalize(value) in _NOT_APPLICABLE:
        return
    try:
        score_value(question, questionnaire, value)
    except ValueError as exc:
        raise CellError(str(exc)) from None


def _short(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
