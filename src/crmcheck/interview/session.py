"""The interview session: open or create the file, ask question after question, save after every answer."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import re
import shlex
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from crmcheck.answers.disk import (
    FileChangedError,
    Fingerprint,
    backup_copy,
    check_target,
    copy_beside,
    fingerprint,
    finish_interrupted_save,
    lost_comment_lines,
    make_folders,
    real_path,
    remove_folders,
    remove_stale_temp_files,
    write_into,
    write_schema_beside,
)
from crmcheck.answers.layout import Header, KeptLine, dump_answers, read_kept
from crmcheck.answers.lock import AnswersLock
from crmcheck.answers.model import Answer, AnswersFile, QuestionnaireAnswers, parse_answers
from crmcheck.answers.reconcile import QuestionnaireState, Reconciled, answer_text, change_notice, reconcile
from crmcheck.answers.signals import Stopping
from crmcheck.catalog import Catalog
from crmcheck.errors import CrmcheckError, InputError, Interrupted, Problem, UsageError
from crmcheck.interview.replies import choices, clean_text, describe, how_to_answer, read_reply
from crmcheck.interview.summary import closing_summary
from crmcheck.interview.terminal import Style, Terminal, shown, wrap
from crmcheck.models.questionnaire import Question, Questionnaire, Section
from crmcheck.resolve import is_unknown, resolve
from crmcheck.yamlio import parse, read_text, write_atomic

KEYS_HINT = ("? help, n note (t on a yes/no question, where n means no), e evidence, s skip, b back, "
             "g go to a section (g alone lists them), x not applicable, q save and quit")
KEYS_SHORT = "keys: ? help  n note  e evidence  s skip  b back  g go to  x n/a  q quit"
KEYS_SHORT_YES_NO = "keys: ? help  t note  e evidence  s skip  b back  g go to  x n/a  q quit"  # n is no here
SECTION_ROWS = 20  # `g` lists sections a screen at a time: 20 rows and the prompt fit a 24-row terminal


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


class _Stop(BaseException):
    """A signal (Ctrl-C, SIGTERM, SIGHUP) asked the interview to stop."""


class Interview:
    """One run of `crmcheck interview`: open or create the file, ask, save after every answer."""

    def __init__(self, request: InterviewRequest, catalog: Catalog, terminal: Terminal, signals: Stopping) -> None:
        self.request = request
        self.catalog = catalog
        self.terminal = terminal
        self.signals = signals
        self.target = request.output  # as given: what messages quote
        self.path = real_path(request.output)  # the real file: what is read, locked and written
        self.asked = [catalog.get(qid) for qid in dict.fromkeys(request.questionnaire_ids)]
        self.header = Header()
        self.states: dict[str, QuestionnaireState] = {}
        self.items: list[Item] = []
        self.saved_count: int | None = None  # answers in the file on disk; None until it exists
        self.disk: Fingerprint | None = None  # the file as last read or written; None until it exists
        self.base: dict[str, dict[str, Answer]] = {}  # the answers the file held then
        self.changed: dict[str, set[str]] = {}  # questions this interview answered (or noted), per questionnaire
        self.hard_linked = False  # the file has other names (hard links): saves write into it
        self.answers_lock: AnswersLock | None = None  # held while the interview runs (set by `interview`)
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
        notices = finish_interrupted_save(self.path, self.hard_linked)
        if self.path.exists():
            notices += self._resume()
        else:
            self._start_new()
        self._build_items()
        return notices

    # -- a new file

    def _start_new(self) -> None:
        r = self.request
        names = ", ".join(f"{q.title} ({q.id})" for q in self.asked)
        self.say(f"New interview: {names}.", "heading")
        to_ask = None in (r.assessor, r.respondent, r.role, r.assessed_on) or not r.company or (
            r.lens is None and any(q.lenses for q in self.asked))
        self.say(f"The answers will be saved to {self.target} after every answer."
                 + (" A few details first; press Enter to leave out an optional one." if to_ask else ""), "dim")
        company = r.company or self._ask_text("Company being assessed", required=True)
        assessor = r.assessor if r.assessor is not None else self._ask_text("Assessor (who runs the interview)")
        respondent = r.respondent if r.respondent is not None else self._ask_text("Respondent's name")
        role = r.role if r.role is not None else self._ask_text("Respondent's role")
        lens = r.lens or self._ask_lens()
        assessed_on = r.assessed_on or self._ask_date()
        self.header = Header(company=company, assessed_on=assessed_on, assessor=assessor or None)
        if respondent or role or lens != "company":
            self.header.respondent = {"name": respondent or "", "role": role or "", "lens": lens}
        self.states = {q.id: QuestionnaireState(q) for q in self.asked}
        self._save_or_stop()

    def _ask_text(self, label: str, required: bool = False) -> str:
        while True:
            text = clean_text(self.ask(f"{label}{'' if required else ' (optional)'}: "))
            if text or not required:
                return text
            self.say(f"{label} is needed.", "error")

    def _ask_lens(self) -> Literal["company", "customer"]:
        if not any(q.lenses for q in self.asked):
            return "company"
        while True:
            text = clean_text(self.ask("Whose view do the answers give? 1 the company's own, 2 a customer's [1]: "))
            if text.lower() in ("", "1", "company"):
                return "company"
            if text.lower() in ("2", "customer"):
                return "customer"
            self.say("Type 1 for the company's own view or 2 for a customer's.", "error")

    def _ask_date(self) -> dt.date:
        today = dt.date.today()
        while True:
            text = clean_text(self.ask(f"Date of the assessment [{today.isoformat()}]: "))
            if not text:
                return today
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                try:
                    return dt.date.fromisoformat(text)
                except ValueError:
                    pass
            self.say(f"'{text}' is not a date; write it as YYYY-MM-DD, for example {today.isoformat()}.", "error")

    # -- an existing file

    def _load(self, original: str) -> tuple[AnswersFile, list[Reconciled], list[KeptLine]]:
        """The file's answers carried into the current questionnaires (raises the file's errors)."""
        source = parse_answers(parse(original, str(self.target)))
        reconciled: list[Reconciled] = []
        kept = read_kept(original)
        for key, given in source.answers.questionnaires.items():
            q = self.catalog.load(key, context=source.doc, keys=("questionnaires", key))
            mine = [k for k in kept if k.questionnaire == key]
            reconciled.append(reconcile(q, given, mine, source, key))
        return source.answers, reconciled, [k for k in kept if k.questionnaire not in source.answers.questionnaires]

    def _resume(self) -> list[str]:
        path = str(self.target)
        self.resumed = True
        try:
            self.disk = fingerprint(self.path)  # before reading: a change after it is then never missed
            original = read_text(self.path)
            file, reconciled, orphans = self._load(original)
        except UsageError:
            raise
        except CrmcheckError as exc:
            raise InputError(exc.problems[0].message, problems=[
                *exc.problems,
                Problem(f"the interview did not change {path}; fix it (crmcheck validate {path} shows every "
                        "problem) and run the command again"),
            ]) from None
        self.header = self._resume_header(file)
        self.states = {r.state.questionnaire.id: r.state for r in reconciled}
        for q in self.asked:
            self.states.setdefault(q.id, QuestionnaireState(q))
        next(iter(self.states.values())).kept.extend(orphans)
        self.saved_count = self._count_in_file()
        self._remember_base()
        notices = [line for r in reconciled for line in change_notice(r, path)]
        text = self._text()
        if text != original:
            lost = lost_comment_lines(original, text)
            if lost:
                backup = backup_copy(self.path, original)
                notices.append(f"{path} had {lost} line{'s' if lost != 1 else ''} of its own comments; the interview "
                               f"writes the standard layout, so the file as it was is kept in {backup}.")
            self._save_or_stop()
        return notices

    def _resume_header(self, file: AnswersFile, check: bool = True) -> Header:
        """The file's header; an option that contradicts it is refused, one that fills a gap is used."""
        r = self.request
        held = file.respondent
        if not check:
            r = InterviewRequest(r.questionnaire_ids, r.output)
        pairs = [("company", r.company, file.company), ("assessor", r.assessor, file.assessor),
                 ("respondent", r.respondent, held.name if held else None),
                 ("role", r.role, held.role if held else None),
                 ("lens", r.lens, held.lens if held else "company"),
                 ("date", r.assessed_on.isoformat() if r.assessed_on else None, file.assessed_on.isoformat())]
        for name, asked, value in pairs:
            if check and asked and value and asked != value:
                raise UsageError(
                    f"this file holds {name} '{value}' but --{name} says '{asked}'; to go on with this file leave "
                    f"--{name} out, or give another -o FILE for a new interview", file=str(self.target))
        respondent = {k: v for k, v in held.model_dump().items() if v} if held else {}
        if r.respondent and not respondent.get("name"):
            respondent["name"] = r.respondent
        if r.role and not respondent.get("role"):
            respondent["role"] = r.role
        if respondent:
            respondent.setdefault("lens", "company")
        return Header(
            company=file.company, assessed_on=file.assessed_on, assessor=file.assessor or r.assessor or None,
            respondent={k: respondent[k] for k in ("name", "role", "lens") if k in respondent} or None,
            segment={k: v for k, v in file.segment.model_dump().items() if v} if file.segment else None,
        )

    # -- saving

    def _text(self) -> str:
        lens = (self.header.respondent or {}).get("lens") or "company"
        states = list(self.states.values())
        return dump_answers(
            self.header, [s.questionnaire for s in states],
            {s.questionnaire.id: {full: answer_text(a) for full, a in s.answers.items()} for s in states},
            {s.questionnaire.id: s.targets for s in states},
            lens=lens, kept={s.questionnaire.id: s.kept for s in states},
        )

    def _verify(self, text: str) -> None:
        """The text about to be written must load with the strict loader and hold exactly what we hold."""
        path = str(self.target)
        try:
            source = parse_answers(parse(text, path))
            for qid, state in self.states.items():
                q = state.questionnaire
                written = resolve(q, source.answers.questionnaires[qid], source, qid)
                expected = resolve(q, QuestionnaireAnswers.model_validate(
                    {"targets": state.targets, "answers": {k: a.model_dump() for k, a in state.answers.items()}}),
                    source, qid)
                if written != expected or source.answers.questionnaires[qid].targets != state.targets:
                    raise RuntimeError(f"the answers of {qid} would not be written as given")
        except CrmcheckError as exc:
            raise RuntimeError(f"the answers file to be written does not load back ({exc}); nothing was "
                               "written") from None
        wanted = {k for s in self.states.values() for k in s.kept}
        if set(read_kept(text)) != wanted or source.answers.company != self.header.company:
            raise RuntimeError("the answers file to be written does not hold every kept answer; nothing was written")

    def _save(self) -> None:
        self._take_in_outside_changes()
        text = self._text()
        self._verify(text)
        with self.signals.deferred():
            if self.hard_linked or AnswersLock.has_other_names(self.path):  # linked meanwhile: keep one file
                self.hard_linked = True
                write_into(self.path, text)
            else:
                write_atomic(self.path, text)
                if self.answers_lock is not None:
                    self.answers_lock.relock()  # the lock goes with the new file (inode), not only the path
            self.disk = Fingerprint(hashlib.sha256(text.encode("utf-8")).hexdigest())
            self.saved_count = self._count_in_file()
            self._remember_base()
            write_schema_beside(self.path)

    def _remember_base(self) -> None:
        """The answers as the file on disk holds them now: what an outside change is measured against."""
        self.base = {qid: dict(state.answers) for qid, state in self.states.items()}

    # -- the file changed by someone else while the interview waited

    def _take_in_outside_changes(self) -> None:
        """Before a save: if another program changed the file since the interview last read or wrote it,
        merge. The file's answers win for questions this session did not change; this session's own answers
        win where it did. A file that no longer loads is left alone and the interview stops, its answers
        saved beside it."""
        now = fingerprint(self.path)
        if now == self.disk:
            return
        path = str(self.target)
        if now is None:
            self.say(f"{path} was removed while the interview waited; it is written again with the answers this "
                     "interview holds.", "heading")
            return
        try:
            original = read_text(self.path)
            file, reconciled, orphans = self._load(original)
        except CrmcheckError as exc:
            rescue = copy_beside(self.path, self._text(), ".interview")
            raise FileChangedError(exc.problems[0].message, problems=[
                *exc.problems,
                Problem(f"{path} was changed by another program while the interview waited, and it no longer "
                        "loads; the interview left it as it is"),
                Problem(f"the answers of this interview (the file as it would have saved it) are in {rescue}"),
                Problem(f"fix {path} (crmcheck validate {path} shows every problem), then go on: "
                        f"{self.request.resume_command()}"),
            ]) from None
        fresh = {r.state.questionnaire.id: r.state for r in reconciled}
        taken: list[str] = []
        both: list[str] = []
        asked = {q.id for q in self.asked}
        for qid in list(self.states):
            state, base = self.states[qid], self.base.get(qid, {})
            mine = self.changed.get(qid, set())
            if qid not in fresh and qid not in asked:
                del self.states[qid]  # removed from the file by hand, and not asked: the file decides
                continue
            theirs = fresh.get(qid) or QuestionnaireState(state.questionnaire)
            merged = dict(theirs.answers)
            for full in mine:
                if full in state.answers:
                    merged[full] = state.answers[full]
                else:
                    merged.pop(full, None)
                if theirs.answers.get(full) != base.get(full) and theirs.answers.get(full) != state.answers.get(full):
                    both.append(full)
            taken += [full for full in set(theirs.answers) | set(base)
                      if full not in mine and theirs.answers.get(full) != base.get(full)]
            state.answers.clear()
            state.answers.update(merged)
            state.targets, state.kept = theirs.targets, theirs.kept
        for qid, state in fresh.items():
            self.states.setdefault(qid, state)
        next(iter(self.states.values())).kept.extend(orphans)
        self.header = self._resume_header(file, check=False)
        text = self._text()
        lost = lost_comment_lines(original, text)
        mtime = dt.datetime.fromtimestamp(os.stat(self.path).st_mtime).strftime("%H:%M:%S")
        self.say(f"{path} was changed by another program at {mtime}, while the interview waited; its changes are "
                 "taken in before this save.", "heading")
        if taken:
            self.say(f"From the file: {', '.join(sorted(taken))}.", "dim")
        if both:
            self.say(f"Changed in the file and in this interview, this interview's answer kept: "
                     f"{', '.join(sorted(both))}.", "dim")
        if lost or both:
            backup = copy_beside(self.path, original, ".bak")
            why = f"its {_count(lost, 'line')} of comments" if lost else "the answers it gave"
            if lost and both:
                why += " and the answers it gave"
            self.say(f"The file as it was changed is kept in {backup} ({why} would otherwise be lost).", "dim")

    def _save_or_stop(self) -> None:
        """Save; when the disk refuses, say so and offer to try again (the file keeps its last good state)."""
        while True:
            try:
                self._save()
                return
            except InputError as exc:
                self.say(f"Could not save: {exc}", "error")
                held = "does not exist yet" if self.saved_count is None else \
                    f"still holds what was saved before ({_count(self.saved_count, 'answer')})"
                self.say(f"{self.target} {held}; nothing in it was changed.", "dim")
                reply = clean_text(self.ask("Press Enter to try again, or type q to stop: ")).lower()
                if reply == "q":
                    lines = self.stopped_lines("Stopped: the last change could not be saved")
                    raise InputError(str(exc), problems=[*exc.problems, *(Problem(line) for line in lines)]) from None

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

    def _next_open(self, index: int) -> int:
        """The next unanswered question after `index` (answered ones are passed over), or the end.

        Answered questions are reached on purpose only, with `b` or `g`; an interview never walks
        through them on its own, which matters most after a resume. When none is open after `index`
        (a `g` jumped ahead), the first one left open before it comes next; questions skipped with `s`
        in this session are not offered again.
        """
        open_ = [i for i, item in enumerate(self.items)
                 if i != index and i not in self.passed and not item.state.answered(item.full_id)]
        return next((i for i in open_ if i > index), open_[0] if open_ else len(self.items))

    def _sections(self) -> list[tuple[int, Item]]:
        """Each section asked, as (number, its first item)."""
        firsts: dict[int, Item] = {}
        for item in self.items:
            firsts.setdefault(item.section_number, item)
        return list(firsts.items())

    def _find(self, where: str) -> int | None:
        """The index a `g` reply names: a section's number or id (its first question), or a question id."""
        where = where.strip()
        for i, item in enumerate(self.items):
            if where in (str(item.section_number), item.section.id, f"{item.questionnaire.id}:{item.section.id}"):
                return i
        for i, item in enumerate(self.items):
            if where in (item.full_id, f"{item.questionnaire.id}:{item.full_id}"):
                return i
        return None

    def _go_to(self, where: str) -> int | None:
        """Where `g` (with or without a section) leads; None stays at the question (after saying why)."""
        if not where:
            several = len(self.asked) > 1
            pages = self._section_pages(several)
            for n, page in enumerate(pages):
                for number, line in page:
                    self.say(line, "", indent=f"  {number:>2}  ", subsequent=" " * 6)
                left = sum(len(p) for p in pages[n + 1:])
                if left:
                    where = clean_text(self.ask(f"Go to section (its number or id; Enter shows {left} more; "
                                                "- stays here): "))
                    if where == "-":
                        return None
                    if where:
                        break
                else:
                    where = clean_text(self.ask("Go to section (its number or id; Enter stays here): "))
            if not where:
                return None
        found = self._find(where)
        if found is None:
            self.say(f"'{where}' is not a section or question of this interview; type g alone to list the "
                     "sections.", "error")
        return found

    def _section_pages(self, several: bool) -> list[list[tuple[int, str]]]:
        """The `g` list of sections, (number, line) each, in pages of at most SECTION_ROWS screen rows."""
        pages: list[list[tuple[int, str]]] = [[]]
        rows = 0
        for number, first in self._sections():
            in_section = [it for it in self.items if it.section_number == number]
            done = sum(1 for it in in_section if it.state.answered(it.full_id))
            name = f"{first.questionnaire.id}:{first.section.id}" if several else first.section.id
            line = f"{name} · {first.section.title} ({done} of {len(in_section)} answered)"
            height = len(wrap(line, self.terminal.width, "      ", "      "))
            if rows and rows + height > SECTION_ROWS:
                pages.append([])
                rows = 0
            pages[-1].append((number, line))
            rows += height
        return pages

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


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


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
                session.hard_linked = lock.hard_linked
                session.answers_lock = lock
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
