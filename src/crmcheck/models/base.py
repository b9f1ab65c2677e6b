"""Shared pydantic building blocks: strict models, ids, text and 0..1 scores."""

# Field annotations are real objects here, not strings (no `from __future__ import annotations`): pydantic would
# evaluate each string with eval() at every start (tests/test_model_annotations.py).

import difflib
from typing import Annotated, Any, Literal, TypeVar, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, WithJsonSchema

from crmcheck.errors import InputError, Problem
from crmcheck.yamlio import DecimalText, Document, collector_paused

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
M = TypeVar("M", bound=BaseModel)


def _as_text(value: Any) -> Any:
    """Take a number or boolean written where text is expected as the text it was written as."""
    if isinstance(value, DecimalText):
        return value.text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return value


# What the schemas say text is: what `_as_text` takes (a number or true/false is text as written)
_TEXT_FORMS: list[dict[str, Any]] = [{"type": "string"}, {"type": "number"}, {"type": "boolean"}]
Text = Annotated[str, BeforeValidator(_as_text), Field(min_length=1), WithJsonSchema(
    {"anyOf": [{"type": "string", "minLength": 1}, *_TEXT_FORMS[1:]]})]
OptionalText = Annotated[str | None, BeforeValidator(_as_text), WithJsonSchema(
    {"anyOf": [*_TEXT_FORMS, {"type": "null"}]})]
Id = Annotated[str, BeforeValidator(_as_text), Field(pattern=ID_PATTERN, max_length=64)]
Score = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
# A weight multiplies scores in sums over every question and section: a bound keeps those sums far from
# float overflow (a section weight of 1e308 made every report fail) while leaving any sensible ratio possible.
MAX_WEIGHT = 1000
Weight = Annotated[float, Field(gt=0, le=MAX_WEIGHT, allow_inf_nan=False)]
# Bounds for the other whole numbers a questionnaire or policy declares: far beyond any real use, small
# enough that every report, chart and spreadsheet shows them as written.
MAX_LEVEL = 100  # level and stage numbers
MAX_SCALE_VALUE = 1000  # the values of a scale's points, either sign
MAX_VERSION = 1_000_000
# A number band's `min`: within the range where a float holds every whole number exactly (2**53 ≈ 9.0e15).
MAX_BAND_MIN = 10**15


class Strict(BaseModel):
    """A model that rejects unknown fields, so a misspelt field is an error, not a silent no-op."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


# Errors that say a value has the wrong shape, and what the right shape is in plain words.
_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "yes or no (true or false)",
    "bool_parsing": "yes or no (true or false)",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "list_type": "a list",
}
_BOUNDS = {
    "greater_than": ("gt", "greater than"),
    "greater_than_equal": ("ge", "at least"),
    "less_than": ("lt", "less than"),
    "less_than_equal": ("le", "at most"),
}


def check_format(doc: Document, what: str) -> None:
    """Reject a format number this version cannot read before the fields are checked against format 1."""
    written = doc.data.get("format")
    if written is None or (written == 1 and not isinstance(written, bool | float)):
        return  # a missing format is reported with the other missing fields
    if isinstance(written, int) and not isinstance(written, bool):
        raise doc.error(f"unsupported {what} format {written} (this crmcheck reads format 1)", ("format",))
    raise doc.error(f"format: must be the number 1, got {_shown(written)}", ("format",))


def _describe(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif parts:
            parts.append(f".{item}")
        else:
            parts.append(str(item))
    return "".join(parts)


def _shown(value: Any) -> str:
    """A value as the user wrote it, short, for 'got ...' in messages."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, DecimalText):
        return value.text
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    text = str(value)
    return f"'{text[:40]}…'" if len(text) > 40 else f"'{text}'"


def _number(value: Any) -> str:
    """A bound as a reader writes it: 1000, 0.5, 1,000,000,000,000,000 (not 1e+15)."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and abs(value) >= 10_000:
        return f"{value:,}"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _data_keys(doc: Document, loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Keep only the parts of a pydantic location that are keys of the data (drop union tags)."""
    keys: list[Any] = []
    node: Any = doc.data
    for item in loc:
        in_dict = isinstance(node, dict) and isinstance(item, str) and item in node
        in_list = isinstance(node, list) and isinstance(item, int) and 0 <= item < len(node)
        if in_dict or in_list:
            keys.append(item)
            node = node[item]
    return tuple(keys)


def _message(error: Any, model: type[BaseModel], keys: tuple[Any, ...], expected: list[str]) -> str:
    """One pydantic error in plain words; `expected` holds every shape a union would have taken."""
    kind = error["type"]
    loc = tuple(error["loc"])
    ctx = error.get("ctx") or {}
    value = error.get("input")
    where = _describe(keys)
    prefix = f"{where}: " if where else ""
    if kind == "extra_forbidden":
        name = str(loc[-1])
        fields = _fields_at(model, loc[:-1])
        hint = difflib.get_close_matches(name, [f for f in fields if f != name], n=1)
        suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
        allowed = f"; allowed: {', '.join(fields)}" if fields and not hint else ""
        parent = f" in {_describe(keys[:-1])}" if len(keys) > 1 else ""
        return f"unknown field '{name}'{parent}{suggestion}{allowed}"
    if kind == "missing":
        return f"{prefix}missing required field '{loc[-1]}'"
    if loc and loc[-1] == "[key]":
        parent = _describe(keys[:-1])
        if kind == "literal_error":
            rule = f"keys must be {ctx['expected']}"
        elif kind == "string_pattern_mismatch" and ctx.get("pattern") == ID_PATTERN:
            rule = "use lowercase letters, digits and single dashes, like 'follow-up'"
        else:
            rule = str(error["msg"]).lower()
        return f"{parent + ': ' if parent else ''}key {_shown(value)} is not allowed; {rule}"
    if expected:
        shape = " or ".join(expected)
        if "a mapping" in expected and kind in ("model_type", "model_attributes_type"):
            fields = _fields_at(model, loc)
            if fields:
                shape = shape.replace("a mapping", f"a mapping of fields ({', '.join(fields)})")
        return f"{prefix}expected {shape}, got {_shown(value)}"
    if kind == "literal_error":
        return f"{prefix}must be {ctx['expected']}, got {_shown(value)}"
    if kind == "string_pattern_mismatch" and ctx.get("pattern") == ID_PATTERN:
        return f"{prefix}{_shown(value)} is not a valid id; use lowercase letters, digits and single dashes, " \
               "like 'follow-up'"
    if kind in ("too_short", "string_too_short"):
        if ctx.get("min_length") == 1:
            return f"{prefix}must not be empty"
        return f"{prefix}needs at least {ctx.get('min_length')} items"
    if kind in ("too_long", "string_too_long"):
        return f"{prefix}is too long (at most {ctx.get('max_length')})"
    if kind in _BOUNDS:
        bound, words = _BOUNDS[kind]
        return f"{prefix}must be {words} {_number(ctx.get(bound))}, got {_shown(value)}"
    if kind == "finite_number":
        return f"{prefix}must be a finite number"
    msg = str(error["msg"])
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    got = _shown(value) if value is not None and not isinstance(value, list | dict) else ""
    shown = f" (got {got})" if got and got.strip("'") not in msg else ""
    return f"{prefix}{msg[0].lower() + msg[1:]}{shown}"


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names of the model reached by a location, for suggestions; empty if unknown."""
    current: Any = model
    annotation: Any = None
    for item in loc:
        if isinstance(item, int):
            continue
        fields = _by_written_name(current)
        if fields is None or item not in fields:
            # dict keys, or the tag of a discriminated union: the union member tagged `item`, if any
            current = _tagged_model(annotation, item) or current
            continue
        annotation = fields[item].annotation
        current = _model_in(annotation)
    fields = _by_written_name(current)
    return list(fields) if fields else []


def _by_written_name(model: Any) -> dict[str, Any] | None:
    """A model's fields by the name written in files (the alias where there is one)."""
    fields = getattr(model, "model_fields", None)
    if fields is None:
        return None
    return {info.alias or name: info for name, info in fields.items()}


def _tagged_model(annotation: Any, tag: Any) -> Any:
    """The model in a (possibly nested) union annotation that has a Literal field equal to `tag`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        for info in annotation.model_fields.values():
            if get_origin(info.annotation) is Literal and tag in get_args(info.annotation):
                return annotation
        return None
    for arg in getattr(annotation, "__args__", ()):
        found = _tagged_model(arg, tag)
        if found is not None:
            return found
    return None


def _models_in(annotation: Any) -> list[Any]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [model for arg in getattr(annotation, "__args__", ()) for model in _models_in(arg)]


def _model_in(annotation: Any) -> Any:
    """The one model an annotation holds; None for several (a union: which one is meant is unknown)."""
    models = list(dict.fromkeys(_models_in(annotation)))
    return models[0] if len(models) == 1 else None


def validate_document(model: type[M], doc: Document) -> M:
    """Validate a document's data against a model; errors point at the YAML line and column.

    pydantic reports one error per branch of a union (`text` is text or a mapping of lens to
    text); those are folded into one message, and a branch that got further into the value wins
    over "wrong shape" errors of the others.
    """
    with collector_paused():
        try:
            return model.model_validate(doc.data)
        except ValidationError as exc:
            problems = _problems(model, doc, exc)
    raise InputError(problems[0].message, problems=problems) from None


def _problems(model: type[BaseModel], doc: Document, exc: ValidationError) -> list[Problem]:
    errors = [(tuple(e["loc"]), _data_keys(doc, tuple(e["loc"])), e) for e in exc.errors(include_url=False)]
    # positions some error reaches below, and every shape expected at each position
    above = {keys[:i] for _, keys, _ in errors for i in range(len(keys))}
    shapes: dict[tuple[Any, ...], list[str]] = {}
    for _, keys, error in errors:
        if error["type"] in _EXPECTED:
            shapes.setdefault(keys, []).append(_EXPECTED[error["type"]])
    problems: list[Problem] = []
    seen: set[tuple[Any, ...]] = set()
    for loc, keys, error in errors:
        kind = error["type"]
        if kind in _EXPECTED and keys in above:
            continue
        named = kind in ("missing", "extra_forbidden") or (loc and loc[-1] == "[key]")
        signature = (keys, str(loc[-1]) if named and loc else None)
        if signature in seen:
            continue
        seen.add(signature)
        expected = list(dict.fromkeys(shapes[keys])) if kind in _EXPECTED else []
        # an empty value has no text of its own to point at: point at its key
        on_key = kind == "extra_forbidden" or loc[-1:] == ("[key]",) or (kind in _EXPECTED and error["input"] is None)
        pos = doc.position(keys, key=on_key)
        problems.append(Problem(_message(error, model, keys, expected), doc.path, pos.line, pos.column))
    problems.sort(key=lambda p: (p.line or 0, p.column or 0))
    return problems
