"""The interview session: open or create the file, ask question after question, save after every answer.

The steps it builds on: base.py (the request, what a session holds), opening.py (a new file's details, a resume),
saving.py (every save, through crmcheck.answers.store), navigation.py (the next question, the `g` key).
"""

from __future__ import annotations

import contextlib
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from crmcheck.answers.disk import (
    check_target,
    finish_interrupted_save,
    make_folders,
    real_path,
    remove_folders,
    remove_stale_temp_files,
)
from crmcheck.answers.lock import AnswersLock
from crmcheck.answers.model import Answer, parse_answers
from crmcheck.answers.signals import Stopping
from crmcheck.catalog import Catalog
from crmcheck.errors import Interrupted, Problem, UsageError
from crmcheck.interview.base import InterviewRequest, Item
from crmcheck.interview.navigation import NavigationSteps
from crmcheck.interview.opening import OpeningSteps
from crmcheck.interview.replies import choices, clean_text, describe, how_to_answer, read_reply
from crmcheck.interview.summary import closing_summary
from crmcheck.interview.terminal import Terminal, wrap
from crmcheck.models.questionnaire import Question, Questionnaire
from crmcheck.resolve import is_unknown
from crmcheck.yamlio import parse, read_text

__all__ = ["Interview", "InterviewRequest", "Item", "run_interview"]

KEYS_HINT = ("? help, n note (t on a yes/no question, where n means no), e evidence, s skip, b back, "
             "g go to a section (g alone lists them), x not applicable, q save and quit")
KEYS_SHORT = "keys: ? help  n note  e evidence  s skip  b back  g go to  x n/a  q quit"
KEYS_SHORT_YES_NO = "keys: ? help  t note  e evidence  s skip  b back  g go to  x n/a  q quit"  # n is no here


class _Stop(BaseException):
    """A signal (Ctrl-C, SIGTERM, SIGHUP) asked the interview to stop."""


class Interview(OpeningSteps, NavigationSteps):
    """One run of `crmcheck interview`: open or create the file, ask, save after every answer."""

    # -- the run

    def run(self) -> str:
        try:
            notices = self._open()
            return self._interview(notices)
        except (_Stop, KeyboardInterrupt, EOFError):
            with contextlib.suppress(OSError):  # the terminal may be gone (SIGHUP)
                self.terminal.write("", "")
            lines = self.stopped_lines("Interrupted")
            raise Interrupted(lines[0], problems=[Problem(line) for line in lines]) from None

    def _build_items(self) -> None:
        wanted = set(self.request.sections)
        number = 0
        for q in self.asked:
            state = self.states[q.id]
            for section in q.sections:
                if wanted and section.id not in wanted:
                    continue
                number += 1
                for question in section.questions_in((self.header.respondent or {}).get("lens")):
                    self.items.append(Item(state, section, question, f"{section.id}.{question.id}", number))

    def _open(self) -> list[str]:
        remove_stale_temp_files(self.path)
        notices = finish_interrupted_save(self.path, self.store.hard_linked)
        if self.path.exists():
            notices += self._resume()
        else:
            self._start_new()
        self._build_items()
        return notices


    # -- asking

    def _interview(self, notices: list[str]) -> str:
        total = len(self.items)
        answered = self.answered_count()
        start = next((i for i, item in enumerate(self.items) if not item.state.answered(item.full_id)), None)
        if self.resumed:
            self.say(f"Resuming {self.target}: {answered} of {total} questions already answered"
                     + (f"; going on at question {start + 1}." if start is not None else "."), "heading")
        for notice in notices:
            self.say(notice, "dim")
        if start is None:
            self.say(f"Every one of the {total} questions in this interview is answered.", "ok")
            return self._closing()
        self.say(f"Keys at any question: {KEYS_HINT}.", "dim")
        index = start
        while index < total:
            step = self._ask_item(index)
            if step == "quit":
                lines = self.stopped_lines("Saved and stopped")
                return "\n".join(lines) + "\n"
            index = step
        return self._closing()


    def _show(self, index: int) -> None:
        item = self.items[index]
        q, question = item.questionnaire, item.question
        sections = self.items[-1].section_number
        self.say()
        self.say(f"question {index + 1} of {len(self.items)}, section {item.section_number} of {sections} · "
                 f"{self.answered_count()} answered", "dim")
        where = f"{item.section.title}" + (f" — {q.title}" if len(self.asked) > 1 else "")
        self.say(where, "heading")
        self.say(question.wording((self.header.respondent or {}).get("lens"), self.header.company), "question")
        for key, label, value in choices(question, q):
            self.say(label, "", indent=f"  {key:>2}  ", subsequent=" " * 6)
            anchor = question.anchor(value)
            if anchor:  # what this answer looks like for this question, under its label
                self.say(anchor, "dim", indent=" " * 8)
        if question.type == "checklist":
            self.say("none of these", "", indent="   0  ")
        answer = item.state.answers.get(item.full_id)
        if answer is not None and answer.value is not None:
            self.say(f"Current answer: {describe(question, q, answer)} (Enter keeps it)", "ok")
        earlier = [k for k in item.state.kept if k.kind == "answer" and q.current_id(k.id) == item.full_id]
        for k in earlier:
            self.say(f"Answered for version {k.version} of the questionnaire, before this question changed: "
                     f"{k.entry}", "dim")
        if answer is not None and answer.note:
            self.say(f"Note: {answer.note}", "dim")
        if answer is not None and answer.evidence:
            self.say(f"Evidence: {answer.evidence}", "dim")
        self.say(how_to_answer(question, q), "dim")
        self.say(KEYS_SHORT_YES_NO if question.type == "yes_no" else KEYS_SHORT, "dim")

    def _ask_item(self, index: int) -> int | Literal["quit"]:
        """Ask one question; returns the index of the question to ask next, or "quit"."""
        item = self.items[index]
        q, question, state = item.questionnaire, item.question, item.state
        self._show(index)
        while True:
            typed = self.ask("> ")
            key = typed.strip()
            answer = state.answers.get(item.full_id) or Answer()
            if key == "?":
                self.say(question.help or "There is no help text for this question.", "dim")
                if question.evidence_request:
                    self.say(f"Evidence to ask for: {question.evidence_request}", "dim")
            elif key == "t" or (key == "n" and question.type != "yes_no") or key == "e":
                self._edit_extra(item, "evidence" if key == "e" else "note")
            elif key == "s":
                self.say("Skipped." if not state.answered(item.full_id) else "Left as it was.", "dim")
                self.passed.add(index)
                return self._next_open(index)
            elif key == "b":
                if index == 0:
                    self.say("This is the first question.", "error")
                else:
                    return index - 1
            elif key == "g" or (key.startswith("g ") and (question.type != "text" or self._find(key[2:]) is not None)):
                found = self._go_to(clean_text(key[1:]))
                if found is not None:
                    return found
                if key == "g":  # the list pushed the question out of sight
                    self._show(index)
            elif key == "q":
                return "quit"
            elif key == "x":
                reason = clean_text(self.ask("Why does it not apply? (optional): "))
                self._set(item, answer.model_copy(update={"value": "n/a", "reason": reason or None}))
                self.say(f"✓ saved: {describe(question, q, state.answers.get(item.full_id))}", "ok")
                return self._next_open(index)
            elif not key:
                if state.answered(item.full_id):
                    return self._next_open(index)
                self.say("Type an answer, or s to skip this question.", "error")
            else:
                try:
                    value = read_reply(question, q, typed)
                except ValueError as exc:
                    self.say(str(exc), "error")
                    continue
                value = self._check_fraction(question, q, value)
                if value is None:
                    continue
                self._set(item, answer.model_copy(update={"value": value, "reason": None}))
                self.say(f"✓ saved: {describe(question, q, state.answers.get(item.full_id))}", "ok")
                return self._next_open(index)

    def _check_fraction(self, question: Question, q: Questionnaire, value: Any) -> Any:
        """On a percent question, a value between 0 and 1 is most likely a fraction (0.5 for 50 %): ask. None
        means ask the question again."""
        if question.type != "number" or (question.unit or "").strip() != "%" or is_unknown(value):
            return value  # `u` (not known) is no number to check
        number = float(str(value))
        if not 0 < number < 1:
            return value
        percent = parse(f"{Decimal(str(value)) * 100:f}".rstrip("0").rstrip("."), "<answer>").data
        reply = clean_text(self.ask(f"{value} %: did you mean {percent} %? (y: {percent} %, n: keep {value} %, "
                                    "Enter: type it again) ")).lower()
        if reply in ("y", "yes"):
            try:
                read_reply(question, q, str(percent))
            except ValueError as exc:
                self.say(str(exc), "error")
                return None
            return percent
        if reply in ("n", "no"):
            return value
        return None

    def _edit_extra(self, item: Item, what: Literal["note", "evidence"]) -> None:
        answer = item.state.answers.get(item.full_id) or Answer()
        current = getattr(answer, what)
        if current:
            self.say(f"Current {what}: {current}", "dim")
            typed = clean_text(self.ask(f"New {what} (Enter keeps it, - removes it): "))
        else:
            hint = "a document, link or file that shows it" if what == "evidence" else "anything worth remembering"
            typed = clean_text(self.ask(f"{what.capitalize()} ({hint}; Enter to cancel): "))
        if not typed:
            self.say(f"The {what} is unchanged.", "dim")
            return
        self._set(item, answer.model_copy(update={what: None if typed == "-" else typed}))
        self.say(f"✓ {what} {'removed' if typed == '-' else 'saved'}.", "ok")

    def _set(self, item: Item, answer: Answer) -> None:
        item.state.answers[item.full_id] = answer
        self.changed.setdefault(item.questionnaire.id, set()).add(item.full_id)
        self._save_or_stop()

    # -- the end

    def _closing(self) -> str:
        from crmcheck.assessment import assess_document

        left = len(self.items) - self.answered_count()
        source = parse_answers(parse(read_text(self.path), str(self.target)))
        result = assess_document(source, self.catalog)
        lines = ["", f"Interview saved in {self.target}.", ""]
        lines += closing_summary(result, [q.id for q in self.asked], self.terminal.width)
        if left:
            lines += wrap(f"{left} question{'s are' if left != 1 else ' is'} not answered yet; to answer "
                           f"{'them' if left != 1 else 'it'}:", self.terminal.width)
            lines += [f"  {self.request.resume_command()}", ""]
        stem = self.target.stem
        lines += [
            "The full report:",
            f"  {self.request.report_command()}",
            f"  {self.request.report_command('--format', 'markdown', '-o', f'{stem}-report.md')}",
        ]
        return "\n".join(lines) + "\n"




def _check_sections(request: InterviewRequest, asked: list[Questionnaire]) -> None:
    found = {s.id for q in asked for s in q.sections}
    for section_id in dict.fromkeys(request.sections):
        if section_id not in found:
            known = "; ".join(f"{q.id}: {', '.join(s.id for s in q.sections)}" for q in asked)
            raise UsageError(f"--section: no section '{section_id}' in the questionnaires asked ({known})")


def run_interview(request: InterviewRequest, catalog: Catalog, terminal: Terminal) -> str:
    """Run the interview; returns the closing text (summary and report commands, or how to go on).

    Raises Interrupted (exit 130) on Ctrl-C, Ctrl-D, SIGTERM or SIGHUP, after the answers so far are saved.
    """
    asked = [catalog.get(qid) for qid in dict.fromkeys(request.questionnaire_ids)]
    _check_sections(request, asked)
    check_target(request.output)
    real = real_path(request.output)
    with Stopping(_Stop) as signals:
        made: list[Path] = []
        try:
            made = make_folders(real)
            lock = AnswersLock(real)
            with lock:
                session = Interview(request, catalog, terminal, signals)
                session.store.hard_linked = lock.hard_linked
                session.store.lock = lock
                if lock.taken_over:
                    who = f"process {lock.taken_over_from}" if lock.taken_over_from else "a process"
                    session.say(f"An earlier interview on this file ({who}) ended without closing it; its lock "
                                "file was taken over.", "dim")
                return session.run()
        except _Stop:
            lines = ["Interrupted before the interview started; nothing was changed.",
                     f"To start again: {request.resume_command()}"]
            raise Interrupted(lines[0], problems=[Problem(line) for line in lines]) from None
        finally:
            if made and not real.exists():
                remove_folders(made)
