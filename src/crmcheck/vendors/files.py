"""Selection and score-card files (format 1): loading, and the checks that tie cards to a selection (the models are
in models/vendors.py)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crmcheck.errors import InputError, Problem
from crmcheck.inert import name_key
from crmcheck.models.base import check_format, validate_document
from crmcheck.models.vendors import ScoreCard, SelectionFile
from crmcheck.yamlio import Document, load_mapping

YAML_SUFFIXES = (".yaml", ".yml")


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
