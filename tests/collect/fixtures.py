"""A collection folder with invites, and the server's app in-process, for the collect tests."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from crmcheck.catalog import Catalog
from crmcheck.collect.folder import Collection
from tests.conftest import STANDARD_LEVELS, practice_scale

# One question of every type, worded per lens, over two sections.
KINDS = """format: 1
id: kinds
title: Every kind of question
version: 1
kind: scored
source: Test source
lenses: [company, customer]
scales:
""" + practice_scale("Measured") + STANDARD_LEVELS + """default_target: 4
sections:
  - id: basics
    title: Basics & <b>more</b>
    summary: The assessor's note on the first page.
    respondent_intro: {company: "About your own team.", customer: "About dealing with {company}."}
    questions:
      - id: level
        text: {company: "How well do you follow up?", customer: "How well do they follow up with you?"}
        help: Good answer hint for the assessor only.
        respondent_help: {company: "Think of the last three times.", customer: "Think of your last three calls."}
        type: scale
        scale: practice
      - {id: agreed, text: {company: "Is it written down?", customer: "Did they tell you?"}, type: yes_no}
      - id: pick
        text: {company: "Which channel do you use?", customer: "Which channel does {company} use?"}
        type: choice
        options:
          - {id: mail, label: Mail, labels: {company: "We write by mail", customer: "They write by mail"}, score: 0.5}
          - {id: phone, label: Phone, score: 1}
  - id: details
    title: Details
    questions:
      - id: tools
        text: {company: "Which do you keep?", customer: "Which did you see?"}
        type: checklist
        options: [{id: notes, label: Notes, weight: 2}, {id: history, label: History}, {id: owner, label: Owner}]
      - id: days
        text: {company: "How many days to answer?", customer: "How many days did they take?"}
        type: number
        unit: days
        bands: [{min: 0, score: 1}, {min: 3, score: 0.5}, {min: 10, score: 0}]
      - {id: remark, text: {company: "Anything else?", customer: "Anything else?"}, type: text}
"""


@dataclass
class Setup:
    dir: Path
    collection: Collection
    catalog: Catalog
    tokens: dict[str, str]  # respondent id -> token


def make_collection(tmp_path: Path, qids: tuple[str, ...] = ("kinds",), company: str = "Acme <Corp>",
                    company_invites: int = 1, customer_invites: int = 1) -> Setup:
    qdir = tmp_path / "questionnaires"
    qdir.mkdir(parents=True, exist_ok=True)
    (qdir / "kinds.yaml").write_text(KINDS)
    catalog = Catalog.from_options([qdir])
    folder = tmp_path / "survey"
    collection = Collection.create(folder, [catalog.get(q) for q in qids], company, dt.date(2026, 11, 1), [qdir])
    tokens = {}
    qs = collection.questionnaires(catalog)
    for lens, count in (("company", company_invites), ("customer", customer_invites)):
        if count:
            for made in collection.invite(lens, qs, count=count):  # type: ignore[arg-type]
                tokens[made.respondent] = made.link.rsplit("/", 1)[1]
    return Setup(folder, collection, catalog, tokens)


class FormReader(HTMLParser):
    """The form's fields as a browser would send them, plus every control's name and value."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[dict[str, str | None]] = []
        self.textareas: dict[str, str] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        data = dict(attrs)
        if tag in ("input", "button"):
            self.controls.append({"tag": tag, **data})
        elif tag == "textarea":
            self._textarea = data.get("name") or ""
            self.textareas[self._textarea] = ""

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self.textareas[self._textarea] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea":
            self._textarea = None

    def csrf(self) -> str:
        return next(str(c["value"]) for c in self.controls if c.get("name") == "csrf")

    def checked(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = {}
        for c in self.controls:
            if c.get("type") in ("radio", "checkbox") and "checked" in c and c.get("value"):
                found.setdefault(str(c["name"]), []).append(str(c["value"]))
        return found


def read_form(html: str) -> FormReader:
    reader = FormReader()
    reader.feed(html)
    return reader


def page_path(token: str, number: int) -> str:
    return f"/r/{token}/page/{number}"


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert match, "no CSRF field on the page"
    return match.group(1)
