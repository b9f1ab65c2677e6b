"""What an interview is asked for (the request, one question as asked) and what a running one holds."""

from __future__ import annotations

import datetime as dt
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from crmcheck.answers.disk import real_path
from crmcheck.answers.layout import Header
from crmcheck.answers.model import Answer
from crmcheck.answers.reconcile import QuestionnaireState
from crmcheck.answers.signals import Stopping
from crmcheck.answers.store import AnswersStore
from crmcheck.catalog import Catalog
from crmcheck.interview.terminal import Style, Terminal, shown, wrap
from crmcheck.models.questionnaire import Question, Questionnaire, Section


@dataclass
class InterviewRequest:
    """What the command line asked for. Header fields left as None are asked at the start."""

    questionnaire_ids: list[str]
    output: Path
    company: str | None = None
    assessor: str | None = None
    respondent: str | None = None
    role: str | None = None
    lens: Literal["company", "customer"] | None = None
    assessed_on: dt.date | None = None
    sections: list[str] = field(default_factory=list)
    questionnaire_dirs: list[Path] = field(default_factory=list)
    program: str = "crmcheck"

    def resume_command(self) -> str:
        """The exact command that picks this interview up again."""
        words = [self.program, "interview", *dict.fromkeys(self.questionnaire_ids), "-o", str(self.output)]
        for section in self.sections:
            words += ["--section", section]
        for directory in self.questionnaire_dirs:
            words += ["--questionnaires", str(directory)]
        return shlex.join(words)

    def report_command(self, *extra: str) -> str:
        words = [self.program, "report", str(self.output), *extra]
        for directory in self.questionnaire_dirs:
            words += ["--questionnaires", str(directory)]
        return shlex.join(words)


@dataclass(frozen=True)
class Item:
    """One question as the interview asks it."""

    state: QuestionnaireState
    section: Section
    question: Question
    full_id: str
    section_number: int

    @property
    def questionnaire(self) -> Questionnaire:
        return self.state.questionnaire



class SessionBase:
    """What an interview holds while it runs, and how it talks to the terminal (the steps build on it)."""

    def __init__(self, request: InterviewRequest, catalog: Catalog, terminal: Terminal, signals: Stopping) -> None:
        self.request = request
        self.catalog = catalog
        self.terminal = terminal
        self.signals = signals
        self.target = request.output  # as given: what messages quote
        self.path = real_path(request.output)  # the real file: what is read, locked and written
        # the answers file's one owner: load, verify, write; its lock and hard links are set by `run_interview`
        self.store = AnswersStore(self.path, self.target, signals=signals)
        self.asked = [catalog.get(qid) for qid in dict.fromkeys(request.questionnaire_ids)]
        self.header = Header()
        self.states: dict[str, QuestionnaireState] = {}
        self.items: list[Item] = []
        self.saved_count: int | None = None  # answers in the file on disk; None until it exists
        self.base: dict[str, dict[str, Answer]] = {}  # the answers the file held then
        self.changed: dict[str, set[str]] = {}  # questions this interview answered (or noted), per questionnaire
        self.resumed = False
        self.passed: set[int] = set()  # questions skipped with `s` in this session: not offered again

    # -- output helpers

    def say(self, text: str = "", style: Style = "", indent: str = "", subsequent: str | None = None) -> None:
        for line in wrap(shown(text), self.terminal.width, indent, subsequent) if text else [""]:
            self.terminal.write(line, style)

    def ask(self, prompt: str) -> str:
        return self.terminal.read(prompt)

    # -- counting and commands

    def answered_count(self) -> int:
        return sum(1 for item in self.items if item.state.answered(item.full_id))

    def _count_in_file(self) -> int:
        asked = {q.id for q in self.asked}
        return sum(1 for qid, s in self.states.items() if qid in asked for a in s.answers.values()
                   if a.value is not None)

    def stopped_lines(self, why: str) -> list[str]:
        if self.saved_count is None:
            return [f"{why}; nothing was saved and {self.target} was not created.",
                    f"To start again: {self.request.resume_command()}"]
        answers = "1 answer is" if self.saved_count == 1 else f"{self.saved_count} answers are"
        return [f"{why}; {answers} saved in {self.target}.", f"To go on: {self.request.resume_command()}"]

