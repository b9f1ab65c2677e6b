"""The one owner of an answers file's save cycle: load -> merge -> render -> verify -> write.

Every command that writes an answers file (interview, collect, `measure --write`) goes through here:

- `load_text` parses a file's text and carries its answers into the current questionnaires (reconcile), keeping
  the kept lines (`#~`) and every field of an answer (a `measured` block survives a save by any writer);
- `render` lays the contents out through answers/layout.py;
- `verify` reads what was rendered back with the strict loader and compares it with what was meant, once, from
  the text in memory (never a re-read of the file); `verify_entries` checks answer lines rendered anew alone,
  and `header_reads_back` the header lines alone, for a writer that has checked the rest of the same text whole
  before (collect);
- `write_answers_text` is the one write: atomic (temp file, fsync, rename, fsync of the folder), or into the
  file when it has other names (hard links), held back from signals (`Stopping.deferred()`);
- `AnswersStore` is one writer's hold on one file: what it last read or wrote (an outside change is seen), its
  lock, its hard links, the backup of comments a rewrite would drop.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crmcheck.answers.disk import Fingerprint, backup_copy, fingerprint, lost_comment_lines, write_into
from crmcheck.answers.layout import Header, KeptLine, dump_answers, read_kept
from crmcheck.answers.lock import AnswersLock
from crmcheck.answers.model import (
    Answer,
    AnswersDocument,
    AnswersFile,
    AnswersHeader,
    QuestionnaireAnswers,
    parse_answers,
)
from crmcheck.answers.reconcile import QuestionnaireState, Reconciled, answer_text, reconcile
from crmcheck.answers.signals import Stopping
from crmcheck.catalog import Catalog
from crmcheck.errors import CrmcheckError, InputError
from crmcheck.models.questionnaire import Question, Questionnaire
from crmcheck.resolve import Response, is_not_applicable, resolve, score_value
from crmcheck.yamlio import parse, read_text, write_atomic

# Characters YAML (1.1, as libyaml reads it) takes as a line break: an entry holding none of them is one line of
# the file, and reads alone as it reads in the file.
LINE_BREAKS = re.compile("[\n\r\x85\u2028\u2029]")


class NotAsMeant(InputError):
    """The text about to be written does not load back as what was meant; nothing was written."""


@dataclass
class Contents:
    """What an answers file holds, as a writer means it: the header, each questionnaire's answers and kept lines."""

    header: Header
    states: dict[str, QuestionnaireState] = field(default_factory=dict)

    @property
    def lens(self) -> str:
        return (self.header.respondent or {}).get("lens") or "company"

    def kept(self) -> set[KeptLine]:
        return {k for s in self.states.values() for k in s.kept}


@dataclass
class Loaded:
    """A file's text, parsed and carried into the current questionnaires."""

    text: str
    source: AnswersDocument
    reconciled: list[Reconciled]
    orphans: list[KeptLine]  # kept lines of questionnaires the file no longer has

    @property
    def file(self) -> AnswersFile:
        return self.source.answers

    def contents(self, header: Header | None = None) -> Contents:
        """The file's contents as a writer would save them again (orphaned kept lines with the first questionnaire)."""
        states = {r.state.questionnaire.id: r.state for r in self.reconciled}
        if self.orphans and states:
            next(iter(states.values())).kept.extend(self.orphans)
        return Contents(header or header_of(self.file), states)


def header_of(file: AnswersHeader) -> Header:
    """The header fields an answers file holds, as they are written again."""
    respondent = file.respondent.model_dump(exclude_none=True) if file.respondent else None
    return Header(company=file.company, assessed_on=file.assessed_on, assessor=file.assessor,
                  respondent={k: str(v) for k, v in respondent.items()} if respondent else None,
                  segment={k: str(v) for k, v in file.segment.model_dump(exclude_none=True).items()}
                  if file.segment else None)


QuestionnairesOf = Callable[[AnswersDocument], Sequence[tuple[str, Questionnaire]]]


def in_catalog(catalog: Catalog) -> QuestionnairesOf:
    """Each questionnaire a file answers, as the catalog has it now (its errors point into the file)."""
    def of(source: AnswersDocument) -> Sequence[tuple[str, Questionnaire]]:
        return [(key, catalog.load(key, context=source.doc, keys=("questionnaires", key)))
                for key in source.answers.questionnaires]
    return of


def fixed(questionnaires: Sequence[Questionnaire]) -> QuestionnairesOf:
    """The same questionnaires for every file, answered or not (a collection's)."""
    pairs = [(q.id, q) for q in questionnaires]
    return lambda source: pairs


def load_text(text: str, path: str, questionnaires: QuestionnairesOf) -> Loaded:
    """Parse the text and reconcile the answers of each (key, questionnaire) `questionnaires` names for the file
    (raises the file's errors with their positions)."""
    source = parse_answers(parse(text, path))
    kept = read_kept(text)
    reconciled: list[Reconciled] = []
    keys: set[str] = set()
    for key, q in questionnaires(source):
        keys.add(key)
        mine = [k for k in kept if k.questionnaire == key]
        reconciled.append(reconcile(q, source.answers.questionnaires.get(key), mine, source, key))
    return Loaded(text, source, reconciled, [k for k in kept if k.questionnaire not in keys])


Held = Mapping[str, QuestionnaireState] | Mapping[str, Mapping[str, Answer]]


def entries_of(states: Held) -> dict[str, dict[str, str]]:
    """Each answer's YAML entry (every field it has, `measured` included), by questionnaire and question."""
    out: dict[str, dict[str, str]] = {}
    for qid, held in states.items():
        answers = held.answers if isinstance(held, QuestionnaireState) else held
        out[qid] = {full: answer_text(a) for full, a in answers.items()}
    return out


def render(contents: Contents, *, schema_comment: bool = True,
           entries: Mapping[str, Mapping[str, str]] | None = None) -> str:
    """The file's text (answers/layout.py); `entries` when the caller has them already."""
    states = list(contents.states.values())
    return dump_answers(
        contents.header, [s.questionnaire for s in states],
        entries if entries is not None else entries_of(contents.states),
        {s.questionnaire.id: s.targets for s in states}, lens=contents.lens, schema_comment=schema_comment,
        kept={s.questionnaire.id: s.kept for s in states},
    )


def comparable(r: Response | None) -> tuple[object, ...] | None:
    """A response as compared after a save: numbers as text (a number read back from YAML keeps the text it was
    written as), yes/no apart from the words yes and no."""
    if r is None:
        return None
    return (r.status, isinstance(r.value, bool), str(r.value), r.score, r.note, r.evidence, r.reason, r.unknown,
            r.measured)


def _as_meant(state: QuestionnaireState, source: AnswersDocument) -> dict[str, Response]:
    meant = QuestionnaireAnswers.model_validate(
        {"targets": state.targets, "answers": {k: a.model_dump(exclude_none=True) for k, a in state.answers.items()}})
    return resolve(state.questionnaire, meant, source, state.questionnaire.id)


def verify(text: str, path: str, contents: Contents, *, kept: bool = True) -> None:
    """The rendered text must load with the strict loader and hold exactly `contents`: every answer (all its
    fields), the targets, the company, date and lens, and (with `kept`) every kept line. Raises NotAsMeant."""
    try:
        source = parse_answers(parse(text, path))
        file = source.answers
        for qid, state in contents.states.items():
            part = file.questionnaires.get(qid)
            if part is None or part.targets != state.targets:
                raise NotAsMeant(f"the answers of {qid} would not be written as given; nothing was written",
                                 file=path)
            written = resolve(state.questionnaire, part, source, qid)
            meant = _as_meant(state, source)
            differ = next((k for k in meant.keys() | written.keys()
                           if comparable(written.get(k)) != comparable(meant.get(k))), None)
            if differ is not None:
                raise NotAsMeant(f"the answer to {differ} in {qid} would not be written as given; nothing was "
                                 "written", file=path)
    except NotAsMeant:
        raise
    except CrmcheckError as exc:
        raise NotAsMeant(f"the answers file to be written does not load back ({exc}); nothing was written",
                         file=path) from None
    h = contents.header
    if file.company != h.company or file.assessed_on != h.assessed_on or file.lens != contents.lens:
        raise NotAsMeant("the header of the answers file would not be written as given; nothing was written",
                         file=path)
    if kept and set(read_kept(text)) != contents.kept():
        raise NotAsMeant("the answers file to be written does not hold every kept answer; nothing was written",
                         file=path)


def header_reads_back(head: str, path: str, header: Header, lens: str) -> bool:
    """Whether header lines alone (`layout.header_lines`: complete top-level fields, each on one line) load with the
    strict loader and the answers model as exactly `header` and `lens`. False asks for the whole text's check; it
    refuses nothing itself."""
    try:
        read = AnswersHeader.model_validate(parse(head, path).data)
    except (CrmcheckError, ValueError):
        return False
    return header_of(read) == header and read.lens == lens


def one_line(entry: str) -> bool:
    """Whether an entry reads alone as it reads in the file (it holds nothing YAML takes as a line break)."""
    return LINE_BREAKS.search(entry) is None


def verify_entries(path: str, lines: Iterable[tuple[str, str, str, Answer]],
                   questionnaires: Mapping[str, Questionnaire]) -> None:
    """Answer lines rendered anew, (questionnaire, question, entry, the answer meant), each read back alone with the
    strict loader as the file reads it, must give the answer meant (every field) and fit its question.

    For a writer whose text was verified whole before and differs only in these entries (one line each).
    """
    by_questionnaire: dict[str, list[tuple[str, str, Answer]]] = {}
    for qid, full, entry, meant in lines:
        if not one_line(entry):
            raise NotAsMeant(f"the answer to {full} is not one line; check the whole text", file=path)
        by_questionnaire.setdefault(qid, []).append((full, entry, meant))
    for qid, given in by_questionnaire.items():
        body = "\n".join(f"  {full}: {entry}" for full, entry, _ in given)
        try:
            data = parse(f"answers:\n{body}\n", path).data
            read = QuestionnaireAnswers.model_validate(data)
        except (CrmcheckError, ValueError) as exc:
            raise NotAsMeant(f"the answers would not load back ({exc}); nothing was written", file=path) from None
        q = questionnaires[qid]
        for full, _, meant in given:
            back = read.answers.get(full)
            if full not in q.questions:
                raise NotAsMeant(f"{full} is not a question of {qid}; nothing was written", file=path)
            question = q.questions[full][1]
            try:
                same = back is not None and _answer_key(question, q, back) == _answer_key(question, q, meant)
            except ValueError as exc:
                raise NotAsMeant(f"the answer to {full} in {qid} does not fit its question ({exc}); nothing was "
                                 "written", file=path) from None
            if not same:
                raise NotAsMeant(f"the answer to {full} in {qid} would not be written as given; nothing was written",
                                 file=path)


def _answer_key(question: Question, q: Questionnaire, a: Answer) -> tuple[object, ...]:
    """An answer as its question reads it (the value normalised and scored, as `resolve` does), every other field
    as written; raises ValueError when the value does not fit the question."""
    value: Any = a.value
    score: float | None = None
    if value is not None and not is_not_applicable(value):
        value, score = score_value(question, q, value)
    shown: Any = [str(v) for v in value] if isinstance(value, list) else str(value)
    return (isinstance(value, bool), shown, score, a.note, a.evidence, a.reason, a.measured)


def write_answers_text(path: Path, text: str, *, hard_linked: bool = False, lock: AnswersLock | None = None,
                       signals: Stopping | None = None, then: Callable[[bool], None] | None = None) -> bool:
    """The one write of an answers file: atomic, or into the file when it has other names (every name then sees
    the save); a signal waits until it is done, and until `then` (the writer's own note of what the file holds
    now) has run. Returns whether the file is hard-linked (it may have become so)."""
    with signals.deferred() if signals is not None else contextlib.nullcontext():
        linked = hard_linked or (lock is not None and AnswersLock.has_other_names(path))  # linked: keep one file
        if linked:
            write_into(path, text)
        else:
            write_atomic(path, text)
            if lock is not None:
                lock.relock()  # the lock goes with the new file (inode), not only the path
        if then is not None:
            then(linked)
        return linked


def text_fingerprint(text: str) -> Fingerprint:
    return Fingerprint(hashlib.sha256(text.encode("utf-8")).hexdigest())


class AnswersStore:
    """One writer's hold on one answers file: load it, save contents to it, see another program's change."""

    def __init__(self, path: Path, target: Path | None = None, *, signals: Stopping | None = None) -> None:
        self.path = path  # the real file: what is read, locked and written
        self.target = target or path  # as given: what messages quote
        self.signals = signals
        self.lock: AnswersLock | None = None
        self.hard_linked = False
        self.disk: Fingerprint | None = None  # the file as last read or written; None until it exists
        self.last_read: str | None = None  # the text `load` read

    def load(self, questionnaires: QuestionnairesOf) -> Loaded:
        """Read and reconcile the file; what it held is remembered, so that a later change is seen."""
        self.disk = fingerprint(self.path)  # before reading: a change after it is then never missed
        loaded = self.load_again(questionnaires)
        self.last_read = loaded.text
        return loaded

    def load_again(self, questionnaires: QuestionnairesOf) -> Loaded:
        """Read and reconcile the file as it is now, without taking it as the state saves are measured against."""
        return load_text(read_text(self.path), str(self.target), questionnaires)

    def changed_outside(self) -> bool:
        """Whether the file differs from what this store last read or wrote (gone counts, once it existed)."""
        return fingerprint(self.path) != self.disk

    def render(self, contents: Contents) -> str:
        return render(contents)

    def save(self, contents: Contents, *, text: str | None = None, then: Callable[[], None] | None = None) -> str:
        """Render (unless given the text), verify and write; returns the text written. `then` runs within the save
        (a signal waits for it too): the writer's own note of what the file now holds."""
        text = render(contents) if text is None else text
        verify(text, str(self.target), contents)

        def written(linked: bool) -> None:
            self.hard_linked = linked
            self.disk = text_fingerprint(text)
            if then is not None:
                then()

        write_answers_text(self.path, text, hard_linked=self.hard_linked, lock=self.lock, signals=self.signals,
                           then=written)
        return text

    def backup_if_comments_lost(self, original: str, text: str) -> tuple[int, Path | None]:
        """When the new text drops lines of comments the file had: how many, and the FILE.bak they are kept in."""
        lost = lost_comment_lines(original, text)
        return lost, backup_copy(self.path, original) if lost else None
