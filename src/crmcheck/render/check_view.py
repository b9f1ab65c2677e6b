"""Views of a `crmcheck check` result: terminal, markdown (also the GitHub step summary) and JSON."""

from __future__ import annotations

from collections.abc import Callable

from rich import box
from rich.table import Table
from rich.text import Text

from crmcheck.json_text import json_document
from crmcheck.models.check import CheckResult, RuleOutcome
from crmcheck.models.trusted import json_data  # model_dump(mode="json") without building a serializer
from crmcheck.render import RenderOptions
from crmcheck.render.templating import render_template
from crmcheck.render.terminal_parts import make_console, printed
from crmcheck.wording import counted

STATUS_MARK = {"held": ("✓", "green"), "broken": ("✗", "bold red"), "skipped": ("–", "yellow")}


def _checks(n: int) -> str:
    return f"{n} check" if n == 1 else f"{n} checks"


def verdict(check: CheckResult) -> str:
    if check.passed:
        skipped = f", {check.skipped} skipped" if check.skipped else ""
        return f"PASSED: every rule held ({_checks(check.held)} held{skipped})"
    return f"FAILED: {check.broken} of {_checks(len(check.outcomes))} broken"


def rule_status(outcomes: list[RuleOutcome]) -> str:
    """A rule is broken when any scope broke it, skipped when every scope was skipped, else held."""
    statuses = {o.status for o in outcomes}
    if "broken" in statuses:
        return "broken"
    return "skipped" if statuses == {"skipped"} else "held"


def counts(outcomes: list[RuleOutcome]) -> str:
    parts = []
    for status in ("broken", "held", "skipped"):
        n = sum(o.status == status for o in outcomes)
        if n:
            parts.append(f"{n} {status}")
    return ", ".join(parts)


def render_terminal(check: CheckResult, options: RenderOptions) -> str:
    console, buffer = make_console(options)
    console.print(Text.assemble((check.company, "bold"), f" — check of {check.answers} ({check.assessed_on})"))
    policy = check.policy or "the default policy"
    baseline = f"{check.baseline} ({check.baseline_on})" if check.baseline else "none given"
    console.print(f"policy: {policy}, {counted(check.rules, 'rule')} · baseline: {baseline} · "
                  f"checked on {check.checked_on}")
    console.print()
    rules = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, title="Rules", title_justify="left")
    rules.add_column("", no_wrap=True, width=1)
    rules.add_column("#", justify="right", no_wrap=True)
    rules.add_column("Rule", overflow="fold", ratio=3)
    rules.add_column("Result", overflow="fold", ratio=2)
    for number, outcomes in check.by_rule():
        mark, style = STATUS_MARK[rule_status(outcomes)]
        first = outcomes[0]
        label = f"{first.rule}: {first.label}"
        if first.questionnaire and all(o.questionnaire == first.questionnaire for o in outcomes):
            label += f" ({first.questionnaire})"
        rules.add_row(Text(mark, style=style), str(number), label, counts(outcomes))
    console.print(rules)
    console.print()
    for status, heading in (("broken", "Broken"), ("skipped", "Skipped")):
        items = [o for o in check.outcomes if o.status == status]
        if not items:
            continue
        mark, style = STATUS_MARK[status]
        console.print(Text(heading, style="bold"))
        for o in items:
            where = f", {o.file}:{o.line}" if status == "broken" and o.file and o.line else ""
            console.print(Text.assemble((f"{mark} ", style), o.message, (f"  [rule {o.rule_number} {o.rule}{where}]",
                                                                         "dim")))
        console.print()
    if check.comparison is not None and check.comparison.regressions:
        steps = counted(len(check.comparison.regressions), "step")
        console.print(Text(f"Since {check.comparison.baseline_on}: {steps} back; "
                           "`crmcheck compare` shows every change.", style="dim"))
    console.print(Text(verdict(check), style="bold green" if check.passed else "bold red"))
    return printed(buffer)


def render_markdown(check: CheckResult, options: RenderOptions) -> str:
    context = {
        "check": check,
        "title": options.title or f"crmcheck: {check.company}",
        "verdict": verdict(check),
        "rules": [(number, rule_status(outcomes), outcomes) for number, outcomes in check.by_rule()],
        "counts": counts,
        "options": options,
    }
    return render_template("check.md.j2", options.template, context, autoescape=False)


def render_json(check: CheckResult, options: RenderOptions) -> str:
    return json_document(json_data(check))


RENDERERS: dict[str, Callable[[CheckResult, RenderOptions], str]] = {
    "terminal": render_terminal, "markdown": render_markdown, "json": render_json,
}


def render_check(check: CheckResult, fmt: str, options: RenderOptions) -> str:
    return RENDERERS[fmt](check, options)
