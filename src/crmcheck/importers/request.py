"""What `crmcheck import` is asked to do (`ImportRequest`) and what it reports back (`ImportOutcome`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from crmcheck.errors import Problem
from crmcheck.importers.layouts import LayoutName
from crmcheck.models.questionnaire import Questionnaire


class Progress(Protocol):
    """Where a long import reports how far it has got (the CLI draws a bar on large files).

    `counting` says whether `start` needs its total: counting the rows is one more pass over the file.
    """

    counting: bool

    def start(self, description: str, total: int) -> None: ...

    def advance(self, count: int = 1) -> None: ...


class NoProgress:
    counting = False

    def start(self, description: str, total: int) -> None:
        pass

    def advance(self, count: int = 1) -> None:
        pass


@dataclass(frozen=True)
class ImportRequest:
    """Everything `crmcheck import` was asked to do."""

    survey: str
    questionnaire: Questionnaire
    lens: str
    company: str
    out_dir: Path
    assessed_on: dt.date
    assessor: str | None = None
    column_map: str | None = None
    skip_invalid: bool = False
    force: bool = False
    layout: LayoutName | None = None
    encoding: str = "utf-8"
    delimiter: str | None = None
    sheet: str | None = None


@dataclass
class ImportOutcome:
    """What was written, and what the user should know about."""

    layout: str
    written: Sequence[Path]
    warnings: list[Problem]
    invalid: list[Problem]  # unreadable cells of the rows left out with --skip-invalid
    skipped_rows: list[int]
    questions_matched: int
    questions_total: int
    other_files: list[Path] = field(default_factory=list)

