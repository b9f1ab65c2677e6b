"""Benchmark for a terminal: per segment and questionnaire, a table of section statistics; fits 80 columns."""

from __future__ import annotations

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from crmcheck.models.benchmark import (
    BenchmarkResult,
    Distribution,
    Placement,
    QuestionnaireBenchmark,
    SegmentBenchmark,
    StageDistribution,
)
from crmcheck.render import RenderOptions
from crmcheck.render.terminal_parts import make_console, printed

STAGE_BAR = 20


def number(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def count(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n:,} {singular if n == 1 else (plural or singular + 's')}"


def segment_title(segment: SegmentBenchmark) -> str:
    if segment.by is None:
        return "All companies"
    return f"{segment.by.capitalize()}: {segment.name}"


def _stat_cells(d: Distribution, with_range: bool) -> list[str]:
    cells = [f"{d.count:,}", number(d.mean), number(d.sd)]
    if with_range:
        cells.append(number(d.min))
    cells += [number(d.q1), number(d.median), number(d.q3)]
    if with_range:
        cells.append(number(d.max))
    return cells


def _company_cells(p: Placement | None) -> list[Text]:
    if p is None or p.score is None:
        return [Text("—"), Text("—")]
    return [Text(number(p.score), style="bold"), Text(number(p.percentile_rank), style="bold")]


# fixed widths so that every number survives at 80 columns; only the section title gives way
STAT_WIDTHS = {"n": 6, "Mean": 5, "SD": 4, "Min": 5, "Q1": 5, "Median": 6, "Q3": 5, "Max": 5, "Company": 7,
               "Rank": 5}


def _table(q: QuestionnaireBenchmark, focus: bool, width: int) -> Table:
    heads = ["n", "Mean", "SD", "Q1", "Median", "Q3", "Company", "Rank"] if focus else [
        "n", "Mean", "SD", "Min", "Q1", "Median", "Q3", "Max"]
    fixed = sum(STAT_WIDTHS[h] for h in heads) + len(heads)  # one space between columns
    table = Table(box=box.SIMPLE_HEAD, padding=(0, 0), pad_edge=False, show_edge=False, expand=False)
    table.add_column("Section", overflow="ellipsis", no_wrap=True, width=max(12, min(44, width - fixed)))
    for head in heads:
        table.add_column(head, justify="right", no_wrap=True, width=STAT_WIDTHS[head])
    rows: list[tuple[str, Distribution, Placement | None, str]] = [("Overall", q.score, q.company, "bold")]
    rows += [(s.title, s.distribution, s.company, "") for s in q.sections]
    for title, dist, place, style in rows:
        cells: list[RenderableType] = [Text(title, style=style), *map(Text, _stat_cells(dist, not focus))]
        if focus:
            cells += _company_cells(place)
        table.add_row(*cells)
    return table


def _stage_block(stage: StageDistribution, company: str | None) -> list[RenderableType]:
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False, show_edge=False)
    table.add_column("Stage reached", no_wrap=True, overflow="ellipsis", max_width=30)
    table.add_column("Companies", justify="right", no_wrap=True)
    table.add_column("Share", justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    for s in stage.stages:
        mark = "  ◀" if stage.company is not None and stage.company.reached == s.number else ""
        table.add_row(f"{s.number} {s.name}", f"{s.count:,}", f"{s.share * 100:.0f}%",
                      Text.assemble(("█" * round(s.share * STAGE_BAR), "cyan"), mark))
    parts: list[RenderableType] = [table]
    if stage.company is not None and company is not None:
        c = stage.company
        others = c.lower + c.same + c.higher
        if others == 0:
            where = "no other company to compare with"
        else:
            where = (f"of the {count(others, 'other company', 'other companies')}, {c.lower:,} lower, {c.same:,} "
                     f"the same, {c.higher:,} higher")
        parts.append(Text.assemble(
            (company, "bold"), f" reached stage {c.reached} {c.name}; {where} (percentile rank "
            f"{c.percentile_rank:.1f}).",
        ))
    return parts


def questionnaire_block(q: QuestionnaireBenchmark, company: str | None, width: int) -> RenderableType:
    heading = Text.assemble((q.title, "bold"), f" ({q.id} v{q.version}): {count(q.companies, 'assessment')}")
    parts: list[RenderableType] = [heading]
    if company is not None and q.company is not None and q.company.score is not None:
        p = q.company
        if p.below + p.tied + p.above == 0:
            where = "no other company to compare with"
        else:
            where = f"{p.below:,} below, {p.tied:,} tied, {p.above:,} above"
        parts.append(Text.assemble(
            (company, "bold"), f" scores {p.score:.1f}: percentile rank {number(p.percentile_rank)}; {where}.",
        ))
    parts.append(_table(q, company is not None and q.company is not None, width))
    if q.stage is not None:
        parts += _stage_block(q.stage, company if q.company is not None else None)
    return Group(*parts)


def _summary(result: BenchmarkResult) -> list[Text]:
    which = "every assessment (--all-dates)" if result.all_dates else "the latest assessment of each company"
    lines = [Text.assemble(("Benchmark", "bold"), f" of {count(result.companies, 'company', 'companies')} from "
                           f"{count(result.scored, 'answers file')}"),
             Text(f"Counted: {which}")]
    if result.failed:
        verb = "is" if len(result.failed) == 1 else "are"
        lines.append(Text(f"{count(len(result.failed), 'file')} failed to load and {verb} left out (errors on "
                          "stderr)", style="yellow"))
    if result.left_out.earlier:
        lines.append(Text(f"{count(result.left_out.earlier, 'earlier assessment')} left out (--all-dates counts "
                          "them)", style="dim"))
    if result.left_out.customer_lens:
        lines.append(Text(f"{count(result.left_out.customer_lens, 'customer-lens file')} left out: the benchmark "
                          "compares companies' own views", style="dim"))
    if result.company is not None:
        dates = ", ".join(f"{a.questionnaire} {a.assessed_on}" for a in result.company.assessments)
        lines.append(Text.assemble("Placing ", (result.company.name, "bold"), f": {dates}"))
    lines.append(Text("SD: sample (n−1). Quartiles: inclusive, interpolated. Rank: percentile rank; ties share "
                      "the middle.", style="dim"))
    return lines


def render(result: BenchmarkResult, options: RenderOptions) -> str:
    console, buffer = make_console(options)
    for line in _summary(result):
        console.print(line)
    company = result.company.name if result.company is not None else None
    for segment in result.segments:
        console.print()
        title = segment_title(segment)
        console.print(Text.assemble((title, "bold underline"),
                                    f"  {count(segment.companies, 'company', 'companies')}"))
        for q in segment.questionnaires:
            console.print()
            console.print(questionnaire_block(q, company, options.width))
    return printed(buffer)
