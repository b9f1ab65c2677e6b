"""A respondent's answers file: read it, merge one page's answers into it, check the text, write it atomically.

The file's first line, a comment, says where the respondent resumes and whether they pressed Finish (the
progress): one atomic write saves both, so the two never disagree and a save costs one file's fsyncs.

Every text is checked before it is written: it must load with the strict loader and hold exactly the answers
given. The whole text is checked at a respondent's first save (and whenever the part around the answers
changes: the header, the kept lines); after that the rest of the text is as checked and each save checks
what it rendered anew, the lines of answers not checked before, read back as an answers file of their own.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from crmcheck.answers.layout import Header, KeptLine, answer_entry, dump_answers, read_kept
from crmcheck.answers.model import Answer, QuestionnaireAnswers, parse_answers
from crmcheck.errors import CrmcheckError
from crmcheck.models.questionnaire import Questionnaire
from crmcheck.resolve import Response, resolve
from crmcheck.yamlio import parse, read_text, write_atomic

Held = dict[str, dict[str, Answer]]  # questionnaire id -> full question id -> answer
Kept = dict[str, list[KeptLine]]  # questionnaire id -> answers its current version cannot hold


# The progress comment; `saved` is UTC. Older collections kept it in progress/ID.json (folder.read_progress).
PROGRESS_PREFIX = "# crmcheck collect: resume at page "
_PROGRESS = re.compile(r"# crmcheck collect: resume at page (\d+); (finished|not finished); saved (\S+)\n?\Z")
# Characters YAML (1.1, as libyaml reads it) takes as a line break: an answer's text holding none of them is
# one line of the file, read alone as it is read in the file.
_LINE_BREAKS = re.compile("[\n\r\x85\u2028\u2029]")
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


def _comparable(responses: Mapping[str, Response]) -> dict[str, tuple[object, ...]]:
    """Responses with numbers as text: a number read back from YAML keeps the text it was written as."""
    return {full: (r.status, str(r.value), r.score, r.note, r.evidence, r.reason) for full, r in responses.items()}


Layout = tuple[list[str], list[tuple[str, str]]]  # the parts of a file's text, and the answer slots between them
_SLOT = re.compile(" \x00(\\d+)\x00")  # NUL never comes from a questionnaire (the loader refuses it)
_MAX_LAYOUTS = 10_000


def _fill(layout: Layout, entries: Mapping[str, Mapping[str, str]]) -> str | None:
    """The text with each answer in its slot; None when the layout cannot hold these answers."""
    parts, slots = layout
    if not parts:
        return None
    if sum(len(given) for given in entries.values()) > len(slots):
        return None
    out = [parts[0]]
    used = 0
    for (qid, full), part in zip(slots, parts[1:], strict=True):
        entry = entries.get(qid, {}).get(full)
        if entry:
            out.append(" " + entry)
            used += 1
        out.append(part)
    if used != sum(1 for given in entries.values() for entry in given.values() if entry):
        return None  # an answer to a question the layout has no slot for
    return "".join(out)


class ResponseStore:
    """Reads and writes `responses/ID.yaml`, one writer per respondent at a time."""

    def __init__(self, questionnaires: list[Questionnaire]) -> None:
        self.questionnaires = questionnaires
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        # path -> (the file's identity when read, what it held): a page shown right after its save is not re-parsed
        self._read: dict[str, tuple[tuple[int, int, int], Held, Kept]] = {}
        # path -> what around the answers was checked whole (header, kept lines); answer lines checked since
        self._checked_frame: dict[str, tuple[object, ...]] = {}
        self._checked_lines: set[tuple[str, str, str]] = set()
        self._layouts: dict[tuple[object, ...], Layout] = {}

    def lock(self, respondent: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(respondent, threading.Lock())

    def read(self, path: Path) -> Held:
        return self.read_all(path)[0]

    def read_all(self, path: Path) -> tuple[Held, Kept]:
        """The saved answers by questionnaire, and the kept lines: answers the questionnaire can no longer hold.

        Should a questionnaire change while answers are collected, an answer to a removed or changed
        question is carried along as a `#~` kept line (as the interview does), never dropped.
        """
        held: Held = {q.id: {} for q in self.questionnaires}
        kept: Kept = {q.id: [] for q in self.questionnaires}
        try:
            info = os.stat(path)
        except FileNotFoundError:
            return held, kept
        except OSError as exc:
            raise SaveError(f"the saved answers cannot be read ({exc.strerror})") from None
        identity = (info.st_ino, info.st_mtime_ns, info.st_size)
        with self._guard:
            cached = self._read.get(str(path))
        if cached is not None and cached[0] == identity:
            return {k: dict(v) for k, v in cached[1].items()}, {k: list(v) for k, v in cached[2].items()}
        from crmcheck.interview import reconcile

        try:
            text = read_text(path)
            source = parse_answers(parse(text, str(path)))
            lines = read_kept(text)
            for q in self.questionnaires:
                part = source.answers.questionnaires.get(q.id)
                result = reconcile(q, part, [k for k in lines if k.questionnaire == q.id], source, q.id)
                held[q.id] = dict(result.state.answers)
                kept[q.id] = list(result.state.kept)
        except CrmcheckError as exc:
            raise SaveError(f"the saved answers cannot be read ({exc}); they were left as they are") from None
        with self._guard:
            self._read[str(path)] = (identity, {k: dict(v) for k, v in held.items()},
                                     {k: list(v) for k, v in kept.items()})
        return held, kept

    def _entries(self, held: Mapping[str, Mapping[str, Answer]]) -> dict[str, dict[str, str]]:
        return {qid: {full: answer_entry(a.value, a.note, a.evidence, a.reason) for full, a in answers.items()}
                for qid, answers in held.items()}

    def text(self, who: Respondent, held: Mapping[str, Mapping[str, Answer]], kept: Kept | None = None,
             progress: tuple[int, bool] | None = None) -> str:
        return self._render(who, self._entries(held), kept, progress)

    def _render(self, who: Respondent, entries: Mapping[str, Mapping[str, str]], kept: Kept | None,
                progress: tuple[int, bool] | None) -> str:
        frame = (who, tuple((qid, tuple(lines)) for qid, lines in (kept or {}).items()))
        with self._guard:
            layout = self._layouts.get(frame)
        text = None
        if layout is not None:
            text = _fill(layout, entries)
        if text is None:
            text = self._dump(who, entries, kept)
            if layout is None:  # the file's layout, made once per respondent and used only where it gives the same
                layout = self._layout(who, kept)
                if _fill(layout, entries) != text:
                    layout = ([], [])
                with self._guard:
                    if len(self._layouts) > _MAX_LAYOUTS:
                        self._layouts.clear()
                    self._layouts[frame] = layout
        return (progress_comment(*progress) if progress is not None else "") + text

    def _dump(self, who: Respondent, entries: Mapping[str, Mapping[str, str]], kept: Kept | None) -> str:
        header = Header(company=who.company, assessed_on=who.assessed_on,  # type: ignore[arg-type]
                        respondent={"name": who.name or who.id, "lens": who.lens})
        return dump_answers(header, self.questionnaires, entries, lens=who.lens, schema_comment=False, kept=kept)

    def _layout(self, who: Respondent, kept: Kept | None) -> Layout:
        """The text `dump_answers` writes for this respondent, cut at each answer's place: a slot (questionnaire,
        question) between two parts. Rendering a page is then joining strings, not laying out the file anew."""
        slots = [(q.id, full) for q in self.questionnaires for full in q.questions]
        marked: dict[str, dict[str, str]] = {qid: {} for qid, _ in slots}
        for number, (qid, full) in enumerate(slots):
            marked[qid][full] = f"\x00{number}\x00"
        pieces = _SLOT.split(self._dump(who, marked, kept))
        numbers = [int(n) for n in pieces[1::2]]
        if numbers != list(range(len(slots))):
            return [], []
        return pieces[0::2], slots

    def _verify(self, text: str, path: Path, held: Mapping[str, Mapping[str, Answer]]) -> None:
        """The text must load with the strict loader and hold exactly the answers given."""
        try:
            source = parse_answers(parse(text, str(path)))
            for q in self.questionnaires:
                written = resolve(q, source.answers.questionnaires[q.id], source, q.id)
                given = QuestionnaireAnswers.model_validate(
                    {"answers": {k: a.model_dump() for k, a in held.get(q.id, {}).items()}})
                if _comparable(written) != _comparable(resolve(q, given, source, q.id)):
                    raise SaveError("the answers would not be written as given; nothing was saved")
        except CrmcheckError as exc:
            raise SaveError(f"the answers would not load back ({exc}); nothing was saved") from None

    def _verify_lines(self, text: str, path: Path, held: Mapping[str, Mapping[str, Answer]],
                      lines: list[tuple[str, str, str]]) -> None:
        """The answer lines not checked before, read back with the file's header as an answers file of their own,
        must hold exactly the answers given (as `_verify` checks the whole text)."""
        header = text[:text.index("\nquestionnaires:\n") + 1]  # the rendered header, as written
        body = ["questionnaires:"]
        for qid in dict.fromkeys(qid for qid, _, _ in lines):
            body += [f"  {qid}:", "    answers:"]
            body += [f"      {full}: {entry}" for q, full, entry in lines if q == qid]
        subset = {qid: {full: held[qid][full] for q, full, _ in lines if q == qid} for qid, _, _ in lines}
        part = [q for q in self.questionnaires if q.id in subset]
        ResponseStore(part)._verify(header + "\n".join(body) + "\n", path, subset)

    def save_page(self, path: Path, who: Respondent, questionnaire: Questionnaire,
                  answers: Mapping[str, Answer | None], progress: tuple[int, bool] | None = None) -> Held:
        """Merge one page's answers into the file and write it, with the progress (the page to resume at, whether
        the respondent finished) in its first line; the caller holds `lock(who.id)`."""
        held, kept = self.read_all(path)
        mine = held.setdefault(questionnaire.id, {})
        for full, answer in answers.items():
            if answer is None:
                mine.pop(full, None)
            else:
                mine[full] = answer
        entries = self._entries(held)
        text = self._render(who, entries, kept, progress)
        frame = (who, tuple((qid, tuple(lines)) for qid, lines in kept.items()))
        lines = [(qid, full, entry) for qid, given in entries.items() for full, entry in given.items()]
        new = [line for line in lines if line not in self._checked_lines]
        if self._checked_frame.get(str(path)) == frame and not any(_LINE_BREAKS.search(e) for _, _, e in new):
            if new:
                self._verify_lines(text, path, held, new)
        else:
            self._verify(text, path, held)
            if set(read_kept(text)) != {line for lines in kept.values() for line in lines}:
                raise SaveError("the answers kept from an earlier version would not be written; nothing was saved")
        try:
            write_atomic(path, text)
            info = os.stat(path)
        except (CrmcheckError, OSError) as exc:
            raise SaveError(str(exc)) from None
        with self._guard:  # what was just written is what the file holds: the next page needs no re-reading
            self._read[str(path)] = ((info.st_ino, info.st_mtime_ns, info.st_size),
                                     {k: dict(v) for k, v in held.items()}, {k: list(v) for k, v in kept.items()})
            self._checked_frame[str(path)] = frame
            if len(self._checked_lines) > _MAX_CHECKED:
                self._checked_lines.clear()
            self._checked_lines.update(lines)
        return held
