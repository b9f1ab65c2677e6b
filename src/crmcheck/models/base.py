"""Shared pydantic building blocks: strict models, ids, text and 0..1 scores."""

from __future__ import annotations

import difflib
from typing import Annotated, Any, Literal, TypeVar, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from crmcheck.errors import InputError, Problem
from crmcheck.yamlio import DecimalText, Document

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


Text = Annotated[str, BeforeValidator(_as_text), Field(min_length=1)]
OptionalText = Annotated[str | None, BeforeValidator(_as_text)]
Id = Annotated[str, BeforeValidator(_as_text), Field(pattern=ID_PATTERN, max_length=64)]
Score = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
Weight = Annotated[float, Field(gt=0, allow_inf_nan=False)]


class Strict(BaseModel):
    """A model that rejects unknown fields, so a misspelt field is an error, not a silent no-op."""

    model_config = ConfigDict(extra="forbid", frozen=True)


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


def _message(error: Any, model: type[BaseModel], keys: tuple[Any, ...]) -> str:
    kind = error["type"]
    loc = keys
    where = _describe(loc)
    if kind == "extra_forbidden":
        name = str(error["loc"][-1])
        fields = _fields_at(model, error["loc"][:-1])
        hint = difflib.get_close_matches(name, [f for f in fields if f != name], n=1)
        suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
        allowed = f"; allowed: {', '.join(fields)}" if fields and not hint else ""
        return f"unknown field '{name}'{suggestion}{allowed}"
    if kind == "missing":
        name = str(error["loc"][-1])
        return f"{where + ': ' if where else ''}missing required field '{name}'"
    msg = str(error["msg"])
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    value = error.get("input")
    shown = ""
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        text = str(value)
        shown = f" (got '{text[:40]}')"
    return f"{where}: {msg[0].lower() + msg[1:]}{shown}" if where else msg


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names of the model reached by a location, for suggestions; empty if unknown."""
    current: Any = model
    annotation: Any = None
    for item in loc:
        if isinstance(item, int) or current is None:
            continue
        fields = getattr(current, "model_fields", None)
        if fields is None or item not in fields:
            # dict keys, or the tag of a discriminated union: the union member tagged `item`, if any
            current = _tagged_model(annotation, item) or current
            continue
        annotation = fields[item].annotation
        current = _model_in(annotation)
    fields = getattr(current, "model_fields", None)
    return list(fields) if fields else []


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


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def validate_document(model: type[M], doc: Document) -> M:
    """Validate a document's data against a model; errors point at the YAML line and column."""
    try:
        return model.model_validate(doc.data)
    except ValidationError as exc:
        problems = []
        seen: set[tuple[Any, ...]] = set()
        for error in exc.errors():
            keys = _data_keys(doc, tuple(error["loc"]))
            is_key = error["type"] == "extra_forbidden"
            if (keys, error["type"]) in seen:
                continue
            seen.add((keys, error["type"]))
            pos = doc.position(keys, key=is_key)
            problems.append(Problem(_message(error, model, keys), doc.path, pos.line, pos.column))
        raise InputError(problems[0].message, problems=problems) from None
