"""Write answers files people can read: each answer under a comment with its question (new, interview)."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import math
import re
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from crmcheck.errors import InputError
from crmcheck.models.questionnaire import Question, Questionnaire, range_text
from crmcheck.yamlio import MAX_NUMBER_CHARS, DecimalText

SCHEMA_FILE = "answers.schema.json"
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_./-]*\Z")
_RESERVED = frozenset({"yes", "no", "y", "n", "on", "off", "true", "false", "null", "nan", "inf"})
_COMMENT_WIDTH = 96
KEPT_MARK = "#~"
_KEPT_LINE = re.compile(
    r"^[ \t]*#~ (?P<qid>[a-z0-9]+(?:-[a-z0-9]+)*) v(?P<version>[0-9]{1,9}) (?P<kind>answer|target) "
    r'(?P<id>"(?:[^"\\]|\\.)*"|[^\s:"]+):(?: (?P<entry>.*))?$'
)
_PLAIN_KEPT_ID = re.compile(r'[^\s:"]+\Z')
# What may stand as itself inside a one-line double-quoted scalar or a comment: printable characters that
# YAML neither rejects (DEL, C1, U+FFFE/FFFF) nor reads as a line break (NEL U+0085, U+2028, U+2029),
# and no byte-order mark. Everything else is written as an escape.
_NOT_AS_ITSELF = re.compile("[^\t\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class UnwritableText(InputError):
    """A value no answers file can hold as it is: refused rather than written changed or unreadable."""


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def quoted(text: str) -> str:
    """A one-line YAML double-quoted scalar that the strict loader reads back as exactly `text`.

    JSON's string syntax is a subset of YAML's double-quoted one; on top of it, every character YAML
    would refuse or read as a line break is written as a \\u escape, so nothing is dropped or changed.
    """
    bad = _SURROGATE.search(text)
    if bad:
        raise UnwritableText(f"U+{ord(bad.group()):04X} at character {bad.start() + 1} is not a Unicode character "
                             "(text that was not valid UTF-8?); it cannot be written to an answers file")
    return _NOT_AS_ITSELF.sub(_escape, json.dumps(text, ensure_ascii=False))


def comment_text(text: str) -> str:
    """Text made safe for one line of a YAML comment: line breaks become spaces, control characters escapes."""
    flat = " ".join(text.split())
    return _NOT_AS_ITSELF.sub(_escape, _SURROGATE.sub(_escape, flat))


@dataclass
class Header:
    """The fields at the top of an answers file."""

    company: str = ""
    assessed_on: dt.date = field(default_factory=dt.date.today)
    assessor: str | None = None
    respondent: dict[str, str] | None = None
    segment: dict[str, str] | None = None


def scalar(value: Any) -> str:
    """A YAML scalar that the strict loader reads back as the same value; UnwritableText when none can."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, DecimalText):
        return value.text
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise UnwritableText(f"{value} is not a finite number; answers files hold finite numbers only")
        written = repr(value)
        if len(written) > MAX_NUMBER_CHARS:
            raise UnwritableText(f"a number of {len(written)} characters is too long for an answers file "
                                 f"(at most {MAX_NUMBER_CHARS})")
        return written
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _RESERVED:
        return text
    return quoted(text)


def answer_value(value: Any) -> str:
    """An answer's value; n/a spelt with spaces around is written n/a. Other spellings (NA, N/A) are kept as
    written: a choice question reads them as n/a either way, and a text question's answer is its text."""
    if isinstance(value, list):
        return "[" + ", ".join(scalar(v) for v in value) + "]"
    if isinstance(value, str) and value.strip() == "n/a":
        return "n/a"
    return scalar(value)


def answer_entry(value: Any, note: str | None = None, evidence: str | None = None, reason: str | None = None,
                 measured: tuple[float, str] | None = None) -> str:
    """The YAML for one answer: the short form when it has no note, evidence, reason or measured value."""
    extras = [(k, v) for k, v in (("note", note), ("evidence", evidence), ("reason", reason)) if v]
    if not extras and measured is None:
        return answer_value(value)
    parts = [f"value: {answer_value(value) if value is not None else 'null'}"]
    parts += [f"{k}: {scalar(v)}" for k, v in extras]
    if measured is not None:  # `crmcheck measure --write`: the value measured from the company's data
        parts.append(f"measured: {{value: {scalar(measured[0])}, source: {quoted(measured[1])}}}")
    return "{" + ", ".join(parts) + "}"


@functools.lru_cache(maxsize=4096)  # imports write the same question comments once per respondent
def _comment(text: str, indent: str) -> tuple[str, ...]:
    flat = comment_text(text)
    return tuple(f"{indent}# {line}" for line in textwrap.wrap(flat, _COMMENT_WIDTH - len(indent) - 2)) or (
        f"{indent}#",)


def allowed_answers(question: Question, questionnaire: Questionnaire) -> str:
    """A one-line reminder of what a question accepts."""
    if question.type == "scale":
        levels = questionnaire.scales[question.scale or ""]
        return "answer: " + " | ".join(f"{lv.value} {lv.label}" for lv in levels)
    if question.type == "yes_no":
        return "answer: yes | no"
    profile = " (profile: counted, not scored)" if question.profile else ""
    if question.type == "choice":
        return "answer one of: " + " | ".join(o.id for o in question.options or ()) + profile
    if question.type == "checklist":
        return "answer a list, e.g. [a, b], of: " + ", ".join(o.id for o in question.options or ()) + profile
    if question.type == "number":
        low, high = question.value_range
        bounds = "" if low is None and high is None else (
            f" from {range_text(low, high)}" if low is not None and high is not None else f", {range_text(low, high)}")
        unknown = ", or unknown if nobody knows it" if question.unknown_scores is not None else ""
        return f"answer: a number{bounds}{' (' + question.unit.strip() + ')' if question.unit else ''}{unknown}"
    return "answer: free text (not scored)"


def anchor_lines(question: Question, gap: str = " ") -> list[str]:
    """What each answer looks like for an anchored question: one line per scale value or option id, `gap`
    between the value and its text (two spaces make a long text wrap under itself in comments)."""
    return [f"{comment_text(value)}:{gap}{comment_text(text)}" for value, text in (question.anchors or {}).items()]


def option_lines(question: Question, lens: str | None = None, company: str | None = None) -> list[str]:
    """One line per option of a choice or checklist question, its id (what to write) and then its label (as the
    lens's respondent reads it)."""
    options = question.options or []
    width = max((len(o.id) for o in options), default=0)
    return [f"{o.id:<{width}}  {' '.join(o.wording(lens, company).split())}" for o in options]


@functools.lru_cache(maxsize=4096)
def _option_comments(lines: tuple[str, ...], indent: str) -> tuple[str, ...]:
    """Option lines as comments, a long label wrapping under itself."""
    out: list[str] = []
    for line in lines:
        hang = len(line) - len(line.split("  ", 1)[-1].lstrip()) if "  " in line else 0
        out += textwrap.wrap(line, _COMMENT_WIDTH - len(indent) - 6, initial_indent=f"{indent}#     ",
                             subsequent_indent=f"{indent}#     " + " " * hang, break_on_hyphens=False)
    return tuple(out)


@dataclass(frozen=True)
class KeptLine:
    """An answer (or target) the current questionnaire cannot hold, kept in the file as a `#~` comment.

    It records the questionnaire and version it was given for, and its YAML exactly as it was written,
    so that nothing a person answered is lost when a questionnaire drops or changes a question.
    """

    questionnaire: str
    version: int
    kind: Literal["answer", "target"]
    id: str
    entry: str

    def text(self) -> str:
        key = self.id if _PLAIN_KEPT_ID.match(self.id) and comment_text(self.id) == self.id else quoted(self.id)
        # the entry is YAML as written on one line of a file: only what would end or break the line is escaped
        entry = " " + _NOT_AS_ITSELF.sub(_escape, self.entry) if self.entry else ""
        return f"{KEPT_MARK} {self.questionnaire} v{self.version} {self.kind} {key}:{entry}"


def read_kept(text: str) -> list[KeptLine]:
    """The kept lines of an answers file's text, in file order, without repeats."""
    found: dict[KeptLine, None] = {}
    for line in text.splitlines():
        match = _KEPT_LINE.match(line)
        if match:
            kind: Literal["answer", "target"] = "answer" if match["kind"] == "answer" else "target"
            entry = (match["entry"] or "").rstrip()
            key = match["id"]
            if key.startswith('"'):
                with contextlib.suppress(ValueError):
                    key = json.loads(key)
            found[KeptLine(match["qid"], int(match["version"]), kind, key, entry)] = None
    return list(found)


def _kept_block(kept: Sequence[KeptLine], indent: str) -> list[str]:
    lines = ["", f"{indent}# ─── Kept: answers this version of the questionnaire cannot hold (not scored) ───"]
    lines += _comment(
        "Answers to questions that were removed, or that no longer fit a changed question. crmcheck keeps every "
        f"line that starts with '{KEPT_MARK}'; to use one again, copy its value to the question that replaces it.",
        indent,
    )
    lines += [f"{indent}{k.text()}" for k in dict.fromkeys(kept)]
    return lines


def schema_json() -> str:
    """The JSON Schema of answers files (as `crmcheck schema answers` prints it), for editors."""
    from crmcheck.models.schemas import json_schema

    return json_schema("answers")


def _mapping(values: Mapping[str, Any], name: str) -> str:
    return "{" + ", ".join(f"{k}: {_field(f'{name}.{k}', v)}" for k, v in values.items() if v) + "}"


def _field(name: str, value: Any) -> str:
    """A header field's scalar; a value no file can hold is refused, naming the field."""
    try:
        return scalar(value)
    except UnwritableText as exc:
        raise UnwritableText(f"{name}: {exc.problems[0].message}") from None


def header_lines(header: Header, *, schema_comment: bool = True) -> list[str]:
    """The lines an answers file starts with, before `questionnaires:` (what `dump_answers` writes first): the
    comments, format, company, date, assessor, respondent and segment, each field on one line."""
    lines: list[str] = []
    if schema_comment:
        lines.append(f"# yaml-language-server: $schema={SCHEMA_FILE}")
    lines += [
        "# crmcheck answers file (format 1). Write each answer after its question's id; leave it blank",
        "# if not known yet, or write n/a (or {value: n/a, reason: ...}) where it does not apply.",
        "# Add a note or evidence with {value: 3, note: \"...\", evidence: \"...\"}. Check: crmcheck validate FILE",
        "format: 1",
        f"company: {_field('company', header.company) if header.company else quoted('')}",
        f"assessed_on: {header.assessed_on.isoformat()}",
    ]
    if header.assessor:
        lines.append(f"assessor: {_field('assessor', header.assessor)}")
    if header.respondent:
        lines.append(f"respondent: {_mapping(header.respondent, 'respondent')}")
    if header.segment:
        lines.append(f"segment: {_mapping(header.segment, 'segment')}")
    return lines


def dump_answers(
    header: Header,
    questionnaires: list[Questionnaire],
    answers: Mapping[str, Mapping[str, Any]] | None = None,
    targets: Mapping[str, Mapping[str, int]] | None = None,
    *,
    lens: str | None = None,
    schema_comment: bool = True,
    kept: Mapping[str, Sequence[KeptLine]] | None = None,
) -> str:
    """An answers file (format 1) for the questionnaires, with each question as a comment.

    `answers` maps questionnaire id -> full question id -> the YAML text of its answer (see
    `answer_entry`); questions without one are written blank (unanswered). `kept` maps
    questionnaire id -> the kept lines written as comments at the end of its answers.
    """
    answers = answers or {}
    targets = targets or {}
    kept = kept or {}
    lines = header_lines(header, schema_comment=schema_comment)
    lines.append("questionnaires:")
    for q in questionnaires:
        given = answers.get(q.id, {})
        lines += ["", f"  # ═══ {comment_text(q.title)} ({q.id} v{q.version}) ═══", f"  {q.id}:",
                  f"    version: {q.version}"]
        wanted = targets.get(q.id)
        lines.append(f"    targets: {_mapping(dict(wanted), 'targets') if wanted else '{}'}"
                     f"  # section id -> target {'stage' if q.kind == 'staged' else 'level'}; default "
                     f"{q.default_target}")
        lines.append("    answers:")
        for number, section in enumerate(q.sections, 1):
            lines += ["", f"      # ─── {number}. {comment_text(section.title)} ({section.id}) ───"]
            # only what a respondent may read: the section's respondent_intro and each question's respondent_help
            # (never `help` or `summary`, which are the assessor's), and only the questions asked in the lens
            intro = section.respondent_wording(lens, header.company)
            if intro:
                lines += _comment(intro, "      ")
            for question in section.questions_in(lens):
                full = f"{section.id}.{question.id}"
                lines += _comment(question.wording(lens, header.company), "      ")
                respondent_help = question.respondent_wording(lens, header.company)
                if respondent_help:
                    lines += _comment("(" + respondent_help + ")", "      ")
                if question.type in ("choice", "checklist"):
                    lines += _comment("→ " + allowed_answers(question, q).split(":", 1)[0] + ":", "      ")
                    lines += _option_comments(tuple(option_lines(question, lens, header.company)), "      ")
                else:
                    lines += _comment("→ " + allowed_answers(question, q), "      ")
                if question.anchors and lens != "customer":  # the assessor's yardstick, in the company's terms
                    lines += _comment("what each answer looks like here:", "      ")
                    lines += _option_comments(tuple(anchor_lines(question, "  ")), "      ")
                entry = given.get(full)
                lines.append(f"      {full}:{' ' + entry if entry else ''}")
        if kept.get(q.id):
            lines += _kept_block(kept[q.id], "      ")
    return "\n".join(lines) + "\n"
