"""What a collection folder's own files hold, as strict models, and the rules for what goes in them: names,
invite lifetimes, public addresses, token hashes."""

# Field annotations are real objects here, not strings (no `from __future__ import annotations`): pydantic would
# evaluate each string with eval() at every start (tests/test_model_annotations.py).

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from typing import Literal

from pydantic import Field

from crmcheck.answers.model import Date
from crmcheck.errors import UsageError
from crmcheck.models.base import Id, OptionalText, Strict, Text
from crmcheck.yamlio import NOT_PRINTABLE

DEFAULT_URL = "http://127.0.0.1:8765"
LensName = Literal["company", "customer"]
RESPONDENT_ID = r"^(company|customer)-[0-9]{3,6}$"
MAX_NUMBER = 999_999  # the pattern's six digits
# Characters a name must not hold: control characters (C0, DEL, C1), line and paragraph separators (a YAML
# reader folds NEL and U+2028 into a space) and what YAML does not allow at all (U+FFFE, lone surrogates).
_NOT_IN_A_NAME = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_EXPIRES = re.compile(r"([1-9][0-9]{0,3})([dhw])\Z")


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
    expires: OptionalText = Field(default=None, pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")

    def expired(self, now: str | None = None) -> bool:
        """Whether the link's lifetime has run out (ISO times in UTC compare as text)."""
        return self.expires is not None and (now or utc_now()) >= self.expires


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


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def check_name(text: str, option: str) -> str:
    """A company or respondent name that every crmcheck file can hold as it is; UsageError otherwise.

    The same characters every crmcheck file refuses are refused here, when the name is given, rather than in
    every later command that reads the folder (or, for NEL and U+2028, silently read back as a space).
    """
    bad = _NOT_IN_A_NAME.search(text) or NOT_PRINTABLE.search(text)
    if bad:
        char = bad.group()
        raise UsageError(f"{option}: character {bad.start() + 1} is U+{ord(char):04X}, a control character or "
                         "line break that names cannot hold; type the name without it")
    return text


def parse_expires(text: str) -> dt.timedelta:
    """`30d`, `12h` or `2w`: how long an invite link works."""
    match = _EXPIRES.match(text.strip())
    if not match:
        raise UsageError(f"--expires: '{text}' is not a lifetime; write a number and d, h or w (30d, 12h, 2w)")
    number, unit = int(match.group(1)), match.group(2)
    return dt.timedelta(hours=number) if unit == "h" else dt.timedelta(days=number * (7 if unit == "w" else 1))


def check_public_url(url: str) -> str:
    """An http(s) URL without query or fragment, without its trailing slash."""
    if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", url):
        raise UsageError(f"--public-url: '{url}' is not an http:// or https:// URL without ?query or #fragment")
    return url.rstrip("/")
