"""The markdown and HTML formats of `crmcheck measure`, from reports/measure.md.j2 and reports/measure.html.j2."""

from __future__ import annotations

from typing import Any

from crmcheck.measure.formats import view
from crmcheck.measure.result import MeasureResult
from crmcheck.render.templating import environment

TOP = 10


def render_measure_template(name: str, result: MeasureResult, *, autoescape: bool) -> str:
    env = environment(None, autoescape=autoescape)
    context: dict[str, Any] = {
        "result": result, "groups": view.metric_groups(result), "findings": view.flags(result),
        "answers": view.answer_rows(result), "heading": view.answers_heading(result),
        "excluded": view.excluded_lines(result),
        "accounts": sorted(result.accounts, key=lambda a: a.size_rank)[:TOP],
        "money": lambda value: view.money(value, result.currency),
    }
    return env.get_template(name).render(**context)
