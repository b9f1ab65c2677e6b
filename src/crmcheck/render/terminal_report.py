"""Terminal report: rich tables with score bars, coloured by risk, readable at 80 columns."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from crmcheck.models.result import AssessmentResult, QuestionnaireResult
from crmcheck.render import RenderOptions
from crmcheck.render import perception_view as many
from crmcheck.render.reading import PROVISIONAL, how_to_read, provisional_sentence
from crmcheck.render.terminal_parts import BAR_WIDTH, RISK_STYLE, bar, make_console, numbered_table, printed
from crmcheck.wording import counted

TOP_RECOMMENDATIONS = 10


SECTION_MIN = 16  # below this a section title wraps on every word
SCORE_DIGITS = 5  # "100.0": numbers are never cut, so the bar gives way first


def bar_width(width: int, others: int, columns: int) -> int:
    """The widest bar (8, then 4, then none) that leaves the section title its minimum width."""
    for candidate in (BAR_WIDTH, BAR_WIDTH // 2):
        if width - others - (candidate + 1 + SCORE_DIGITS) - 3 * (columns - 1) - 1 >= SECTION_MIN + 4:
            return candidate
    return 0


def percent(fraction: float) -> str:
    return f"{fraction * 100:.0f}%"


def level_text(level: int | None, name: str | None) -> Text:
    return Text("—" if level is None else f"{level} {name or ''}".strip())


PROVISIONAL_STYLE = "bold yellow"


def provisional_mark(provisional: bool) -> Text:
    """' (provisional)' after a score or level that rests on under half its questions; nothing otherwise."""
    return Text(f" ({PROVISIONAL})", style=PROVISIONAL_STYLE) if provisional else Text("")


def questionnaire_block(q: QuestionnaireResult, width: int) -> RenderableType:
    heading = Text.assemble(
        (q.title + many.lens_suffix(q), "bold"), f"  (v{q.version})\n",
        "score ", (f"{q.score:.1f}" if q.score is not None else "—", "bold"), provisional_mark(q.provisional),
        "  level ", level_text(q.level, q.level_name), provisional_mark(q.provisional),
        "  complete ", percent(q.completeness),
    )
    if q.stage:
        heading.append_text(Text.assemble(
            "\nstage reached ", (f"{q.stage.reached} {q.stage.name}", "bold"), provisional_mark(q.provisional),
            f"  (target {q.stage.target}, pass mark {q.stage.pass_mark:g})",
        ))
    if q.provisional:
        heading.append_text(Text("\n" + provisional_sentence(q), style=PROVISIONAL_STYLE))
    table = Table(box=box.SIMPLE_HEAD, expand=False, pad_edge=False, show_edge=False)
    # every figure keeps its width; the bar shrinks, then goes, then the level name wraps, then the title gives way
    scored = q.kind == "scored"
    columns = 6 if scored else 5
    level_width = 12
    others = level_width + (6 if scored else 0) + 3 + 4
    bars = bar_width(width, others, columns)
    unassessed = any(s.score is None for s in q.sections)
    score_width = bars + 1 + SCORE_DIGITS if bars else (len("assessed") if unassessed else SCORE_DIGITS)
    section_width = width - others - score_width - 3 * (columns - 1) - 1
    if section_width < SECTION_MIN:
        # "2 Developing" wraps after the number; the longest word sets the width
        level_width = min(12, max([5, *(len(word) for band in q.levels for word in band.name.split())]))
        section_width = section_width + 12 - level_width
    section_width = max(10, min(44, section_width))
    table.add_column("Section", overflow="fold", width=section_width)
    table.add_column("Score", width=score_width)
    table.add_column("Level" if scored else "Stage", width=level_width, overflow="fold")
    if scored:
        table.add_column("Risk", no_wrap=True, width=6)
    table.add_column("Gap", justify="right", no_wrap=True, width=3)
    table.add_column("Done", justify="right", no_wrap=True, width=4)
    for s in q.sections:
        style = RISK_STYLE[s.risk]
        row: list[RenderableType] = [Text(s.title), bar(s.score, style, bars)]
        if q.kind == "scored":
            level = level_text(s.level, s.level_name)
            if s.provisional:  # on a line of its own: the level column is narrow
                level.append(f"\n{PROVISIONAL}", style=PROVISIONAL_STYLE)
            row += [level, Text(s.risk or "—", style=style)]
        else:
            row.append(Text(str(s.stage)).append(f"\n{PROVISIONAL}" if s.provisional else "",
                                                 style=PROVISIONAL_STYLE))
        row += [Text("—" if s.gap is None else str(s.gap)), Text(percent(s.completeness))]
        table.add_row(*row)
    parts: list[RenderableType] = [heading, table]
    if q.stage and q.stage.climb:
        parts += [Text(""), stage_table(q)]
    if q.stage and q.stage.matrix:
        matrix = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, title_justify="left",
                       title="Stage score by dimension")
        matrix.add_column("Dimension")
        for stage in q.stage.stages[1:] if len(q.stage.stages) > 1 else q.stage.stages:
            matrix.add_column(stage.name, justify="right", max_width=12)
        matrix.add_column("Reached", justify="right")
        shown = q.stage.stages[1:] if len(q.stage.stages) > 1 else q.stage.stages
        for dimension, row_scores in q.stage.matrix.items():
            status = q.stage.matrix_status.get(dimension, {})
            cells = [Text(("?" if status.get(st.number) == "not assessed" else "—")
                          if row_scores.get(st.number) is None else f"{row_scores[st.number]:.0f}",
                          style="green" if st.number <= q.stage.dimensions[dimension] else "")
                     for st in shown]
            matrix.add_row(Text(dimension), *cells, Text(str(q.stage.dimensions[dimension])))
        parts += [Text(""), matrix]
    return Group(*parts)


STAGE_STYLE = {"passed": "green", "failed": "bold red", "not assessed": "yellow", "not applicable": "dim"}


def stage_table(q: QuestionnaireResult) -> RenderableType:
    """Each stage's status and why, under the sentence saying what stopped the climb."""
    assert q.stage is not None
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, title_justify="left",
                  title=f"Stages (cumulative): {q.stage.climb}")
    table.add_column("Stage", overflow="fold", max_width=22)
    table.add_column("Score", justify="right", no_wrap=True, width=5)
    table.add_column("Status", no_wrap=True, width=14)
    table.add_column("Why", overflow="fold", ratio=1)
    for st in q.stage.stages:
        name = f"{st.number} {st.name}"
        table.add_row(Text(name), Text("—" if st.score is None else f"{st.score:.1f}"),
                      Text(st.status, style=STAGE_STYLE[st.status]), Text(st.reason))
    return table


UNANSWERED_SHOWN = 20  # a blank file has dozens; the first ones and a count keep the report readable


def unanswered_block(result: AssessmentResult) -> RenderableType | None:
    """The unanswered questions by full id (the first 20, then how many more), questionnaire by questionnaire."""
    missing = [(index, full) for index, q in enumerate(result.questionnaires) for full in q.unanswered]
    if not missing:
        return None
    parts: list[RenderableType] = [Text(f"Unanswered: {counted(len(missing), 'question')}", style="bold")]
    shown = missing[:UNANSWERED_SHOWN]
    for index in dict.fromkeys(i for i, _ in shown):
        q = result.questionnaires[index]
        ids = [full for owner, full in shown if owner == index]
        parts.append(Text.assemble("  ", (q.title + many.lens_suffix(q), "dim"), ": ", ", ".join(ids)))
    if len(missing) > UNANSWERED_SHOWN:
        parts.append(Text(f"  … and {len(missing) - UNANSWERED_SHOWN} more (the markdown and HTML reports list "
                          "them all)", style="dim"))
    return Group(*parts)


def render(result: AssessmentResult, options: RenderOptions) -> str:
    console, buffer = make_console(options)
    who = f", assessor {result.assessor}" if result.assessor else ""
    if options.title:
        console.print(Text(options.title, style="bold"))
    console.print(Text.assemble((result.company, "bold"), f" — CRM assessment of {result.assessed_on}{who}"))
    respondents = many.respondents_line(result)
    if respondents is not None:
        console.print(respondents)
    for gap in result.perception_gaps:  # first, so that the first screen shows where the company overrates itself
        console.print()
        console.print(many.perception_block(gap, options.width))
        profiles = many.profile_comparison_block(gap, options.width)
        if profiles is not None:
            console.print(profiles)
    for q in result.questionnaires:
        console.print()
        console.print(questionnaire_block(q, options.width))
        for block in (many.profile_block(q), many.disagreement_block(q, options.show_respondents),
                      many.not_evidenced_block(q), many.contradicted_block(q)):
            if block is not None:
                console.print(block)
    people = many.respondents_block(result) if options.show_respondents else None
    if people is not None:
        console.print()
        console.print(people)
    top = result.top_recommendations(TOP_RECOMMENDATIONS)
    if top:
        console.print()
        console.print(Text("Top recommendations", style="bold"))
        table = numbered_table("Recommendation", "Priority")
        for i, rec in enumerate(top, 1):
            table.add_row(f"{i}.", Text.assemble((rec.question, "cyan"), "\n", rec.text), f"{rec.priority:.2f}")
        console.print(table)
    if result.comparison is not None:
        from crmcheck.render.comparison_view import comparison_block

        console.print()
        console.print(comparison_block(result.comparison, options.width, full=False))
    if result.plan is not None:
        from crmcheck.render.plan_blocks import report_block

        console.print()
        console.print(report_block(result.plan, [(q.id, s.id, s.actions) for q in result.questionnaires
                                                 for s in q.sections if s.actions]))
    unanswered = unanswered_block(result)
    if unanswered is not None:
        console.print()
        console.print(unanswered)
    console.print()
    console.print(Text("How to read this report", style="bold"))
    for sentence in how_to_read(result):
        console.print(Text(sentence, style="dim"))
    return printed(buffer)
