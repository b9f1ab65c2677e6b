"""Telling the other crmcheck files in a folder of answers (a policy, a selection, score cards, a questionnaire) apart
from answers files, as `validate` does, so that `report DIR` and `benchmark DIR` skip them with one line."""

from __future__ import annotations

import re

from crmcheck.errors import CrmcheckError
from crmcheck.yamlio import Document

# top-level keys (at the start of a line) that only the other kinds have; an answers file never has one
_OTHER_KEYS = re.compile(
    rb"^(?:sections|scales|levels|requirements|vendors|evaluator|scores|rules|actions|columns)[ \t]*:", re.M)
_NAMES = {"questionnaire": "questionnaire", "policy": "policy", "selection": "vendor selection",
          "card": "score card", "plan": "improvement plan",
          "measure": "measure config"}
SHOWN = 5  # files named in the one line; the rest are counted
# the other kinds name themselves early (a policy's `rules`, a card's `evaluator`, a questionnaire's `scales` or
# `levels`): the start of a file is enough, and a large answers file is not read twice
HEAD_BYTES = 64 * 1024


def kind_of(doc: Document) -> str:
    """What a parsed crmcheck file is, by the top-level keys only its kind has; an error when none fits."""
    data = doc.data
    if "sections" in data or "scales" in data or "levels" in data:
        return "questionnaire"
    if "requirements" in data or "vendors" in data:
        return "selection"
    if "evaluator" in data or "scores" in data:
        return "card"
    if "actions" in data or "assessment" in data:
        return "plan"
    if "columns" in data or "cost_per_ticket" in data or "financing_rate" in data:
        return "measure"
    if "questionnaires" in data or "company" in data:
        return "answers"
    if "rules" in data:
        return "policy"
    raise doc.error("cannot tell what this file is: a questionnaire has 'sections', an answers file has "
                    "'company' and 'questionnaires', a policy has 'rules', a vendor selection has "
                    "'requirements' and 'vendors', a score card has 'evaluator' and 'scores', a plan has "
                    "'assessment' and 'actions', a measure config has 'columns'")


def other_kind(path: str) -> str | None:
    """What a file is when it reads as a crmcheck file of another kind than answers; None for an answers file and
    for anything that does not read at all (the answers loader then says what is wrong with it)."""
    from crmcheck.yamlio import load_mapping

    try:
        kind = kind_of(load_mapping(path))
    except CrmcheckError:
        return None
    return None if kind == "answers" else kind


def looks_like_other_kind(path: str) -> str | None:
    """`other_kind`, read only for files that have a top-level key of another kind (a cheap look at the bytes
    first, so that answers files are not parsed twice)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError:
        return None
    return other_kind(path) if _OTHER_KEYS.search(head) else None


def skipped_line(found: list[tuple[str, str]]) -> str:
    """One line for every file left out as another kind: how many, and the first few with their kind."""
    shown = ", ".join(f"{path} ({_NAMES.get(kind, kind)})" for path, kind in found[:SHOWN])
    more = f" and {len(found) - SHOWN} more" if len(found) > SHOWN else ""
    files = "file that is" if len(found) == 1 else "files that are"
    return f"skipped {len(found)} {files} not answers files: {shown}{more}"
