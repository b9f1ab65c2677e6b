"""The collection folder: its settings, the invites (token hashes only), closing, and each respondent's progress.

    DIR/collection.yaml        company, date, questionnaires, the public URL invite links start with
    DIR/invites.yaml           one entry per respondent: id, lens, name, sha256 of the token, revoked
    DIR/secret                 random key (mode 0600) that CSRF tokens are derived from
    DIR/closed                 exists once `crmcheck collect close` ran: no more answers are taken
    DIR/responses/ID.yaml      the respondent's answers: an ordinary answers file
    DIR/progress/ID.json       the page to resume at, and whether the respondent pressed Finish

Nothing here imports the web server: `init`, `invite`, `status` and `close` stay fast.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from crmcheck.answers_layout import scalar
from crmcheck.catalog import Catalog
from crmcheck.errors import InputError, UsageError
from crmcheck.models.answers import Date
from crmcheck.models.base import Id, OptionalText, Strict, Text, check_format, validate_document
from crmcheck.models.questionnaire import Questionnaire
from crmcheck.yamlio import load_mapping, write_atomic

try:
    import fcntl
except ImportError:  # pragma: no cover - non-POSIX
    fcntl = None  # type: ignore[assignment]

SETTINGS_FILE = "collection.yaml"
INVITES_FILE = "invites.yaml"
SECRET_FILE = "secret"
CLOSED_FILE = "closed"
RESPONSES_DIR = "responses"
PROGRESS_DIR = "progress"
DEFAULT_URL = "http://127.0.0.1:8765"
TOKEN_BYTES = 24  # 192 bits; the issue asks for at least 128
MAX_COUNT = 10_000
LensName = Literal["company", "customer"]
RESPONDENT_ID = r"^(company|customer)-[0-9]{3,6}$"


class Settings(Strict):
    format: Literal[1]
    company: Text
    assessed_on: Date
    questionnaires: list[Id] = Field(min_length=1)
    questionnaire_dirs: list[Text] = Field(default_factory=list)
    public_url: Text = DEFAULT_URL


class Invite(Strict):
    respondent: Text = Field(pattern=RESPONDENT_ID)
    lens: LensName
    name: OptionalText = None
    token_sha256: Text = Field(pattern=r"^[0-9a-f]{64}$")
    created: Text
    revoked: bool = False


class InviteList(Strict):
    format: Literal[1]
    invites: list[Invite] = Field(default_factory=list)


@dataclass(frozen=True)
class NewInvite:
    """An invite just made: the only moment its token exists outside the respondent's link."""

    respondent: str
    lens: str
    name: str | None
    link: str


@dataclass
class RespondentStatus:
    respondent: str
    lens: str
    name: str | None
    state: Literal["not started", "started", "finished", "revoked"]
    answered: int
    questions: int
    saved_at: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"respondent": self.respondent, "lens": self.lens, "name": self.name, "state": self.state,
                "answered": self.answered, "questions": self.questions, "saved_at": self.saved_at}


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


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def check_public_url(url: str) -> str:
    """An http(s) URL without query or fragment, without its trailing slash."""
    if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", url):
        raise UsageError(f"--public-url: '{url}' is not an http:// or https:// URL without ?query or #fragment")
    return url.rstrip("/")


class Collection:
    """One collection folder on disk."""

    def __init__(self, directory: Path) -> None:
        self.dir = directory
        self._settings: Settings | None = None

    # -- creating and reading

    @classmethod
    def create(cls, directory: Path, questionnaires: list[Questionnaire], company: str, assessed_on: dt.date,
               questionnaire_dirs: list[Path], public_url: str = DEFAULT_URL) -> Collection:
        if not company.strip():
            raise UsageError("--company: give the company's name; it goes into every answers file")
        if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
            raise UsageError(f"{directory} exists and is not an empty folder; a collection needs a folder of its own")
        lenses = {tuple(q.lenses) for q in questionnaires if q.lenses}
        if len(lenses) > 1:
            raise UsageError("the questionnaires declare different lenses; collect each in a folder of its own")
        try:
            (directory / RESPONSES_DIR).mkdir(parents=True, exist_ok=True)
            (directory / PROGRESS_DIR).mkdir(exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot create the folder: {exc.strerror}", file=str(directory)) from None
        collection = cls(directory)
        collection._write_settings(Settings(format=1, company=company, assessed_on=assessed_on,
                                            questionnaires=[q.id for q in questionnaires],
                                            questionnaire_dirs=[str(d.resolve()) for d in questionnaire_dirs],
                                            public_url=check_public_url(public_url)))
        fd = os.open(directory / SECRET_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32) + "\n")
        write_atomic(directory / INVITES_FILE, "format: 1\ninvites:\n")
        return collection

    def _write_settings(self, settings: Settings) -> None:
        lines = [
            "# crmcheck collection (see docs/collect.md). Respondents' answers go to responses/.",
            "format: 1",
            f"company: {json.dumps(settings.company, ensure_ascii=False)}",
            f"assessed_on: {settings.assessed_on.isoformat()}",
            "questionnaires: [" + ", ".join(settings.questionnaires) + "]",
            "questionnaire_dirs: [" + ", ".join(json.dumps(d, ensure_ascii=False)
                                                 for d in settings.questionnaire_dirs) + "]",
            "# invite links start with this; `collect serve --public-url` and `collect invite --public-url` set it",
            f"public_url: {json.dumps(settings.public_url)}",
        ]
        write_atomic(self.dir / SETTINGS_FILE, "\n".join(lines) + "\n")
        self._settings = settings

    def set_public_url(self, url: str) -> None:
        url = check_public_url(url)
        if url != self.settings.public_url:
            self._write_settings(self.settings.model_copy(update={"public_url": url}))

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            path = self.dir / SETTINGS_FILE
            if not path.is_file():
                raise UsageError(f"{self.dir} is not a collection folder (no {SETTINGS_FILE}); make one with "
                                 "`crmcheck collect init`")
            doc = load_mapping(path)
            check_format(doc, "collection")
            self._settings = validate_document(Settings, doc)
        return self._settings

    def catalog(self, extra: list[Path] | None = None) -> Catalog:
        return Catalog.from_options([*(Path(d) for d in self.settings.questionnaire_dirs), *(extra or [])])

    def questionnaires(self, catalog: Catalog) -> list[Questionnaire]:
        return [catalog.get(qid) for qid in self.settings.questionnaires]

    def secret(self) -> bytes:
        try:
            return (self.dir / SECRET_FILE).read_text().strip().encode("ascii")
        except OSError as exc:
            raise InputError(f"cannot read the collection's secret: {exc.strerror}",
                             file=str(self.dir / SECRET_FILE)) from None

    def invites(self) -> list[Invite]:
        path = self.dir / INVITES_FILE
        if not path.exists():
            return []
        doc = load_mapping(path)
        if doc.data.get("invites") is None:
            doc.data["invites"] = []
        invites = validate_document(InviteList, doc).invites
        seen: set[str] = set()
        for index, invite in enumerate(invites):
            for value in (invite.respondent, invite.token_sha256):
                if value in seen:  # two links must never write one file, nor one link reach two respondents
                    raise doc.error(f"'{value}' appears twice in the invites", ("invites", index))
                seen.add(value)
        return invites

    def invites_stamp(self) -> tuple[int, int, int]:
        """Changes whenever invites.yaml is replaced, so that a running server sees new and revoked invites."""
        info = os.stat(self.dir / INVITES_FILE)
        return info.st_ino, info.st_mtime_ns, info.st_size

    @property
    def closed(self) -> bool:
        return (self.dir / CLOSED_FILE).exists()

    def response_path(self, respondent: str) -> Path:
        return self.dir / RESPONSES_DIR / f"{respondent}.yaml"

    def progress_path(self, respondent: str) -> Path:
        return self.dir / PROGRESS_DIR / f"{respondent}.json"

    # -- changing

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """One `invite` or `revoke` at a time rewrites invites.yaml."""
        fd = os.open(self.dir / ".invites.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _write_invites(self, invites: list[Invite]) -> None:
        lines = ["# crmcheck invites: tokens are kept only as SHA-256 hashes; a lost link cannot be shown again,",
                 "# revoke it and invite again. Written by `crmcheck collect invite` and `revoke`.",
                 "format: 1", "invites:"]
        for inv in invites:
            name = f", name: {scalar(inv.name)}" if inv.name else ""
            lines.append(f"  - {{respondent: {inv.respondent}, lens: {inv.lens}{name}, token_sha256: "
                         f"{inv.token_sha256}, created: {json.dumps(inv.created)}, revoked: "
                         f"{'true' if inv.revoked else 'false'}}}")
        write_atomic(self.dir / INVITES_FILE, "\n".join(lines) + "\n")

    def invite(self, lens: LensName, questionnaires: list[Questionnaire], name: str | None = None, count: int = 1,
               public_url: str | None = None) -> list[NewInvite]:
        if not 1 <= count <= MAX_COUNT:
            raise UsageError(f"--count: give a number from 1 to {MAX_COUNT}")
        if name is not None and count > 1:
            raise UsageError("--name names one respondent; leave it out with --count above 1")
        for q in questionnaires:
            if q.lenses and lens not in q.lenses:
                raise UsageError(f"questionnaire {q.id} is not answered through the {lens} lens "
                                 f"(its lenses: {', '.join(q.lenses)})")
        if public_url:
            self.set_public_url(public_url)
        base = self.settings.public_url
        made: list[NewInvite] = []
        with self._locked():
            invites = self.invites()
            used = {int(i.respondent.rsplit("-", 1)[1]) for i in invites if i.lens == lens}
            number = max(used, default=0)
            for _ in range(count):
                number += 1
                token = secrets.token_urlsafe(TOKEN_BYTES)
                respondent = f"{lens}-{number:03d}"
                invites.append(Invite(respondent=respondent, lens=lens, name=name or None,
                                      token_sha256=hash_token(token), created=_now()))
                made.append(NewInvite(respondent, lens, name, f"{base}/r/{token}"))
            self._write_invites(invites)
        return made

    def revoke(self, respondent: str) -> Invite:
        with self._locked():
            invites = self.invites()
            found = next((i for i in invites if i.respondent == respondent), None)
            if found is None:
                known = ", ".join(i.respondent for i in invites[:10]) or "none yet"
                raise UsageError(f"no respondent '{respondent}' in {self.dir} (respondents: {known})")
            revoked = found.model_copy(update={"revoked": True})
            self._write_invites([revoked if i is found else i for i in invites])
        return revoked

    def close(self) -> bool:
        """Stop taking answers; False when it was closed already."""
        self.settings  # noqa: B018 - fails early on a folder that is not a collection
        if self.closed:
            return False
        write_atomic(self.dir / CLOSED_FILE, f"closed {_now()}\n")
        return True

    def reopen(self) -> bool:
        """Take answers again after `close`; False when it was open."""
        self.settings  # noqa: B018 - fails early on a folder that is not a collection
        if not self.closed:
            return False
        (self.dir / CLOSED_FILE).unlink()
        return True

    # -- tokens

    def csrf_token(self, secret: bytes, token_sha256: str) -> str:
        return hmac.new(secret, b"csrf:" + token_sha256.encode("ascii"), hashlib.sha256).hexdigest()

    # -- progress

    def read_progress(self, respondent: str) -> dict[str, Any]:
        try:
            data = json.loads(self.progress_path(respondent).read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def write_progress(self, respondent: str, page: int, finished: bool) -> None:
        write_atomic(self.progress_path(respondent),
                     json.dumps({"page": page, "finished": finished, "saved_at": _now()}) + "\n")

    # -- status

    def status(self, catalog: Catalog) -> CollectionStatus:
        from crmcheck.models.answers import load_answers

        settings = self.settings
        qs = self.questionnaires(catalog)
        total = sum(len(q.questions) for q in qs)
        result = CollectionStatus(settings.company, settings.assessed_on.isoformat(), list(settings.questionnaires),
                                  self.closed)
        for inv in self.invites():
            path = self.response_path(inv.respondent)
            answered = 0
            if path.exists():
                with contextlib.suppress(InputError):
                    file = load_answers(str(path)).answers
                    answered = sum(a.value is not None for part in file.questionnaires.values()
                                   for a in part.answers.values())
            progress = self.read_progress(inv.respondent)
            state: Literal["not started", "started", "finished", "revoked"]
            if inv.revoked:
                state = "revoked"
            elif progress.get("finished"):
                state = "finished"
            elif path.exists():
                state = "started"
            else:
                state = "not started"
            saved = progress.get("saved_at")
            result.respondents.append(RespondentStatus(inv.respondent, inv.lens, inv.name, state, answered, total,
                                                       saved if isinstance(saved, str) else None))
        return result


def render_status(status: CollectionStatus, fmt: str) -> str:
    """`crmcheck collect status` as text or JSON."""
    if fmt == "json":
        return json.dumps(status.as_dict(), indent=2, ensure_ascii=False) + "\n"
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
        lines.append(f"{'respondent':<16}{'lens':<10}{'state':<13}{'answered':>10}  {'saved (UTC)':<21}name")
        lines += [f"{r.respondent:<16}{r.lens:<10}{r.state:<13}{f'{r.answered}/{r.questions}':>10}  "
                  f"{r.saved_at or '-':<21}{terminal_safe(r.name or '')}".rstrip() for r in status.respondents]
    return "\n".join(lines) + "\n"
