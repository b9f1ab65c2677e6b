"""Escaping untrusted text for each output: markdown structure, rich markup, XML, CI commands."""

from __future__ import annotations

import re
import textwrap

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~!{}])")
_LINE_START = re.compile(r"^(\s*)(\d*)((?<=\d)[.)]|(?<!\d)[-+=>])")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MERMAID_UNSAFE = re.compile(r"[^\w ,.'&()/+\-:!?]")


# Bidi controls reorder what follows them (a note can make "evil.example/moc.knab" show as a bank's name), and
# C0/C1 controls do nothing visible: shown as escapes, as the terminal outputs show them.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
# What GitHub would turn into a link or a notification: URLs, www. addresses, e-mail addresses, @mentions.
# a link-like run stops at < > |: inside its code span they would be left raw in the markdown and, in a table, a raw |
# still splits the cell; outside it they are escaped like any other text
_LINKISH = re.compile(r"(?i)(?:\b[a-z][a-z0-9+.-]*://|\bwww\.|\b(?:mailto|javascript|data|file):)[^\s<>|]*"
                      r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<![\w@/])@[\w-]+(?:/[\w.-]+)?")


def _code_span(text: str) -> str:
    """`text` as a markdown code span: shown as written, never a link or a mention (GitHub skips code)."""
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _markdown_plain(value: str) -> str:
    # html.escape(value, quote=False), without importing html (and its entity table) for every report
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", value)


def markdown_inline(text: object) -> str:
    """Text that renders as itself in GitHub markdown and can add no heading, link, HTML, column, mention or
    reordering (bidi control)."""
    if text is None:
        return ""
    value = str(text).replace("\r\n", "\n").replace("\r", "\n")
    value = " ".join(part.strip() for part in value.split("\n"))
    value = _INVISIBLE.sub(lambda m: f"\\u{ord(m.group()):04x}", value)
    if _LINKISH.search(value):
        parts, at = [], 0
        for match in _LINKISH.finditer(value):
            parts += [_markdown_plain(value[at:match.start()]), _code_span(match.group())]
            at = match.end()
        value = "".join([*parts, _markdown_plain(value[at:])])
    else:
        value = _markdown_plain(value)
    # a list marker is escaped at its punctuation: "\-", "1\." (a backslash before a digit would show)
    return _LINE_START.sub(lambda m: m.group(1) + m.group(2) + "\\" + m.group(3), value)


def mermaid_text(text: object, limit: int = 60) -> str:
    """Text for a quoted mermaid label: no quotes, backticks, brackets, markup or line breaks; cut to `limit`."""
    value = _MERMAID_UNSAFE.sub(" ", "" if text is None else str(text))
    short = textwrap.shorten(value, width=limit, placeholder="…")
    return short[:-1].rstrip(",;:-/ ") + "…" if short.endswith("…") and short != value else short


def xml_safe(text: object) -> str:
    """Drop characters XML 1.0 cannot hold (control characters)."""
    return _XML_INVALID.sub("", "" if text is None else str(text))


def github_command_data(text: object) -> str:
    """Escape a value for the message part of a GitHub workflow command."""
    value = "" if text is None else str(text)
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def github_command_property(text: object) -> str:
    """Escape a value for a property (file=, title=) of a GitHub workflow command."""
    return github_command_data(text).replace(":", "%3A").replace(",", "%2C")


# a runner splits lines at \r as well as \n, and trims any Unicode whitespace before looking for `::`
_COMMAND_LINE = re.compile(r"(?:^|(?<=\r))([^\S\r\n]*):(?=:)", re.M)
_COMMAND_V1 = "##["


def neutralise_workflow_commands(text: str) -> str:
    """Printed text that no CI runner reads as a command: a zero-width space breaks a line-leading `::`
    (GitHub Actions) and every `##[` (the older syntax, read anywhere in a line)."""
    if "::" not in text and _COMMAND_V1 not in text:
        return text
    text = _COMMAND_LINE.sub("\\1:\u200b", text)
    return text.replace(_COMMAND_V1, "##\u200b[")
