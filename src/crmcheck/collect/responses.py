"""A respondent's answers file as the collect server keeps it: the saved answers read back (cached), one page's
answers merged in and saved through the answers store (answers/store.py), the progress in the file's first line.

The file's first line, a comment, says where the respondent resumes and whether they pressed Finish (the
progress): one atomic write saves both, so the two never disagree and a save costs one file's fsyncs.

Every text is verified before it is written (answers/store.py). The text after the header depends only on the
company, the lens, the targets and kept lines, and the answers: it is checked whole the first time it is written
with those (so at the first save of the first respondent of a lens), and then again whenever they change. After
that the rest of the text is as verified: a save reads back the answer lines it rendered anew, each entry alone,
and, at a respondent's first save, the header lines alone (a header that does not read back as meant has the
whole text checked, which refuses it). A save keeps every field the page does not change (the file's header,
targets, a `measured` block, kept lines).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from crmcheck.answers import store as answers_store
from crmcheck.answers.layout import Header, KeptLine
from crmcheck.answers.model import Answer
from crmcheck.answers.reconcile import QuestionnaireState, answer_text
from crmcheck.answers.slots import Slots, fill, header_text, slots_of
from crmcheck.answers.store import Contents, entries_of, fixed, header_of, load_text, one_line, render
from crmcheck.errors import CrmcheckError
from crmcheck.models.questionnaire import Questionnaire
from crmcheck.yamlio import read_text

Held = dict[str, dict[str, Answer]]  # questionnaire id -> full question id -> answer
Kept = dict[str, list[KeptLine]]  # questionnaire id -> answers its current version cannot hold


# The progress comment; `saved` is UTC. Older collections kept it in progress/ID.json (folder.read_progress).
PROGRESS_PREFIX = "# crmcheck collect: resume at page "
_PROGRESS = re.compile(r"# crmcheck collect: resume at page (\d+); (finished|not finished); saved (\S+)\n?\Z")
_MAX_CHECKED = 100_000  # answer lines remembered as checked, then forgotten (memory stays bounded)


def progress_comment(page: int, finished: bool) -> str:
    saved = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return f"{PROGRESS_PREFIX}{page}; {'finished' if finished else 'not finished'}; saved {saved}\n"


def saved_progress(path: Path) -> dict[str, object] | None:
    """The progress in an answers file's first line ({page, finished, saved_at}); None when it has none."""
    try:
        with open(path, "rb") as handle:
            first = handle.readline(200).decode("utf-8", "replace")
    except OSError:
        return None
    return _progress_in(first)


def _progress_in(first: str) -> dict[str, object] | None:
    match = _PROGRESS.match(first)
    if match is None:
        return None
    return {"page": int(match[1]), "finished": match[2] == "finished", "saved_at": match[3]}


class SaveError(RuntimeError):
    """The answers could not be saved; the file on disk is left as it was."""


@dataclass(frozen=True)
class Respondent:
    """Whose file it is, as the answers file's header says."""

    id: str
    lens: str
    name: str | None
    company: str
    assessed_on: object  # dt.date


Frame = tuple[object, ...]  # what around the answers a text was verified with
_MAX_LAYOUTS = 10_000


@dataclass
class _Read:
    """A file as last read or written: its identity then, its header (None: no file yet) and its contents."""

    identity: tuple[int, int, int]
    header: Header | None
    states: dict[str, QuestionnaireState] = field(default_factory=dict)
    finished: bool | None = None  # what the progress line says; None: the file has none
    entries: dict[str, dict[str, str]] | None = None  # each answer's YAML entry, when known (store.entries_of)


@dataclass
class PendingSave:
    """A save checked and ready to write: the text, and what the store notes once it is written."""

    path: Path
    text: str
    contents: Contents
    entries: dict[str, dict[str, str]]
    head: str  # the header lines, as checked
    lines: list[tuple[str, str, str]]  # every answer line, as checked
    finished: bool | None


def _copied(states: Mapping[str, QuestionnaireState]) -> dict[str, QuestionnaireState]:
    return {qid: QuestionnaireState(s.questionnaire, dict(s.answers), dict(s.targets), list(s.kept))
            for qid, s in states.items()}


def _entries(entries: Mapping[str, Mapping[str, str]] | None) -> dict[str, dict[str, str]] | None:
    return {qid: dict(given) for qid, given in entries.items()} if entries is not None else None


def _body_frame(contents: Contents) -> Frame:
    """What the text after the header depends on besides the answers: the company (in the questions' wording),
    the lens, each questionnaire's targets and kept lines."""
    return (contents.header.company, contents.lens,
            tuple((qid, tuple(s.targets.items()), tuple(s.kept)) for qid, s in contents.states.items()))


class ResponseStore:
    """Reads and writes `responses/ID.yaml`, one writer per respondent at a time."""

    def __init__(self, questionnaires: list[Questionnaire]) -> None:
        self.questionnaires = questionnaires
        self._by_id = {q.id: q for q in questionnaires}
        self._guard = threading.Lock()
        # path -> the file as last read or written: a page shown right after its save is not re-parsed
        self._read: dict[str, _Read] = {}
        # what was checked: the text after the header, whole (by company, lens, targets and kept lines); each
        # file's header lines; answer lines
        self._checked_bodies: set[Frame] = set()
        self._checked_heads: dict[str, str] = {}
        self._checked_lines: set[tuple[str, str, str]] = set()
        self._layouts: dict[Frame, Slots | None] = {}

    def read(self, path: Path) -> Held:
        return self.read_all(path)[0]

    def read_all(self, path: Path) -> tuple[Held, Kept]:
        """The saved answers by questionnaire, and the kept lines: answers the questionnaire can no longer hold.

        Should a questionnaire change while answers are collected, an answer to a removed or changed
        question is carried along as a `#~` kept line (as the interview does), never dropped.
        """
        states = self._load(path).states
        return ({qid: dict(s.answers) for qid, s in states.items()}, {qid: list(s.kept) for qid, s in states.items()})

    def contents(self, path: Path, who: Respondent) -> Contents:
        """What the file holds (a copy), with the invite's header when there is no file yet."""
        read = self._load(path)
        return Contents(read.header or self._header(who), read.states)

    def _load(self, path: Path) -> _Read:
        try:
            info = os.stat(path)
        except FileNotFoundError:
            return _Read((0, 0, 0), None, {q.id: QuestionnaireState(q) for q in self.questionnaires})
        except OSError as exc:
            raise SaveError(f"the saved answers cannot be read ({exc.strerror})") from None
        identity = (info.st_ino, info.st_mtime_ns, info.st_size)
        with self._guard:
            cached = self._read.get(str(path))
        if cached is not None and cached.identity == identity:
            return _Read(identity, cached.header, _copied(cached.states), cached.finished, _entries(cached.entries))
        try:
            text = read_text(path)
            loaded = load_text(text, str(path), fixed(self.questionnaires))
        except CrmcheckError as exc:
            raise SaveError(f"the saved answers cannot be read ({exc}); they were left as they are") from None
        progress = _progress_in(text.split("\n", 1)[0])
        read = _Read(identity, header_of(loaded.file), {r.state.questionnaire.id: r.state for r in loaded.reconciled},
                     bool(progress["finished"]) if progress is not None else None)
        with self._guard:
            self._read[str(path)] = _Read(identity, read.header, _copied(read.states), read.finished)
        return read

    def _header(self, who: Respondent) -> Header:
        return Header(company=who.company, assessed_on=who.assessed_on,  # type: ignore[arg-type]
                      respondent={"name": who.name or who.id, "lens": who.lens})

    def _render(self, contents: Contents, entries: Mapping[str, Mapping[str, str]]) -> tuple[str, str]:
        """The file's header lines and its whole text (without the progress): the header, then the body's layout
        filled in (made once per company, lens, targets and kept lines: once for all respondents of a lens), or
        laid out anew."""
        frame = _body_frame(contents)
        head = header_text(contents, schema_comment=False)
        with self._guard:
            known = frame in self._layouts
            slots = self._layouts.get(frame)
        body = fill(slots, entries) if slots is not None else None
        if body is not None:
            return head, head + body
        text = render(contents, schema_comment=False, entries=entries)
        if not known:  # used only where it gives the same text as render
            slots = slots_of(contents, schema_comment=False, header=False)
            body = fill(slots, entries) if slots is not None else None
            if body is None or head + body != text:
                slots = None
            with self._guard:
                if len(self._layouts) > _MAX_LAYOUTS:
                    self._layouts.clear()
                self._layouts[frame] = slots
        return head, text

    def _verify(self, path: Path, contents: Contents, head: str, text: str,
                new: list[tuple[str, str, str]]) -> None:
        """Check the text before it is written. Whole, unless the text after the header was checked whole before
        (for any respondent) with these targets and kept lines: then the header lines alone (unless this file's
        were checked already) and the answer lines not checked before, each alone."""
        with self._guard:
            body_checked = _body_frame(contents) in self._checked_bodies
            head_checked = self._checked_heads.get(str(path)) == head
        if body_checked and all(one_line(entry) for _, _, entry in new) and (
                head_checked or answers_store.header_reads_back(head, str(path), contents.header, contents.lens)):
            if new:
                answers_store.verify_entries(str(path), [(qid, full, entry, contents.states[qid].answers[full])
                                                         for qid, full, entry in new], self._by_id)
        else:
            answers_store.verify(text, str(path), contents)

    def save_page(self, path: Path, who: Respondent, questionnaire: Questionnaire,
                  answers: Mapping[str, Answer | None], progress: tuple[int, bool] | None = None, *,
                  finished_before: Callable[[], bool] | None = None) -> Held:
        """Merge one page's answers into the file and write it (`prepare_page`, then `write`)."""
        return self.write(self.prepare_page(path, who, questionnaire, answers, progress,
                                            finished_before=finished_before))

    def prepare_page(self, path: Path, who: Respondent, questionnaire: Questionnaire,
                     answers: Mapping[str, Answer | None], progress: tuple[int, bool] | None = None, *,
                     finished_before: Callable[[], bool] | None = None) -> PendingSave:
        """The file's text with one page's answers merged in and the progress (the page to resume at, whether the
        respondent finished) in its first line, checked, not yet written (SaveError when it cannot be). One save
        per respondent at a time, until its `write` is done: the caller sees to that. With `finished_before`, a
        respondent who finished stays finished: as the file's progress line says (read with the answers, or
        known from the last save), or for a file without one, as `finished_before` says."""
        read = self._load(path)
        contents = Contents(read.header or self._header(who), read.states)
        if progress is not None and finished_before is not None and not progress[1]:
            progress = (progress[0], read.finished if read.finished is not None else finished_before())
        mine = contents.states[questionnaire.id].answers
        # the entries of the answers the page leaves alone are those of the last save, when it is known
        given = read.entries.setdefault(questionnaire.id, {}) if read.entries is not None else None
        for full, answer in answers.items():
            if answer is None:
                mine.pop(full, None)
                if given is not None:
                    given.pop(full, None)
            else:
                mine[full] = answer
                if given is not None:
                    given[full] = answer_text(answer)
        entries = read.entries if read.entries is not None else entries_of(contents.states)
        head, text = self._render(contents, entries)
        text = (progress_comment(*progress) if progress is not None else "") + text
        lines = [(qid, full, entry) for qid, given in entries.items() for full, entry in given.items()]
        new = [line for line in lines if line not in self._checked_lines]
        try:
            self._verify(path, contents, head, text, new)
        except CrmcheckError as exc:
            raise SaveError(exc.problems[0].message) from None
        return PendingSave(path, text, contents, entries, head, lines, progress[1] if progress is not None else None)

    def write(self, pending: PendingSave) -> Held:
        """The one atomic write of a prepared save (its fsyncs wait on the disk: a worker thread's part), then the
        store's note of what the file now holds; returns the answers saved."""
        path, contents = pending.path, pending.contents
        try:
            answers_store.write_answers_text(path, pending.text)
            info = os.stat(path)
        except (CrmcheckError, OSError) as exc:
            raise SaveError(str(exc)) from None
        with self._guard:  # what was just written is what the file holds: the next page needs no re-reading
            # kept as they are: a prepared save's contents are its own (`_load` hands out copies), and a read of
            # the cache copies them again
            self._read[str(path)] = _Read((info.st_ino, info.st_mtime_ns, info.st_size), contents.header,
                                          contents.states, pending.finished, pending.entries)
            if len(self._checked_bodies) > _MAX_LAYOUTS:
                self._checked_bodies.clear()
            self._checked_bodies.add(_body_frame(contents))
            self._checked_heads[str(path)] = pending.head
            if len(self._checked_lines) > _MAX_CHECKED:
                self._checked_lines.clear()
            self._checked_lines.update(pending.lines)
        return {qid: dict(s.answers) for qid, s in contents.states.items()}
