"""A respondent's answers file: read it, merge one page's answers into it, check the text, write it atomically."""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from crmcheck.answers_layout import Header, KeptLine, answer_entry, dump_answers, read_kept
from crmcheck.errors import CrmcheckError
from crmcheck.models.answers import Answer, QuestionnaireAnswers, parse_answers
from crmcheck.models.questionnaire import Questionnaire
from crmcheck.resolve import Response, resolve
from crmcheck.yamlio import parse, read_text, write_atomic

Held = dict[str, dict[str, Answer]]  # questionnaire id -> full question id -> answer
Kept = dict[str, list[KeptLine]]  # questionnaire id -> answers its current version cannot hold


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


class ResponseStore:
    """Reads and writes `responses/ID.yaml`, one writer per respondent at a time."""

    def __init__(self, questionnaires: list[Questionnaire]) -> None:
        self.questionnaires = questionnaires
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        # path -> (the file's identity when read, what it held): a page shown right after its save is not re-parsed
        self._read: dict[str, tuple[tuple[int, int, int], Held, Kept]] = {}

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

    def text(self, who: Respondent, held: Mapping[str, Mapping[str, Answer]], kept: Kept | None = None) -> str:
        header = Header(company=who.company, assessed_on=who.assessed_on,  # type: ignore[arg-type]
                        respondent={"name": who.name or who.id, "lens": who.lens})
        entries = {qid: {full: answer_entry(a.value, a.note, a.evidence, a.reason) for full, a in answers.items()}
                   for qid, answers in held.items()}
        return dump_answers(header, self.questionnaires, entries, lens=who.lens, schema_comment=False, kept=kept)

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

    def save_page(self, path: Path, who: Respondent, questionnaire: Questionnaire,
                  answers: Mapping[str, Answer | None]) -> Held:
        """Merge one page's answers into the file and write it; the caller holds `lock(who.id)`."""
        held, kept = self.read_all(path)
        mine = held.setdefault(questionnaire.id, {})
        for full, answer in answers.items():
            if answer is None:
                mine.pop(full, None)
            else:
                mine[full] = answer
        text = self.text(who, held, kept)
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
        return held
