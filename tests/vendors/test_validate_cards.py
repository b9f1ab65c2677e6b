"""`crmcheck validate SELECTION CARD...`: each card's vendor and requirement ids are checked against the selection
given in the same call; a blank card is warned about, and `vendors report` counts it as no evaluator."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import ROOT, run_cli

EXAMPLE = ROOT / "examples" / "brightwater" / "selection"
SELECTION = EXAMPLE / "selection.yaml"
ANA = EXAMPLE / "cards" / "ana.yaml"


def test_a_card_with_misspelt_ids_fails_against_the_selection_given(tmp_path: Path) -> None:
    card = tmp_path / "ana.yaml"
    card.write_text("format: 1\nevaluator: Lee\nscores:\n  northwnd:\n    quotes: 3\n  keelson:\n"
                    "    quotse: 4\n    forecast: 5\n")
    alone = run_cli("validate", str(card))
    assert alone.code == 0, alone.err  # on its own, a card cannot know the selection's ids
    run = run_cli("validate", str(SELECTION), str(card))
    assert run.code == 2
    assert run.err.splitlines() == [
        f"{card}:4:3: unknown vendor 'northwnd' (did you mean 'northwind'?); the selection {SELECTION} has: "
        "harbourlight, keelson, northwind, tidewater",
        f"{card}:7:5: unknown requirement 'quotse' for vendor keelson (did you mean 'quotes'?); not in the "
        f"selection {SELECTION}",
    ]
    assert f"{SELECTION}: ok" in run.out


def test_good_cards_pass_and_say_they_were_checked() -> None:
    cards = sorted((EXAMPLE / "cards").glob("*.yaml"))
    run = run_cli("validate", str(SELECTION), *map(str, cards), "-f", "json")
    assert run.code == 0, run.err
    reports = json.loads(run.out)
    assert [r["kind"] for r in reports] == ["selection"] + ["card"] * len(cards)
    assert all(f"those of {SELECTION}" in r["summary"] for r in reports[1:])


def test_cards_named_before_the_selection_are_checked_too(tmp_path: Path) -> None:
    card = tmp_path / "c.yaml"
    card.write_text("format: 1\nevaluator: Lee\nscores:\n  nobody: {lead-assignment: 3}\n")
    run = run_cli("validate", str(card), str(SELECTION))
    assert run.code == 2
    assert run.err.startswith(f"{card}:4:3: unknown vendor 'nobody'")


def test_a_blank_card_is_warned_about_and_counts_as_no_evaluator(tmp_path: Path) -> None:
    blank = tmp_path / "blank.yaml"
    assert run_cli("vendors", "card", str(SELECTION), "--evaluator", "Lee", "-o", str(blank)).code == 0
    run = run_cli("validate", str(SELECTION), str(blank))
    assert run.code == 0
    warning = f"{blank}: warning: a blank score card (nothing scored yet); it counts as no evaluator"
    assert warning in run.err.splitlines()
    report = run_cli("vendors", "report", str(SELECTION), str(ANA), str(blank), "-f", "json")
    assert report.code == 0, report.err
    assert json.loads(report.out)["evaluators"] == ["Ana Costa"]
    assert warning in report.err.splitlines()
    with_lee = run_cli("vendors", "report", str(SELECTION), str(ANA), "-f", "json")
    # the blank card changes nothing else in the ranking
    assert json.loads(report.out)["vendors"] == json.loads(with_lee.out)["vendors"]
