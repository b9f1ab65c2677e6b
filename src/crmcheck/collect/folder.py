"""The collection folder: its settings, the invites (token hashes only), closing, and each respondent's progress.

    DIR/collection.yaml        company, date, questionnaires, the public URL invite links start with
    DIR/invites.yaml           one entry per respondent: id, lens, name, sha256 of the token, revoked
    DIR/secret                 random key (mode 0600) that CSRF tokens are derived from
    DIR/closed                 exists once `crmcheck collect close` ran: no more answers are taken
    DIR/responses/ID.yaml      the respondent's answers: an ordinary answers file
    DIR/progress/ID.json       the page to resume at, and whether the respondent pressed Finish
    DIR/last_ids.json          the highest respondent number ever given per lens: ids are never given twice

What the files hold (settings, invites) is modelled in records.py; the status report is status.py. Nothing
here imports the web server: `init`, `invite`, `status` and `close` stay fast.
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
from pathlib import Path
from typing import Any

from crmcheck.answers.layout import quoted, scalar
from crmcheck.catalog import Catalog
from crmcheck.collect.records import (
    DEFAULT_URL,
    MAX_NUMBER,
    RESPONDENT_ID,
    Invite,
    InviteList,
    LensName,
    NewInvite,
    Settings,
    check_name,
    check_public_url,
    hash_token,
    parse_expires,
    utc_now,
)
from crmcheck.collect.status import CollectionStatus, collection_status, render_status
from crmcheck.errors import InputError, UsageError
from crmcheck.models.base import check_format, validate_document
from crmcheck.models.questionnaire import Questionnaire
from crmcheck.yamlio import load_mapping, parse, write_atomic

# the names other modules import from here; the models and the status report live in records.py and status.py
__all__ = ["DEFAULT_URL", "Collection", "CollectionStatus", "Invite", "hash_token", "parse_expires", "render_status"]

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
LAST_IDS_FILE = "last_ids.json"
TOKEN_BYTES = 24  # 192 bits; the issue asks for at least 128
MAX_COUNT = 10_000




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
        check_name(company, "--company")
        if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
            raise UsageError(f"{directory} exists and is not an empty folder; a collection needs a folder of its own")
        lenses = {tuple(q.lenses) for q in questionnaires if q.lenses}
        if len(lenses) > 1:
            raise UsageError("the questionnaires declare different lenses; collect each in a folder of its own")
        try:
            directory.mkdir(parents=True, exist_ok=True)
            for private in (RESPONSES_DIR, PROGRESS_DIR):  # answers are no other local user's business
                (directory / private).mkdir(mode=0o700, exist_ok=True)
                os.chmod(directory / private, 0o700)
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
            f"company: {quoted(settings.company)}",
            f"assessed_on: {settings.assessed_on.isoformat()}",
            "questionnaires: [" + ", ".join(settings.questionnaires) + "]",
            "questionnaire_dirs: [" + ", ".join(quoted(d) for d in settings.questionnaire_dirs) + "]",
            "# invite links start with this; `collect serve --public-url` and `collect invite --public-url` set it",
            f"public_url: {json.dumps(settings.public_url)}",
        ]
        text = "\n".join(lines) + "\n"
        written = parse(text, str(self.dir / SETTINGS_FILE)).data
        if written.get("company") != settings.company or written.get("questionnaire_dirs") != \
                settings.questionnaire_dirs:  # what is written must read back as given, or not be written at all
            raise UsageError("the company name or a questionnaire folder cannot be written as given")
        write_atomic(self.dir / SETTINGS_FILE, text)
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
        return os.path.exists(os.path.join(self.dir, CLOSED_FILE))  # asked at every save: no Path objects made

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
            expires = f", expires: {json.dumps(inv.expires)}" if inv.expires else ""
            lines.append(f"  - {{respondent: {inv.respondent}, lens: {inv.lens}{name}, token_sha256: "
                         f"{inv.token_sha256}, created: {json.dumps(inv.created)}, revoked: "
                         f"{'true' if inv.revoked else 'false'}{expires}}}")
        write_atomic(self.dir / INVITES_FILE, "\n".join(lines) + "\n")

    def invite(self, lens: LensName, questionnaires: list[Questionnaire], name: str | None = None, count: int = 1,
               public_url: str | None = None, expires: dt.timedelta | None = None) -> list[NewInvite]:
        if not 1 <= count <= MAX_COUNT:
            raise UsageError(f"--count: give a number from 1 to {MAX_COUNT}")
        if name is not None and count > 1:
            raise UsageError("--name names one respondent; leave it out with --count above 1")
        if name is not None:
            check_name(name, "--name")
        for q in questionnaires:
            if q.lenses and lens not in q.lenses:
                raise UsageError(f"questionnaire {q.id} is not answered through the {lens} lens "
                                 f"(its lenses: {', '.join(q.lenses)})")
        if public_url:
            self.set_public_url(public_url)
        base = self.settings.public_url
        made: list[NewInvite] = []
        until = None
        if expires is not None:
            until = (dt.datetime.now(dt.UTC).replace(microsecond=0) + expires).isoformat().replace("+00:00", "Z")
        with self._locked():
            invites = self.invites()
            last = self.last_ids()
            # never an id given before: not the highest one in invites.yaml (an invite removed by hand, or the
            # file deleted, would hand its answers to the next invitee) but the highest ever given or seen
            number = max([last.get(lens, 0), *self._numbers_in_use(lens, invites)])
            if number + count > MAX_NUMBER:
                raise UsageError(f"the {lens} respondent numbers would pass {MAX_NUMBER}; start a new collection")
            for _ in range(count):
                number += 1
                token = secrets.token_urlsafe(TOKEN_BYTES)
                respondent = f"{lens}-{number:03d}"
                invites.append(Invite(respondent=respondent, lens=lens, name=name or None,
                                      token_sha256=hash_token(token), created=utc_now(), expires=until))
                made.append(NewInvite(respondent, lens, name, f"{base}/r/{token}"))
            # the counter first: a crash between the two writes leaves a gap in the numbers, never a reuse
            write_atomic(self.dir / LAST_IDS_FILE, json.dumps({**last, lens: number}, sort_keys=True) + "\n")
            self._write_invites(invites)
        return made

    def last_ids(self) -> dict[str, int]:
        """The highest number ever given per lens (last_ids.json); a broken or missing file counts as none."""
        try:
            data = json.loads((self.dir / LAST_IDS_FILE).read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict):
            return {}
        return {k: v for k, v in data.items() if k in ("company", "customer") and isinstance(v, int)
                and not isinstance(v, bool) and 0 <= v <= MAX_NUMBER}

    def _numbers_in_use(self, lens: str, invites: list[Invite]) -> list[int]:
        """Respondent numbers of `lens` in the invites and in the files of responses/ and progress/."""
        numbers = [int(i.respondent.rsplit("-", 1)[1]) for i in invites if i.lens == lens]
        for folder, suffix in ((RESPONSES_DIR, ".yaml"), (PROGRESS_DIR, ".json")):
            with contextlib.suppress(OSError):
                for entry in os.listdir(self.dir / folder):
                    match = re.fullmatch(f"{lens}-([0-9]{{3,6}}){re.escape(suffix)}", entry)
                    if match:
                        numbers.append(int(match.group(1)))
        return numbers

    def check_respondents(self) -> None:
        """Refuse a folder whose answers files are not all its invites' (invites.yaml lost or cut by hand):
        a new invite could otherwise be handed someone else's answers."""
        invited = {i.respondent for i in self.invites()}
        try:
            answered = {entry[:-5] for entry in os.listdir(self.dir / RESPONSES_DIR) if entry.endswith(".yaml")
                        and re.fullmatch(RESPONDENT_ID, entry[:-5])}
        except OSError:
            return
        stray = sorted(answered - invited)
        if stray:
            raise UsageError(f"{self.dir / RESPONSES_DIR} holds answers of {len(stray)} respondent"
                             f"{'s' if len(stray) != 1 else ''} that {INVITES_FILE} does not list ({stray[0]}"
                             f"{', ...' if len(stray) > 1 else ''}); restore {INVITES_FILE} from a backup, or "
                             "move those answers out, before serving")

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
        write_atomic(self.dir / CLOSED_FILE, f"closed {utc_now()}\n")
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
        """The page to resume at, whether the respondent finished, when they saved: from the first line of their
        answers file (collect/responses.py), or from progress/ID.json, where earlier versions kept it."""
        from crmcheck.collect.responses import saved_progress

        found = saved_progress(self.response_path(respondent))
        if found is not None:
            return found
        try:
            data = json.loads(self.progress_path(respondent).read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def write_progress(self, respondent: str, page: int, finished: bool) -> None:
        write_atomic(self.progress_path(respondent),
                     json.dumps({"page": page, "finished": finished, "saved_at": utc_now()}) + "\n")

    # -- status

    def status(self, catalog: Catalog) -> CollectionStatus:
        return collection_status(self, catalog)
