"""The markdown row's escaping (`inert.clean(text, "markdown")`), checked against a plain reference written here the
slow, obvious way: html-escape & < >, a backslash before each markdown character, links and mentions as code spans,
a list marker at the start escaped at its punctuation. The product's version takes short cuts (one translation
table; the link pattern only where a ':' '@' or 'www.' is; the list-marker pattern only where the text could start
one): these tests say the short cuts change nothing."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from crmcheck.inert import markdown_inline

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~!{}])")
_LINKS = re.compile(r"(?i)(?:\b[a-z][a-z0-9+.-]*://|\bwww\.|\b(?:mailto|javascript|data|file):)"
                    r"[^\s<>\"'|`()\[\]{}\\]*|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<![\w@/])@[\w-]+(?:/[\w.-]+)?")
_START = re.compile(r"^(\s*)(\d*)((?<=\d)[.)]|(?<!\d)[-+=>])")


def _plain(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _SPECIAL.sub(r"\\\1", text)


def _span(text: str) -> str:
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def reference(text: str) -> str:
    """For text with no control, bidi or invisible character (those are the table's columns, tested elsewhere)."""
    text = " ".join(part.strip() for part in text.split("\n"))
    out, at = [], 0
    for match in _LINKS.finditer(text):
        out += [_plain(text[at:match.start()]), _span(match.group())]
        at = match.end()
    text = "".join([*out, _plain(text[at:])])
    return _START.sub(lambda m: m.group(1) + m.group(2) + "\\" + m.group(3), text)


# the characters every short cut turns on, and enough letters, digits and spaces to make words, links and markers
_ALPHABET = st.sampled_from(
    list("ab1 9.:/@wW-+=>)<&*_`[]#|~!{}\\\n\u00a0é\u212a") + ["www.", "http://", "mailto:", "1."])
_TEXTS = st.lists(_ALPHABET, max_size=40).map("".join)


@settings(max_examples=3000, deadline=None)
@given(_TEXTS)
def test_markdown_escaping_matches_the_reference(text: str) -> None:
    assert markdown_inline(text) == reference(text)


def test_hand_picked_cases() -> None:
    cases = {
        "Plain words stay as they are": "Plain words stay as they are",
        "- a list item": "\\- a list item",
        "  12) twelfth": "12\\) twelfth",
        "3.5 stars": "3\\.5 stars",  # escaped although no list would start: harmless, it renders as written
        "see https://example.com/x now": "see `https://example.com/x` now",
        "mail ana@example.com": "mail `ana@example.com`",
        "ping @team": "ping `@team`",
        "a | b <i> & *c*": "a \\| b &lt;i&gt; &amp; \\*c\\*",
        "two\nlines\n  joined": "two lines joined",
        "WWW.Example.org": "`WWW.Example.org`",
    }
    for given_text, expected in cases.items():
        assert markdown_inline(given_text) == expected == reference(given_text)
