"""The interview: ask a questionnaire's questions at a terminal, saving the answers file after every answer."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shlex
import signal
import textwrap
import threading
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, Literal

from crmcheck.answers_layout import Header, KeptLine, answer_entry, dump_answers, read_kept
from crmcheck.answers_lock import AnswersLock
from crmcheck.catalog import Catalog
from crmcheck.errors import CrmcheckError, InputError, Interrupted, Problem, UsageError
from crmcheck.models.answers import Answer, AnswersDocument, AnswersFile, QuestionnaireAnswers, parse_answers
from crmcheck.models.questionnaire import Question, Questionnaire, Section
from crmcheck.models.result import AssessmentResult
from crmcheck.resolve import is_not_applicable, resolve, score_value
from crmcheck.yamlio import parse, read_text, write_atomic

KEYS_HINT = "? help, n note, e evidence, s skip, b back, x not applicable, q save and quit"
KEYS_SHORT = "keys: ? help  n note  e evidence  s skip  b back  x n/a  q quit"
MAX_WIDTH = 100
_NUMBER = re.compile(r"[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\Z")
_SEPARATORS = re.compile(r"[\s,;]+")
_YES = frozenset({"yes", "y", "true"})
_NO = frozenset({"no", "false"})
_NONE = frozenset({"0", "none", "-"})

Style = Literal["", "heading", "question", "dim", "error", "ok"]


@dataclass
class Terminal:
    """Where the interview talks to a person: injectable so that the whole loop can be tested.

    `read(prompt)` returns one typed line without its newline, raising EOFError (Ctrl-D) or
    KeyboardInterrupt (Ctrl-C); `write(text, style)` shows one line.
    """

    read: Callable[[str], str]
    write: Callable[[str, Style], None]
    width: int = 80


def console_terminal() -> Terminal:
    """The real terminal: `input()` line reading (with line editing), rich output that honours NO_COLOR."""
    import shutil
    import sys

    if not sys.stdin.isatty():
        raise UsageError(
            "the interview needs a person at a terminal, and standard input is not one. To fill in answers "
            "without a terminal, write a blank answers file with `crmcheck new QUESTIONNAIRE -o FILE`, edit it, "
            "then check it with `crmcheck validate FILE`"
        )
    with contextlib.suppress(ImportError):  # not on every platform
        import readline  # noqa: F401 - gives input() line editing and history
    from rich.console import Console
    from rich.text import Text

    color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    console = Console(highlight=False, markup=False, emoji=False, soft_wrap=True, no_color=not color,
                      color_system="standard" if color else None)
    styles: dict[str, str] = {"heading": "bold cyan", "question": "bold", "dim": "dim", "error": "bold red",
                              "ok": "green"}

    def write(text: str, style: Style) -> None:
        console.print(Text(text, style=styles.get(style, "") if color else ""))

    width = min(max(shutil.get_terminal_size((80, 24)).columns, 40), MAX_WIDTH)
    return Terminal(input, write, width)


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


@dataclass
class QuestionnaireState:
    """One questionnaire's part of the answers file, as the interview holds it between saves."""

    questionnaire: Questionnaire
    answers: dict[str, Answer] = field(default_factory=dict)  # current full question id -> answer
    targets: dict[str, int] = field(default_factory=dict)
    kept: list[KeptLine] = field(default_factory=list)

    def answered(self, full_id: str) -> bool:
        answer = self.answers.get(full_id)
        return answer is not None and answer.value is not None


@dataclass
class Reconciled:
    """What loading an existing file did to one questionnaire's answers (for the resume notice)."""

    state: QuestionnaireState
    from_version: int | None = None
    removed: list[str] = field(default_factory=list)  # kept: their question is gone
    changed: list[str] = field(default_factory=list)  # kept and asked again: the answer no longer fits
    renamed: list[tuple[str, str]] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)  # kept answers whose question is back


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


class _Signals:
    """Turns SIGINT, SIGTERM and SIGHUP into _Stop, but never in the middle of a save."""

    def __init__(self) -> None:
        self.saving = False
        self.pending: int | None = None
        self._previous: dict[int, Any] = {}

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self.saving:
            self.pending = signum
            return
        raise _Stop(signum)

    def __enter__(self) -> _Signals:
        if threading.current_thread() is threading.main_thread():
            for name in ("SIGINT", "SIGTERM", "SIGHUP"):
                number = getattr(signal, name, None)
                if number is not None:
                    self._previous[number] = signal.signal(number, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for number, handler in self._previous.items():
            signal.signal(number, handler)

    @contextmanager
    def saving_section(self) -> Iterator[None]:
        self.saving = True
        try:
            yield
        finally:
            self.saving = False
        if self.pending is not None:
            raise _Stop(self.pending)


# ---------------------------------------------------------------- reading what a person types


def clean_text(text: str) -> str:
    """Typed text without control characters or line separators (they cannot live in one YAML line)."""
    return " ".join("".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in text).split())


def choices(question: Question, questionnaire: Questionnaire) -> list[tuple[str, str, Any]]:
    """The numbered choices shown for a question: (what to type, label, the value it stands for)."""
    if question.type == "scale":
        return [(str(lv.value), lv.label, lv.value) for lv in questionnaire.scales[question.scale or ""]]
    if question.type == "yes_no":
        return [("1", "Yes", True), ("2", "No", False)]
    if question.type in ("choice", "checklist"):
        return [(str(i), o.label, o.id) for i, o in enumerate(question.options or (), 1)]
    return []


def _pick(token: str, question: Question, questionnaire: Questionnaire) -> Any:
    lowered = token.lower()
    for key, label, value in choices(question, questionnaire):
        if token == key or lowered == label.lower() or (isinstance(value, str) and lowered == value.lower()):
            return value
    return None


def _range_text(question: Question, questionnaire: Questionnaire) -> str:
    if question.type == "yes_no":
        return "1 for yes or 2 for no"
    keys = [k for k, _, _ in choices(question, questionnaire)]
    numbers = [int(k) for k in keys if re.fullmatch(r"-?[0-9]+", k)]
    if len(keys) > 2 and len(numbers) == len(keys) and numbers == list(range(numbers[0], numbers[0] + len(keys))):
        return f"a number from {keys[0]} to {keys[-1]}"
    return keys[0] if len(keys) == 1 else f"{', '.join(keys[:-1])} or {keys[-1]}"


def read_reply(question: Question, questionnaire: Questionnaire, typed: str) -> Any:
    """Turn what was typed for a question into an answer value; ValueError says what is wrong."""
    text = clean_text(typed)
    kind = question.type
    if kind == "text":
        return text
    if kind == "number":
        if not _NUMBER.match(text):
            raise ValueError(f"'{text}' is not a number; type digits, like 12 or 2.5")
        try:
            value: Any = parse(text, "<answer>").data  # the same int or decimal the answers file will hold
        except CrmcheckError as exc:
            raise ValueError(f"'{text}' cannot be used: {exc.problems[0].message}") from None
    elif kind == "checklist":
        tokens = [t for t in _SEPARATORS.split(text) if t]
        if not tokens:
            raise ValueError("type the numbers of the choices that apply, like 1 3, or 0 for none")
        if len(tokens) == 1 and tokens[0].lower() in _NONE:
            return []
        value = []
        for token in tokens:
            picked = _pick(token, question, questionnaire)
            if picked is None:
                keys = [k for k, _, _ in choices(question, questionnaire)]
                raise ValueError(f"'{token}' is not one of the choices; type the numbers that apply "
                                 f"({keys[0]} to {keys[-1]}), like 1 3, or 0 for none")
            if picked not in value:
                value.append(picked)
    elif kind == "yes_no":
        lowered = text.lower()
        if lowered in _YES or text == "1":
            value = True
        elif lowered in _NO or text == "2":
            value = False
        else:
            raise ValueError(f"'{text}' is not an answer here; type {_range_text(question, questionnaire)}")
    else:
        value = _pick(text, question, questionnaire)
        if value is None:
            raise ValueError(f"'{text}' is not one of the choices; type {_range_text(question, questionnaire)}")
    score_value(question, questionnaire, value)  # e.g. a number below the lowest band
    return value


def describe(question: Question, questionnaire: Questionnaire, answer: Answer | None) -> str:
    """An answer as a person reads it: the choice labels, the unit, or 'not applicable'."""
    if answer is None or answer.value is None:
        return "not answered"
    if is_not_applicable(answer.value):
        return "not applicable" + (f" ({answer.reason})" if answer.reason else "")
    try:
        value, _ = score_value(question, questionnaire, answer.value)
    except ValueError:
        return str(answer.value)
    labels = {v: label for _, label, v in choices(question, questionnaire)}
    if question.type == "scale":
        return f"{value} {labels.get(value, '')}".strip()
    if question.type == "yes_no":
        return "yes" if value else "no"
    if question.type == "choice":
        return str(labels.get(value, value))
    if question.type == "checklist":
        return ", ".join(str(labels.get(v, v)) for v in value) or "none of these"
    if question.type == "number":
        unit = question.unit or ""
        return f"{value}{unit}" if unit == "%" else f"{value} {unit}".rstrip()
    return str(value)


# ---------------------------------------------------------------- loading an existing file


def _normalised(question: Question, answer: Answer) -> Answer:
    """Yes/no answers as booleans, so that they are written back as yes/no, not as quoted text."""
    value = answer.value
    if question.type == "yes_no" and isinstance(value, str) and value.strip().lower() in _YES | _NO | {"n"}:
        return answer.model_copy(update={"value": value.strip().lower() in _YES})
    return answer


def _fits(question: Question, questionnaire: Questionnaire, answer: Answer) -> bool:
    if answer.value is None or is_not_applicable(answer.value):
        return True
    try:
        score_value(question, questionnaire, answer.value)
    except ValueError:
        return False
    return True


def _entry(answer: Answer) -> str:
    return answer_entry(answer.value, answer.note, answer.evidence, answer.reason)


def _kept_answer(line: KeptLine) -> Answer | None:
    """The answer a kept line holds, or None when it cannot be read back."""
    try:
        data = parse(f"kept: {line.entry or 'null'}", "<kept>").data["kept"]
        return Answer.model_validate(data if isinstance(data, dict) else {"value": data})
    except (CrmcheckError, ValueError):
        return None


def reconcile(questionnaire: Questionnaire, given: QuestionnaireAnswers | None, kept: list[KeptLine],
              source: AnswersDocument | None, key: str) -> Reconciled:
    """Carry a file's answers into the current questionnaire version, losing none of them.

    When the file was answered for the current version (or names none), it must be valid: errors
    are raised with their file positions. When it was answered for an older version, answers to
    removed questions, and answers that no longer fit a changed question, become kept lines (the
    question is then asked again). A kept answer whose question exists again, unanswered, and fits it
    comes back.
    """
    q = questionnaire
    state = QuestionnaireState(q)
    result = Reconciled(state)
    given = given or QuestionnaireAnswers()
    older = given.version is not None and given.version < q.version
    if not older and source is not None:
        resolve(q, given, source, key)  # raises the file's errors with positions
    result.from_version = given.version if older else None
    old_version = given.version or q.version
    for answer_id, answer in given.answers.items():
        full = q.current_id(answer_id)
        if full is None or full in state.answers:
            result.removed.append(answer_id)
            state.kept.append(KeptLine(q.id, old_version, "answer", answer_id, _entry(answer)))
            continue
        question = q.questions[full][1]
        if not _fits(question, q, answer):
            result.changed.append(full)
            state.kept.append(KeptLine(q.id, old_version, "answer", answer_id, _entry(answer)))
            continue
        if full != answer_id:
            result.renamed.append((answer_id, full))
        if answer.value is not None or answer.note or answer.evidence or answer.reason:
            state.answers[full] = _normalised(question, answer)
    sections = {s.id for s in q.sections}
    allowed = {s.number for s in q.stages} if q.kind == "staged" else {lv.level for lv in q.levels}
    for section_id, target in given.targets.items():
        if section_id in sections and target in allowed:
            state.targets[section_id] = target
        else:
            state.kept.append(KeptLine(q.id, old_version, "target", section_id, str(target)))
    for line in kept:
        if line.kind == "answer":
            full = q.current_id(line.id)
            back = _kept_answer(line) if full is not None and not state.answered(full) else None
            if full is not None and back is not None and back.value is not None and _fits(
                    q.questions[full][1], q, back):
                state.answers[full] = _normalised(q.questions[full][1], back)
                result.restored.append(full)
                continue
        elif line.id in sections and line.id not in state.targets and line.entry.isdigit() and \
                int(line.entry) in allowed:
            state.targets[line.id] = int(line.entry)
            continue
        state.kept.append(line)
    state.kept = list(dict.fromkeys(state.kept))
    return result


# ---------------------------------------------------------------- the closing summary


def closing_summary(result: AssessmentResult, questionnaire_ids: list[str], width: int) -> list[str]:
    """Score and level per section (and the stage for staged questionnaires), as plain lines."""
    lines: list[str] = []
    for q in result.questionnaires:
        if q.id not in questionnaire_ids:
            continue
        score = "not assessed" if q.score is None else f"{q.score:.1f}"
        level = f", level {q.level} {q.level_name}" if q.level is not None else ""
        lines += _wrap(f"{q.title} ({q.id} v{q.version}): score {score}{level}, "
                       f"{q.completeness * 100:.0f}% complete", width)
        title_width = max(12, width - 2 - 2 - 12 - 2 - 16)
        lines.append(f"  {'Section':<{title_width}}  {'Score':>12}  {'Level' if q.kind == 'scored' else 'Stage'}")
        for s in q.sections:
            title = s.title if len(s.title) <= title_width else s.title[: title_width - 1] + "…"
            value = "not assessed" if s.score is None else f"{s.score:.1f}"
            if q.kind == "scored":
                level_text = "" if s.level is None else f"{s.level} {s.level_name}"
            else:
                level_text = f"{s.stage}"
            lines.append(f"  {title:<{title_width}}  {value:>12}  {level_text}"[: max(width, 40)].rstrip())
        if q.stage:
            lines += _wrap(f"Stage reached: {q.stage.reached} {q.stage.name} (pass mark {q.stage.pass_mark:g}, "
                           f"target stage {q.stage.target})", width)
        lines.append("")
    return lines


def _wrap(text: str, width: int, indent: str = "", subsequent: str | None = None) -> list[str]:
    return textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=indent if subsequent is None
                         else subsequent, break_on_hyphens=False) or [indent.rstrip()]


def _shown(text: str) -> str:
    """Text from files made safe to show: no terminal control characters."""
    return "".join("?" if unicodedata.category(c) == "Cc" and c != "\t" else c for c in text)


# ---------------------------------------------------------------- the interview itself


class Interview:
    """One run of `crmcheck interview`: open or create the file, ask, save after every answer."""

    def __init__(self, request: InterviewRequest, catalog: Catalog, terminal: Terminal, signals: _Signals) -> None:
        self.request = request
        self.catalog = catalog
        self.terminal = terminal
        self.signals = signals
        self.target = request.output
        self.asked = [catalog.get(qid) for qid in dict.fromkeys(request.questionnaire_ids)]
        self.header = Header()
        self.states: dict[str, QuestionnaireState] = {}
        self.items: list[Item] = []
        self.saved_count: int | None = None  # answers in the file on disk; None until it exists
        self.resumed = False

    # -- output helpers

    def say(self, text: str = "", style: Style = "", indent: str = "", subsequent: str | None = None) -> None:
        for line in _wrap(_shown(text), self.terminal.width, indent, subsequent) if text else [""]:
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
            self._check_scope()
            notices = self._open()
            return self._interview(notices)
        except (_Stop, KeyboardInterrupt, EOFError):
            with contextlib.suppress(OSError):  # the terminal may be gone (SIGHUP)
                self.terminal.write("", "")
            lines = self.stopped_lines("Interrupted")
            raise Interrupted(lines[0], problems=[Problem(line) for line in lines]) from None

    def _check_scope(self) -> None:
        wanted = list(dict.fromkeys(self.request.sections))
        found = {s.id for q in self.asked for s in q.sections}
        for section_id in wanted:
            if section_id not in found:
                known = "; ".join(f"{q.id}: {', '.join(s.id for s in q.sections)}" for q in self.asked)
                raise UsageError(f"--section: no section '{section_id}' in the questionnaires asked ({known})")
        if self.target.is_dir():
            raise UsageError("is a directory; give the answers file to write with -o FILE", file=str(self.target))
        if self.target.exists() and not self.target.is_file():
            raise UsageError("is not a regular file (a device or a pipe?); give an answers file with -o FILE",
                             file=str(self.target))
        if not self.target.parent.is_dir():
            raise UsageError(f"the directory {self.target.parent} does not exist; create it first",
                             file=str(self.target))

    def _build_items(self) -> None:
        wanted = set(self.request.sections)
        number = 0
        for q in self.asked:
            state = self.states[q.id]
            for section in q.sections:
                if wanted and section.id not in wanted:
                    continue
                number += 1
                for question in section.questions:
                    self.items.append(Item(state, section, question, f"{section.id}.{question.id}", number))

    def _open(self) -> list[str]:
        _remove_stale_temp_files(self.target)
        if self.target.exists():
            notices = self._resume()
        else:
            notices = []
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

    def _resume(self) -> list[str]:
        path = str(self.target)
        self.resumed = True
        try:
            original = read_text(self.target)
            source = parse_answers(parse(original, path))
            file = source.answers
            reconciled: list[Reconciled] = []
            kept = read_kept(original)
            for key, given in file.questionnaires.items():
                q = self.catalog.load(key, context=source.doc, keys=("questionnaires", key))
                mine = [k for k in kept if k.questionnaire == key]
                reconciled.append(reconcile(q, given, mine, source, key))
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
        orphans = [k for k in kept if k.questionnaire not in self.states]
        for q in self.asked:
            self.states.setdefault(q.id, QuestionnaireState(q))
        next(iter(self.states.values())).kept.extend(orphans)
        self.saved_count = self._count_in_file()
        notices = [line for r in reconciled for line in _change_notice(r, path)]
        text = self._text()
        if text != original:
            lost = _lost_comment_lines(original, text)
            if lost:
                backup = _backup(self.target, original)
                notices.append(f"{path} had {lost} line{'s' if lost != 1 else ''} of its own comments; the interview "
                               f"writes the standard layout, so the file as it was is kept in {backup}.")
            self._save_or_stop()
        return notices

    def _resume_header(self, file: AnswersFile) -> Header:
        """The file's header; an option that contradicts it is refused, one that fills a gap is used."""
        r = self.request
        held = file.respondent
        pairs = [("company", r.company, file.company), ("assessor", r.assessor, file.assessor),
                 ("respondent", r.respondent, held.name if held else None),
                 ("role", r.role, held.role if held else None),
                 ("lens", r.lens, held.lens if held else "company"),
                 ("date", r.assessed_on.isoformat() if r.assessed_on else None, file.assessed_on.isoformat())]
        for name, asked, value in pairs:
            if asked and value and asked != value:
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
            {s.questionnaire.id: {full: _entry(a) for full, a in s.answers.items()} for s in states},
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
        text = self._text()
        self._verify(text)
        with self.signals.saving_section():
            write_atomic(self.target, text)
            self.saved_count = self._count_in_file()
            _write_schema_beside(self.target)

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
            index = index - 1 if step == "back" else index + 1
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
        for key, label, _ in choices(question, q):
            self.say(label, "", indent=f"  {key:>2}  ", subsequent=" " * 6)
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
        self.say(_how_to_answer(question, q), "dim")
        self.say(KEYS_SHORT, "dim")

    def _ask_item(self, index: int) -> Literal["next", "back", "quit"]:
        item = self.items[index]
        q, question, state = item.questionnaire, item.question, item.state
        self._show(index)
        while True:
            typed = self.ask("> ")
            key = typed.strip()
            answer = state.answers.get(item.full_id) or Answer()
            if key == "?":
                self.say(question.help or "There is no help text for this question.", "dim")
            elif key in ("n", "e"):
                self._edit_extra(item, "note" if key == "n" else "evidence")
            elif key == "s":
                self.say("Skipped." if not state.answered(item.full_id) else "Left as it was.", "dim")
                return "next"
            elif key == "b":
                if index == 0:
                    self.say("This is the first question.", "error")
                else:
                    return "back"
            elif key == "q":
                return "quit"
            elif key == "x":
                reason = clean_text(self.ask("Why does it not apply? (optional): "))
                self._set(item, answer.model_copy(update={"value": "n/a", "reason": reason or None}))
                self.say(f"✓ saved: {describe(question, q, state.answers.get(item.full_id))}", "ok")
                return "next"
            elif not key:
                if state.answered(item.full_id):
                    return "next"
                self.say("Type an answer, or s to skip this question.", "error")
            else:
                try:
                    value = read_reply(question, q, typed)
                except ValueError as exc:
                    self.say(str(exc), "error")
                    continue
                self._set(item, answer.model_copy(update={"value": value, "reason": None}))
                self.say(f"✓ saved: {describe(question, q, state.answers.get(item.full_id))}", "ok")
                return "next"

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
        self._save_or_stop()

    # -- the end

    def _closing(self) -> str:
        from crmcheck.assessment import assess_document

        left = len(self.items) - self.answered_count()
        source = parse_answers(parse(read_text(self.target), str(self.target)))
        result = assess_document(source, self.catalog)
        lines = ["", f"Interview saved in {self.target}.", ""]
        lines += closing_summary(result, [q.id for q in self.asked], self.terminal.width)
        if left:
            lines += _wrap(f"{left} question{'s are' if left != 1 else ' is'} not answered yet; to answer "
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


def _how_to_answer(question: Question, q: Questionnaire) -> str:
    kind = question.type
    if kind == "checklist":
        how = "Type the numbers of all that apply, like 1 3, or 0 for none."
    elif kind == "number":
        how = f"Type a number{' (' + question.unit + ')' if question.unit else ''}."
    elif kind == "text":
        how = "Type your answer (free text, not scored)."
    else:
        how = f"Type {_range_text(question, q)}."
    return how


def _change_notice(r: Reconciled, path: str) -> list[str]:
    q = r.state.questionnaire
    notices = []
    if r.from_version is not None:
        notices.append(f"{q.id} has changed from version {r.from_version} to {q.version} since {path} was saved.")
    if r.removed:
        notices.append(f"{len(r.removed)} answer{'s' if len(r.removed) != 1 else ''} to questions that are no longer "
                       f"in {q.id} v{q.version} {'are' if len(r.removed) != 1 else 'is'} kept in the file as comments "
                       f"(not scored): {', '.join(r.removed)}.")
    if r.changed:
        notices.append(f"{len(r.changed)} question{'s' if len(r.changed) != 1 else ''} changed and will be asked "
                       f"again (the earlier answers are kept as comments): {', '.join(r.changed)}.")
    if r.renamed:
        notices.append("Renamed questions, answers carried over: "
                       + ", ".join(f"{old} → {new}" for old, new in r.renamed) + ".")
    if r.restored:
        notices.append(f"Kept answers whose questions are back, restored: {', '.join(r.restored)}.")
    return notices


def _lost_comment_lines(before: str, after: str) -> int:
    """How many lines with comments the rewrite would drop (a '#' on a line the new text lacks)."""
    kept = {line.strip() for line in after.splitlines()}
    return sum(1 for line in before.splitlines() if "#" in line and line.strip() not in kept)


def _backup(target: Path, text: str) -> Path:
    for n in range(1, 1000):
        backup = target.with_name(target.name + (".bak" if n == 1 else f".bak{n}"))
        try:
            if not backup.exists():
                write_atomic(backup, text)
                return backup
            if read_text(backup) == text:
                return backup
        except CrmcheckError:
            continue
    raise InputError("cannot find a free name for a backup copy", file=str(target))


def _remove_stale_temp_files(target: Path) -> None:
    """Temp files a killed save left behind (we hold the lock, so no save of ours is running)."""
    pattern = re.compile(rf"\.{re.escape(target.name)}\.[A-Za-z0-9_]+\.tmp\Z")
    try:
        names = os.listdir(target.parent)
    except OSError:
        return
    for name in names:
        if pattern.match(name):
            try:
                os.unlink(target.parent / name)
            except OSError:
                continue


def _write_schema_beside(target: Path) -> None:
    """The JSON Schema the file's first comment points editors at, as `crmcheck new` writes it."""
    from crmcheck.answers_layout import SCHEMA_FILE, schema_json

    path = target.parent / SCHEMA_FILE
    if not path.exists():
        try:
            write_atomic(path, schema_json())
        except CrmcheckError:
            return  # only a convenience for editors


def run_interview(request: InterviewRequest, catalog: Catalog, terminal: Terminal) -> str:
    """Run the interview; returns the closing text (summary and report commands, or how to go on).

    Raises Interrupted (exit 130) on Ctrl-C, Ctrl-D, SIGTERM or SIGHUP, after the answers so far are saved.
    """
    for qid in dict.fromkeys(request.questionnaire_ids):
        catalog.get(qid)
    with _Signals() as signals:
        try:
            lock = AnswersLock(request.output)
            with lock:
                session = Interview(request, catalog, terminal, signals)
                if lock.taken_over:
                    who = f"process {lock.taken_over_from}" if lock.taken_over_from else "a process"
                    session.say(f"An earlier interview on this file ({who}) ended without closing it; its lock "
                                "file was taken over.", "dim")
                return session.run()
        except _Stop:
            lines = ["Interrupted before the interview started; nothing was changed.",
                     f"To start again: {request.resume_command()}"]
            raise Interrupted(lines[0], problems=[Problem(line) for line in lines]) from None


__all__ = ["InterviewRequest", "Terminal", "console_terminal", "run_interview", "read_reply", "reconcile"]
