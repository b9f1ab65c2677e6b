"""The commands about the questionnaires and file formats themselves: list, show, validate, schema."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crmcheck.cli.options import (
    ListFormat,
    ListFormatOption,
    Output,
    PlainUsage,
    QuestionnaireDirs,
    SchemaName,
    load_catalog,
    schema_text,
)
from crmcheck.cli.output import emit, note, render_options, to_terminal
from crmcheck.cli.root import app
from crmcheck.errors import EXIT_INPUT, UsageError
from crmcheck.json_text import json_document

YAML_SUFFIXES = (".yaml", ".yml")


@app.command("list", cls=PlainUsage)
def list_command(fmt: ListFormatOption = ListFormat.terminal, questionnaires: QuestionnaireDirs = None) -> None:
    """List the built-in and custom questionnaires.

    Example: crmcheck list --questionnaires ./my-questionnaires
    """
    from crmcheck.render.catalog_view import list_problems, render_list

    catalog = load_catalog(questionnaires)
    # at a terminal a long title wraps under itself; piped, each questionnaire stays on one line for scripts
    emit(render_list(catalog, fmt.value, render_options(None).width if to_terminal(None) else 0),
         None, coloured=False)
    problems = list_problems(catalog)  # custom questionnaires that fail their checks
    for line in problems:
        note(line)
    if problems:
        raise typer.Exit(EXIT_INPUT)


@app.command(cls=PlainUsage)
def show(
    questionnaire: Annotated[str, typer.Argument(metavar="QUESTIONNAIRE", help="Questionnaire id, e.g. crm-mistakes.")],
    fmt: ListFormatOption = ListFormat.terminal,
    questionnaires: QuestionnaireDirs = None,
) -> None:
    """Show a questionnaire's sections, questions and answer scales.

    Example: crmcheck show crm-mistakes
    """
    from crmcheck.render.catalog_view import render_show

    q = load_catalog(questionnaires).get(questionnaire)
    emit(render_show(q, fmt.value, render_options(None).width), None, coloured=False)


@app.command(cls=PlainUsage)
def validate(
    files: Annotated[list[str], typer.Argument(
        metavar="FILE...", help="Questionnaire, answers, policy, selection or score-card files.")],
    fmt: ListFormatOption = ListFormat.terminal,
    questionnaires: QuestionnaireDirs = None,
) -> None:
    """Check questionnaire, answers, policy, selection or score-card files; errors print as FILE:LINE:COL: message.

    Score cards given with their selection are checked against it (vendor and requirement ids).

    Example: crmcheck validate answers/2026.yaml

    Example: crmcheck validate selection.yaml cards/*.yaml
    """

    from crmcheck.validation import validate_files

    catalog = load_catalog(questionnaires)
    # a glob such as `acme/*` also catches the answers.schema.json that `crmcheck new` writes: not ours to check
    skipped = [f for f in files if Path(f).suffix.lower() not in YAML_SUFFIXES and not Path(f).is_dir()]
    for f in skipped:
        note(f"{f}: skipped, not a YAML file (.yaml or .yml)")
    files = [f for f in files if f not in skipped]
    if not files:
        raise UsageError("no YAML file to validate (questionnaire, answers and policy files end in .yaml or .yml)")
    reports, warnings = validate_files(files, catalog)
    if fmt is ListFormat.json:
        emit(json_document([r.as_dict() for r in reports]), None, coloured=False)
    else:
        emit("".join(f"{r.file}: ok, {r.summary}\n" for r in reports if r.ok), None, coloured=False)
    for r in reports:
        for line in r.errors:
            note(line)
    for line in warnings:
        note(line)
    if not all(r.ok for r in reports):
        raise typer.Exit(EXIT_INPUT)


@app.command(cls=PlainUsage)
def schema(
    name: Annotated[SchemaName, typer.Argument(
        metavar="FORMAT", help="Which file format: questionnaire, answers, policy, selection or card.")],
    output: Output = None,
) -> None:
    """Print the JSON Schema of a file format, for editors.

    Example: crmcheck schema answers -o answers.schema.json
    """
    emit(schema_text(name), output)
