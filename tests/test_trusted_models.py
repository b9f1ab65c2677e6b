"""Rebuilding models from data they validated before: the same model as validation gives, or a refusal."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field

from crmcheck.models.trusted import NotTrusted, Trusted, rebuild


class Leaf(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    value: int
    label: str = "none"


class Limits(BaseModel):
    model_config = ConfigDict(extra="forbid")
    low: float = 0
    high: float = 100


class Tree(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)
    id: str
    kind: Literal["a", "b"]
    counted: bool = Field(default=True, alias="scored")
    weight: float = 1
    text: str | dict[Literal["company", "customer"], str]
    leaves: list[Leaf] = Field(default_factory=list)
    by_name: dict[str, list[Leaf]] = Field(default_factory=dict)
    limits: Limits = Field(default_factory=Limits)
    best: Leaf | None = None
    children: list[Tree] = Field(default_factory=list)


DATA = {"id": "root", "kind": "a", "scored": False, "weight": 2, "text": {"company": "Hi", "customer": "Ho"},
        "leaves": [{"value": 1}, {"value": 2, "label": "two"}], "by_name": {"x": [{"value": 3}]},
        "limits": {"high": 50}, "children": [{"id": "kid", "kind": "b", "text": "plain", "best": {"value": 4}}]}


def test_rebuild_gives_what_validation_gives_with_the_same_fields_set() -> None:
    validated = Tree.model_validate(DATA)
    rebuilt = rebuild(Tree, DATA)
    assert rebuilt == validated
    assert rebuilt.model_dump() == validated.model_dump()
    assert rebuilt.weight == 2.0 and isinstance(rebuilt.weight, float)  # a whole number where a float is
    assert rebuilt.counted is False  # read under its alias
    assert rebuilt.model_fields_set == validated.model_fields_set == set(Tree.model_fields) - {"best"}
    kid = rebuilt.children[0]
    assert kid.model_fields_set == {"id", "kind", "text", "best"} == validated.children[0].model_fields_set
    assert kid.limits == Limits() and kid.leaves == [] and kid.counted is True
    assert isinstance(kid.best, Leaf) and kid.best.label == "none"
    # a default list is the model's own, never shared between two rebuilt models
    assert rebuild(Tree, DATA).children[0].leaves is not kid.leaves


def test_a_round_trip_through_json_as_the_cache_writes_it() -> None:
    import json

    validated = Tree.model_validate(DATA)
    written = json.loads(validated.model_dump_json(by_alias=True, exclude_unset=True))
    again = rebuild(Tree, written)
    assert again == validated and again.model_fields_set == validated.model_fields_set


@pytest.mark.parametrize("damage", [
    {"kind": "c"},  # not one of the literal's values
    {"kind": 1},
    {"weight": "2"},  # text where a number is
    {"scored": 1},  # a number where a boolean is
    {"leaves": {"value": 1}},  # a mapping where a list is
    {"leaves": [{"value": 1, "colour": "red"}]},  # a field the model lacks
    {"leaves": [{"label": "no value"}]},  # a required field missing
    {"text": ["a list"]},  # neither member of the union
    {"by_name": {"x": [{"value": 1.5}]}},  # a float where a whole number is
    {"extra": True},
])
def test_data_of_another_shape_is_refused(damage: dict[str, object]) -> None:
    with pytest.raises(NotTrusted):
        rebuild(Tree, {**DATA, **damage})


class Dated(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    on: dt.date


def test_a_model_with_a_field_that_is_not_plain_data_is_validated_instead() -> None:
    """A date arrives as text in JSON: only validation makes it a date again, so the model is validated."""
    rebuilt = rebuild(Dated, {"name": "x", "on": "2026-11-01"})
    assert rebuilt.on == dt.date(2026, 11, 1)


class Row(Trusted):
    model_config = ConfigDict(extra="forbid")
    id: str
    score: float | None = None
    on: dt.date | None = None
    tags: list[str] = Field(default_factory=list)
    leaf: Leaf | None = None


def test_a_trusted_model_takes_values_of_its_field_types_as_they_are() -> None:
    leaf = Leaf(value=1)
    row = Row(id="a", score=50, on=dt.date(2026, 1, 2), leaf=leaf)
    assert row.score == 50.0 and isinstance(row.score, float)  # as validation makes it
    assert row.leaf is leaf and row.tags == [] and row.model_fields_set == {"id", "score", "on", "leaf"}
    assert row.model_dump_json() == Row.model_validate(row.model_dump()).model_dump_json()


def test_a_trusted_model_validates_whatever_is_not_of_its_field_types() -> None:
    from pydantic import ValidationError

    converted = Row(id="a", leaf={"value": 2}, tags=("x",))  # type: ignore[arg-type]  # what validation converts
    assert converted.leaf == Leaf(value=2) and converted.tags == ["x"]
    with pytest.raises(ValidationError):
        Row(id="a", score="high")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Row(id="a", colour="red")  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        Row()  # type: ignore[call-arg]


@pytest.mark.parametrize("paths", [["assessment-2026.yaml"], ["assessment-2025.yaml"], ["perception"]])
def test_scoring_builds_the_result_validation_would(paths: list[str]) -> None:
    """Every result model is built by keyword without validation: validating its data again gives the same JSON
    (a whole number left where a float belongs would show as 50 instead of 50.0)."""
    from crmcheck.assessment import assess_paths
    from crmcheck.catalog import Catalog
    from crmcheck.models.result import AssessmentResult
    from tests.conftest import EXAMPLES

    result = assess_paths([str(EXAMPLES / p) for p in paths], Catalog.from_options(None), show_respondents=True)
    again = AssessmentResult.model_validate(result.model_dump())
    assert result.model_dump_json() == again.model_dump_json()


def test_a_comparison_is_built_as_validation_would() -> None:
    from crmcheck.catalog import Catalog
    from crmcheck.models.result import AssessmentResult
    from crmcheck.report import assess_with_baseline
    from tests.conftest import EXAMPLES

    result = assess_with_baseline(str(EXAMPLES / "assessment-2026.yaml"), str(EXAMPLES / "assessment-2025.yaml"),
                                  Catalog.from_options(None))
    assert result.comparison is not None and result.comparison.questionnaires
    again = AssessmentResult.model_validate(result.model_dump())
    assert result.model_dump_json() == again.model_dump_json()


def _same_json(model: BaseModel, *, walked: bool = False) -> None:
    """json_data gives model_dump's JSON; with `walked`, by walking the fields (not by falling back to it)."""
    import json

    from crmcheck.models import trusted

    if walked:
        assert json.dumps(trusted._plain(model), indent=2) == json.dumps(model.model_dump(mode="json"), indent=2)
    assert json.dumps(trusted.json_data(model), indent=2) == json.dumps(model.model_dump(mode="json"), indent=2)


@pytest.mark.parametrize("paths", [["assessment-2026.yaml"], ["assessment-2025.yaml"], ["perception"]])
def test_json_data_writes_what_model_dump_writes(paths: list[str]) -> None:
    from crmcheck.assessment import assess_paths
    from crmcheck.catalog import Catalog
    from tests.conftest import EXAMPLES

    for show in (False, True):
        _same_json(assess_paths([str(EXAMPLES / p) for p in paths], Catalog.from_options(None),
                                show_respondents=show), walked=True)


def test_json_data_of_a_comparison_and_a_check_with_computed_fields() -> None:
    from crmcheck.catalog import Catalog
    from crmcheck.check import run_check
    from crmcheck.report import assess_with_baseline
    from tests.conftest import EXAMPLES

    new, old = str(EXAMPLES / "assessment-2026.yaml"), str(EXAMPLES / "assessment-2025.yaml")
    result = assess_with_baseline(new, old, Catalog.from_options(None))
    assert result.comparison is not None
    _same_json(result.comparison, walked=True)
    check = run_check(new, baseline=old, policy=str(EXAMPLES / "policy.yaml"), today=dt.date(2026, 12, 1),
                      catalog=Catalog.from_options(None))
    data = check.model_dump(mode="json")
    assert {"passed", "held", "broken", "skipped"} <= data.keys()  # computed fields: written too
    _same_json(check, walked=True)


class Shade(enum.Enum):
    light = "light"


class Odd(BaseModel):
    shade: Shade = Shade.light
    on: dt.date = dt.date(2026, 1, 2)
    anything: object = None
    rows: list[Leaf] = Field(default_factory=list)


def test_json_data_of_values_pydantic_writes_its_own_way() -> None:
    from pydantic import field_serializer

    from crmcheck.models.trusted import json_data
    from crmcheck.yamlio import DecimalText

    number = DecimalText("2.50")
    number.text = "2.50"
    for anything in (number, (1, "a"), {"k": [Leaf(value=1)]}, dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC),
                     float("inf"), {1: "int key"}, None):
        _same_json(Odd(anything=anything, rows=[Leaf(value=2)]))

    class Serialized(BaseModel):
        x: int = 1

        @field_serializer("x")
        def _twice(self, value: int) -> int:
            return value * 2

    assert json_data(Serialized()) == {"x": 2}
