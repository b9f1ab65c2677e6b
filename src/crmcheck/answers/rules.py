"""The fast path's checks of an answers file, derived from its pydantic models (`answers/model.py`) at import time.

The bulk reader (`answers/fast.py`, `answers/plain.py`) checks answers files without building models. What
it accepts is read here from the models themselves: each model's fields (`model_fields`), which are required and
their defaults, whether extra fields are forbidden (`model_config`), and each field's plain shape from its
annotation and constraints (text, whole number, number, Literal choices, a date, a nested model, a mapping of
them; `Ge`/`Gt`/`Le`/`Lt`, `MinLen`/`MaxLen`, `Strict`, finite numbers) and its before-validators (known ones
only, each with its plain counterpart below). A plain check accepts a subset of what the model accepts, with
the same result: a value written in a way the model converts (a number where text is expected) is left to the
full path. Anything the derivation does not understand (an annotation, a constraint, a validator, an alias, a
config key) raises `DerivationError` when this module is imported: a model cannot gain a rule the fast path
silently lacks. `answers/checks.py` turns the rules into the checks themselves.
"""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Callable
from typing import Annotated, Any, Final, Literal, NamedTuple, Union, get_args, get_origin

from annotated_types import Ge, Gt, Le, Lt, MaxLen, MinLen
from pydantic import BaseModel, BeforeValidator, Strict, WithJsonSchema
from pydantic.fields import FieldInfo
from pydantic.types import AllowInfNan
from pydantic_core import PydanticUndefined

from crmcheck.answers import model
from crmcheck.models import base


class DerivationError(TypeError):
    """A model holds something the plain checks have no counterpart for: a programming error."""


# ---------------------------------------------------------------------------------------------
# The before-validators the answers models use, each with what the plain checks do instead


class TextAsWritten:
    """The validator passes text through unchanged and converts other forms: the plain check takes text only."""

    __slots__ = ()


class CalledOnText(NamedTuple):
    """The validator turns text into the field's value: the plain check calls it on text (its ValueError
    refuses), and leaves any other form to the full path."""

    function: Callable[[Any], Any]


class ShortForms(NamedTuple):
    """A mapping's item that is not a mapping stands for `{field: item}`."""

    field: str


class NoneIsEmpty:
    """None is read as an empty mapping."""

    __slots__ = ()


Meaning = TextAsWritten | CalledOnText | ShortForms | NoneIsEmpty

# Annotated BeforeValidators, by their function
BEFORE: Final[dict[Callable[..., Any], Meaning]] = {
    base._as_text: TextAsWritten(),
    model._as_date: CalledOnText(model._as_date),
    model._expand_short_forms: ShortForms("value"),
}


def _method(cls: type[BaseModel], name: str) -> Callable[..., Any]:
    """The function of a model's @field_validator method (the same in its subclasses)."""
    func = cls.__pydantic_decorators__.field_validators[name].func
    return getattr(func, "__func__", func)


# @field_validator(mode="before") methods, by their function
FIELD_VALIDATORS: Final[dict[Callable[..., Any], Meaning]] = {
    _method(model.QuestionnaireAnswers, "_none_is_empty"): NoneIsEmpty(),
}
# model_config keys that do not change what validation accepts (besides `extra` and `strict`, read below)
_INERT_CONFIG = frozenset({"frozen", "defer_build", "title", "json_schema_extra"})


# ---------------------------------------------------------------------------------------------
# The rules


Kind = Literal["text", "int", "float", "literal", "date", "any", "model", "dict"]


class Shape(NamedTuple):
    """The plain form a field's value takes, with its bounds."""

    kind: Kind
    nullable: bool = False
    min_length: int | None = None  # text and mappings
    max_length: int | None = None
    bounds: tuple[tuple[str, float], ...] = ()  # ("ge", 1), ...: whole numbers and numbers
    strict: bool = False  # a number must be written as one (not a whole number)
    choices: tuple[Any, ...] = ()  # literal
    convert: Callable[[Any], Any] | None = None  # date: the model's own conversion of text
    model: ModelRules | None = None  # model
    items: Shape | None = None  # dict: every value's shape (keys are text)
    short_form: str | None = None  # dict of models: an item that is not a mapping is this field's value
    none_is_empty: bool = False  # dict: None reads as {}


class FieldRule(NamedTuple):
    name: str
    required: bool
    default: Any  # the plain value when the field is missing (None for a required field)
    factory: Callable[[], Any] | None  # or made by this, each time
    shape: Shape


class ModelRules(NamedTuple):
    model: type[BaseModel]
    fields: tuple[FieldRule, ...]
    forbid_extra: bool
    names: frozenset[str]
    required: frozenset[str]

    def field(self, name: str) -> FieldRule:
        return next(f for f in self.fields if f.name == name)


_BOUNDS = ((Ge, "ge"), (Gt, "gt"), (Le, "le"), (Lt, "lt"))


class _Constraints:
    """What a field's metadata (and its model's config) say, gathered while reading them."""

    def __init__(self, where: str, strict: bool) -> None:
        self.where = where
        self.strict = strict
        self.min_length: int | None = None
        self.max_length: int | None = None
        self.bounds: list[tuple[str, float]] = []
        self.meanings: list[Meaning] = []

    def read(self, items: list[Any] | tuple[Any, ...]) -> None:
        for item in items:
            self.read_one(item)

    def read_one(self, item: Any) -> None:
        bound = next((name for kind, name in _BOUNDS if isinstance(item, kind)), None)
        if bound is not None:
            self.bounds.append((bound, getattr(item, bound)))
        elif isinstance(item, MinLen):
            self.min_length = item.min_length
        elif isinstance(item, MaxLen):
            self.max_length = item.max_length
        elif isinstance(item, Strict):
            self.strict = item.strict
        elif isinstance(item, AllowInfNan):
            pass  # plain numbers are always finite
        elif isinstance(item, WithJsonSchema):
            pass  # the JSON schema only
        elif isinstance(item, BeforeValidator) and item.func in BEFORE:
            self.meanings.insert(0, BEFORE[item.func])  # pydantic runs the last one given first
        else:
            raise DerivationError(f"{self.where}: no plain check for {item!r}")


def derive(cls: type[BaseModel], _seen: tuple[type[BaseModel], ...] = ()) -> ModelRules:
    """The plain rules of a model and (recursively) of the models in its fields; DerivationError for anything
    this module does not know how to check plainly."""
    if cls in _seen:
        raise DerivationError(f"{cls.__name__} contains itself")
    config = dict(cls.model_config)
    unknown = set(config) - _INERT_CONFIG - {"extra", "strict"}
    if unknown:
        raise DerivationError(f"{cls.__name__}: no plain check for model_config {sorted(unknown)}")
    extra = config.get("extra", "ignore")
    if extra not in ("forbid", "ignore"):
        raise DerivationError(f"{cls.__name__}: no plain check for extra={extra!r}")
    decorators = cls.__pydantic_decorators__
    for kind in ("model_validators", "root_validators", "validators"):
        if getattr(decorators, kind):
            raise DerivationError(f"{cls.__name__}: no plain check for its {kind}")
    by_field: dict[str, list[Meaning]] = {}
    for name, decorator in decorators.field_validators.items():
        meaning = FIELD_VALIDATORS.get(_method(cls, name))
        if meaning is None or decorator.info.mode != "before":
            raise DerivationError(f"{cls.__name__}.{name}: no plain check for this validator")
        for field_name in decorator.info.fields:
            by_field.setdefault(field_name, []).append(meaning)
    fields = tuple(_field(cls, name, info, bool(config.get("strict")), by_field.pop(name, []), (*_seen, cls))
                   for name, info in cls.model_fields.items())
    if by_field:
        raise DerivationError(f"{cls.__name__}: validators of unknown fields {sorted(by_field)}")
    return ModelRules(cls, fields, extra == "forbid", frozenset(f.name for f in fields),
                      frozenset(f.name for f in fields if f.required))


def _field(cls: type[BaseModel], name: str, info: FieldInfo, strict: bool, validators: list[Meaning],
           seen: tuple[type[BaseModel], ...]) -> FieldRule:
    where = f"{cls.__name__}.{name}"
    if info.alias is not None or info.validation_alias is not None or info.discriminator is not None:
        raise DerivationError(f"{where}: no plain check for an alias or discriminator")
    if info.validate_default or info.default_factory_takes_validated_data:
        raise DerivationError(f"{where}: no plain check for a validated or data-made default")
    constraints = _Constraints(where, strict)
    constraints.read(info.metadata)
    constraints.meanings[:0] = validators  # @field_validator(mode="before") runs before Annotated's validators
    shape = _shape(info.annotation, constraints, seen)
    factory = info.default_factory
    default = None if info.default is PydanticUndefined else info.default
    if isinstance(default, list | dict | set):
        raise DerivationError(f"{where}: no plain check for a mutable default")
    return FieldRule(name, info.is_required(), default, factory, shape)  # type: ignore[arg-type]


def _shape(annotation: Any, constraints: _Constraints, seen: tuple[type[BaseModel], ...]) -> Shape:
    where = constraints.where
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        constraints.read(args[1:])
        return _shape(args[0], constraints, seen)
    if origin in (Union, types.UnionType):
        others = [arg for arg in args if arg is not type(None)]
        if len(others) != 1 or len(args) != 2:
            raise DerivationError(f"{where}: no plain check for the union {annotation!r}")
        return _shape(others[0], constraints, seen)._replace(nullable=True)
    meanings = constraints.meanings
    text_only = [m for m in meanings if isinstance(m, TextAsWritten)]
    dict_only = [m for m in meanings if isinstance(m, ShortForms | NoneIsEmpty)]
    converts = [m for m in meanings if isinstance(m, CalledOnText)]
    if annotation is dt.date and converts and len(meanings) == 1:
        return Shape("date", convert=converts[0].function)
    if len(text_only) != len(meanings) and origin is not dict:
        raise DerivationError(f"{where}: no plain check for {meanings} on {annotation!r}")
    low, high = constraints.min_length, constraints.max_length
    bounds = tuple(constraints.bounds)
    if (bounds and annotation not in (int, float)) or ((low or high is not None) and annotation is not str
                                                        and origin is not dict):
        raise DerivationError(f"{where}: no plain check for bounds on {annotation!r}")
    if annotation is str:
        return Shape("text", min_length=low, max_length=high)
    if text_only:
        raise DerivationError(f"{where}: {text_only} on {annotation!r}, not text")
    if annotation in (int, float):
        return Shape("int" if annotation is int else "float", bounds=bounds, strict=constraints.strict)
    if annotation is Any:
        return Shape("any")
    if origin is Literal:
        if not all(arg.__class__ in (str, int) for arg in args):
            raise DerivationError(f"{where}: no plain check for the choices {args!r}")
        return Shape("literal", choices=args)
    if origin is dict and args and args[0] is str:
        if len(dict_only) != len(meanings):
            raise DerivationError(f"{where}: no plain check for {meanings} on {annotation!r}")
        items = _shape(args[1], _Constraints(f"{where}[]", constraints.strict), seen)
        short = next((m.field for m in meanings if isinstance(m, ShortForms)), None)
        if short is not None:
            _check_short_form(where, short, items)
        empty = any(isinstance(m, NoneIsEmpty) for m in meanings)
        return Shape("dict", min_length=low, max_length=high, items=items, short_form=short, none_is_empty=empty)
    if origin is None and isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return Shape("model", model=derive(annotation, seen))
    raise DerivationError(f"{where}: no plain check for {annotation!r}")


def _check_short_form(where: str, name: str, items: Shape) -> None:
    """A short form is a whole item only when its field takes any value and every other field has a default."""
    rules = items.model
    if items.kind != "model" or rules is None or name not in rules.names:
        raise DerivationError(f"{where}: short forms need a model with a '{name}' field")
    if rules.field(name).shape.kind != "any" or rules.required:
        raise DerivationError(f"{where}: a short form must be a whole item ('{name}' any value, nothing required)")


# ---------------------------------------------------------------------------------------------
# The answers file's rules


ANSWERS_FILE: Final = derive(model.AnswersFile)


def _answer_rules() -> ModelRules:
    """The rules of one answer. `resolve_plain` takes an answer that is not a mapping as its value, with every
    other field missing: that is what the short form means only while the short form fills `value` and every
    other field's default is None."""
    questionnaire = ANSWERS_FILE.field("questionnaires").shape.items
    answers = questionnaire.model.field("answers").shape if questionnaire and questionnaire.model else None
    rules = answers.items.model if answers and answers.items else None
    if answers is None or rules is None or answers.short_form != "value" or any(
            f.default is not None or f.factory is not None for f in rules.fields):
        raise DerivationError("an answer that is not a mapping is no longer its value with nothing else")
    return rules


ANSWER: Final = _answer_rules()
