"""The text of each imported answers file: its header and answers rendered while the rows are read, and the
questionnaire part rendered once per import and filled in for each respondent."""

from __future__ import annotations

from typing import Any

from crmcheck.answers.layout import Header, answer_entry, comment_text, dump_answers
from crmcheck.importers.naming import safe_id
from crmcheck.importers.request import ImportRequest
from crmcheck.importers.rows import Respondent

Record = tuple[int, str, str, dict[str, str]]  # row number, safe id, header text, question -> answer YAML


class Renderer:
    """The YAML of each respondent's answers and header, checked while the rows are read."""

    _KEEP = 1024

    def __init__(self, request: ImportRequest, source: str) -> None:
        self.request = request
        self.source = comment_text(source)
        self._entries: dict[Any, str] = {}
        self._heads: dict[tuple[str, str], str] = {}

    def entry(self, value: Any) -> str:
        kind = type(value)
        if kind is str or kind is int or kind is bool:
            key: Any = (kind, value)
        elif kind is list and all(type(v) is str for v in value):
            key = tuple(value)
        else:  # anything else (a float, a mapped value) is rare: written each time
            return answer_entry(value)
        found = self._entries.get(key)
        if found is None:
            found = answer_entry(value)
            if len(self._entries) >= self._KEEP:
                self._entries.clear()
            self._entries[key] = found
        return found

    def head(self, respondent: Respondent) -> str:
        """The file's text before its questionnaire: the import note and the header fields."""
        key = (respondent.name or "", respondent.role or "")
        head = self._heads.get(key)
        if head is None:
            request = self.request
            person = {"name": key[0], "role": key[1], "lens": request.lens}
            header = Header(company=request.company, assessed_on=request.assessed_on, assessor=request.assessor,
                            respondent=person)
            head = dump_answers(header, [], lens=request.lens, schema_comment=False)[:-1]  # ends "questionnaires:"
            if len(self._heads) >= self._KEEP:
                self._heads.clear()
            self._heads[key] = head
        origin = f"row {respondent.row}" + (
            f", respondent {respondent.respondent_id}" if respondent.respondent_id else "")
        return f"# Imported by crmcheck from {self.source} ({comment_text(origin)}).\n{head}"

    def record(self, respondent: Respondent) -> Record:
        """What the respondent's file needs; raises UnwritableText for a value no answers file can hold."""
        entries = {full: self.entry(value) for full, value in respondent.answers.items()}
        return respondent.row, safe_id(respondent.respondent_id), self.head(respondent), entries


class Skeleton:
    """The questionnaire part of the answers files, rendered once per import and filled in for each respondent.

    It is `dump_answers`' own output for the questionnaire, with a marker where each answer goes, so every
    file is exactly what `dump_answers` would write for it.
    """

    def __init__(self, request: ImportRequest) -> None:
        q = request.questionnaire
        self.fulls = list(q.questions)
        header = Header(company=request.company, assessed_on=request.assessed_on)
        marked = {full: f"\0{n}\0" for n, full in enumerate(self.fulls)}
        whole = dump_answers(header, [q], {q.id: marked}, lens=request.lens, schema_comment=False)
        body = whole[whole.index("\nquestionnaires:\n") + len("\nquestionnaires:"):]
        pieces = body.split("\0")  # text, marker number, text, ...; each marker stands after "full:" as " \0n\0"
        between = pieces[0::2]
        self.texts = [text[:-1] for text in between[:-1]] + [between[-1]]  # without the space before a marker
        self.slots = [self.fulls[int(n)] for n in pieces[1::2]]

    def fill(self, entries: dict[str, str]) -> str:
        out = [self.texts[0]]
        for full, text in zip(self.slots, self.texts[1:], strict=True):
            entry = entries.get(full)
            if entry:
                out.append(" " + entry)
            out.append(text)
        return "".join(out)
