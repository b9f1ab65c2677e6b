"""Views of a comparison between two assessments: `crmcheck compare` output and the report's "since" part."""

from __future__ import annotations

from collections.abc import Callable

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from crmcheck.compare import trend_of
from crmcheck.json_text import json_document
from crmcheck.models.result import RESULT_FORMAT, Comparison, LevelChange, QuestionnaireChange, SectionChange
from crmcheck.models.trusted import json_data  # model_dump(mode="json") without building a serializer
from crmcheck.render import RenderOptions
from crmcheck.render.templating import fmt_change as signed
from crmcheck.render.templating import render_template
from crmcheck.render.terminal_parts import RISK_STYLE, make_console, printed
from crmcheck.wording import counted

TREND_STYLE = {"improved": "green", "declined": "red", "unchanged": "", "not comparable": "dim"}


def score_text(score: float | None) -> str:
    return "—" if score is None else f"{score:.1f}"


def level_step(change: LevelChange, names: bool = False) -> str:
    def one(level: int | None, name: str | None) -> str:
        if level is None:
            return "—"
        return f"{level} {name}" if names and name else str(level)

    before, after = one(change.before, change.before_name), one(change.after, change.after_name)
    return after if before == after else f"{before} → {after}"


def risk_step(section: SectionChange) -> Text:
    before, after = section.risk_before, section.risk_after
    if before is None and after is None:
        return Text("—", style="dim")
    if before == after:
        return Text(after or "—", style=RISK_STYLE[after])
    return Text.assemble((before or "—", RISK_STYLE[before]), " → ", (after or "—", RISK_STYLE[after]))


def _heading(q: QuestionnaireChange) -> Text:
    if q.presence != "both":
        what = "new in this assessment" if q.presence == "added" else "not in this assessment (it was in the baseline)"
        return Text.assemble((q.title, "bold"), f"  {what}")
    versions = f"v{q.version_after}" if q.version_before == q.version_after else \
        f"v{q.version_before} → v{q.version_after}"
    text = Text.assemble(
        (q.title, "bold"), f"  ({versions})\n",
        "score ", (f"{score_text(q.score_before)} → {score_text(q.score_after)}", "bold"),
        (f" ({signed(q.score_change)})", TREND_STYLE[trend_of(q.score_change)]),
        "  level ", level_step(q.level, names=True),
        (" (provisional, not compared)" if q.provisional_before or q.provisional_after else "", "yellow"),
    )
    if q.stage:
        text.append(f"\nstage reached {level_step(q.stage.reached, names=True)}")
    return text


def _sections_table(q: QuestionnaireChange, sections: list[SectionChange], width: int) -> Table:
    scored = q.kind == "scored"
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    # the figures keep their width; a risk change wraps ("medium →" / "high") before the title gets narrower
    risk_width = 15 if scored else 0
    seps = 3 * (5 if scored else 4) + 1
    if scored and width - (5 + 5 + 6 + 6 + risk_width) - seps < 16:
        risk_width = len("medium →")
    fixed = 5 + 5 + 6 + 6 + risk_width
    table.add_column("Section", overflow="fold", width=max(12, min(44, width - fixed - seps)))
    table.add_column("Was", justify="right", no_wrap=True, width=5)
    table.add_column("Now", justify="right", no_wrap=True, width=5)
    table.add_column("Change", justify="right", no_wrap=True, width=6)
    table.add_column("Level", no_wrap=True, width=6)
    if scored:
        table.add_column("Risk", width=risk_width)
    for s in sections:
        title = s.title if s.presence == "both" else f"{s.title} ({s.presence} in v{q.version_after})"
        if s.provisional_before or s.provisional_after:
            title += " (provisional, not compared)"
        row: list[RenderableType] = [
            Text(title), score_text(s.score_before), score_text(s.score_after),
            Text(signed(s.score_change), style=TREND_STYLE[s.trend]), level_step(s.level),
        ]
        if scored:
            row.append(risk_step(s))
        table.add_row(*row)
    return table


def _answers_table(q: QuestionnaireChange) -> Table:
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column("Question", style="cyan", overflow="fold", ratio=2)
    table.add_column("Answer", overflow="fold", ratio=3)
    for a in q.answers_changed:
        was = "renamed from " + a.previous_id + "; " if a.previous_id else ""
        table.add_row(a.question, f"{was}{a.before or 'unanswered'} → {a.after or 'unanswered'}")
    return table


def comparison_block(comparison: Comparison, width: int, *, full: bool) -> RenderableType:
    """The comparison for a terminal; `full` lists every section and changed answer, else only what moved."""
    parts: list[RenderableType] = [Text.assemble(
        ("Since the last assessment", "bold"),
        f" ({comparison.baseline_on}, {comparison.days_between} days earlier)",
    )]
    if comparison.regressions:
        parts.append(Text(f"{counted(len(comparison.regressions), 'step')} back:", style="bold red"))
        parts.extend(Text(f"  ✗ {r.text}") for r in comparison.regressions)
    else:
        parts.append(Text("No step back: no level or stage fell and no section became high risk.", style="green"))
    if comparison.not_comparable:
        parts.append(Text(f"Not compared ({len(comparison.not_comparable)}, provisional):", style="bold yellow"))
        parts.extend(Text(f"  ~ {n.text}") for n in comparison.not_comparable)
    for q in comparison.questionnaires:
        parts.append(Text(""))
        parts.append(_heading(q))
        moved = q.sections if full else [
            s for s in q.sections
            if s.presence != "both" or s.level.change or s.risk_before != s.risk_after
        ]
        if moved:
            parts.append(_sections_table(q, moved, width))
        elif q.presence == "both":
            parts.append(Text("No section changed level or risk.", style="dim"))
        kept = [f"{s.title} ({signed(s.score_change)})" for s in q.sections if s not in moved]
        if moved and kept:  # left out of the table above, so said here: nothing is dropped without a word
            same = "Same level and risk" if q.kind == "scored" else "Same level"
            parts.append(Text(f"{same} as before: {'; '.join(kept)}.", style="dim"))
        if full and q.answers_changed:
            parts.append(Text(f"{counted(len(q.answers_changed), 'answer')} changed", style="bold"))
            parts.append(_answers_table(q))
        elif q.answers_changed:
            parts.append(Text(f"{counted(len(q.answers_changed), 'answer')} changed; `crmcheck compare` lists them.",
                              style="dim"))
        for label, items in (("Questions added", q.questions_added), ("Questions removed", q.questions_removed),
                             ("Questions renamed", [f"{r.previous_id} → {r.question}" for r in q.questions_renamed])):
            if items:
                parts.append(Text(f"{label}: {', '.join(items)}"))
    if comparison.plan_effects:
        from crmcheck.render.plan_blocks import effects_block

        parts += [Text(""), effects_block(comparison.plan_effects)]
    return Group(*parts)


def render_terminal(comparison: Comparison, options: RenderOptions) -> str:
    console, buffer = make_console(options)
    console.print(Text.assemble(
        (comparison.company, "bold"), f" — what changed from {comparison.baseline_on} to {comparison.assessed_on}",
    ))
    console.print()
    console.print(comparison_block(comparison, options.width, full=True))
    return printed(buffer)


def render_markdown(comparison: Comparison, options: RenderOptions) -> str:
    context = {
        "comparison": comparison,
        "title": options.title or f"What changed: {comparison.company}",
        "options": options,
    }
    return render_template("comparison.md.j2", options.template, context, autoescape=False)


def render_json(comparison: Comparison, options: RenderOptions) -> str:
    data = {"format": RESULT_FORMAT, **json_data(comparison)}
    return json_document(data)


RENDERERS: dict[str, Callable[[Comparison, RenderOptions], str]] = {
    "terminal": render_terminal, "markdown": render_markdown, "json": render_json,
}


def render_comparison(comparison: Comparison, fmt: str, options: RenderOptions) -> str:
    return RENDERERS[fmt](comparison, options)
