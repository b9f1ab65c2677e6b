"""The fast path's plain checks, built once from the rules that `answers/rules.py` derives from the answers models.

A check takes a value as written (plain YAML data) and gives its plain value (a date for a date, defaults filled
in for a model's missing fields) or REFUSED: then the full path reads the file and says what is wrong, or
converts what is unusual. A model's check is written out as Python once, field by field.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Any, Final

from pydantic import BaseModel

from crmcheck.answers import model
from crmcheck.answers.rules import ANSWER, ANSWERS_FILE, FieldRule, ModelRules, Shape


class _Refused:
    __slots__ = ()

    def __repr__(self) -> str:
        return "REFUSED"


REFUSED: Final[Any] = _Refused()  # what a plain check returns for a value it does not plainly accept

Check = Callable[[Any], Any]  # a value as written -> its plain value, or REFUSED


Later = frozenset[tuple[type[BaseModel], str]]
_NONE = type(None)


def check_of(shape: Shape, later: Later = frozenset()) -> Check:
    """The plain check of a shape. `later` names dict fields whose items the reader checks itself, one by one
    with `item_check` (the answers, checked as they are resolved): only the mapping around them is checked."""
    kinds = _plain_classes(shape)
    if kinds is not None:
        return _classes_check(kinds)
    check = _bare_check(shape, later)
    if not shape.nullable or shape.kind in ("dict", "int", "float"):  # these checks know None themselves
        return check
    return lambda value: None if value is None else check(value)


def _classes_check(kinds: frozenset[type]) -> Check:
    return lambda value: value if value.__class__ in kinds else REFUSED


def _plain_classes(shape: Shape) -> frozenset[type] | None:
    """The classes a value of the shape may have when that is all there is to check, else None."""
    if shape.kind == "text" and not shape.min_length and shape.max_length is None:
        kinds: set[type] = {str}
    elif shape.kind == "int" and not shape.bounds:
        kinds = {int}
    else:
        return None
    return frozenset(kinds | {_NONE}) if shape.nullable else frozenset(kinds)


def _bare_check(shape: Shape, later: Later) -> Check:
    if shape.kind == "text":
        return _text_check(shape)
    if shape.kind in ("int", "float"):
        return _number_check(shape)
    if shape.kind == "literal":
        return _literal_check(shape.choices)
    if shape.kind == "date":
        return _date_check(shape.convert)
    if shape.kind == "any":
        return _as_is
    if shape.kind == "model":
        assert shape.model is not None
        return model_check(shape.model, later)
    return _dict_check(shape, later, False)


def _as_is(value: Any) -> Any:
    return value


def _text_check(shape: Shape) -> Check:
    low, high = shape.min_length or 0, shape.max_length

    def text(value: Any) -> Any:
        if value.__class__ is not str or len(value) < low or (high is not None and len(value) > high):
            return REFUSED
        return value

    return text


_COMPARE = {"ge": operator.ge, "gt": operator.gt, "le": operator.le, "lt": operator.lt}


def _number_check(shape: Shape) -> Check:
    bounds = tuple((_COMPARE[name], limit) for name, limit in shape.bounds)
    nullable = shape.nullable

    def whole(value: Any) -> Any:
        if value.__class__ is not int:
            return None if value is None and nullable else REFUSED
        for compare, limit in bounds:
            if not compare(value, limit):
                return REFUSED
        return value

    takes_int = not shape.strict

    def number(value: Any) -> Any:
        if not ((takes_int and value.__class__ is int) or isinstance(value, float)):
            return None if value is None and nullable else REFUSED
        try:
            plain = float(value)
        except OverflowError:
            return REFUSED
        if not math.isfinite(plain):
            return REFUSED
        for compare, limit in bounds:
            if not compare(plain, limit):
                return REFUSED
        return plain

    return whole if shape.kind == "int" else number


def _literal_check(choices: tuple[Any, ...]) -> Check:
    kinds = frozenset(choice.__class__ for choice in choices)
    allowed = frozenset(choices)
    return lambda value: value if value.__class__ in kinds and value in allowed else REFUSED


def _date_check(convert: Callable[[Any], Any] | None) -> Check:
    assert convert is not None

    def date(value: Any) -> Any:
        if value.__class__ is not str:
            return REFUSED
        try:
            return convert(value)
        except ValueError:
            return REFUSED

    return date


def _dict_check(shape: Shape, later: Later, shallow: bool) -> Check:
    assert shape.items is not None
    low, high, nullable, empty = shape.min_length or 0, shape.max_length, shape.nullable, shape.none_is_empty
    item = None if shallow else item_check(shape, later)

    def mapping(value: Any) -> Any:
        if value is None:
            return {} if empty else None if nullable else REFUSED
        if value.__class__ is not dict or len(value) < low or (high is not None and len(value) > high):
            return REFUSED
        if item is None:
            return value
        out = {}
        for key, written in value.items():
            plain = item(written) if key.__class__ is str else REFUSED
            if plain is REFUSED:
                return REFUSED
            out[key] = plain
        return out

    return mapping


def item_check(shape: Shape, later: Later = frozenset()) -> Check:
    """The check of one item of a dict shape, short forms included."""
    assert shape.items is not None
    check = check_of(shape.items, later)
    short = shape.short_form
    if short is None:
        return check
    return lambda item: check(item) if item.__class__ is dict else check({short: item})


_MISSING: Any = object()


def model_check(rules: ModelRules, later: Later = frozenset()) -> Check:
    """A model's plain check: a mapping of its fields -> a dict of every field's plain value (defaults filled
    in), or REFUSED. Written out as Python once, field by field (as `dataclasses` writes `__init__`): this runs
    for every file of a portfolio and every answer written as a mapping, and a loop over the fields costs as much
    again as the checks."""
    env: dict[str, Any] = {"REFUSED": REFUSED, "MISSING": _MISSING, "names": rules.names,
                           "required": rules.required}
    tests = (["not keys <= names"] if rules.forbid_extra else []) + (["not required <= keys"] if rules.required else [])
    lines = ["def check(value):", "    if value.__class__ is not dict:", "        return REFUSED"]
    if tests:
        lines += ["    keys = value.keys()", f"    if {' or '.join(tests)}:", "        return REFUSED"]
    for number, rule in enumerate(rules.fields):
        lines += _field_lines(rules, rule, f"v{number}", str(number), env, later)
    lines.append("    return {" + ", ".join(f"{rule.name!r}: v{number}" for number, rule in enumerate(rules.fields))
                 + "}")
    exec("\n".join(lines), env)  # the source is ours: field names (identifiers) and numbers
    check: Check = env["check"]
    return check


def _field_lines(rules: ModelRules, rule: FieldRule, plain: str, number: str, env: dict[str, Any],
                 later: Later) -> list[str]:
    """The lines that check one field into the variable `plain`."""
    shape, kinds = rule.shape, _plain_classes(rule.shape)
    step = (None if kinds is not None or shape.kind == "any"
            else _dict_check(shape, later, True) if (rules.model, rule.name) in later else check_of(shape, later))
    env[f"default{number}"], env[f"factory{number}"], env[f"kinds{number}"] = rule.default, rule.factory, kinds
    check = step if step is not None else _classes_check(kinds) if kinds is not None else _as_is
    if rule.required:
        lines = [f"    {plain} = value[{rule.name!r}]"]
    elif rule.factory is None and check(rule.default) is rule.default:  # the default passes the check as itself
        lines = [f"    {plain} = value.get({rule.name!r}, default{number})"]
    else:
        lines = [f"    {plain} = value.get({rule.name!r}, MISSING)", f"    if {plain} is MISSING:",
                 f"        {plain} = " + (f"default{number}" if rule.factory is None else f"factory{number}()")]
        if kinds is not None:
            return [*lines, f"    elif {plain}.__class__ not in kinds{number}:", "        return REFUSED"]
        if step is None:
            return lines
        env[f"step{number}"] = step
        return [*lines, "    else:", f"        {plain} = step{number}({plain})", f"        if {plain} is REFUSED:",
                "            return REFUSED"]
    if kinds is not None:
        return [*lines, f"    if {plain}.__class__ not in kinds{number}:", "        return REFUSED"]
    if step is None:
        return lines
    guard = ""
    if shape.nullable and shape.kind not in ("dict", "int", "float"):  # None without the call (see check_of)
        env[f"step{number}"] = _bare_check(shape, later)
        guard = f"{plain} is not None and "
    else:
        env[f"step{number}"] = step
    return [*lines, f"    if {guard}({plain} := step{number}({plain})) is REFUSED:", "        return REFUSED"]


# ---------------------------------------------------------------------------------------------
# The answers file's checks


# The answers of each questionnaire are checked one by one as they are resolved (`answers/plain.py`, with
# `answer_check`): the file's check looks only at the mapping that holds them.
LATER: Final = frozenset({(model.QuestionnaireAnswers, "answers")})
file_check: Final = model_check(ANSWERS_FILE, LATER)
answer_check: Final = model_check(ANSWER)  # an answer written as a mapping -> its fields' plain values
