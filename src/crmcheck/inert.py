"""Untrusted text made inert for every output: one rule per output kind, in one table (`RULES`), applied by `clean`.

A YAML double-quoted string can hold any character as an escape ("\\e[2J" clears the screen, "\\e]8;;URL\\e\\\\"
forges a link, U+202E turns what follows it around, a zero-width space hides a difference between two names), and
a newline in a value can turn one diagnostic into several lines, one of them forged to look like another file's
error. The data keeps every character (a file written back reads back the same); what reaches a terminal, a report,
a CI log or a spreadsheet goes through here first, by the rule of its kind (docs/bad-input.md has the table in
words). No other module cleans text itself: tests/test_inert_rules.py looks for cleaners elsewhere.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Any, Literal, NamedTuple

Kind = Literal["output", "json", "terminal", "line", "markdown", "html", "xml", "spreadsheet", "workflow-data",
               "workflow-property", "mermaid", "reply"]

# The columns of the table: every character a rule treats other than as itself falls in one of these classes
# (each given as the inside of a regex character class).
CLASSES: dict[str, str] = {
    "control": "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f",  # C0 but tab and line breaks, DEL, C1 but NEL
    "tab": "\t",
    "lf": "\n",
    "crlf": "\r",  # CR LF, a line ending (CSV's, Windows'), matched as one before a lone CR
    "cr": "\r",  # alone it moves back over the line: what follows overwrites what was shown
    "nel": "\x85",  # C1's next line: some terminals and YAML 1.1 break the line there
    "separator": "\u2028\u2029",  # Unicode's line and paragraph separators
    "bidi": "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069",  # marks, embeddings, overrides, isolates
    # zero-width and other characters that draw nothing: soft hyphen, Mongolian vowel separator, zero-width space,
    # (non-)joiner, word joiner, invisible operators, deprecated format controls, BOM, interlinear annotation,
    # musical format controls, tags (which can spell hidden ASCII)
    "invisible": "\u00ad\u180e\u200b-\u200d\u2060-\u2064\u206a-\u206f\ufeff\ufff9-\ufffb\U0001d173-\U0001d17a"
                 "\U000e0001\U000e0020-\U000e007f",
    "not_text": "\ud800-\udfff\ufffe\uffff",  # lone surrogates (cannot be encoded) and noncharacters (not XML)
}
_GROUPS = {"crlf": "\r\n", "cr": "\r(?!\n)"}  # the two classes that are not one character

# What a rule does with a class. "show" writes the character out visibly, Python's way (\x1b, \u202e, \n, \r);
# nothing is ever deleted silently.
KEEP, SHOW, JSON, SPACE, PERCENT, LINE = "keep", "show", "json", "space", "percent", "line"
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t", "\r\n": "\\r\\n"}
_PERCENT = {"\n": "%0A", "\r": "%0D", "\r\n": "%0D%0A"}


def _show(chars: str) -> str:
    named = _NAMED.get(chars)
    if named:
        return named
    code = ord(chars)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


_TREATMENTS: dict[str, Callable[[str], str]] = {
    SHOW: _show,
    JSON: lambda chars: "".join(f"\\u{ord(c):04x}" for c in chars),  # also valid inside a JSON string
    SPACE: lambda chars: " ",
    PERCENT: lambda chars: _PERCENT.get(chars) or _show(chars),
    LINE: lambda chars: "\n",
}


class Rule(NamedTuple):
    """One output kind: what each class becomes, and the kind's own escaping before or after."""

    where: str
    chars: dict[str, str]
    why: str
    before: Callable[[str], str] | None = None
    after: Callable[[str], str] | None = None


def _row(where: str, treatments: str, why: str, before: Callable[[str], str] | None = None,
         after: Callable[[str], str] | None = None) -> Rule:
    """A table row: one treatment per class, in the order of CLASSES."""
    names = treatments.split()
    assert len(names) == len(CLASSES), where
    return Rule(where, dict(zip(CLASSES, names, strict=True)), why, before, after)


def _markdown_after(value: str) -> str:
    joined = " ".join(part.strip() for part in value.split("\n")) if "\n" in value else value.strip()
    return _markdown_structure(joined)


def _workflow_data(value: str) -> str:
    return value.replace("%", "%25")


def _workflow_property(value: str) -> str:
    return _workflow_data(value).replace(":", "%3A").replace(",", "%2C")


def _nfc(value: str) -> str:
    return value if value.isascii() else unicodedata.normalize("NFC", value)


def _mermaid_after(value: str) -> str:
    return _pattern("mermaid-unsafe", r"[^\w ,.'&()/+\-:!?]").sub(" ", value)


# ONE table. Read a row as: in this output, a character of this class becomes... (docs/bad-input.md explains why).
RULES: dict[str, Rule] = {
    #                                         control tab   lf    crlf  cr    nel   sep   bidi  invis not_text
    "output": _row("every text written, on stdout or to -o (the last net; the format is not known here)",
                   "show    keep  keep  keep  show  show  keep  keep  keep  keep",
                   "a report read with cat must not run escape sequences; bidi and invisible characters are the "
                   "format's business, and a YAML or JSON file must read back the same"),
    "json": _row("the same net over JSON",
                 "json    keep  keep  keep  json  json  keep  keep  keep  keep",
                 "\\u001b is shown on a terminal and still decodes to the same character"),
    "terminal": _row("terminal formats: report, compare, check, vendors, measure, plan, the interview, collect",
                     "show    keep  keep  keep  show  show  show  show  show  show",
                     "a person reads it: escapes run, reorder or hide; written out they are seen and do nothing"),
    "line": _row("one line of a diagnostic on stderr, or of a log",
                 "show    keep  show  show  show  show  show  show  show  show",
                 "a problem line always starts with the file's own path: no forged second line"),
    "markdown": _row("a value in a markdown report (table cells, headings, lists)",
                     "show    keep  line  line  line  line  line  show  show  show",
                     "a line break would end a table row: lines are joined with one space; the escapes' backslashes "
                     "are then escaped, so they show", after=_markdown_after),
    "html": _row("HTML reports and collect pages, and every value a template prints",
                 "show    keep  keep  keep  show  show  show  show  show  show",
                 "as on a terminal; markup is escaped by the template's autoescape (markdown: the md filter)"),
    "xml": _row("JUnit XML: names, messages, properties",
                "show    keep  keep  keep  show  show  show  show  show  show",
                "XML 1.0 cannot hold C0 controls or U+FFFE; CI shows the messages to people, so shown, not dropped; "
                "ElementTree escapes markup and line breaks in attributes"),
    "spreadsheet": _row("xlsx and CSV cells",
                        "show    keep  keep  keep  show  show  show  show  show  show",
                        "as on a terminal; a cell starting (after spaces) with = + - @ is kept text: the xlsx cell "
                        "gets the quote prefix, a CSV cell a leading '"),
    "workflow-data": _row("the message of a GitHub workflow command (::error ...::message)",
                          "show    keep  percent percent percent show show show show show",
                          "% CR LF are the command's own escapes (%25 %0D %0A): no second command line; the rest "
                          "is shown as on a terminal", before=_workflow_data),
    "workflow-property": _row("a property of a workflow command (file=, title=)",
                              "show    keep  percent percent percent show show show show show",
                              "as the message, and : , are escaped (%3A %2C) so a property cannot end early",
                              before=_workflow_property),
    "mermaid": _row("a label in a mermaid chart (in a quoted string)",
                    "space   space space space space space space space space space",
                    "a chart label is decoration: anything but letters, digits, spaces and , . ' & ( ) / + - : ! ? "
                    "becomes a space", after=_mermaid_after),
    "reply": _row("text a person types (interview reply, collect form field), stored as one YAML line",
                  "space   space space space space space space keep  keep  space",
                  "data, not output: a stray key's escape sequence becomes a space rather than backslash text in "
                  "the answers file; NFC-normalised, runs of spaces made one; outputs escape it by their own rule",
                  before=_nfc, after=lambda value: " ".join(value.split())),
}

_compiled: dict[str, re.Pattern[str]] = {}


def _pattern(name: str, source: str, flags: int = 0) -> re.Pattern[str]:
    """A regex compiled when first used: start-up compiles none of them."""
    found = _compiled.get(name)
    if found is None:
        found = _compiled[name] = re.compile(source, flags)
    return found


def _rule_patterns(kind: str, extra: str = "") -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A row's two regexes: one character class to find whether the text needs anything done (fast, and most text
    does not), and every class the row does not keep as a named group (`extra` first, when given)."""
    found = _row_patterns.get(kind + extra)
    if found is None:
        treated = [name for name, how in RULES[kind].chars.items() if how != KEEP]
        groups = [f"(?P<{name}>{_GROUPS.get(name) or '[' + CLASSES[name] + ']'})" for name in treated]
        found = _row_patterns[kind + extra] = (
            re.compile(f"{extra}|[{''.join(CLASSES[name] for name in treated)}]".removeprefix("|")),
            re.compile("|".join([extra, *groups] if extra else groups)))
    return found


_row_patterns: dict[str, tuple[re.Pattern[str], re.Pattern[str]]] = {}


def _replacer(kind: str) -> Callable[[re.Match[str]], str]:
    chars = RULES[kind].chars
    return lambda match: _TREATMENTS[chars[match.lastgroup or ""]](match.group())


_replacers = {kind: _replacer(kind) for kind in RULES}


def _apply(kind: str, value: str) -> str:
    if value.isprintable():  # no character of any class is (tests/test_inert_rules.py): nothing to do, found fast
        return value
    quick, full = _rule_patterns(kind)
    return full.sub(_replacers[kind], value) if quick.search(value) else value


def clean(text: object, kind: Kind) -> str:
    """`text` (None is empty) made inert for an output of `kind`, by that kind's row of RULES."""
    value = "" if text is None else str(text)
    rule = RULES[kind]
    if rule.before is not None:
        value = rule.before(value)
    value = _apply(kind, value)
    return value if rule.after is None else rule.after(value)


def inert_text(text: str, *, json_escapes: bool = False) -> str:
    """The last net over written output: every control character but tab and newline written out visibly (ESC as
    `\\x1b`; with `json_escapes`, as `\\u001b`, which is also valid inside a JSON string)."""
    return clean(text, "json" if json_escapes else "output")


def one_line(text: str) -> str:
    """`text` as one inert line: newlines (and other line separators) are written out as `\\n` too."""
    return clean(text, "line")


def terminal_text(text: object) -> str:
    """Text from files as shown on a terminal: controls, bidi, invisible characters written out visibly."""
    return clean(text, "terminal")


def reply_text(text: str) -> str:
    """What a person typed, as one line of text to store: controls and line breaks become spaces."""
    return clean(text, "reply")


def xml_safe(text: object) -> str:
    """Text for XML (JUnit): what XML cannot hold, and what CI would show raw, written out visibly."""
    return clean(text, "xml")


def spreadsheet_text(text: object) -> str:
    """A cell's text: controls, bidi and invisible characters written out visibly (see `reads_as_formula`)."""
    return clean(text, "spreadsheet")


_FORMULA_STARTS = ("=", "+", "-", "@")


def reads_as_formula(text: str) -> bool:
    """Whether a spreadsheet would run this cell text as a formula once edited (it starts with = + - @)."""
    return text.lstrip().startswith(_FORMULA_STARTS)


def csv_cell(text: str | None) -> str:
    """A CSV cell a spreadsheet opening the file keeps as text: cleaned, and a leading ' before a formula."""
    value = spreadsheet_text(text)
    return "'" + value if reads_as_formula(value) else value


def template_finalize(value: Any) -> Any:
    """Jinja's `finalize`: every value a template prints made inert by the html row (our own Markup passes)."""
    if type(value) is str or (isinstance(value, str) and not hasattr(value, "__html__")):
        return _apply("html", value)  # clean(value, "html") without its checks: it runs for every value printed
    return value


def github_command_data(text: object) -> str:
    """Escape a value for the message part of a GitHub workflow command."""
    return clean(text, "workflow-data")


def github_command_property(text: object) -> str:
    """Escape a value for a property (file=, title=) of a GitHub workflow command."""
    return clean(text, "workflow-property")


def mermaid_text(text: object, limit: int = 60) -> str:
    """Text for a quoted mermaid label: no quotes, backticks, brackets, markup or line breaks; cut to `limit`."""
    import textwrap  # charts only

    value = clean(text, "mermaid")
    short = textwrap.shorten(value, width=limit, placeholder="…")
    return short[:-1].rstrip(",;:-/ ") + "…" if short.endswith("…") and short != value else short


def inert_coloured(text: str) -> str:
    """Rendered terminal text with rich's own colour sequences (SGR: ESC [ params m) kept and every other control
    character shown visibly, by the output row. File text is made inert before rendering (`inert_copy`); this is
    the last net."""
    replace = _replacers["output"]
    quick, full = _rule_patterns("output", "(?P<ours>\x1b\\[[0-9;]*m)")
    return full.sub(lambda m: m.group() if m.lastgroup == "ours" else replace(m), text) if quick.search(text) else text


def inert_copy(value: Any) -> Any:
    """A copy of a result (pydantic models, lists, dicts, text) with every string made inert by the terminal row,
    for rendering to a colour terminal, where the rendered text can no longer be told apart from rich's own
    sequences."""
    from pydantic import BaseModel

    if isinstance(value, str):
        return terminal_text(value)
    if isinstance(value, BaseModel):
        return value.model_copy(update={name: inert_copy(getattr(value, name)) for name in type(value).model_fields})
    if isinstance(value, list):
        return [inert_copy(item) for item in value]
    if isinstance(value, tuple):
        return tuple(inert_copy(item) for item in value)
    if isinstance(value, dict):
        return {inert_copy(key): inert_copy(item) for key, item in value.items()}
    return value


# ---- markdown structure (the markdown row's `after`)

# Markdown escaping as one translation: & < > as entities (what html.escape(value, quote=False) gives, without
# importing html and its entity table for every report), a backslash before every character markdown gives a meaning.
_MD_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", **{char: "\\" + char for char in "\\`*_[]#|~!{}"}})
# A list marker or a block quote at the start: "- x", "+ x", "= x" (a setext underline), "1. x", "2) x".
_LINE_START = r"^(\s*)(\d*)((?<=\d)[.)]|(?<!\d)[-+=>])"
# What GitHub would turn into a link or a notification: URLs, www. addresses, e-mail addresses, @mentions.
# a link ends where a space, a quote, a bracket, an angle bracket, a pipe or a backtick starts: none of them may
# stand inside the code span the link becomes (a pipe would still split a table cell, a bracket close a link)
_LINKISH = (r"(?i)(?:\b[a-z][a-z0-9+.-]*://|\bwww\.|\b(?:mailto|javascript|data|file):)[^\s<>\"'|`()\[\]{}\\]*"
            r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<![\w@/])@[\w-]+(?:/[\w.-]+)?")
# The characters _MD_ESCAPES changes: text with none of them (most text) is not translated.
_MD_SPECIAL = r"[&<>\\`*_\[\]#|~!{}]"
_LIST_MARKS = frozenset("-+=>")


def _code_span(text: str) -> str:
    """`text` as a markdown code span: shown as written, never a link or a mention (GitHub skips code)."""
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _markdown_plain(value: str) -> str:
    return value.translate(_MD_ESCAPES) if _pattern("md-special", _MD_SPECIAL).search(value) else value


def _could_link(value: str) -> bool:
    """Whether `value` could hold a link of _LINKISH: each holds a ':' (a scheme), an '@' (an address, a mention)
    or 'www.'. Most text holds none, and is not searched with the link pattern (slow over long words)."""
    return ":" in value or "@" in value or "ww" in value.lower()


def _markdown_structure(value: str) -> str:
    parts, at = [], 0
    for match in _pattern("md-linkish", _LINKISH).finditer(value) if _could_link(value) else ():
        parts += [_markdown_plain(value[at:match.start()]), _code_span(match.group())]
        at = match.end()
    value = "".join([*parts, _markdown_plain(value[at:])]) if parts else _markdown_plain(value)
    # a list marker is escaped at its punctuation: "\-", "1\." (a backslash before a digit would show); the
    # pattern runs only where the first character that is not a space could start one
    first = value.lstrip()[:1]
    if first and (first in _LIST_MARKS or first.isdigit()):
        value = _pattern("md-line-start", _LINE_START).sub(lambda m: m.group(1) + m.group(2) + "\\" + m.group(3),
                                                           value)
    return value


def markdown_inline(text: object) -> str:
    """Text that renders as itself in GitHub markdown and can add no heading, link, HTML, column, mention or
    reordering (bidi control)."""
    return clean(text, "markdown")


# ---- workflow commands in printed output

# a runner splits lines at \r as well as \n, and trims any Unicode whitespace before looking for `::`
_COMMAND_LINE = r"(?:^|(?<=\r))([^\S\r\n]*):(?=:)"
_COMMAND_V1 = "##["


def neutralise_workflow_commands(text: str) -> str:
    """Printed text that no CI runner reads as a command: a zero-width space breaks a line-leading `::`
    (GitHub Actions) and every `##[` (the older syntax, read anywhere in a line)."""
    if "::" not in text and _COMMAND_V1 not in text:
        return text
    text = _pattern("command-line", _COMMAND_LINE, re.M).sub("\\1:\u200b", text)
    return text.replace(_COMMAND_V1, "##\u200b[")


# ---- visibility and names (comparison, not output)

# characters that draw nothing although Unicode does not class them as spaces or formats
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def has_visible_text(text: str | None) -> bool:
    """Whether `text` shows anything: not only spaces, zero-width or other invisible characters."""
    if not text:
        return False
    return any(not char.isspace() and char not in _BLANK_LETTERS
               and unicodedata.category(char) not in ("Cc", "Cf", "Zs", "Zl", "Zp", "Mn", "Me")
               for char in text)


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
