"""`crmcheck measure`: the source's metrics from a company's exports, set beside its answers (the measure extra)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from crmcheck.cli.formats import format_option
from crmcheck.cli.options import Output, QuestionnaireDirs, guard, load_catalog
from crmcheck.cli.output import emit, for_terminal, note, refuse_binary_on_terminal, render_options
from crmcheck.cli.root import app
from crmcheck.errors import UsageError
from crmcheck.wording import counted

TableFile = Annotated[str | None, typer.Option(metavar="FILE", help="CSV, xlsx or Parquet file, or a folder of them.")]


@app.command()
def measure(
    deals: TableFile = None,
    leads: TableFile = None,
    tickets: TableFile = None,
    invoices: TableFile = None,
    config: Annotated[list[str] | None, typer.Option(
        "--config", metavar="FILE", help="Measure config (format 1), or preset:hubspot|salesforce|zendesk|freshdesk|"
        "stripe (repeatable: the last one that maps a table wins).")] = None,
    answers: Annotated[str | None, typer.Option(
        "--answers", metavar="ANSWERS.yaml", help="Set the measured values against this answers file: blank answers "
        "filled, differing ones flagged as contradicted by data.")] = None,
    write: Annotated[bool, typer.Option(
        "--write", help="Save the filled answers and the measured values into the --answers file.")] = False,
    fmt: Annotated[str, format_option("measure")] = "terminal",
    output: Output = None,
    print_sql: Annotated[bool, typer.Option(
        "--print-sql", help="Print the metric SQL (over tables deals, leads, tickets, invoices) and stop.")] = False,
    encoding: Annotated[str, typer.Option(help="Text encoding of CSV files without a byte order mark.")] = "utf-8",
    memory_limit: Annotated[str, typer.Option("--memory-limit", metavar="SIZE",
                                              help="DuckDB's memory limit (it spills to disk beyond it).")] = "1GB",
    progress: Annotated[bool | None, typer.Option(
        "--progress/--no-progress", help="Progress bar on stderr for work over two seconds (default: when "
        "stderr is a terminal).")] = None,
    questionnaires: QuestionnaireDirs = None,
) -> None:
    """Compute the source's metrics from the company's exports (deals, leads, tickets, invoices) and set them
    beside its answers. Needs the measure extra: pip install 'crmcheck[measure]'.

    Example: crmcheck measure --deals deals.csv --leads leads.csv --tickets tickets.csv --invoices invoices.csv

    Example: crmcheck measure --deals hubspot-deals.csv --config preset:hubspot --answers answers/2026.yaml --write

    Example: crmcheck measure --print-sql --config measure.yaml
    """
    from crmcheck.measure.engine import MeasureRequest, duckdb_module, printed_sql
    from crmcheck.measure.engine import measure as run_measure

    inputs = {name: path for name, path in (("deals", deals), ("leads", leads), ("tickets", tickets),
                                            ("invoices", invoices)) if path is not None}
    if print_sql:
        emit(printed_sql(config or [], set(inputs) or None), output, coloured=False)
        return
    if write and answers is None:
        raise UsageError("--write saves into the --answers file: give --answers ANSWERS.yaml")
    refuse_binary_on_terminal(fmt, output)
    guard({"-o": output}, *inputs.values(), answers, *[c for c in config or [] if not c.startswith("preset:")],
          *(questionnaires or []))
    duckdb_module()
    from crmcheck.measure.formats import MeasureFormat, renderer_for
    from crmcheck.render.progress import ProgressBar

    bar = ProgressBar(sys.stderr, label="measuring", unit="%", enabled=progress, minimum=0)
    started = [False]

    def on_progress(done: float) -> None:
        if not started[0]:
            started[0] = True
            bar.start(100)
        bar.update(int(done * 100))

    try:
        result = run_measure(MeasureRequest(inputs=inputs, configs=config or [], encoding=encoding,  # type: ignore[arg-type]
                                            memory_limit=memory_limit), on_progress if bar.enabled else None)
    finally:
        if started[0]:
            bar.finish()
    if answers is not None:
        from crmcheck.measure.answers import check_answers, write_answers

        checked = check_answers(answers, result, load_catalog(questionnaires))
        if write:
            checked = write_answers(answers, checked)
            if checked.backup:
                note(f"{answers} had comments of its own; the file as it was is kept in {checked.backup}")
        result = result.model_copy(update={"answers": checked.checks})
    for t in result.tables:
        note(f"{t.name}: {t.path}: " + ", ".join(f"{k} = {v}" for k, v in t.columns.items()))
    emit(renderer_for(MeasureFormat(fmt))(for_terminal(result, output), render_options(output)), output)
    if answers is not None and result.answers is not None:
        filled = sum(1 for c in result.answers.checks if c.status == "filled")
        wrong = len(result.answers.contradicted)
        done = f"wrote {answers}" if result.answers.written else (
            "add --write to save the filled answers" if filled else "nothing to write")
        note(f"{answers}: {counted(filled, 'answer')} filled from data, {wrong} contradicted by data ({done})")
