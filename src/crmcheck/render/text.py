"""Escaping untrusted text for each output: markdown structure, rich markup, XML, CI commands."""

from __future__ import annotations

import re
import textwrap

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~!{}])")
_LINE_START = re.compile(r"^(\s*)(\d*)((?<=\d)[.)]|(?<!\d)[-+=>])")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_MERMAID_UNSAFE = re.compile(r"[^\w ,.'&()/+\-:!?]")


def markdown_inline(text: object) -> str:
    """Text that renders as itself in GitHub markdown and can add no heading, link, HTML or column."""
    if text is None:
        return ""
    value = str(text).replace("\r\n", "\n").replace("\r", "\n")
    value = " ".join(part.strip() for part in value.split("\n"))
    # html.escape(value, quote=False), without importing html (and its entity table) for every report
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = _MD_SPECIAL.sub(r"\\\1", value)
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
