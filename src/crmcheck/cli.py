"""The command line: parse options, call one library function, write its output, map errors to exit codes."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from crmcheck import __version__
from crmcheck.errors import (
    EXIT_INPUT,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    CrmcheckError,
    InputError,
    UsageError,
)

if TYPE_CHECKING:
    from crmcheck.catalog import Catalog
    from crmcheck.render import RenderOptions

app = typer.Typer(
    name="crmcheck",
    help="Assess the health of a company's CRM practice: questionnaires, answers, scores and reports.\n\n"
    "Start with `crmcheck demo`, or `crmcheck list` to see the questionnaires.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class ReportFormatChoice(StrEnum):
    terminal = "terminal"
    markdown = "markdown"
    json = "json"
    html = "html"
    xlsx = "xlsx"


class ListFormat(StrEnum):
    text = "text"
    json = "json"


class SchemaName(StrEnum):
    questionnaire = "questionnaire"
    answers = "answers"


class Lens(StrEnum):
    company = "company"
    customer = "customer"


QuestionnaireDirs = Annotated[
    list[Path] | None,
    typer.Option(
        "--questionnaires",
        metavar="DIR",
        help="Directory of custom questionnaires, searched before the built-ins (repeatable; also "
        "CRMCHECK_QUESTIONNAIRES, separated by the path separator).",
    ),
]
Output = Annotated[str | None, typer.Option("-o", "--output", metavar="FILE", help="Write here; '-' or none: stdout.")]


def _catalog(directories: list[Path] | None) -> Catalog:
    from crmcheck.catalog import Catalog

    return Catalog.from_options(directories)


def _to_terminal(output: str | None) -> bool:
    return output in (None, "-") and sys.stdout.isatty()


def render_options(output: str | None, **fields: object) -> RenderOptions:
    """Colour and width follow NO_COLOR and whether the output is a terminal."""
    from crmcheck.render import RenderOptions

    tty = _to_terminal(output)
    color = tty and not os.environ.get("NO_COLOR")
    width = min(shutil.get_terminal_size((80, 24)).columns, 120) if tty else 80
    return RenderOptions(color=color, width=width, **fields)  # type: ignore[arg-type]


def emit(text: str | bytes, output: str | None) -> None:
    """Write a command's result to stdout or, atomically, to a file."""
    if output in (None, "-"):
        if isinstance(text, bytes):
            sys.stdout.buffer.write(text)
        else:
            sys.stdout.write(text)
        sys.stdout.flush()
        return
    from crmcheck.yamlio import write_atomic

    write_atomic(output, text)


def note(message: str) -> None:
    """A diagnostic for the person at the terminal (stderr, never mixed into results)."""
    sys.stderr.write(message + "\n")


def _print_version(value: bool) -> None:
    if value:
        sys.stdout.write(f"crmcheck {__version__}\n")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show the full traceback of an internal error.")] = False,
    version: Annotated[
        bool, typer.Option("--version", is_eager=True, callback=_print_version, help="Print the version and exit.")
    ] = False,
) -> None:
    """Options for every command."""


@app.command("list")
def list_command(
    fmt: Annotated[ListFormat, typer.Option("--format", help="text or json.")] = ListFormat.text,
    questionnaires: QuestionnaireDirs = None,
) -> None:
    """List the built-in and custom questionnaires.

    Example: crmcheck list --questionnaires ./my-questionnaires
    """
    from crmcheck.render.catalog_view import render_list

    emit(render_list(_catalog(questionnaires), fmt.value), None)


@app.command()
def show(
    questionnaire: Annotated[str, typer.Argument(help="Questionnaire id, e.g. crm-mistakes.")],
    fmt: Annotated[ListFormat, typer.Option("--format", help="text or json.")] = ListFormat.text,
    questionnaires: QuestionnaireDirs = None,
) -> None:
    """Show a questionnaire's sections, questions and answer scales.

    Example: crmcheck show crm-mistakes
    """
    from crmcheck.render.catalog_view import render_show

    q = _catalog(questionnaires).get(questionnaire)
    emit(render_show(q, fmt.value, render_options(None).width), None)


@app.command()
def new(
    questionnaire_ids: Annotated[list[str], typer.Argument(metavar="QUESTIONNAIRE...", help="Questionnaire ids.")],
    output: Output = None,
    company: Annotated[str, typer.Option(help="Company name.")] = "",
    date: Annotated[str | None, typer.Option("--date", help="Assessment date, YYYY-MM-DD (default today).")] = None,
    assessor: Annotated[str | None, typer.Option(help="Who runs the assessment.")] = None,
    respondent: Annotated[str | None, typer.Option(help="Who answers.")] = None,
    role: Annotated[str | None, typer.Option(help="The respondent's role.")] = None,
    lens: Annotated[Lens, typer.Option(help="Whose view the answers give.")] = Lens.company,
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
    questionnaires: QuestionnaireDirs = None,
) -> None:
    """Write a blank answers file to fill in by hand, each question as a comment above its answer.

    Example: crmcheck new crm-mistakes revenue-marketing --company "Acme Corp" -o answers/2026.yaml
    """
    from crmcheck.answers_layout import SCHEMA_FILE, Header, dump_answers

    catalog = _catalog(questionnaires)
    qs = [catalog.get(qid) for qid in dict.fromkeys(questionnaire_ids)]
    header = Header(company=company, assessed_on=_parse_date(date, "--date"), assessor=assessor)
    if respondent or role or lens is not Lens.company:
        header.respondent = {"name": respondent or "", "role": role or "", "lens": lens.value}
    to_file = output not in (None, "-")
    if to_file and Path(str(output)).exists() and not force:
        raise UsageError(f"{output} exists; use --force to overwrite it")
    emit(dump_answers(header, qs, lens=lens.value), output)
    if to_file:
        schema_path = Path(str(output)).parent / SCHEMA_FILE
        if not schema_path.exists():
            emit(_schema_text(SchemaName.answers), str(schema_path))
        note(f"wrote {output}; fill it in, then: crmcheck validate {output} && crmcheck report {output}")


def _parse_date(value: str | None, flag: str) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{flag}: '{value}' is not a date in YYYY-MM-DD form") from None


@app.command()
def validate(
    files: Annotated[list[str], typer.Argument(metavar="FILE...", help="Questionnaire, answers or policy files.")],
    fmt: Annotated[ListFormat, typer.Option("--format", help="text or json.")] = ListFormat.text,
    questionnaires: QuestionnaireDirs = None,
) -> None:
    """Check questionnaire, answers or policy files; errors print as FILE:LINE:COL: message.

    Example: crmcheck validate answers/2026.yaml
    """
    import json

    from crmcheck.validation import validate_file

    catalog = _catalog(questionnaires)
    reports = [validate_file(f, catalog) for f in files]
    if fmt is ListFormat.json:
        emit(json.dumps([r.as_dict() for r in reports], indent=2, ensure_ascii=False) + "\n", None)
    else:
        emit("".join(f"{r.file}: ok, {r.summary}\n" for r in reports if r.ok), None)
    for r in reports:
        for line in r.errors:
            note(line)
    if not all(r.ok for r in reports):
        raise typer.Exit(EXIT_INPUT)


@app.command()
def report(
    answers: Annotated[list[str], typer.Argument(metavar="ANSWERS...", help="Answers file(s).")],
    fmt: Annotated[ReportFormatChoice, typer.Option("--format", "-f", help="Report format.")] = (
        ReportFormatChoice.terminal
    ),
    output: Output = None,
    template: Annotated[Path | None, typer.Option(help="Your own Jinja template (markdown or html).")] = None,
    title: Annotated[str | None, typer.Option(help="Report title.")] = None,
    logo: Annotated[Path | None, typer.Option(
        metavar="FILE", help="Logo for the HTML report's cover (PNG, JPEG, GIF, WebP or SVG; embedded in the file).",
    )] = None,
    questionnaires: QuestionnaireDirs = None,
) -> None:
    """Score an assessment and write its maturity and gap report.

    Example: crmcheck report answers/2026.yaml --format markdown -o report.md

    Example: crmcheck report answers/2026.yaml --format html --title "CRM health check" --logo logo.png -o report.html

    Example: crmcheck report answers/2026.yaml --format xlsx -o report.xlsx
    """
    from crmcheck.assessment import assess_file
    from crmcheck.render import ReportFormat, renderer_for

    if len(answers) > 1:
        raise UsageError("give one answers file per report")
    if fmt is ReportFormatChoice.xlsx and _to_terminal(output):
        raise UsageError("xlsx is a binary format: write it to a file with -o FILE")
    if logo is not None and fmt is not ReportFormatChoice.html:
        raise UsageError("--logo is for the HTML report: add --format html")
    extra: tuple[tuple[str, object], ...] = ()
    if logo is not None:
        from crmcheck.render.branding import load_logo

        extra = (("logo", load_logo(logo)),)
    result = assess_file(answers[0], _catalog(questionnaires))
    options = render_options(output, template=template, title=title, extra=extra)
    emit(renderer_for(ReportFormat(fmt.value))(result, options), output)


def _schema_text(name: SchemaName) -> str:
    import json

    from pydantic import BaseModel

    from crmcheck.models.answers import AnswersFile
    from crmcheck.models.questionnaire import Questionnaire

    models: dict[SchemaName, type[BaseModel]] = {SchemaName.questionnaire: Questionnaire,
                                                  SchemaName.answers: AnswersFile}
    schema = models[name].model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = f"crmcheck {name.value} file, format 1"
    return json.dumps(schema, indent=2) + "\n"


@app.command()
def schema(
    name: Annotated[SchemaName, typer.Argument(help="Which file format.")],
    output: Output = None,
) -> None:
    """Print the JSON Schema of a file format, for editors.

    Example: crmcheck schema answers -o answers.schema.json
    """
    emit(_schema_text(name), output)


@app.command()
def demo(
    out: Annotated[Path, typer.Option("--out", help="Directory for the written reports.")] = Path("out"),
) -> None:
    """Run the whole flow on the bundled example company and write its reports.

    Example: crmcheck demo --out out
    """
    from crmcheck.demo import run_demo

    emit(run_demo(out, render_options(None), note), None)


def _fail(code: int, lines: list[str]) -> NoReturn:
    for line in lines:
        note(line)
    sys.exit(code)


def _is_usage_error(exc: Exception) -> bool:
    """Typer's command-line parsing errors (bad option, missing argument), whichever click it bundles."""
    return hasattr(exc, "show") and hasattr(exc, "exit_code") and type(exc).__name__ not in ("Exit", "Abort")


def main() -> None:
    """Console entry point: run the app and turn every outcome into one of the documented exit codes."""
    debug = "--debug" in sys.argv[1:] or bool(os.environ.get("CRMCHECK_DEBUG"))
    try:
        result = app(standalone_mode=False)
    except CrmcheckError as exc:
        _fail(exc.exit_code, exc.lines())
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        _fail(EXIT_INTERRUPTED, ["crmcheck: interrupted"])
    except BrokenPipeError:
        # the reader went away (e.g. `| head`); nothing more to say
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT_OK)
    except Exception as exc:  # noqa: BLE001 - the last line of defence
        if _is_usage_error(exc):
            exc.show()  # type: ignore[attr-defined]
            sys.exit(EXIT_INPUT)
        if debug:
            import traceback

            traceback.print_exc()
        _fail(EXIT_INTERNAL, [f"crmcheck: internal error ({type(exc).__name__}: {exc}). This is a bug: please "
                              "report it with the command you ran" + ("" if debug else "; --debug shows the "
                              "traceback") + "."])
    code = result if isinstance(result, int) else EXIT_OK
    if code == EXIT_INTERRUPTED:  # Typer turns Ctrl-C into exit 130 without a word
        note("crmcheck: interrupted")
    sys.exit(code)


__all__ = ["app", "main", "InputError"]
