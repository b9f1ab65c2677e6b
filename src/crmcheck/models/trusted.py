"""Models rebuilt from data that passed their validation before (the questionnaire cache), without validating again.

Validating a model means building its validator first (pydantic defers that to the first use: several
milliseconds for a questionnaire), then checking every value again. Data this process wrote itself after
validating it needs neither: `rebuild` walks the model's own field annotations (so a field added to a model
is rebuilt with no change here) and makes each nested model with `model_construct`. It checks only the
shape on the way (a mapping where a model is, a list where a list is, text where text is), so that damaged
data is refused with `NotTrusted` rather than turned into a model that fails later; it does not check
bounds or patterns, which is what the first validation was for. A field whose type is not plain JSON data
(a date, a path, a set...) makes the model unsupported: `rebuild` then validates, slower but right.
"""

from __future__ import annotations

import contextlib
import copy
import enum
import functools
import types
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel

M = TypeVar("M", bound=BaseModel)
Builder = Callable[[Any], Any]


class NotTrusted(ValueError):
    """The data does not have the model's shape: it is not what this process wrote."""


class _Unsupported(Exception):
    """An annotation this module does not rebuild (then the model is validated instead)."""


def _identity(value: Any) -> Any:
    return value


def _of_type(kind: type) -> Builder:
    def build(value: Any) -> Any:
        if value.__class__ is not kind:
            raise NotTrusted(f"expected {kind.__name__}, got {value.__class__.__name__}")
        return value
    return build


def _float(value: Any) -> float:
    kind = value.__class__
    if kind is float:
        return value  # type: ignore[no-any-return]
    if kind is int:
        return float(value)  # as validation makes it
    raise NotTrusted(f"expected a number, got {kind.__name__}")


def _none(value: Any) -> None:
    if value is not None:
        raise NotTrusted("expected nothing")


def _literal(choices: tuple[Any, ...]) -> Builder:
    def build(value: Any) -> Any:
        if value not in choices or value.__class__ not in {c.__class__ for c in choices}:
            raise NotTrusted(f"expected one of {choices!r}")
        return value
    return build


def _list(item: Builder) -> Builder:
    def build(value: Any) -> list[Any]:
        if value.__class__ is not list:
            raise NotTrusted("expected a list")
        return value if item is _identity else [item(v) for v in value]
    return build


def _dict(key: Builder, item: Builder) -> Builder:
    def build(value: Any) -> dict[Any, Any]:
        if value.__class__ is not dict:
            raise NotTrusted("expected a mapping")
        return {key(k): item(v) for k, v in value.items()}
    return build


def _union(members: list[Builder], optional: bool) -> Builder:
    def build(value: Any) -> Any:
        if value is None and optional:
            return None
        for member in members:
            try:
                return member(value)
            except NotTrusted:
                continue
        raise NotTrusted("no member of the union fits")
    return build


def _enum(kind: type[enum.Enum]) -> Builder:
    def build(value: Any) -> Any:
        try:
            return kind(value)
        except ValueError:
            raise NotTrusted(f"not a {kind.__name__}") from None
    return build


_LEAVES: dict[Any, Builder] = {str: _of_type(str), int: _of_type(int), bool: _of_type(bool), float: _float,
                               type(None): _none, Any: _identity}
_models: dict[type[BaseModel], Builder | None] = {}
_MUTABLE = frozenset({list, dict, set})


def _builder(annotation: Any) -> Builder:
    """How to rebuild a value of this annotation from JSON data; raises _Unsupported."""
    leaf = _LEAVES.get(annotation)
    if leaf is not None:
        return leaf
    origin = get_origin(annotation)
    if origin is Annotated:
        return _builder(get_args(annotation)[0])
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in _models:
            known = _models[annotation]
            if known is None:
                raise _Unsupported(annotation)
            return known
        return _model_builder(annotation)
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return _enum(annotation)
    if origin is Literal:
        return _literal(get_args(annotation))
    if origin is list:
        return _list(_builder(get_args(annotation)[0]))
    if origin is dict:
        key, item = get_args(annotation)
        return _dict(_builder(key), _builder(item))
    if origin is Union or origin is types.UnionType:
        args = get_args(annotation)
        members = [_builder(arg) for arg in args if arg is not type(None)]
        return _union(members, optional=type(None) in args)
    raise _Unsupported(annotation)


_NO_DEFAULT = object()


def _model_builder(model: type[BaseModel]) -> Builder:
    """A model's builder: its fields' builders (made once per model and reused), then `model_construct`.

    Every field is passed, a missing one as its default: `model_construct` left to fill them in asks each default
    factory for its signature on every call (`inspect`), which cost more than validating."""
    fields: list[tuple[str, str | None, Builder, Any, Callable[[], Any] | None]] = []

    def build(value: Any) -> BaseModel:
        if value.__class__ is not dict:
            raise NotTrusted(f"expected a mapping for {model.__name__}")
        given: dict[str, Any] = {}
        written: set[str] = set()
        for name, alias, field_builder, default, factory in fields:
            if alias is not None and alias in value:
                given[name] = field_builder(value[alias])
            elif name in value:
                given[name] = field_builder(value[name])
            elif factory is not None:
                given[name] = factory()
                continue
            elif default is not _NO_DEFAULT:
                given[name] = copy.copy(default) if default.__class__ in _MUTABLE else default
                continue
            else:
                raise NotTrusted(f"{model.__name__}: missing field {name}")
            written.add(name)
        if len(written) != len(value):
            raise NotTrusted(f"unknown fields for {model.__name__}")
        return model.model_construct(written, **given)

    # made before the fields, so that a model that holds itself (a tree) finds its builder
    _models[model] = build
    try:
        for name, info in model.model_fields.items():
            factory = info.default_factory
            if factory is not None and info.default_factory_takes_validated_data:
                raise _Unsupported(factory)
            if isinstance(factory, type) and issubclass(factory, BaseModel):  # calling it would validate
                factory = functools.partial(_builder(factory), {})
            default = _NO_DEFAULT if info.is_required() or factory is not None else info.default
            fields.append((name, info.alias, _builder(info.annotation), default, factory))  # type: ignore[arg-type]
    except _Unsupported:
        _models[model] = None
        raise
    return build


def rebuild(model: type[M], data: Any) -> M:
    """`model` holding `data` (as `model_dump(mode="json")` gave it), without validating it again; a model with a
    field this module cannot rebuild is validated instead. Raises NotTrusted when the data has another shape."""
    if model not in _models:
        with contextlib.suppress(_Unsupported):  # remembered as None: validated below
            _model_builder(model)
    build = _models.get(model)
    if build is None:
        return model.model_validate(data)
    built: M = build(data)
    return built
