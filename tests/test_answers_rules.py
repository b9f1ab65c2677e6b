"""The fast path's checks of an answers file are derived from its pydantic models (crmcheck.answers.rules), so the
two cannot drift: every field and constraint of the models has a plain counterpart, a constraint added to a model
is either applied or stops the derivation, and on any data the fast path refuses whatever the model refuses and
otherwise gives what the model gives."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Annotated, Any, Literal, get_args, get_origin

import annotated_types as at
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    WithJsonSchema,
    model_validator,
)
from pydantic.types import AllowInfNan

from crmcheck.answers import checks, model, rules
from crmcheck.answers.fast import check_answers
from crmcheck.models.base import OptionalText, Text

VALID: dict[str, Any] = {
    "format": 1, "company": "Acme", "assessed_on": "2026-03-04", "assessor": "Kim",
    "respondent": {"name": "Ann", "role": "CRM lead", "lens": "customer"},
    "segment": {"industry": "retail", "size": "11-50"},
    "questionnaires": {"crm-mistakes": {
        "version": 2, "targets": {"people": 3},
        "answers": {"a.one": {"value": 2, "note": "n", "evidence": "e.pdf", "reason": "r",
                              "measured": {"value": 1.5, "source": "crm.csv"}},
                    "a.two": "yes", "a.three": None}}},
}


def fast_accepts(data: Any) -> bool:
    """Whether the fast path takes the data: `check_answers`, then each answer as `resolve_plain` checks it (an
    answer id is looked up among the questions' ids, which are text; a mapping goes to `checks.answer_check`)."""
    plain = check_answers(data)
    if plain is None:
        return False
    return all(key.__class__ is str and (item.__class__ is not dict or checks.answer_check(item) is not checks.REFUSED)
               for questionnaire in plain.questionnaires.values() for key, item in questionnaire["answers"].items())


def model_of(data: Any) -> model.AnswersFile | None:
    try:
        return model.AnswersFile.model_validate(data)
    except ValidationError:
        return None


def assert_agree(data: Any) -> bool:
    """The fast path refuses what the model refuses, and what it takes it reads as the model does."""
    full = model_of(data)
    if not fast_accepts(data):
        return False
    plain = check_answers(data)
    assert full is not None and plain is not None, data
    assert (plain.company, plain.assessed_on, plain.assessor, plain.lens) == (
        full.company, full.assessed_on, full.assessor, full.lens)
    respondent, segment = plain.respondent, plain.segment
    assert (model.Respondent.model_validate(respondent) if respondent is not None else None) == full.respondent
    assert (model.Segment.model_validate(segment) if segment is not None else None) == full.segment
    assert plain.questionnaires.keys() == full.questionnaires.keys()
    for key, read in plain.questionnaires.items():
        expected = full.questionnaires[key]
        assert (read["version"], read["targets"]) == (expected.version, expected.targets)
        assert read["answers"].keys() == expected.answers.keys()
        for answer_id, written in read["answers"].items():
            fields = checks.answer_check(written) if written.__class__ is dict else {"value": written}
            answer = expected.answers[answer_id]
            assert fields["value"] == answer.value or (fields["value"] != fields["value"]), (fields, answer)
            for name in ("note", "evidence", "reason"):
                assert fields.get(name) == getattr(answer, name)
            measured = fields.get("measured")
            assert (None if measured is None else model.Measured(**measured)) == answer.measured
    return True


def test_the_valid_file_is_taken() -> None:
    assert model_of(VALID) is not None and assert_agree(VALID)


# ---------------------------------------------------------------------------------------------
# Every field and every constraint of the models, read from the models (not from the rules), is refused by the
# fast path where the model refuses it


def models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [found for arg in get_args(annotation) for found in models_in(arg)]


def instances(cls: type[BaseModel], data: dict[str, Any], path: tuple[Any, ...] = ()
              ) -> list[tuple[type[BaseModel], tuple[Any, ...]]]:
    """Every model of the answers file with the path of one instance of it in VALID, recursively."""
    out = [(cls, path)]
    for name, info in cls.model_fields.items():
        inner = models_in(info.annotation)
        if not inner:
            continue
        value = data.get(name)
        if get_origin(info.annotation) is dict:
            key, item = next((k, v) for k, v in value.items() if isinstance(v, dict))
            out += instances(inner[0], item, (*path, name, key))
        else:
            out += instances(inner[0], value, (*path, name))
    return out


def changed(path: tuple[Any, ...], name: str, value: Any = None, *, remove: bool = False) -> dict[str, Any]:
    data = copy.deepcopy(VALID)
    target = data
    for key in path:
        target = target[key]
    if remove:
        del target[name]
    else:
        target[name] = value
    return data


WRONG_TYPE = [[1], {"x": 1}, 1.5]


def violations(cls: type[BaseModel], name: str) -> list[Any]:
    """Values that break the field's type and each of its constraints, worked out from the field itself; a
    constraint this test does not know fails it (add a violation here and a counterpart in rules.py)."""
    info = cls.model_fields[name]
    values: list[Any] = list(WRONG_TYPE) if info.annotation is not Any else []
    for item in info.metadata:
        if isinstance(item, at.MinLen):
            values.append("" if info.annotation is str else {})
        elif isinstance(item, at.Ge):
            values.append(item.ge - 1)
        elif isinstance(item, AllowInfNan):
            values += [float("inf"), float("nan")]
        elif not isinstance(item, BeforeValidator | WithJsonSchema):  # these two: tested below, and schema only
            raise AssertionError(f"{cls.__name__}.{name}: no violation known for {item!r}")
    if get_origin(info.annotation) is Literal:
        values += ["not-a-choice", max((a for a in get_args(info.annotation) if isinstance(a, int)), default=0) + 1]
    if info.annotation is not Any and type(None) not in get_args(info.annotation):
        values.append(None)
    return values


def test_every_field_and_constraint_has_a_counterpart() -> None:
    checked = 0
    for cls, path in instances(model.AnswersFile, VALID):
        assert rules.derive(cls).names == set(cls.model_fields)
        extra = changed(path, "no-such-field", 1)
        assert model_of(extra) is None and not fast_accepts(extra), (cls, "extra field")
        for name, info in cls.model_fields.items():
            if info.is_required():
                missing = changed(path, name, remove=True)
                assert model_of(missing) is None and not fast_accepts(missing), (cls, name, "missing")
            for value in violations(cls, name):
                data = changed(path, name, value)
                if model_of(data) is None:  # the model refuses it (a number where text is: it converts)
                    assert not fast_accepts(data), (cls, name, value)
                    checked += 1
                else:
                    assert_agree(data)
    assert checked >= 40


# ---------------------------------------------------------------------------------------------
# A constraint added to a model: the derivation applies it, or raises


def check_model(cls: type[BaseModel], data: Any) -> bool:
    """Whether the derived check of a model takes the data; asserts the model takes it too."""
    taken = checks.model_check(rules.derive(cls))(data) is not checks.REFUSED
    if taken:
        cls.model_validate(data)
    return taken


def test_added_constraints_are_applied() -> None:
    class Bounded(model.QuestionnaireAnswers):
        version: int | None = Field(default=None, ge=1, le=5)

    assert check_model(Bounded, {"version": 5}) and not check_model(Bounded, {"version": 6})
    with pytest.raises(ValidationError):
        Bounded.model_validate({"version": 6})

    class Partners(model.Respondent):
        lens: Literal["company", "customer", "partner"] = "company"

    assert check_model(Partners, {"lens": "partner"}) and not check_model(model.Respondent, {"lens": "partner"})

    class Regional(model.Segment):
        region: Text

    assert not check_model(Regional, {"industry": "x"}) and check_model(Regional, {"region": "north"})
    assert not check_model(Regional, {"region": ""})

    class Short(model.Segment):
        size: Annotated[OptionalText, Field(max_length=3)] = None

    assert check_model(Short, {"size": "1-9"}) and not check_model(Short, {"size": "11-50"})

    class Share(model.Measured):
        value: float = Field(gt=0, lt=1, allow_inf_nan=False)

    assert check_model(Share, {"value": 0.5, "source": "s"})
    assert not check_model(Share, {"value": 1, "source": "s"}) and not check_model(Share, {"value": 0, "source": "s"})

    class Open(model.Segment):
        model_config = ConfigDict(extra="ignore")

    assert check_model(Open, {"industry": "x", "other": 1}) and not check_model(model.Segment, {"other": 1})

    class Exact(model.Measured):
        model_config = ConfigDict(strict=True)

    assert not check_model(Exact, {"value": 1, "source": "s"}) and check_model(Exact, {"value": 1.0, "source": "s"})


def _positive(value: int) -> int:
    return value


def _anything(value: Any) -> Any:
    return value


class _Validated(model.Segment):
    @model_validator(mode="after")
    def _check(self) -> _Validated:
        return self


class _Patterned(model.Segment):
    size: str | None = Field(default=None, pattern=r"^\d")


class _Listed(model.Segment):
    sizes: list[int] = Field(default_factory=list)


class _Aliased(model.Segment):
    size: OptionalText = Field(default=None, alias="Size")


class _After(model.Segment):
    size: Annotated[int, AfterValidator(_positive)] = 1


class _Before(model.Segment):
    size: Annotated[str, BeforeValidator(_anything)] = "x"


class _Stripped(model.Segment):
    model_config = ConfigDict(str_strip_whitespace=True)


class _Allowed(model.Segment):
    model_config = ConfigDict(extra="allow")


class _Multiple(model.QuestionnaireAnswers):
    version: int | None = Field(default=None, multiple_of=2)


class _Dated(model.Segment):
    since: dt.date | None = None


class _Either(model.Segment):
    size: int | str = 1


@pytest.mark.parametrize("cls", [_Validated, _Patterned, _Listed, _Aliased, _After, _Before, _Stripped, _Allowed,
                                 _Multiple, _Dated, _Either])
def test_what_the_derivation_does_not_understand_raises(cls: type[BaseModel]) -> None:
    with pytest.raises(rules.DerivationError):
        rules.derive(cls)


def test_the_known_validators_do_what_their_counterparts_say() -> None:
    from crmcheck.models.base import _as_text

    for text in ["", " x ", "2026", "n/a"]:
        assert _as_text(text) is text  # TextAsWritten: text passes unchanged
    assert model._expand_short_forms({"a": 3, "b": {"value": 1}}) == {"a": {"value": 3}, "b": {"value": 1}}
    assert model.QuestionnaireAnswers._none_is_empty(None) == {}
    questionnaire = rules.ANSWERS_FILE.field("questionnaires").shape.items
    assert questionnaire is not None and questionnaire.model is not None
    answers = questionnaire.model.field("answers").shape
    assert answers.short_form == "value" and answers.none_is_empty and rules.ANSWER.model is model.Answer


# ---------------------------------------------------------------------------------------------
# Any data: mutations of a valid file


ODD_VALUES = [None, True, False, 0, 1, -1, 2, 7, 1.5, 2.0, float("nan"), float("inf"), "", " ", "x", "company",
              "customer", "partner", "2026-02-30", "2026-03-04", "2026-3-4", "1", [], [1], ["x"], {}, {"x": 1},
              {"value": 1}, {"value": "1.5", "source": "s"}, {"value": 2, "source": ""}, 10**400]
ODD_KEYS = ["value", "note", "measured", "source", "lens", "name", "version", "targets", "answers", "x", 1, None]


def mappings(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of every mapping in the data."""
    if not isinstance(data, dict):
        return []
    return [path] + [found for key, value in data.items() for found in mappings(value, (*path, key))]


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    data = copy.deepcopy(VALID)
    for _ in range(draw(st.integers(1, 3))):
        paths = mappings(data)
        path = draw(st.sampled_from(paths))
        target = data
        for key in path:
            target = target[key]
        action = draw(st.sampled_from(["replace", "replace", "remove", "add"]))
        if action == "add" or not target:
            target[draw(st.sampled_from(ODD_KEYS))] = copy.deepcopy(draw(st.sampled_from(ODD_VALUES)))
        else:
            key = draw(st.sampled_from(sorted(target, key=str)))
            if action == "remove":
                del target[key]
            else:
                target[key] = copy.deepcopy(draw(st.sampled_from(ODD_VALUES)))
    return data


@settings(max_examples=400, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=mutated())
def test_mutated_files_agree_with_the_model(data: dict[str, Any]) -> None:
    assert_agree(data)


def test_mutations_are_often_taken_and_often_refused() -> None:
    """The property above is not empty: among fixed mutations, the fast path takes some and refuses some."""
    examples = [changed(("questionnaires", "crm-mistakes"), "targets", {}), changed(("respondent",), "lens", "partner"),
                changed((), "assessor", None), changed(("segment",), "size", 12), changed((), "company", ""),
                changed(("questionnaires", "crm-mistakes", "answers", "a.one", "measured"), "value", 2),
                changed(("questionnaires", "crm-mistakes", "answers", "a.one"), "measured", {"value": 2})]
    taken = [assert_agree(data) for data in examples]
    assert taken == [True, False, True, False, False, True, False]
