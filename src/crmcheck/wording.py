"""Counted nouns in messages and reports: "1 step", "2 steps", never "step(s)"."""

from __future__ import annotations

IRREGULAR = {"was": "were", "has": "have", "is": "are", "exists": "exist", "this": "these", "it": "they"}


def plural(count: int, noun: str, many: str | None = None) -> str:
    """The noun in the form that goes with `count` (`many` for an irregular plural)."""
    if count == 1:
        return noun
    if many is not None:
        return many
    if noun in IRREGULAR:
        return IRREGULAR[noun]
    if noun.endswith(("s", "x", "ch", "sh")):
        return noun + "es"
    if noun.endswith("y") and noun[-2:-1] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def counted(count: int, noun: str, many: str | None = None) -> str:
    """'1 step', '2 steps', '1,250 answers files': the number with the noun that fits it."""
    return f"{count:,} {plural(count, noun, many)}"
