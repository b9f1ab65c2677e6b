"""`crmcheck vendors report` and `card` as library calls: load and check the files, then rank."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from crmcheck.errors import InputError, UsageError
from crmcheck.vendors.files import card_paths, is_blank, load_cards, load_selection
from crmcheck.vendors.ranking import rank_vendors
from crmcheck.vendors.result import VendorReport


def build_report(selection_path: str, card_arguments: list[str],
                 warn: Callable[[str], None] | None = None) -> VendorReport:
    """Rank the selection's vendors from the cards; `warn` hears of each blank card (counted as no evaluator)."""
    selection = load_selection(selection_path)
    cards = load_cards(card_arguments, selection)
    for card in cards:
        if is_blank(card) and warn is not None:
            warn(blank_card_warning(card.path))
    return rank_vendors(selection.model, [c.model for c in cards])


def blank_card_warning(path: str) -> str:
    return f"{path}: warning: a blank score card (nothing scored yet); it counts as no evaluator"


def prepare_output(output: str | None, inputs: list[str]) -> None:
    """Refuse to write over an input file; create the output's missing parent folders."""
    if output in (None, "-"):
        return
    target = Path(str(output))
    paths = [p for p in inputs if not Path(p).is_dir()] + card_paths([p for p in inputs if Path(p).is_dir()])
    if target.exists() and any(os.path.exists(p) and os.path.samefile(p, target) for p in paths):
        raise UsageError(f"{output} is one of the input files; write the output somewhere else")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create directory: {exc.strerror or exc}", file=str(target.parent)) from None
