"""The measure result as the human formats show it: every figure as text, in the order the report reads."""

from __future__ import annotations

from dataclasses import dataclass

from crmcheck.measure.result import AnswerCheck, MeasureResult, MetricValue
from crmcheck.wording import counted

UNIT_WORDS = {"%": " %", "days": " days", "hours": " hours", "count": "", "per month": " per month"}
STATUS_WORDS = {"filled": "filled from data", "contradicted": "CONTRADICTED BY DATA", "agrees": "agrees",
                "not measured": "not measured", "n/a": "n/a (not checked)", "not a number": "not a number"}


def figure(value: float | None, unit: str) -> str:
    """A measured figure as shown: percentages and times to 1 decimal, counts whole, grouped."""
    if value is None:
        return "not measured"
    if unit == "count":
        return f"{value:,.0f}"
    return f"{value:,.1f}{UNIT_WORDS.get(unit, ' ' + unit)}"


def money(value: float, currency: str | None) -> str:
    text = f"{value:,.0f}" if round(float(value), 2).is_integer() else f"{value:,.2f}"
    return f"{currency} {text}" if currency else text


@dataclass(frozen=True)
class MetricRow:
    metric: MetricValue
    shown: str
    detail: str  # the basis, or why not measured


@dataclass(frozen=True)
class AnswerRow:
    check: AnswerCheck
    answered: str
    measured: str
    status: str


def metric_rows(result: MeasureResult, table: str) -> list[MetricRow]:
    return [MetricRow(m, figure(m.value, m.unit), m.basis if m.value is not None else (m.reason or ""))
            for m in result.metrics if m.table == table]


def answer_rows(result: MeasureResult) -> list[AnswerRow]:
    if result.answers is None:
        return []
    return [AnswerRow(c, "blank" if c.answer is None else figure(c.answer, c.unit), figure(c.measured, c.unit),
                      STATUS_WORDS[c.status]) for c in result.answers.checks]


def flags(result: MeasureResult) -> list[str]:
    """The findings worth a line of their own."""
    out = [f"{m.title}: {figure(m.value, m.unit)}, {m.flag}" for m in result.metrics if m.flag]
    gap = result.customer_gap
    if gap is not None:
        out.append(f"Your biggest customer is not your best: {gap.biggest} is the biggest by invoiced amount but "
                   f"ranks {gap.biggest_value_rank} by value; the best by value is {gap.best} (ranked "
                   f"{gap.best_size_rank} by size).")
    if result.answers is not None:
        wrong = result.answers.contradicted
        if wrong:
            out.append(f"{counted(len(wrong), 'answer')} contradicted by data: "
                       + ", ".join(c.question for c in wrong))
    return out


def excluded_lines(result: MeasureResult) -> list[str]:
    lines = [f"{e.file}:{e.row}: {e.table}: {e.reason}" for e in result.excluded]
    more = result.excluded_total - len(result.excluded)
    if more > 0:
        lines.append(f"... and {more:,} more rows left out")
    return lines


TABLE_TITLES = {"deals": "Funnel (deals)", "leads": "Leads", "tickets": "Customer experience (tickets)",
                "invoices": "Payments (invoices)"}


def metric_groups(result: MeasureResult) -> list[tuple[str, list[MetricRow]]]:
    groups = []
    for table, title in TABLE_TITLES.items():
        rows = metric_rows(result, table)
        if rows:
            groups.append((title, rows))
    return groups


def answers_heading(result: MeasureResult) -> str:
    a = result.answers
    if a is None:
        return ""
    filled = sum(1 for c in a.checks if c.status == "filled")
    state = "written" if a.written else ("not written: add --write to fill the blank answers" if filled else
                                        "nothing to write")
    return f"Against the answers in {a.file} ({state})"
