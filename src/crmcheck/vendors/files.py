"""Selection and score-card files (format 1): strict models, loading, and the checks that tie cards to a selection."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field, field_validator, model_validator

from crmcheck.answers.model import Date
from crmcheck.errors import InputError, Problem
from crmcheck.inert import name_key
from crmcheck.models.base import Id, OptionalText, Strict, Text, Weight, check_format, validate_document
from crmcheck.yamlio import Document, load_mapping

YEARS = 5  # the total cost of ownership covers five years, as the selection method asks
MAX_SCORE = 5
NOT_APPLICABLE = "n/a"
MAX_MONEY = 10**12  # far beyond any CRM budget; keeps sums exact in floats and printable as written
Money = Annotated[float, Field(ge=0, le=MAX_MONEY, allow_inf_nan=False)]
YAML_SUFFIXES = (".yaml", ".yml")


class Requirement(Strict):
    id: Id
    text: Text
    group: Text = "General"
    core: bool = False
    weight: Weight = 1


class AddOn(Strict):
    """A vendor or partner add-on: a yearly fee, a one-off fee, or both."""

    name: Text
    per_year: Money = 0
    once: Money = 0


class Costs(Strict):
    licences_per_year: Money
    implementation: Money = 0
    training: Money = 0
    add_ons: list[AddOn] = Field(default_factory=list)

    def five_year_total(self) -> float:
        return (YEARS * self.licences_per_year + self.implementation + self.training
                + sum(YEARS * a.per_year + a.once for a in self.add_ons))


class Vendor(Strict):
    id: Id
    name: Text
    costs: Costs


class SelectionFile(Strict):
    format: Literal[1]
    company: Text
    title: OptionalText = None
    currency: Annotated[OptionalText, Field(max_length=12)] = None  # a code or symbol shown beside amounts
    core_minimum: float = Field(default=0, ge=0, le=MAX_SCORE, allow_inf_nan=False)
    requirements: list[Requirement] = Field(min_length=1)
    vendors: list[Vendor] = Field(min_length=1)
    deal_breakers: list[Id] = Field(default_factory=list)

    @field_validator("deal_breakers", mode="before")
    @classmethod
    def _none_is_empty(cls, value: Any) -> Any:
        return [] if value is None else value


def _score_value(value: Any) -> Any:
    """A score as written: 0..5 or n/a; booleans and text other than n/a are not scores."""
    if isinstance(value, str) and value.strip().lower() == NOT_APPLICABLE:
        return NOT_APPLICABLE
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"a score is a whole number from 0 to {MAX_SCORE}, or n/a")
    if not 0 <= value <= MAX_SCORE:
        raise ValueError(f"a score is from 0 to {MAX_SCORE}, or n/a; got {value}")
    return value


ScoreValue = Annotated[int | Literal["n/a"], BeforeValidator(_score_value)]


class Score(Strict):
    score: ScoreValue
    note: OptionalText = None


def _expand(value: Any) -> Any:
    """`requirement: 4` is short for `requirement: {score: 4}`; a vendor with nothing scored yet is empty."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        return value
    return {key: item if isinstance(item, dict | BaseModel) else {"score": item} for key, item in value.items()}


VendorScores = Annotated[dict[str, Score], BeforeValidator(_expand)]


class ScoreCard(Strict):
    format: Literal[1]
    evaluator: Text
    role: OptionalText = None
    scored_on: Date | None = None
    scores: dict[str, VendorScores] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _none_scores(cls, value: Any) -> Any:
        if isinstance(value, dict) and value.get("scores", {}) is None:
            return {**value, "scores": {}}
        return value


@dataclass
class Selection:
    model: SelectionFile
    doc: Document

    @property
    def path(self) -> str:
        return self.doc.path


@dataclass
class Card:
    model: ScoreCard
    doc: Document

    @property
    def path(self) -> str:
        return self.doc.path


def _raise(problems: list[Problem]) -> None:
    if problems:
        raise InputError(problems[0].message, problems=problems)


def _problem(doc: Document, message: str, keys: tuple[Any, ...], *, key: bool = False) -> Problem:
    pos = doc.position(keys, key=key)
    return Problem(message, doc.path, pos.line, pos.column)


def parse_selection(doc: Document) -> Selection:
    check_format(doc, "selection")
    model = validate_document(SelectionFile, doc)
    problems: list[Problem] = []
    ids = {"requirements": [r.id for r in model.requirements], "vendors": [v.id for v in model.vendors]}
    for field, items in ids.items():
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item in seen:
                problems.append(_problem(doc, f"{field}[{i}].id: '{item}' is used twice", (field, i, "id")))
            seen.add(item)
    known = {r.id for r in model.requirements}
    for i, rid in enumerate(model.deal_breakers):
        if rid not in known:
            problems.append(_problem(doc, f"deal_breakers[{i}]: '{rid}' is not a requirement of this selection",
                                     ("deal_breakers", i)))
    _raise(problems)
    return Selection(model, doc)


def load_selection(path: str) -> Selection:
    return parse_selection(load_mapping(path))


def parse_card(doc: Document) -> Card:
    check_format(doc, "score card")
    return Card(validate_document(ScoreCard, doc), doc)


def check_card(card: Card, selection: Selection) -> None:
    """Every vendor and requirement a card names must be the selection's."""
    vendors = {v.id for v in selection.model.vendors}
    requirements = {r.id for r in selection.model.requirements}
    problems: list[Problem] = []
    for vid, scores in card.model.scores.items():
        if vid not in vendors:
            problems.append(_problem(card.doc, f"unknown vendor '{vid}'{_did_you_mean(vid, vendors)}; the selection "
                                     f"{selection.path} has: {', '.join(sorted(vendors))}", ("scores", vid), key=True))
            continue
        problems.extend(
            _problem(card.doc, f"unknown requirement '{rid}' for vendor {vid}{_did_you_mean(rid, requirements)}; "
                     f"not in the selection {selection.path}", ("scores", vid, rid), key=True)
            for rid in scores if rid not in requirements
        )
    _raise(problems)


def _did_you_mean(written: str, known: set[str]) -> str:
    import difflib

    close = difflib.get_close_matches(written, sorted(known), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def is_blank(card: Card) -> bool:
    """A card with no score at all yet: it says nothing about any vendor, so it counts as no evaluator."""
    return not any(card.model.scores.values())


def card_paths(arguments: list[str]) -> list[str]:
    """Card files named directly, or every .yaml/.yml file in a named directory (sorted, not recursive)."""
    paths: list[str] = []
    for argument in arguments:
        if Path(argument).is_dir():
            names = sorted(n for n in os.listdir(argument) if n.lower().endswith(YAML_SUFFIXES)
                           and not n.startswith("."))
            if not names:
                raise InputError("directory holds no score cards (.yaml or .yml files)", file=argument)
            paths.extend(str(Path(argument) / n) for n in names)
        else:
            paths.append(argument)
    return list(dict.fromkeys(paths))


def load_cards(arguments: list[str], selection: Selection) -> list[Card]:
    """Load and check every card; two cards by one evaluator are an error (the second one is pointed at)."""
    cards: list[Card] = []
    by_evaluator: dict[str, Card] = {}
    named = set(arguments)
    for path in card_paths(arguments):
        if os.path.realpath(path) == os.path.realpath(selection.path):
            if path not in named:
                continue  # the selection kept in the same folder as the cards
            raise InputError("this is the selection file, not a score card", file=path, line=1, column=1)
        card = parse_card(load_mapping(path))
        check_card(card, selection)
        who = name_key(card.model.evaluator)
        first = by_evaluator.get(who)
        if first is not None:
            line = first.doc.position(("evaluator",)).line
            raise card.doc.error(f"a second card for evaluator '{card.model.evaluator}' (the first is "
                                 f"{first.path}:{line}); one card per evaluator", ("evaluator",))
        by_evaluator[who] = card
        cards.append(card)
    if not cards:
        raise InputError("no score cards given")
    return cards
