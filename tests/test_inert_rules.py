"""The one table of text rules (crmcheck.inert.RULES): what each output kind makes of hostile text, that every
output uses it, and that no module keeps a cleaner of its own."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from crmcheck import inert
from crmcheck.inert import RULES, clean, csv_cell, reads_as_formula
from tests.conftest import ROOT

# controls and an ESC sequence, a C1 CSI, bidi override, zero-width space, %, a comma, a spreadsheet formula,
# a workflow command, XML and HTML markup, a CRLF line ending, a lone CR (overwrites the line), a lone surrogate
HOSTILE = ("Acme\x1b[2J\x07\x9b\u202eexe.pdf\u200b 100%, =cmd|' /C calc'!A0 ::error::x </testcase> "
           "<script>alert(1)</script>\r\nnext\rover\udc80end")
SHOWN = (r"Acme\x1b[2J\x07\x9b\u202eexe.pdf\u200b 100%, =cmd|' /C calc'!A0 ::error::x </testcase> "
         r"<script>alert(1)</script>" "\r\n" r"next\rover\udc80end")
MARKUP = "</testcase> <script>alert(1)</script>"

EXPECTED = {
    # the last net over any written text: controls only (a YAML or JSON file must read back the same)
    "output": "Acme" r"\x1b[2J\x07\x9b" f"\u202eexe.pdf\u200b 100%, =cmd|' /C calc'!A0 ::error::x {MARKUP}\r\nnext"
              r"\r" "over\udc80end",
    "json": "Acme" r"\u001b[2J\u0007\u009b" f"\u202eexe.pdf\u200b 100%, =cmd|' /C calc'!A0 ::error::x {MARKUP}\r\nnext"
            r"\u000d" "over\udc80end",
    "terminal": SHOWN,
    "line": SHOWN.replace("\r\n", r"\r\n"),
    "markdown": r"Acme\\x1b\[2J\\x07\\x9b\\u202eexe.pdf\\u200b 100%, =cmd\|' /C calc'\!A0 ::error::x "
                r"&lt;/testcase&gt; &lt;script&gt;alert(1)&lt;/script&gt; next over\\udc80end",
    "html": SHOWN,  # the markup is the template's autoescape's (test below)
    "xml": SHOWN,  # the markup is ElementTree's (test below)
    "spreadsheet": SHOWN,  # the formula is the cell's quote prefix (test below)
    "workflow-data": r"Acme\x1b[2J\x07\x9b\u202eexe.pdf\u200b 100%25, =cmd|' /C calc'!A0 ::error::x "
                     r"</testcase> <script>alert(1)</script>%0D%0Anext%0Dover\udc80end",
    "workflow-property": r"Acme\x1b[2J\x07\x9b\u202eexe.pdf\u200b 100%25%2C =cmd|' /C calc'!A0 "
                         r"%3A%3Aerror%3A%3Ax </testcase> <script>alert(1)</script>%0D%0Anext%0Dover\udc80end",
    # every character outside the label's allow-list is a space (shortening then folds the runs)
    "mermaid": "Acme  2J   exe.pdf  100 ,  cmd ' /C calc'!A0 ::error::x  /testcase   script alert(1) /script  next "
               "over end",
    # typed data, stored: controls and line breaks become spaces, bidi and zero-width stay (outputs escape them)
    "reply": f"Acme [2J \u202eexe.pdf\u200b 100%, =cmd|' /C calc'!A0 ::error::x {MARKUP} next over end",
}


def test_every_kind_in_the_table_has_a_worked_case() -> None:
    assert set(EXPECTED) == set(RULES)


@pytest.mark.parametrize("kind", sorted(EXPECTED))
def test_hostile_text_comes_out_as_the_table_says(kind: str) -> None:
    assert clean(HOSTILE, kind) == EXPECTED[kind]  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", sorted(k for k in EXPECTED if k not in ("mermaid", "reply")))
def test_no_kind_lets_an_escape_sequence_through_or_deletes_it(kind: str) -> None:
    cleaned = clean(HOSTILE, kind)  # type: ignore[arg-type]
    assert "\x1b" not in cleaned and "\x07" not in cleaned and "\x9b" not in cleaned
    assert "x1b" in cleaned or "u001b" in cleaned  # shown, not dropped


@pytest.mark.parametrize("kind", sorted(k for k in EXPECTED if k not in ("output", "json", "reply")))
def test_every_output_a_person_reads_shows_bidi_zero_width_and_surrogates(kind: str) -> None:
    cleaned = clean(HOSTILE, kind)  # type: ignore[arg-type]
    assert not re.search("[\u202e\u200b\udc80]", cleaned)
    if kind != "mermaid":
        assert "u202e" in cleaned and "u200b" in cleaned and "udc80" in cleaned


@pytest.mark.parametrize(("text", "shown"), [
    ("\u2066isolate\u2069 \u061c\u200e\u200f", r"\u2066isolate\u2069 \u061c\u200e\u200f"),
    ("soft\u00adhyphen join\u2060er \ufeffbom tag\U000e0041", r"soft\xadhyphen join\u2060er \ufeffbom tag\U000e0041"),
    ("del\x7f nel\x85 sep\u2028par\u2029 nonchar\ufffe", r"del\x7f nel\x85 sep\u2028par\u2029 nonchar\ufffe"),
    ("tab\tand\nnewline stay, é 東京 too", "tab\tand\nnewline stay, é 東京 too"),
])
def test_the_terminal_rule_classes(text: str, shown: str) -> None:
    assert clean(text, "terminal") == shown


def test_no_character_of_a_class_is_printable() -> None:
    """The rules skip printable text (str.isprintable) without looking further: that is exact only while no
    class holds a printable character."""
    every_class = re.compile("[" + "".join(inert.CLASSES.values()) + "]")
    members = every_class.findall("".join(map(chr, range(0x110000))))
    assert len(members) > 2000 and not [hex(ord(char)) for char in members if char.isprintable()]


def test_a_reply_is_one_nfc_line() -> None:
    assert clean(" Cafe\u0301\tbar\x00\u2028baz\ud800 ", "reply") == "Café bar baz"


def test_html_markup_is_escaped_by_the_templates_and_characters_by_the_rule() -> None:
    from crmcheck.render.templating import environment

    html = environment(None, autoescape=True).from_string("<p>{{ value }}</p>").render(value=HOSTILE)
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "\x1b" not in html and r"\x1b[2J" in html and r"\u202e" in html and "\u202e" not in html
    markdown = environment(None, autoescape=False).from_string("{{ value }}|{{ value|md }}").render(value="a\u202eb")
    assert markdown == r"a\u202eb|a\\u202eb"


def test_xml_is_parseable_and_shows_what_xml_cannot_hold() -> None:
    element = ET.Element("testcase", {"name": inert.xml_safe(HOSTILE + "\ufffe")})
    element.text = inert.xml_safe(HOSTILE)
    parsed = ET.fromstring(ET.tostring(element, encoding="unicode"))
    assert parsed.get("name") == SHOWN + r"\ufffe" and parsed.text == SHOWN.replace("\r\n", "\n")


@pytest.mark.parametrize(("text", "formula"), [
    ("=cmd|' /C calc'!A0", True), ("  +1+1", True), ("-2", True), ("@SUM(A1)", True), ("a=b", False), ("", False),
])
def test_a_cell_a_spreadsheet_would_run_is_kept_text(text: str, formula: bool) -> None:
    assert reads_as_formula(clean(text, "spreadsheet")) is formula
    assert csv_cell(text) == ("'" + text if formula else text)


def test_outputs_call_the_table() -> None:
    """Each output's cleaner is the table's function, not a copy of its own."""
    from crmcheck.collect import form
    from crmcheck.interview import replies, terminal
    from crmcheck.vendors.formats import terminal_format

    assert terminal.shown is inert.terminal_text and terminal_format.shown is inert.terminal_text
    assert replies.clean_text is inert.reply_text and form.clean is inert.reply_text


# What a cleaner looks like: a character category test, a control or bidi range, a printable-ASCII allow-list,
# an ord() bound at the control ranges, a str.maketrans table.
CLEANER = re.compile(r"unicodedata\.category\(|\.isprintable\(|maketrans\(|\\x00-|\\x0e-|\\x7f-|\\x80-|-\\x1f|-\\x9f"
                     r"|\\x20-\\x7e|\\u202[a-e]|\\u206[6-9]|\\u200[b-f]|\\u061c|\\u2060|\\ufeff"
                     r"|ord\(\w+\)\s*[<>]=?\s*(?:31|32|126|127|128|159|160)\b"
                     r'|replace\("\\[rnt]", "(?:\\\\[rnt]| |\?)?"\)')
# lines that look like one and are not an output's cleaner: they refuse input or choose how YAML writes a value
NOT_CLEANERS = {
    "NOT_PRINTABLE = re.compile(": "yamlio: the characters YAML may hold; a file with others is refused",
    "_NOT_AS_ITSELF = re.compile(": "answers/layout: which characters the YAML writer escapes (the data reads back "
                                   "the same); not a cleaner, nothing is changed",
    "_NOT_IN_A_NAME = re.compile(": "collect/folder: a company or respondent name holding one is refused",
}


def test_no_module_but_inert_cleans_text_itself() -> None:
    found = []
    for path in sorted((ROOT / "src" / "crmcheck").rglob("*.py")):
        if path == ROOT / "src" / "crmcheck" / "inert.py":
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if CLEANER.search(line) and not any(line.lstrip().startswith(known) for known in NOT_CLEANERS):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not found, "clean text with crmcheck.inert.clean (add a row to RULES if no kind fits):\n" + "\n".join(found)


def test_the_cleaner_search_finds_a_local_cleaner() -> None:
    """The search above would catch the cleaners this table replaced."""
    replaced = [
        '    return "".join("?" if unicodedata.category(c) in ("Cc", "Cf") and c != "\\u200b" else c for c in text)',
        '        return "".join(c for c in value if c in "\\n\\t" or not (ord(c) < 32 or 127 <= ord(c) < 160))',
        '_XML_INVALID = re.compile("[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\ufffe\\uffff]")',
        '_INVISIBLE = re.compile("[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f\\u061c\\u200e\\u200f\\u202a-\\u202e]")',
        r'''    return "'" + short.replace("\n", "\\n").replace("\r", "\\r") + "'"''',
    ]
    assert all(CLEANER.search(line) for line in replaced)


def test_the_docs_table_has_every_kind() -> None:
    doc = (ROOT / "docs" / "bad-input.md").read_text(encoding="utf-8")
    section = doc.split("## One rule per output", 1)[1].split("\n## ", 1)[0]
    rows = {line.split("|")[1].strip(" `") for line in section.splitlines() if line.startswith("| `")}
    assert rows == set(RULES)


def test_render_text_only_re_exports() -> None:
    """render/text.py is kept for imports written before the move: it holds no rule of its own."""
    source = (Path(inert.__file__).parent / "render" / "text.py").read_text(encoding="utf-8")
    assert "re.compile" not in source and "def " not in source
