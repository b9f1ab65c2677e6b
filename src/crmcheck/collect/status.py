"""`crmcheck collect status` (and the status page): each respondent's state in a collection, as text or JSON."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from crmcheck.answers.model import AnswersDocument, load_answers
from crmcheck.catalog import Catalog
from crmcheck.errors import InputError
from crmcheck.json_text import json_document

if TYPE_CHECKING:
    from crmcheck.collect.folder import Collection


@dataclass
class RespondentStatus:
    respondent: str
    lens: str
    name: str | None
    state: Literal["not started", "started", "finished", "revoked", "expired"]
    answered: int
    questions: int
    saved_at: str | None
    expires: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"respondent": self.respondent, "lens": self.lens, "name": self.name, "state": self.state,
                "answered": self.answered, "questions": self.questions, "saved_at": self.saved_at,
                "expires": self.expires}


@dataclass
class CollectionStatus:
    company: str
    assessed_on: str
    questionnaires: list[str]
    closed: bool
    respondents: list[RespondentStatus] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"company": self.company, "assessed_on": self.assessed_on, "questionnaires": self.questionnaires,
                "closed": self.closed, "respondents": [r.as_dict() for r in self.respondents]}


def collection_status(collection: Collection, catalog: Catalog) -> CollectionStatus:
    """Every respondent's state (not started, started, finished by the reports' rule, revoked, expired), with the
    number of answers and when they last saved."""
    settings = collection.settings
    qs = collection.questionnaires(catalog)
    total = sum(len(q.questions) for q in qs)
    result = CollectionStatus(settings.company, settings.assessed_on.isoformat(), list(settings.questionnaires),
                              collection.closed)
    for inv in collection.invites():
        path = collection.response_path(inv.respondent)
        answered, done = 0, False
        if path.exists():
            with contextlib.suppress(InputError):
                source = load_answers(str(path))
                file = source.answers
                answered = sum(a.value is not None for part in file.questionnaires.values()
                               for a in part.answers.values())
                done = respondent_finished(source, catalog)
        progress = collection.read_progress(inv.respondent)
        state: Literal["not started", "started", "finished", "revoked", "expired"]
        if inv.revoked:
            state = "revoked"
        elif inv.expired():
            state = "expired"
        elif done:  # the reports' rule (crmcheck.finished), not whether Finish was pressed
            state = "finished"
        elif path.exists():
            state = "started"
        else:
            state = "not started"
        saved = progress.get("saved_at")
        result.respondents.append(RespondentStatus(inv.respondent, inv.lens, inv.name, state, answered, total,
                                                   saved if isinstance(saved, str) else None, inv.expires))
    return result


def respondent_finished(source: AnswersDocument, catalog: Catalog) -> bool:
    """Whether a respondent's answers file answers every scored question (or marks it n/a), as reports count it."""
    from crmcheck.assessment import responses_of
    from crmcheck.finished import progress_of, total

    return total(progress_of(catalog.get(key), responses, source.answers.lens)
                 for key, responses in responses_of(source, catalog).items()).finished


def render_status(status: CollectionStatus, fmt: str) -> str:
    """`crmcheck collect status` as text or JSON."""
    if fmt == "json":
        return json_document(status.as_dict())
    from crmcheck.interview import clean_text as terminal_safe  # no control sequences from a name reach a terminal

    counts: dict[str, int] = {}
    for r in status.respondents:
        counts[r.state] = counts.get(r.state, 0) + 1
    lines = [f"{terminal_safe(status.company)}, {status.assessed_on}: {', '.join(status.questionnaires)} "
             f"({'closed' if status.closed else 'open'})",
             "  ".join(f"{n} {s}" for s, n in counts.items())
             or "no invites yet: crmcheck collect invite DIR --lens company|customer"]
    if status.respondents:
        lines.append("")
        expiring = any(r.expires for r in status.respondents)
        lines.append(f"{'respondent':<16}{'lens':<10}{'state':<13}{'answered':>10}  {'saved (UTC)':<21}"
                     + (f"{'expires (UTC)':<21}" if expiring else "") + "name")
        lines += [(f"{r.respondent:<16}{r.lens:<10}{r.state:<13}{f'{r.answered}/{r.questions}':>10}  "
                   f"{r.saved_at or '-':<21}" + (f"{r.expires or '-':<21}" if expiring else "")
                   + terminal_safe(r.name or "")).rstrip() for r in status.respondents]
    return "\n".join(lines) + "\n"
