"""A respondent's answers file: read it, merge one page's answers into it, check the text, write it atomically."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from crmcheck.answers_layout import Header, answer_entry, dump_answers
from crmcheck.errors import CrmcheckError
from crmcheck.models.answers import Answer, QuestionnaireAnswers, load_answers, parse_answers
from crmcheck.models.questionnaire import Questionnaire
from crmcheck.resolve import Response, resolve
from crmcheck.yamlio import parse, write_atomic

Held = dict[str, dict[str, Answer]]  # questionnaire id -> full question id -> answer


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

    def lock(self, respondent: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(respondent, threading.Lock())

    def read(self, path: Path) -> Held:
        held: Held = {q.id: {} for q in self.questionnaires}
        if not path.exists():
            return held
        try:
            file = load_answers(str(path)).answers
        except CrmcheckError as exc:
            raise SaveError(f"the saved answers cannot be read ({exc}); they were left as they are") from None
        for q in self.questionnaires:
            part = file.questionnaires.get(q.id)
            for answer_id, answer in (part.answers if part else {}).items():
                full = q.current_id(answer_id)
                if full is not None:
                    held[q.id][full] = answer
        return held

    def text(self, who: Respondent, held: Mapping[str, Mapping[str, Answer]]) -> str:
        header = Header(company=who.company, assessed_on=who.assessed_on,  # type: ignore[arg-type]
                        respondent={"name": who.name or who.id, "lens": who.lens})
        entries = {qid: {full: answer_entry(a.value, a.note, a.evidence, a.reason) for full, a in answers.items()}
                   for qid, answers in held.items()}
        return dump_answers(header, self.questionnaires, entries, lens=who.lens, schema_comment=False)

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
        held = self.read(path)
        mine = held.setdefault(questionnaire.id, {})
        for full, answer in answers.items():
            if answer is None:
                mine.pop(full, None)
            else:
                mine[full] = answer
        text = self.text(who, held)
        self._verify(text, path, held)
        try:
            write_atomic(path, text)
        except CrmcheckError as exc:
            raise SaveError(str(exc)) from None
        return held
