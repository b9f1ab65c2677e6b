"""Text from files made harmless for a terminal: control characters shown as visible escapes, never emitted.

A YAML double-quoted string can hold any character as an escape ("\\e[2J" clears the screen, "\\e]8;;URL\\e\\\\"
forges a link), and a newline in a value can turn one diagnostic into several lines, one of them forged to
look like another file's error. Everything that reaches a terminal goes through here first.
"""

from __future__ import annotations

import re
import unicodedata

# C0 controls except tab and newline, DEL, and the C1 controls (U+0080-U+009F, which some terminals obey)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
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
