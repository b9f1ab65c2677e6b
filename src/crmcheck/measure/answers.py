"""Measured values set against an answers file: blank answers filled, differing ones marked contradicted by data;
with --write the file is saved through the answers store (answers/store.py: reconcile, render, verify, write)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from crmcheck.answers.layout import read_kept
from crmcheck.answers.model import Answer, Measured
from crmcheck.answers.store import AnswersStore, Contents, NotAsMeant, in_catalog, render, verify
from crmcheck.catalog import Catalog
from crmcheck.errors import InputError, Problem
from crmcheck.measure.catalog import METRICS
from crmcheck.measure.result import AnswerCheck, AnswersCheck, MeasureResult, TableSummary
from crmcheck.resolve import is_not_applicable


@dataclass(frozen=True)
class Checked:
    checks: AnswersCheck
    text: str | None  # the file as it would be written (verified); None when nothing changes
    backup: str | None = None  # where the file's own comments were kept, when the layout dropped some
    store: AnswersStore | None = field(default=None, compare=False)  # the file as it was read
    contents: Contents | None = field(default=None, compare=False)  # what `text` holds


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
    store = AnswersStore(Path(path))
    loaded = store.load(in_catalog(catalog))
    source = loaded.source
    contents = loaded.contents()
    kept = read_kept(loaded.text)
    checks: list[AnswerCheck] = []
    changed = False
    for key, state in contents.states.items():
        q = state.questionnaire
        # a kept line whose answer came back stays kept too: measure changes answers, not what was kept
        state.kept += [k for k in kept if k.questionnaire == key and k not in state.kept]
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
    text = render(contents)
    try:
        verify(text, path, contents)
    except NotAsMeant as exc:
        raise InputError(exc.problems[0].message, problems=[
            *exc.problems, Problem(f"{path} was left as it is: the file measure would write does not load back")
        ]) from None
    return Checked(report, text, store=store, contents=contents)


def write_answers(path: str, checked: Checked, *, backup: bool = True) -> Checked:
    """Save the filled and annotated answers through the store (verified, atomic; the comments a hand-edited file
    had are kept in FILE.bak when the standard layout would drop them). A file changed since it was read is left
    as it is."""
    if checked.text is None:
        return checked
    store, contents = checked.store, checked.contents
    if store is None or contents is None or store.last_read is None:
        raise InputError("nothing to write: the answers were not read by check_answers", file=path)
    if store.changed_outside():
        raise InputError("the file was changed by another program while measure ran; it was left as it is: run "
                         "the command again", file=path)
    copy = store.backup_if_comments_lost(store.last_read, checked.text)[1] if backup else None
    store.save(contents, text=checked.text)
    kept = str(copy) if copy is not None else None
    return Checked(checked.checks.model_copy(update={"written": True}), checked.text, kept, store, checked.contents)


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
