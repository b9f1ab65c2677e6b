"""An answers file's rendered text cut at each answer's place: saving new answers into the same frame (header,
questionnaires, targets, kept lines) is then joining strings, not laying the file out anew."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from crmcheck.answers.layout import header_lines
from crmcheck.answers.store import Contents, render

_SLOT = re.compile(" \x00(\\d+)\x00")  # NUL never comes from a questionnaire (the loader refuses it)


@dataclass(frozen=True)
class Slots:
    """The parts of a file's text, and the (questionnaire, question) whose answer goes between two parts."""

    parts: tuple[str, ...]
    places: tuple[tuple[str, str], ...]


def header_text(contents: Contents, *, schema_comment: bool = True) -> str:
    """The text `render` starts with, before `questionnaires:`: the only part that holds the header's fields
    other than the company (the respondent, date, assessor and segment)."""
    return "\n".join(header_lines(contents.header, schema_comment=schema_comment)) + "\n"


def slots_of(contents: Contents, *, schema_comment: bool = True, header: bool = True) -> Slots | None:
    """The text `render` writes for these contents, cut at every question it writes; None when it cannot be cut.
    Without `header` the slots start after `header_text`: the rest is the same for every header with the same
    company and lens, so that one layout serves many respondents."""
    every = [(qid, full) for qid, state in contents.states.items() for full in state.questionnaire.questions]
    marked: dict[str, dict[str, str]] = {qid: {} for qid in contents.states}
    for number, (qid, full) in enumerate(every):
        marked[qid][full] = f"\x00{number}\x00"
    pieces = _SLOT.split(render(contents, schema_comment=schema_comment, entries=marked))
    numbers = [int(n) for n in pieces[1::2]]
    if len(set(numbers)) != len(numbers) or "\x00" in "".join(pieces[0::2]):
        return None
    if not header:
        head = header_text(contents, schema_comment=schema_comment)
        if not pieces[0].startswith(head):
            return None
        pieces[0] = pieces[0][len(head):]
    return Slots(tuple(pieces[0::2]), tuple(every[n] for n in numbers))  # a lens writes only its questions


def fill(slots: Slots, entries: Mapping[str, Mapping[str, str]]) -> str | None:
    """The text with each entry in its place; None when an entry has no place (render then lays the file out)."""
    given = sum(1 for answers in entries.values() for entry in answers.values() if entry)
    if given > len(slots.places):
        return None
    out = [slots.parts[0]]
    used = 0
    for (qid, full), part in zip(slots.places, slots.parts[1:], strict=True):
        entry = entries.get(qid, {}).get(full)
        if entry:
            out.append(" " + entry)
            used += 1
        out.append(part)
    return "".join(out) if used == given else None
