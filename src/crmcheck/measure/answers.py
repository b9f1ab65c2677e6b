"""Measured values set against an answers file: blank answers filled, differing ones marked contradicted by data;
with --write the file is saved through the interview's own pieces (reconcile, layout, verify, atomic write)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from crmcheck.answers.layout import Header, dump_answers, read_kept
from crmcheck.answers.model import Answer, AnswersFile, Measured, QuestionnaireAnswers, parse_answers
from crmcheck.catalog import Catalog
from crmcheck.errors import CrmcheckError, InputError, Problem
from crmcheck.measure.catalog import METRICS
from crmcheck.measure.result import AnswerCheck, AnswersCheck, MeasureResult, TableSummary
from crmcheck.resolve import Response, is_not_applicable, resolve
from crmcheck.yamlio import parse, read_text, write_atomic

if TYPE_CHECKING:
    from crmcheck.answers.reconcile import QuestionnaireState


@dataclass(frozen=True)
class Checked:
    checks: AnswersCheck
    text: str | None  # the file as it would be written; None when nothing changes
    backup: str | None = None  # where the file's own comments were kept, when the layout dropped some


def evidence_line(result: MeasureResult, metric_table_names: set[str]) -> str:
    """Where a measured value comes from: the files, their rows and the period, in one line."""
    used = [t for t in result.tables if t.name in metric_table_names]
    return "measured by crmcheck measure from " + "; ".join(_described(t) for t in used)


def _described(t: TableSummary) -> str:
    period = f", {t.first} to {t.last}" if t.first and t.last else ""
    return f"{Path(t.path).name} ({t.used:,} of {t.rows:,} {t.name} rows{period})"


def _tables_of(metric_id: str) -> set[str]:
    table = METRICS[metric_id].table
    return {"leads", "deals"} if metric_id == "marketing-lead-to-won" else {table}


def check_answers(path: str, result: MeasureResult, catalog: Catalog) -> Checked:
    """Each question with `measure:` in the questionnaires the file covers: filled, contradicted or agreeing."""
    original = read_text(path)
    source = parse_answers(parse(original, path))
    from crmcheck.interview import reconcile

    kept = read_kept(original)
    checks: list[AnswerCheck] = []
    states = []
    changed = False
    for key, given in source.answers.questionnaires.items():
        q = catalog.load(key, context=source.doc, keys=("questionnaires", key))
        state = reconcile(q, given, [k for k in kept if k.questionnaire == key], source, key).state
        states.append(state)
        for section in q.sections:
            for question in section.questions:
                if question.measure is None:
                    continue
                full = f"{section.id}.{question.id}"
                metric = METRICS[question.measure]
                measured = result.metric(metric.id)
                value = measured.value if measured else None
                answer = state.answers.get(full)
                given_value = answer.value if answer else None
                base = {"questionnaire": key, "question": full, "text": question.wording(source.answers.lens,
                        source.answers.company), "metric": metric.id, "unit": metric.unit,
                        "tolerance": metric.tolerance, "measured": value}
                if isinstance(given_value, str) and is_not_applicable(given_value):
                    checks.append(AnswerCheck(**base, status="n/a"))
                    continue
                if value is None:
                    checks.append(AnswerCheck(**base, status="not measured",
                                              answer=_number(given_value)))
                    continue
                evidence = evidence_line(result, _tables_of(metric.id))
                written = _within(question.value_range, value)
                if given_value is None:
                    if not written:
                        checks.append(AnswerCheck(**base, status="not measured"))
                        continue
                    state.answers[full] = Answer(value=_as_written(value), note=answer.note if answer else None,
                                                 evidence=evidence, measured=Measured(value=value, source=evidence))
                    checks.append(AnswerCheck(**base, status="filled", evidence=evidence))
                    changed = True
                    continue
                number = _number(given_value)
                if number is None:
                    checks.append(AnswerCheck(**base, status="not a number"))
                    continue
                differs = round(abs(number - value) - metric.tolerance, 9) > 0
                checks.append(AnswerCheck(**base, answer=number, status="contradicted" if differs else "agrees"))
                assert answer is not None
                record = Measured(value=value, source=evidence)
                if answer.measured != record:
                    state.answers[full] = answer.model_copy(update={"measured": record})
                    changed = True
    report = AnswersCheck(file=path, written=False, checks=checks)
    if not changed:
        return Checked(report, None)
    header = _header(source.answers)
    text = dump_answers(header, [s.questionnaire for s in states],
                        {s.questionnaire.id: {full: _entry(a) for full, a in s.answers.items()} for s in states},
                        {s.questionnaire.id: s.targets for s in states}, lens=source.answers.lens,
                        kept={s.questionnaire.id: [*s.kept, *[k for k in kept if k.questionnaire ==
                                                               s.questionnaire.id and k not in s.kept]]
                              for s in states})
    _verify(text, path, states)
    return Checked(report, text)


def write_answers(path: str, checked: Checked, *, backup: bool = True) -> Checked:
    """Save the filled and annotated answers (atomically; the comments a hand-edited file had are kept in
    FILE.bak when the standard layout would drop them)."""
    if checked.text is None:
        return checked
    from crmcheck.answers.disk import backup_copy, lost_comment_lines

    original = read_text(path)
    kept = str(backup_copy(Path(path), original)) if backup and lost_comment_lines(original, checked.text) else None
    write_atomic(path, checked.text)
    return Checked(checked.checks.model_copy(update={"written": True}), checked.text, kept)


def _entry(answer: Answer) -> str:
    from crmcheck.answers.reconcile import answer_text

    return answer_text(answer)


def _header(file: AnswersFile) -> Header:
    respondent = file.respondent.model_dump(exclude_none=True) if file.respondent else None
    return Header(company=file.company, assessed_on=file.assessed_on, assessor=file.assessor,
                  respondent={k: str(v) for k, v in respondent.items()} if respondent else None,
                  segment={k: str(v) for k, v in file.segment.model_dump(exclude_none=True).items()}
                  if file.segment else None)


def _verify(text: str, path: str, states: list[QuestionnaireState]) -> None:
    """The text must load strictly and hold exactly the answers meant (as the interview checks its saves)."""
    try:
        source = parse_answers(parse(text, path))
        for state in states:
            q = state.questionnaire
            written = resolve(q, source.answers.questionnaires[q.id], source, q.id)
            expected = resolve(q, QuestionnaireAnswers.model_validate(
                {"targets": state.targets,
                 "answers": {k: a.model_dump(exclude_none=True) for k, a in state.answers.items()}}), source, q.id)
            # numbers compared as text: a number read back from YAML keeps the text it was written as
            differ = [k for k in expected if _comparable(written.get(k)) != _comparable(expected[k])]
            if differ:
                raise InputError(f"the answer to {differ[0]} would not be written as measured", file=path)
    except CrmcheckError as exc:
        raise InputError(exc.problems[0].message, problems=[
            *exc.problems, Problem(f"{path} was left as it is: the file measure would write does not load back")
        ]) from None


def _comparable(r: Response | None) -> tuple[object, ...] | None:
    return None if r is None else (r.status, str(r.value), r.score, r.note, r.evidence, r.reason, r.measured)


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _as_written(value: float) -> float | int:
    """A measured value as an answer: to 1 decimal, as the reports show it (the exact one stays in `measured`)."""
    rounded = round(value, 1)
    return int(rounded) if rounded.is_integer() else rounded


def _within(bounds: tuple[float | None, float | None], value: float) -> bool:
    low, high = bounds
    rounded = _as_written(value)
    return (low is None or rounded >= low) and (high is None or rounded <= high)
