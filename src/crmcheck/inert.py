"""Text from files made harmless for a terminal: control characters shown as visible escapes, never emitted.

A YAML double-quoted string can hold any character as an escape ("\\e[2J" clears the screen, "\\e]8;;URL\\e\\\\"
forges a link), and a newline in a value can turn one diagnostic into several lines, one of them forged to
look like another file's error. The data keeps every character (a file written back reads back the same);
what reaches a terminal goes through here first.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# C0 controls except tab and newline, and the C1 controls (U+0080-U+009F, which some terminals obey); DEL does nothing.
# A carriage return ending a line (CSV's CRLF) is a line ending, not an overwrite, so it passes.
_CONTROL = re.compile("\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1f\x80-\x9f]")
_CONTROL_OR_NEWLINE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\u2028": "\\u2028", "\u2029": "\\u2029"}
# characters that draw nothing although Unicode does not class them as spaces or formats
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    return _NAMED.get(char) or f"\\x{ord(char):02x}"


def _visible_json(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def inert_text(text: str, *, json_escapes: bool = False) -> str:
    """`text` with every control character but tab and newline written out visibly (ESC as `\\x1b`; with
    `json_escapes`, as `\\u001b`, which is also valid inside a JSON string)."""
    if not _CONTROL.search(text):
        return text
    return _CONTROL.sub(_visible_json if json_escapes else _visible, text)


def one_line(text: str) -> str:
    """`text` as one inert line: newlines (and other line separators) are written out as `\\n` too."""
    return _CONTROL_OR_NEWLINE.sub(_visible, text) if _CONTROL_OR_NEWLINE.search(text) else text


def has_visible_text(text: str | None) -> bool:
    """Whether `text` shows anything: not only spaces, zero-width or other invisible characters."""
    if not text:
        return False
    return any(not char.isspace() and char not in _BLANK_LETTERS
               and unicodedata.category(char) not in ("Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me")
               for char in text)


# the colour sequences rich writes (SGR: ESC [ params m); any other escape sequence is not ours
_OURS_OR_CONTROL = re.compile("(\x1b\\[[0-9;]*m)|[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def inert_coloured(text: str) -> str:
    """Rendered terminal text with rich's own colour sequences kept and every other control character shown
    visibly. File text is made inert before rendering (`inert_copy`); this is the last net."""
    return _OURS_OR_CONTROL.sub(lambda m: m.group(1) or _visible(m), text)


def inert_copy(value: Any) -> Any:
    """A copy of a result (pydantic models, lists, dicts, text) with every string made inert, for rendering to
    a colour terminal, where the rendered text can no longer be told apart from rich's own sequences."""
    from pydantic import BaseModel

    if isinstance(value, str):
        return inert_text(value)
    if isinstance(value, BaseModel):
        return value.model_copy(update={name: inert_copy(getattr(value, name)) for name in type(value).model_fields})
    if isinstance(value, list):
        return [inert_copy(item) for item in value]
    if isinstance(value, tuple):
        return tuple(inert_copy(item) for item in value)
    if isinstance(value, dict):
        return {inert_copy(key): inert_copy(item) for key, item in value.items()}
    return value


def name_key(name: str) -> str:
    """What two names of one person or company compare by: "José" typed precomposed or as e + accent, with a
    zero-width space, in capitals or with doubled spaces is one name. NFKC folds compatibility forms (full-width
    letters, ligatures), format characters (zero-width, bidi controls) are dropped, case is folded and every
    run of spaces becomes one. Evaluators, respondents and companies are all told apart by this key."""
    if name.isascii():  # the common case, and cheap: no compatibility forms or format characters to drop
        return " ".join(name.lower().split())
    text = unicodedata.normalize("NFKC", name)
    text = "".join(char for char in text if unicodedata.category(char) != "Cf" and char not in _BLANK_LETTERS)
    return " ".join(unicodedata.normalize("NFKC", text.casefold()).split())


# what people write in an evidence field to say there is none: it names no document
_NO_EVIDENCE = frozenset({"n/a", "na", "-", "--", "---", "\u2013", "\u2014", "none", "nil", "tbd", "?"})


def names_evidence(text: str | None) -> bool:
    """Whether an evidence field names something: visible text that is not a placeholder ("n/a", "-")."""
    return has_visible_text(text) and name_key(text or "") not in _NO_EVIDENCE
