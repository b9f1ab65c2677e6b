"""The markdown and HTML formats of `crmcheck measure`, from reports/measure.md.j2 and reports/measure.html.j2."""

from __future__ import annotations

from typing import Any

from crmcheck.measure.formats.view import (
    answer_rows,
    answers_heading,
    excluded_lines,
    flags,
    metric_groups,
    money,
)
from crmcheck.measure.result import MeasureResult
from crmcheck.render.templating import environment

TOP = 10


def render_measure_template(name: str, result: MeasureResult, *, autoescape: bool) -> str:
    env = environment(None, autoescape=autoescape)
    context: dict[str, Any] = {
        "result": result, "groups": metric_groups(result), "findings": flags(result),
        "answers": answer_rows(result), "heading": answers_heading(result), "excluded": excluded_lines(result),
        "accounts": sorted(result.accounts, key=lambda a: a.size_rank)[:TOP],
        "money": lambda value: money(value, result.currency),
    }
    return env.get_template(name).render(**context)
