"""Reading many answers files quickly: the bulk path of `benchmark` and of `report` with many respondents.

Exact or nothing. Each step here gives what the full path (`yamlio.load_mapping`, `parse_answers`,
`resolve`) gives for the same file, or None, and then the caller takes the full path, which reports
the file's errors exactly as `crmcheck report` does. The fast path only ever answers for files the full
path accepts; what it skips is work that cannot change the outcome for them:

- reading: the bytes are checked for control characters and encodings with one pass in C
  (`bytes.translate`); the full decoder's regular expression runs only where a character that it could
  reject may be (a byte 0xC2 or the sequence 0xEF 0xBF);
- parsing: the same libyaml composer and the same strict value typing (`yamlio`). The event-stream
  pre-scan that rejects anchors, aliases and tags is skipped when none of `&`, `*`, `!` stands where one
  could start (inside a scalar or a comment they are text), and nesting depth is checked while the
  values are built, as the pre-scan would have; files with very many structural characters still get the
  pre-scan (it protects libyaml's recursive composer);
- checking: the answers-file fields are checked with plain code instead of building pydantic models, by
  checks derived from those models (`answers/rules.py`, `answers/checks.py`); any field written in a way the
  plain check does not know (a number where text is expected, a mapping with an unknown key...) sends the
  file to the full path;
- resolving: `answers/plain.py`'s `resolve_plain`, lookups built once per questionnaire.
"""

from __future__ import annotations

import bisect
import datetime as dt
import operator
import re
from collections.abc import Mapping
from typing import Any, NamedTuple, TypedDict

import yaml

from crmcheck.answers.checks import REFUSED, file_check
from crmcheck.answers.model import QuestionnaireAnswers
from crmcheck.answers.plain import compiled, resolve_plain
from crmcheck.answers.rules import DerivationError
from crmcheck.catalog import Catalog
from crmcheck.errors import CrmcheckError, InputError
from crmcheck.resolve import Response
from crmcheck.yamlio import (
    DEPTH_PRESCAN_THRESHOLD,
    MAX_BYTES,
    NOT_PRINTABLE,
    StrictLoader,
    collector_paused,
    construct,
    open_regular,
    prescan,
    read_capped,
)

# Bytes a YAML stream may hold as they are: tab, line feed, carriage return, printable ASCII, and every byte
# of a multi-byte UTF-8 character (which ones are allowed is left to the decoder and, where needed, the regex).
_ALLOWED_BYTES = b"\t\n\r" + bytes(range(0x20, 0x7F)) + bytes(range(0x80, 0x100))
# Every byte except the characters that the pre-scan counts (nesting) or looks for (anchors, aliases, tags).
_NOT_STRUCTURAL = bytes(b for b in range(256) if bytes([b]) not in b"[{-:?&*!")
_INDICATORS = re.compile(r"[&*!]")
_BOM = b"\xef\xbb\xbf"


def read_text(path: str) -> tuple[str, int, bool] | None:
    """The text of a UTF-8 file, with the pre-scan's count of structural characters and whether any of
    `&*!` occurs; None where `yamlio.read_text` could have anything to say (then it says it)."""
    try:
        with open_regular(path) as handle:  # a pipe or device: the full reader refuses it in its words
            raw = read_capped(handle)
    except (OSError, InputError):
        return None
    if len(raw) > MAX_BYTES or raw.startswith(_BOM) or raw.translate(None, _ALLOWED_BYTES):
        return None  # too large, a byte-order mark, NUL or another control character: the full reader's words
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    # C1 control characters are U+0080..U+009F (0xC2 0x80..0x9F in UTF-8); U+FFFE and U+FFFF start 0xEF 0xBF
    if not raw.isascii() and (b"\xc2" in raw or b"\xef\xbf" in raw) and NOT_PRINTABLE.search(text):
        return None
    marks = raw.translate(None, _NOT_STRUCTURAL)
    indicators = marks.count(b"&") + marks.count(b"*") + marks.count(b"!")
    return text, len(marks) - indicators, indicators > 0


class _FastLoader(StrictLoader):
    """`yamlio`'s loader, with the composer's two calls per node into the (empty) path resolvers made into calls
    of C functions that do nothing: the same nodes, some 300 Python calls fewer per answers file."""

    descend_resolver = staticmethod(operator.is_)  # type: ignore[assignment]  # (parent, index) -> a bool
    ascend_resolver = staticmethod(tuple)  # type: ignore[assignment]  # () -> the empty tuple


def load_data(path: str) -> dict[str, Any] | None:
    """An answers file's data as `yamlio.load_mapping(path).data` has it, or None (then load it that way)."""
    read = read_text(path)
    if read is None:
        return None
    text, structural, indicators = read
    with collector_paused():
        if structural >= DEPTH_PRESCAN_THRESHOLD:
            try:
                prescan(path, text)  # may be deep: the event stream first, as the full path does
            except CrmcheckError:
                return None
            indicators = False  # the pre-scan passed: no anchor, alias or tag
        try:
            root = yaml.compose(text, Loader=_FastLoader)
        except yaml.YAMLError:
            return None
        if root is None:
            return None
        try:
            data = construct(path, root, 0)
        except CrmcheckError:
            return None
        if indicators and not _indicators_inert(text, root):
            return None
    return data if isinstance(data, dict) else None


def _indicators_inert(text: str, root: yaml.Node) -> bool:
    """Whether every `&`, `*` and `!` of the text is inside a scalar (after its first character) or in a
    comment, where it is text: then the document has no anchor, alias or tag."""
    spans: list[tuple[int, int]] = []
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            spans.append((node.start_mark.index, node.end_mark.index))
        elif isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                stack.append(key)
                stack.append(value)
        else:
            stack.extend(node.value)
    spans.sort()
    starts = [start for start, _ in spans]

    def in_scalar(index: int) -> bool:  # strictly after the scalar's first character
        at = bisect.bisect_left(starts, index) - 1
        return at >= 0 and index < spans[at][1]

    for match in _INDICATORS.finditer(text):
        index = match.start()
        if in_scalar(index):
            continue
        line = text.rfind("\n", 0, index) + 1
        hash_at = text.find("#", line, index)
        # a comment starts with a '#' at the start of the line or after a space or tab, outside any scalar
        while hash_at >= 0 and ((hash_at > line and text[hash_at - 1] not in " \t") or in_scalar(hash_at)):
            hash_at = text.find("#", hash_at + 1, index)
        if hash_at < 0:
            return False
    return True


# ---------------------------------------------------------------------------------------------
# The answers-file checks of answers.model, derived from its models (answers/rules.py)


class PlainQuestionnaire(TypedDict):
    """One questionnaire's fields as `rules.file_check` gives them (every field of the model, defaults filled in)."""

    version: int | None
    targets: dict[str, int]
    answers: dict[str, Any]  # as written: `resolve_plain` checks each answer's fields


if PlainQuestionnaire.__annotations__.keys() != QuestionnaireAnswers.model_fields.keys():
    raise DerivationError("PlainQuestionnaire no longer has the fields of answers.model.QuestionnaireAnswers")


class PlainAnswers(NamedTuple):
    """An answers file that passed the checks of `answers.model.AnswersFile`, as plain data."""

    company: str
    assessed_on: dt.date
    assessor: str | None
    respondent: dict[str, Any] | None  # as written: validate with answers.model.Respondent for the model
    segment: dict[str, Any] | None
    questionnaires: dict[str, PlainQuestionnaire]
    lens: str


def check_answers(data: Mapping[str, Any]) -> PlainAnswers | None:
    """The fields of an answers file, checked as `parse_answers` checks them (by `rules.file_check`, derived from
    the model); None when they are not plainly right (then `parse_answers` reports what is wrong, or converts what
    is unusual). Each questionnaire's answers are checked as `resolve_plain` resolves them."""
    plain = file_check(data)
    if plain is REFUSED:
        return None
    respondent = plain["respondent"]
    return PlainAnswers(plain["company"], plain["assessed_on"], plain["assessor"], data.get("respondent"),
                        data.get("segment"), plain["questionnaires"],
                        "company" if respondent is None else respondent["lens"])


def responses(plain: PlainAnswers, catalog: Catalog) -> dict[str, dict[str, Response]] | None:
    """Every answered questionnaire's checked responses, by questionnaire id, as `assessment.responses_of`
    gives them; None when any questionnaire is unknown or broken, or `resolve_plain` steps aside."""
    out: dict[str, dict[str, Response]] = {}
    entries = catalog.entries
    for key, given in plain.questionnaires.items():
        if key not in entries:
            return None
        try:
            questionnaire = catalog.get(key)
        except CrmcheckError:
            return None
        resolved = resolve_plain(compiled(questionnaire), given["version"], given["targets"], given["answers"],
                                 plain.lens)
        if resolved is None:
            return None
        out[key] = resolved
    return out
