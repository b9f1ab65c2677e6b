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

# Field annotations are real objects here, not strings (no `from __future__ import annotations`): pydantic would
# evaluate each string with eval() at every start (tests/test_model_annotations.py).

import contextlib
import copy
import datetime as dt
import enum
import functools
import types
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict

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


_JSON_LEAVES: dict[Any, Builder] = {str: _of_type(str), int: _of_type(int), bool: _of_type(bool), float: _float,
                                    type(None): _none, Any: _identity}
_MUTABLE = frozenset({list, dict, set})
_PLAIN_FACTORIES = frozenset({list, dict, set, tuple})
_DATE = dt.date
_NO_DEFAULT = object()


class _Kind:
    """How values arrive: as JSON data (the cache: a nested model is a mapping) or as Python values (our own code
    building a result: a nested model is an instance, a date is a date)."""

    def __init__(self, python: bool) -> None:
        self.python = python
        self.models: dict[type[BaseModel], Any] = {}


_JSON = _Kind(python=False)
_PYTHON = _Kind(python=True)


def _model_instance(model: type[BaseModel]) -> Builder:
    def build(value: Any) -> Any:
        if not isinstance(value, model):
            raise NotTrusted(f"expected a {model.__name__}, got {value.__class__.__name__}")
        return value  # as validation keeps a model instance (revalidate_instances="never")
    return build


def _builder(annotation: Any, kind: _Kind) -> Builder:
    """How to take a value of this annotation as it arrives; raises _Unsupported."""
    leaf = _JSON_LEAVES.get(annotation)
    if leaf is not None:
        return leaf
    origin = get_origin(annotation)
    if origin is Annotated:
        return _builder(get_args(annotation)[0], kind)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if kind.python:
            return _model_instance(annotation)
        if annotation in kind.models:
            known = kind.models[annotation]
            if known is None:
                raise _Unsupported(annotation)
            return _mapping_builder(known)
        return _mapping_builder(_fields_builder(annotation, kind))
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return _of_type(annotation) if kind.python else _enum(annotation)
    if origin is Literal:
        return _literal(get_args(annotation))
    if origin is list:
        item = _builder(get_args(annotation)[0], kind)
        return _list(item) if item is not _identity else _list_copy
    if origin is dict:
        key, item = get_args(annotation)
        return _dict(_builder(key, kind), _builder(item, kind))
    if origin is Union or origin is types.UnionType:
        args = get_args(annotation)
        members = [_builder(arg, kind) for arg in args if arg is not type(None)]
        return _union(members, optional=type(None) in args)
    if kind.python and isinstance(annotation, type) and origin is None:
        return _of_type(annotation)  # a date, a path...: as given, when it is exactly that
    raise _Unsupported(annotation)


def _list_copy(value: Any) -> list[Any]:
    if value.__class__ is not list:
        raise NotTrusted("expected a list")
    return list(value)  # validation makes a new list too


Fields = Callable[[Any], tuple[dict[str, Any], set[str]]]


def _mapping_builder(fields: Fields) -> Builder:
    model: type[BaseModel] = fields.model  # type: ignore[attr-defined]

    def build(value: Any) -> BaseModel:
        given, written = fields(value)
        return model.model_construct(written, **given)
    return build


def _fields_builder(model: type[BaseModel], kind: _Kind) -> Fields:
    """A model's fields from a mapping of given values: each taken by its builder (made once per model and
    reused), each missing one as its default; and the names of those given. Raises NotTrusted.

    Every field is then passed to `model_construct`: left to fill in defaults, it asks each default factory for
    its signature on every call (`inspect`), which cost more than validating."""
    fields: list[tuple[str, str | None, Builder, Any, Callable[[], Any] | None]] = []

    def build(value: Any) -> tuple[dict[str, Any], set[str]]:
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
        return given, written

    build.model = model  # type: ignore[attr-defined]
    # known before its fields are, so that a model that holds itself (a tree) finds its builder
    kind.models[model] = build
    try:
        decorators = model.__pydantic_decorators__
        if decorators.field_validators or decorators.model_validators or decorators.validators \
                or decorators.root_validators:
            raise _Unsupported(model)  # validation would run code of the model's own: never skipped
        for name, info in model.model_fields.items():
            factory = info.default_factory
            # (asking pydantic whether a factory takes the validated data inspects its signature: slow, and
            # needless for the plain containers and models)
            if factory is not None and factory not in _PLAIN_FACTORIES and not (
                    isinstance(factory, type) and issubclass(factory, BaseModel)) \
                    and info.default_factory_takes_validated_data:
                raise _Unsupported(factory)
            if isinstance(factory, type) and issubclass(factory, BaseModel):  # calling it may validate
                factory = functools.partial(_builder(factory, _JSON), {})
            default = _NO_DEFAULT if info.is_required() or factory is not None else info.default
            fields.append((name, info.alias, _builder(info.annotation, kind), default, factory))  # type: ignore[arg-type]
    except _Unsupported:
        kind.models[model] = None
        raise
    return build


def _known(model: type[BaseModel], kind: _Kind) -> Fields | None:
    if model not in kind.models:
        with contextlib.suppress(_Unsupported):  # remembered as None
            _fields_builder(model, kind)
    known: Fields | None = kind.models[model]
    return known


def rebuild(model: type[M], data: Any) -> M:
    """`model` holding `data` (as `model_dump(mode="json")` gave it), without validating it again; a model with a
    field this module cannot rebuild is validated instead. Raises NotTrusted when the data has another shape."""
    fields = _known(model, _JSON)
    if fields is None:
        return model.model_validate(data)
    given, written = fields(data)
    return model.model_construct(written, **given)


class Trusted(BaseModel):
    """A model that our own code builds from values it checked (the result of scoring): building one by keyword
    checks that each value is of its field's type, exactly (a whole number where a float is becomes a float, as
    validation makes it), and does not validate it again. Any value of another type (a mapping for a model, a
    tuple for a list), a model with validators of its own, or a field type this module does not know: then it
    is validated, as any model is. `model_validate` always validates."""

    model_config = ConfigDict(defer_build=True)

    def __init__(self, /, **data: Any) -> None:
        fields = _known(type(self), _PYTHON)
        if fields is not None:
            try:
                given, written = fields(data)
            except NotTrusted:
                pass
            else:
                # what model_construct does, on this instance
                object.__setattr__(self, "__dict__", given)
                object.__setattr__(self, "__pydantic_fields_set__", written)
                object.__setattr__(self, "__pydantic_extra__", None)
                object.__setattr__(self, "__pydantic_private__", None)
                if type(self).__pydantic_post_init__:
                    self.model_post_init(None)
                return
        super().__init__(**data)


# ---------------------------------------------------------------------------------------------
# JSON data of a model, as `model_dump(mode="json")` gives it, without building pydantic's serializer


class _NotPlain(Exception):
    """A value or model this dump does not write the way pydantic would: pydantic's own dump is used."""


_model_dumpers: dict[type[BaseModel], tuple[tuple[str, ...], tuple[str, ...]] | None] = {}


def _dump_plan(model: type[BaseModel]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The field names and computed field names `model_dump` writes, in its order; raises _NotPlain for a
    model that changes how it is written (serializers, aliases written by default, excluded fields)."""
    if model in _model_dumpers:
        known = _model_dumpers[model]
        if known is None:
            raise _NotPlain(model)
        return known
    decorators = model.__pydantic_decorators__
    config = model.model_config
    fields = model.model_fields
    plain = not (decorators.field_serializers or decorators.model_serializers or config.get("serialize_by_alias")
                 or config.get("extra") == "allow" or config.get("ser_json_inf_nan") not in (None, "null")
                 or any(info.exclude or info.serialization_alias for info in fields.values()))
    plan = (tuple(fields), tuple(model.model_computed_fields)) if plain else None
    _model_dumpers[model] = plan
    if plan is None:
        raise _NotPlain(model)
    return plan


def _plain(value: Any) -> Any:
    kind = value.__class__
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is float:
        if value != value or value in (float("inf"), float("-inf")):
            raise _NotPlain(value)  # pydantic writes these as null; leave it to pydantic
        return value
    if isinstance(value, BaseModel):
        names, computed = _dump_plan(kind)
        data = value.__dict__
        out = {name: _plain(data[name]) for name in names}
        for name in computed:
            out[name] = _plain(getattr(value, name))
        return out
    if kind is list or kind is tuple:
        return [_plain(item) for item in value]
    if kind is dict:
        return {_key(key): _plain(item) for key, item in value.items()}
    if isinstance(value, enum.Enum):
        return _plain(value.value)
    if kind is _DATE:
        return value.isoformat()
    if isinstance(value, float) and not isinstance(value, bool):  # a float kept as the text it was written as
        return _plain(float(value))
    raise _NotPlain(value)


def _key(key: Any) -> Any:
    if key.__class__ is str:
        return key
    if key.__class__ is int:
        return str(key)  # as pydantic writes a whole-number key in JSON (stage numbers)
    raise _NotPlain(key)


def json_data(model: BaseModel) -> Any:
    """`model.model_dump(mode="json")`, written by walking the model's own fields (and computed fields), so that a
    report needs no serializer built for the result model; anything this does not write as pydantic would (a
    serializer of a model's own, a datetime, a set, inf or nan...) is left to `model_dump`."""
    try:
        return _plain(model)
    except _NotPlain:
        return model.model_dump(mode="json")
