"""Terminal blocks for several respondents: the perception gap, disagreements, not-evidenced answers, profiles."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from crmcheck.models.result import (
    AssessmentResult,
    PerceptionGap,
    ProfileComparison,
    ProfileQuestion,
    QuestionnaireResult,
)
from crmcheck.render.terminal_parts import numbered_table

GAP_BAR_WIDTH = 10
TOP_GAP_QUESTIONS = 5
DISAGREEMENTS_SHOWN = 10  # with many respondents most questions can be flagged; the markdown lists them all


def lens_suffix(q: QuestionnaireResult) -> str:
    """' — company view, 3 respondents' for an aggregated result; '' for one answers file."""
    if q.lens is None:
        return ""
    count = q.respondents or 0
    return f" — {q.lens} view, {count} respondent{'s' if count != 1 else ''}"


def respondents_line(result: AssessmentResult) -> Text | None:
    from crmcheck.render.reading import respondents_sentence

    sentence = respondents_sentence(result)
    return None if sentence is None else Text(sentence)


def signed(value: float | None) -> str:
    return "—" if value is None else f"{value:+.1f}"


def gap_bar(gap: float | None) -> Text:
    """A bar as long as the gap (full width = 100 points); red where the company rates itself higher."""
    if gap is None:
        return Text("")
    filled = min(GAP_BAR_WIDTH, round(abs(gap) / 100 * GAP_BAR_WIDTH))
    return Text("█" * filled, style="red" if gap > 0 else "cyan")


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def perception_block(gap: PerceptionGap, width: int) -> RenderableType:
    heading = Text.assemble(
        ("Perception gap: ", "bold"), (gap.title, "bold"), "\n",
        f"company view {_score(gap.company)} ({gap.company_respondents}) against customer view "
        f"{_score(gap.customer)} ({gap.customer_respondents}): gap ", (signed(gap.gap), "bold"),
    )
    overrated = [line for line in gap.sections if line.gap is not None and line.gap > 0]
    # the table lists every section, so the lead names all of them, not only where the company rates itself higher
    where = f"{len(overrated)} of {len(gap.sections)}" if overrated else "none"
    lead = Text(f"Gap by section (company − customer); the company rates itself higher in {where}:", style="bold")
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    # the bar goes before the figures or the title are squeezed
    with_bar = width - (7 + 8 + 6 + GAP_BAR_WIDTH) - 3 * 4 - 1 >= 16
    fixed = 7 + 8 + 6 + (GAP_BAR_WIDTH if with_bar else 0)
    table.add_column("Section", overflow="fold", width=max(16, min(44, width - fixed - 3 * (4 if with_bar else 3) - 1)))
    table.add_column("Company", justify="right", no_wrap=True, width=7)
    table.add_column("Customer", justify="right", no_wrap=True, width=8)
    table.add_column("Gap", justify="right", no_wrap=True, width=6)
    if with_bar:
        table.add_column("", no_wrap=True, width=GAP_BAR_WIDTH)
    for line in gap.sections:
        title = Text(line.title).append(" (provisional)" if line.provisional else "", style="yellow")
        cells: list[RenderableType] = [title, _score(line.company), _score(line.customer),
                 Text(signed(line.gap), style="bold red" if (line.gap or 0) > 0 else "")]
        table.add_row(*cells, *([gap_bar(line.gap)] if with_bar else []))
    parts: list[RenderableType] = [heading, lead, table]
    top = [line for line in gap.questions if line.gap is not None and line.gap > 0][:TOP_GAP_QUESTIONS]
    if top:
        parts.append(Text("Largest gaps by question:", style="bold"))
        questions = numbered_table("Question", "Gap")
        for i, line in enumerate(top, 1):
            questions.add_row(f"{i}.", Text.assemble(
                (line.id, "cyan"), f"  company {_score(line.company)}, customer {_score(line.customer)}\n",
                line.title), Text(signed(line.gap), style="bold red"))
        parts.append(questions)
    # after the tables, so that the section table and the largest gaps stay on the first screen
    if gap.compared is not None:
        parts.append(Text(f"Both sides of each gap rest on the {gap.compared} scored questions both lenses are "
                          "asked.", style="dim"))
    if gap.context:
        parts.append(Text.assemble(("The source's figures, not a benchmark of this company: ", "bold"),
                                   gap.context))
    return Group(*parts)


def disagreement_block(q: QuestionnaireResult, show_respondents: bool) -> RenderableType | None:
    flagged = [qr for s in q.sections for qr in s.questions if qr.disagreement]
    if not flagged:
        return None
    parts: list[RenderableType] = [Text(f"Respondents disagree (scores more than half the scale apart) on "
                                        f"{len(flagged)} question{'s' if len(flagged) != 1 else ''}:",
                                        style="bold")]
    for qr in flagged[:DISAGREEMENTS_SHOWN]:
        line = Text.assemble("  ", (qr.id, "cyan"), f"  {_score(qr.score_min)}–{_score(qr.score_max)}, "
                             f"mean {_score(qr.score)} of {qr.respondents}")
        parts.append(line)
        if show_respondents and qr.individual:
            parts.extend(Text(f"      {answer.respondent}: {answer.answer or '—'}") for answer in qr.individual)
    if len(flagged) > DISAGREEMENTS_SHOWN:
        parts.append(Text(f"  … and {len(flagged) - DISAGREEMENTS_SHOWN} more; the markdown report lists them all",
                          style="dim"))
    return Group(*parts)


def not_evidenced_block(q: QuestionnaireResult) -> RenderableType | None:
    sections = [s for s in q.sections if s.not_evidenced]
    if not sections:
        return None
    total = sum(item.answers for s in sections for item in s.not_evidenced)
    several = q.respondents is not None
    parts: list[RenderableType] = [Text(
        f"Not evidenced: {total} answer{'s' if total != 1 else ''} at 75 or above cite no evidence"
        + (" (per question: how many of its answers)" if several else "") + ":", style="bold")]
    for s in sections:
        count = sum(i.answers for i in s.not_evidenced)
        items = ", ".join(f"{item.question} ({item.answers} of {item.respondents})" if several else item.question
                          for item in s.not_evidenced)
        parts.append(Padding(Text.assemble((s.title, "yellow"), f" ({count}): ", items), (0, 0, 0, 2)))
    return Group(*parts)


def contradicted_block(q: QuestionnaireResult) -> RenderableType | None:
    """Answers that `crmcheck measure` found further from the company's data than the metric's tolerance."""
    items = [c for s in q.sections for c in s.contradicted]
    if not items:
        return None
    parts: list[RenderableType] = [Text(f"Contradicted by data: {len(items)} answer{'s' if len(items) != 1 else ''}",
                                        style="bold")]
    parts += [Padding(Text(f"{c.question}: answered {c.answer:g}, measured {c.measured:.1f} (tolerance "
                           f"{c.tolerance:g})"), (0, 0, 0, 2)) for c in items]
    return Group(*parts)


def respondents_block(result: AssessmentResult) -> RenderableType | None:
    people = [p for group in result.respondents for p in group.people or ()]
    if not people:
        return None
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False, title="Respondents", title_justify="left")
    table.add_column("Lens", no_wrap=True)
    table.add_column("Respondent", overflow="fold")
    table.add_column("Role", overflow="fold")
    table.add_column("File", overflow="fold")
    for p in people:
        table.add_row(p.lens, p.label, p.role or "", p.file)
    return table


def share_text(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f}%"


def _answered_text(question: ProfileQuestion) -> str:
    na = f", {question.not_applicable} n/a" if question.not_applicable else ""
    several = "; several options may be chosen" if question.type == "checklist" else ""
    return f"{question.answered} answered{na}{several}"


def profile_block(q: QuestionnaireResult) -> RenderableType | None:
    """Profile questions' answers as counts and shares (never a score)."""
    if not q.profile:
        return None
    if q.lens is None:  # one answers file: its answer, not counts of one
        parts: list[RenderableType] = [Text("Profile (not scored):", style="bold")]
        for question in q.profile:
            parts.append(Text("  " + question.question, style="cyan"))
            parts.append(Padding(Text(question.text), (0, 0, 0, 4)))
            parts.append(Padding(Text("→ " + profile_answer_text(question),
                                      style="dim" if not question.answered else ""), (0, 0, 0, 4)))
        return Group(*parts)
    parts = [Text("Profile (counted, not scored):", style="bold")]
    for question in q.profile:
        parts.append(Text.assemble("  ", (question.question, "cyan"), f"  {_answered_text(question)}"))
        parts.append(Padding(Text(question.text), (0, 0, 0, 4)))
        options = "; ".join(f"{o.label} {o.count} ({share_text(o.share)})" for o in question.options)
        parts.append(Padding(Text(options), (0, 0, 0, 4)))
    return Group(*parts)


def profile_answer_text(question: ProfileQuestion) -> str:
    """One respondent's answer to a profile question, in option labels."""
    if question.not_applicable:
        return "n/a"
    if not question.answered:
        return "unanswered"
    chosen = [o.label for o in question.options if o.count]
    return "; ".join(chosen) if chosen else "none of these"


def company_answer_text(item: ProfileComparison) -> str:
    """The company's most common answer in option labels ('A + B' for a checklist, 'A or B' when tied)."""
    labels = {o.id: o.label for o in item.options}
    return " or ".join(" + ".join(labels[i] for i in ids) or "none" for ids in item.company_answer) or "—"


def profile_comparison_block(gap: PerceptionGap, width: int) -> RenderableType | None:
    """Each profile question through both lenses, side by side, with the customers' agreement."""
    if not gap.profile:
        return None
    parts: list[RenderableType] = [Text("Profile questions, both views (counted, not scored):", style="bold")]
    for item in gap.profile:
        parts.append(Text("  " + item.question, style="cyan"))
        parts.append(Padding(Text(item.text), (0, 0, 0, 4)))
        parts.append(Padding(Text.assemble(
            f"company's most common answer: {company_answer_text(item)}; customers giving it: ",
            (share_text(item.agreement), "bold")), (0, 0, 0, 4)))
        table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
        table.add_column("Option", overflow="fold", width=max(16, min(40, width - 2 * 16 - 3 * 2 - 5)))
        table.add_column(f"Company ({item.company_answered})", justify="right", no_wrap=True, width=16)
        table.add_column(f"Customers ({item.customer_answered})", justify="right", no_wrap=True, width=16)
        for o in item.options:
            table.add_row(Text(o.label), f"{o.company_count} ({share_text(o.company_share)})",
                          f"{o.customer_count} ({share_text(o.customer_share)})")
        parts.append(Padding(table, (0, 0, 0, 4)))
    return Group(*parts)
