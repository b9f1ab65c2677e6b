"""The command line: parse options, call one library function, write its output, map errors to exit codes."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from typer.core import TyperCommand, TyperGroup

from crmcheck import __version__
from crmcheck.errors import (
    EXIT_FAILED,
    EXIT_INPUT,
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    CrmcheckError,
    InputError,
    Problem,
    UsageError,
)
from crmcheck.inert import inert_coloured, inert_copy, inert_text, one_line
from crmcheck.wording import counted

if TYPE_CHECKING:
    from crmcheck.catalog import Catalog
    from crmcheck.models.result import AssessmentResult
    from crmcheck.render import RenderOptions

class PlainUsage(TyperCommand):
    """Usage lines name the arguments as their help does (`show QUESTIONNAIRE`), without typer's {braces}."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:  # typer's own bundled click.Context
        return [p[1:-1] if p.startswith("{") and p.endswith("}") else p for p in super().collect_usage_pieces(ctx)]


app = typer.Typer(
    name="crmcheck",
    help="Assess the health of a company's CRM practice: questionnaires, answers, scores and reports.\n\n"
    "Start with `crmcheck demo`, or `crmcheck list` to see the questionnaires.",
    no_args_is_help=True,
    add_completion=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class ReportFormatChoice(StrEnum):
    terminal = "terminal"
    markdown = "markdown"
    json = "json"
    junit = "junit"
    html = "html"
    xlsx = "xlsx"


class ResultFormat(StrEnum):
    """Formats of `compare` and `check` output."""

    terminal = "terminal"
    markdown = "markdown"
    json = "json"


class BenchmarkFormatChoice(StrEnum):
    terminal = "terminal"
    markdown = "markdown"
    json = "json"
    jsonl = "jsonl"


class SegmentChoice(StrEnum):
    industry = "industry"
    size = "size"


YAML_SUFFIXES = (".yaml", ".yml")


class ListFormat(StrEnum):
    """Formats of `list`, `show` and `validate`: `terminal` as for reports; `text`, its older name, still works."""

    terminal = "terminal"
    json = "json"
    text = "text"


# `text` is the older name of `terminal`: accepted, not offered again in the list of choices
LIST_FORMATS = "<terminal|json>"
LIST_FORMAT_HELP = "Output format ('text' is the older name of terminal)."


class SchemaName(StrEnum):
    questionnaire = "questionnaire"
    answers = "answers"
    policy = "policy"
    selection = "selection"
    card = "card"
    plan = "plan"
    measure = "measure"


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
BaselineQuestionnaireDirs = Annotated[
    list[Path] | None,
    typer.Option(
        "--baseline-questionnaires",
        metavar="DIR",
        help="Directory holding the questionnaire versions the baseline was answered with, when they differ from "
        "today's (repeatable); a file here takes the place of the questionnaire with the same id.",
    ),
]


PlanOption = Annotated[str | None, typer.Option(
    "--plan", metavar="PLAN", help="An improvement plan (crmcheck plan): each section lists its actions and their "
    "status.")]
TodayOption = Annotated[str | None, typer.Option(
    "--today", metavar="DATE", help="With --plan: the day that decides which actions are overdue, YYYY-MM-DD "
    "(default today).")]


def _catalog(directories: list[Path] | None) -> Catalog:
    from crmcheck.catalog import Catalog

    return Catalog.from_options(directories)


def guard(outputs: dict[str, str | None], *inputs: str | Path | None) -> None:
    """Refuse outputs that would overwrite an input (docs/bad-input.md: Output files)."""
    from crmcheck.outputs import guard_outputs

    guard_outputs(outputs, inputs)


def _to_terminal(output: str | None) -> bool:
    return output in (None, "-") and sys.stdout.isatty()


def render_options(output: str | None, **fields: object) -> RenderOptions:
    """Colour and width follow NO_COLOR and whether the output is a terminal."""
    from crmcheck.render import RenderOptions

    tty = _to_terminal(output)
    color = _colour_on(output)
    width = min(shutil.get_terminal_size((80, 24)).columns, 120) if tty else 80
    return RenderOptions(color=color, width=width, **fields)  # type: ignore[arg-type]


def emit(text: str | bytes, output: str | None, *, coloured: bool | None = None) -> None:
    """Write a command's result to stdout or, atomically, to a file. Control characters from file text are shown
    visibly in both (`coloured`, default: whether colour is on, says whether rich's colours must pass on stdout):
    a report written with -o is read with `cat` as often as in a browser."""
    if output in (None, "-"):
        if isinstance(text, bytes):
            sys.stdout.buffer.write(text)
        elif coloured if coloured is not None else _colour_on(output):
            sys.stdout.write(_inert(inert_coloured(text)))
        else:
            # \uXXXX keeps a JSON result valid
            sys.stdout.write(_inert(inert_text(text, json_escapes=text.lstrip().startswith(("{", "[")))))
        sys.stdout.flush()
        return
    from crmcheck.yamlio import write_atomic

    if isinstance(text, str):
        text = inert_text(text, json_escapes=text.lstrip().startswith(("{", "[")))
    write_atomic(output, text)


def _inert(text: str) -> str:
    """Printed text that a CI runner cannot read as a workflow command, whatever user text it holds."""
    from crmcheck.inert import neutralise_workflow_commands

    return neutralise_workflow_commands(text)


def _colour_on(output: str | None) -> bool:
    """Whether stdout carries rich's own colour sequences (which must pass); file text in it is inert already."""
    return _to_terminal(output) and not os.environ.get("NO_COLOR")


T = TypeVar("T")


def for_terminal(result: T, output: str | None) -> T:
    """The result with file text made inert when it is rendered in colour (docs/bad-input.md)."""
    return inert_copy(result) if _colour_on(output) else result


def note(message: str) -> None:
    """A diagnostic for the person at the terminal (stderr, never mixed into results): always one line, with
    any control character or newline from file text shown visibly."""
    sys.stderr.write(_inert(one_line(message)) + "\n")


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


@app.command("list", cls=PlainUsage)
def list_command(
    fmt: Annotated[ListFormat, typer.Option("--format", "-f", metavar=LIST_FORMATS, help=LIST_FORMAT_HELP)] = (
        ListFormat.terminal),
    questionnaires: QuestionnaireDirs = None,
) -> None:
    """List the built-in and custom questionnaires.

    Example: crmcheck list --questionnaires ./my-questionnaires
    """
    from crmcheck.render.catalog_view import list_problems, render_list

    catalog = _catalog(questionnaires)
    # at a terminal a long title wraps under itself; piped, each questionnaire stays on one line for scripts
    emit(render_list(catalog, fmt.value, render_options(None).width if _to_terminal(None) else 0),
         None, coloured=False)
    problems = list_problems(catalog)  # custom questionnaires that fail their checks
    for line in problems:
        note(line)
    if problems:
        raise typer.Exit(EXIT_INPUT)


@app.command(cls=PlainUsage)
def show(
    questionnaire: Annotated[str, typer.Argument(metavar="QUESTIONNAIRE", help="Questionnaire id, e.g. crm-mistakes.")],
    fmt: Annotated[ListFormat, typer.Option("--format", "-f", metavar=LIST_FORMATS, help=LIST_FORMAT_HELP)] = (
        ListFormat.terminal),
    questionnaires: QuestionnaireDirs = None,
) -> None:
    """Show a questionnaire's sections, questions and answer scales.

    Example: crmcheck show crm-mistakes
    """
    from crmcheck.render.catalog_view import render_show

    q = _catalog(questionnaires).get(questionnaire)
    emit(render_show(q, fmt.value, render_options(None).width), None, coloured=False)


@app.command(cls=PlainUsage)
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
    survey_template: Annotated[str | None, typer.Option(
        "--survey-template", metavar="FILE.csv", help="Instead of an answers file, write a CSV header row of the "
        "questions in the --lens wording, to paste into a survey tool; `crmcheck import` reads its export.")] = None,
    questionnaires: QuestionnaireDirs = None,
) -> None:
    """Write a blank answers file to fill in by hand, each question as a comment above its answer.

    Example: crmcheck new crm-mistakes revenue-marketing --company "Acme Corp" -o answers/2026.yaml

    Example: crmcheck new perception-gap --lens customer --survey-template customer-survey.csv
    """
    from crmcheck.answers.layout import SCHEMA_FILE, Header, dump_answers

    guard({"-o": output, "--survey-template": survey_template}, *(questionnaires or []))
    catalog = _catalog(questionnaires)
    qs = [catalog.get(qid) for qid in dict.fromkeys(questionnaire_ids)]
    if survey_template is not None:
        from crmcheck.importers.template import survey_template as template_for

        if len(qs) != 1 or output is not None:
            raise UsageError("--survey-template takes one questionnaire and no -o (a survey imports into one "
                             "questionnaire)")
        if survey_template != "-" and Path(survey_template).exists() and not force:
            raise UsageError(f"{survey_template} exists; use --force to overwrite it")
        emit(template_for(qs[0], lens.value, company), survey_template)
        if survey_template != "-":
            note(f"wrote {survey_template}: one column per question of {qs[0].id} asked in the {lens.value} lens: "
                 "row 1 the question, row 2 what the respondent reads under it, row 3 the answers to pick from. "
                 f"Then: crmcheck import EXPORT --questionnaire {qs[0].id} --lens {lens.value} --company NAME -o DIR")
        return
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
        note(f"wrote {output}; fill it in, then: {_next_step(str(output), questionnaires)}")


@app.command(cls=PlainUsage)
def interview(
    questionnaire_ids: Annotated[list[str], typer.Argument(metavar="QUESTIONNAIRE...", help="Questionnaire ids.")],
    output: Annotated[str, typer.Option("-o", "--output", metavar="FILE",
                                        help="The answers file: created, or resumed when it exists.")],
    company: Annotated[str | None, typer.Option(help="Company name (asked when not given).")] = None,
    assessor: Annotated[str | None, typer.Option(help="Who runs the interview (asked when not given).")] = None,
    respondent: Annotated[str | None, typer.Option(help="Who answers (asked when not given).")] = None,
    role: Annotated[str | None, typer.Option(help="The respondent's role (asked when not given).")] = None,
    lens: Annotated[Lens | None, typer.Option(
        help="Whose view the answers give (asked when a questionnaire has two lenses; default company).")] = None,
    section: Annotated[list[str] | None, typer.Option(
        "--section", metavar="ID", help="Ask only this section (repeatable).")] = None,
    date: Annotated[str | None, typer.Option("--date", help="Assessment date, YYYY-MM-DD (default today).")] = None,
    questionnaires: QuestionnaireDirs = None,
) -> None:
    """Ask the questions at the terminal, saving the answers file after every answer; run it again to resume.

    Keys at a question: ? help, n note, e evidence, s skip, b back, x not applicable, q save and quit.

    Example: crmcheck interview crm-mistakes --company "Acme Corp" -o answers/2026.yaml
    """
    from crmcheck.interview import InterviewRequest, console_terminal, run_interview

    if output == "-":
        raise UsageError("-o: the interview saves to a file after every answer; give a file name, not '-'")
    request = InterviewRequest(
        questionnaire_ids=questionnaire_ids, output=Path(output), company=company, assessor=assessor,
        respondent=respondent, role=role, lens=lens.value if lens else None,
        assessed_on=_parse_date(date, "--date") if date else None, sections=section or [],
        questionnaire_dirs=questionnaires or [],
    )
    emit(run_interview(request, _catalog(questionnaires), console_terminal()), None)


def _next_step(answers: str, questionnaire_dirs: list[Path] | None) -> str:
    """The commands to run next, with the options they need to find the same questionnaires."""
    import shlex

    dirs = "".join(f" --questionnaires {shlex.quote(str(d))}" for d in questionnaire_dirs or [])
    env = os.environ.get("CRMCHECK_QUESTIONNAIRES")
    keep_env = f" (with CRMCHECK_QUESTIONNAIRES={shlex.quote(env)} set, as now)" if env else ""
    file = shlex.quote(answers)
    return f"crmcheck validate {file}{dirs} && crmcheck report {file}{dirs}{keep_env}"


def _parse_date(value: str | None, flag: str) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{flag}: '{value}' is not a date in YYYY-MM-DD form") from None


@app.command(cls=PlainUsage)
def validate(
    files: Annotated[list[str], typer.Argument(
        metavar="FILE...", help="Questionnaire, answers, policy, selection or score-card files.")],
    fmt: Annotated[ListFormat, typer.Option("--format", "-f", metavar=LIST_FORMATS, help=LIST_FORMAT_HELP)] = (
        ListFormat.terminal),
    questionnaires: QuestionnaireDirs = None,
) -> None:
    """Check questionnaire, answers, policy, selection or score-card files; errors print as FILE:LINE:COL: message.

    Score cards given with their selection are checked against it (vendor and requirement ids).

    Example: crmcheck validate answers/2026.yaml

    Example: crmcheck validate selection.yaml cards/*.yaml
    """
    import json

    from crmcheck.validation import validate_files

    catalog = _catalog(questionnaires)
    # a glob such as `acme/*` also catches the answers.schema.json that `crmcheck new` writes: not ours to check
    skipped = [f for f in files if Path(f).suffix.lower() not in YAML_SUFFIXES and not Path(f).is_dir()]
    for f in skipped:
        note(f"{f}: skipped, not a YAML file (.yaml or .yml)")
    files = [f for f in files if f not in skipped]
    if not files:
        raise UsageError("no YAML file to validate (questionnaire, answers and policy files end in .yaml or .yml)")
    reports, warnings = validate_files(files, catalog)
    if fmt is ListFormat.json:
        emit(json.dumps([r.as_dict() for r in reports], indent=2, ensure_ascii=False) + "\n", None, coloured=False)
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
def report(
    answers: Annotated[list[str], typer.Argument(
        metavar="ANSWERS...", help="Answers files, or directories of them (several respondents).")],
    fmt: Annotated[ReportFormatChoice, typer.Option("--format", "-f", help="Output format.")] = (
        ReportFormatChoice.terminal
    ),
    output: Output = None,
    template: Annotated[Path | None, typer.Option(help="Your own Jinja template (markdown or html).")] = None,
    title: Annotated[str | None, typer.Option(help="Report title.")] = None,
    show_respondents: Annotated[bool, typer.Option(
        "--show-respondents", help="With several answers files: list the respondents and each one's answers "
        "(hidden by default, to keep individual customers' answers private).")] = False,
    logo: Annotated[Path | None, typer.Option(
        metavar="FILE", help="Logo for the HTML report's cover (PNG, JPEG, GIF, WebP or SVG; embedded in the file).",
    )] = None,
    questionnaires: QuestionnaireDirs = None,
    baseline: Annotated[str | None, typer.Option(
        "--baseline", metavar="OLD",
        help="An earlier answers file of the same company; the report gains a part on what changed since.")] = None,
    baseline_questionnaires: BaselineQuestionnaireDirs = None,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Exit 2 when a directory holds a named pipe, device or socket called *.yaml (such files "
        "are always listed on stderr and left out).")] = False,
    plan: PlanOption = None,
    today: TodayOption = None,
    min_answered: Annotated[str | None, typer.Option(
        "--min-answered", metavar="PCT", help="Leave out respondents who answered less than PCT% of their scored "
        "questions (n/a ones aside); the report says how many it left out.")] = None,
) -> None:
    """Score an assessment and write its maturity and gap report.

    Several answers files (or directories) of one company and date make one report of all respondents:
    mean scores per lens, spread, disagreement and the company-versus-customer perception gap.

    Example: crmcheck report answers/2026.yaml --format markdown -o report.md --baseline answers/2025.yaml

    Example: crmcheck report survey/staff survey/customers

    Example: crmcheck report answers/2026.yaml --format html --title "CRM health check" --logo logo.png -o report.html

    Example: crmcheck report answers/2026.yaml --format xlsx -o report.xlsx

    Example: crmcheck report answers/2026.yaml --plan plan.yaml --format markdown -o report.md
    """
    from crmcheck.baseline import assess_report
    from crmcheck.render import ReportFormat, renderer_for

    if fmt is ReportFormatChoice.xlsx and _to_terminal(output):
        raise UsageError("xlsx is a binary format: write it to a file with -o FILE")
    if logo is not None and fmt is not ReportFormatChoice.html:
        raise UsageError("--logo is for the HTML report: add --format html")
    guard({"-o": output}, *answers, baseline, template, logo, plan, *(questionnaires or []),
          *(baseline_questionnaires or []))
    extra: tuple[tuple[str, object], ...] = ()
    if logo is not None:
        from crmcheck.render.branding import load_logo

        extra = (("logo", load_logo(logo)),)
    from crmcheck.finished import parse_min_answered

    minimum = parse_min_answered(min_answered) if min_answered is not None else None
    catalog = _catalog(questionnaires)
    skipped: list[Problem] = []
    other_kinds: list[tuple[str, str]] = []
    result = assess_report(answers, catalog, baseline=baseline,
                           baseline_catalog=catalog.with_earlier_versions(baseline_questionnaires),
                           show_respondents=show_respondents, skipped=skipped, min_answered=minimum,
                           other_kinds=other_kinds)
    for problem in skipped:
        note(str(problem))
    if other_kinds:
        from crmcheck.file_kinds import skipped_line

        note(skipped_line(other_kinds))
    if strict and skipped:
        raise UsageError(f"{counted(len(skipped), 'special file')} in the directories given (--strict)")
    if plan is not None:
        result = _with_plan(result, plan, today, catalog)
    options = render_options(output, template=template, title=title, show_respondents=show_respondents, extra=extra)
    emit(renderer_for(ReportFormat(fmt.value))(for_terminal(result, output), options), output)


@app.command(cls=PlainUsage)
def benchmark(
    answers: Annotated[list[str], typer.Argument(
        metavar="ANSWERS...", help="Answers files, and directories searched recursively for *.yaml and *.yml.")],
    company: Annotated[str | None, typer.Option(
        help="Place this company's latest assessment among its peers (its name as in its answers files; "
        "case and extra spaces do not matter).")] = None,
    by: Annotated[SegmentChoice | None, typer.Option(
        "--by", help="Also benchmark within each segment, from the answers files' segment.")] = None,
    all_dates: Annotated[bool, typer.Option(
        "--all-dates", help="Count every assessment, not only the latest of each company.")] = False,
    fmt: Annotated[BenchmarkFormatChoice, typer.Option(
        "--format", "-f", help="Output format; jsonl writes one line per counted assessment.")] = (
        BenchmarkFormatChoice.terminal),
    output: Output = None,
    strict: Annotated[bool, typer.Option(
        "--strict", help="Exit 2 when any file fails to load, or is a named pipe or device (such files are always "
        "listed and left out).")] = False,
    jobs: Annotated[int, typer.Option(
        "--jobs", "-j", min=0, metavar="N", help="Processes to score files with; 0 (default): one per CPU core when "
        "there are 100 files or more.")] = 0,
    progress: Annotated[bool | None, typer.Option(
        "--progress/--no-progress", help="Progress bar on stderr (default: when stderr is a terminal and there "
        "are 200 files or more).")] = None,
    questionnaires: QuestionnaireDirs = None,
) -> None:
    """Benchmark many assessments: per questionnaire and section, count, mean, SD and quartiles; with
    --company, where that company stands (percentile rank per section, stage reached among its peers).

    Example: crmcheck benchmark portfolio/ --company "Acme Corp" --by industry
    """
    from crmcheck.portfolio import BenchmarkRequest, run_benchmark
    from crmcheck.render.benchmark import BenchmarkFormat, renderer_for
    from crmcheck.render.progress import ProgressBar

    guard({"-o": output}, *answers, *(questionnaires or []))
    request = BenchmarkRequest(paths=tuple(answers), company=company, by=by.value if by else None,
                               all_dates=all_dates, rows=fmt is BenchmarkFormatChoice.jsonl, jobs=jobs)
    bar = ProgressBar(sys.stderr, label="scoring", unit="files", enabled=progress)
    try:
        result = run_benchmark(request, _catalog(questionnaires), on_start=bar.start, on_progress=bar.update)
    finally:
        bar.finish()
    for failure in result.failed:
        for line in failure.errors:
            note(line)
    if result.skipped:
        from crmcheck.file_kinds import skipped_line

        note(skipped_line([(s.file, s.kind) for s in result.skipped]))
    emit(renderer_for(BenchmarkFormat(fmt.value))(for_terminal(result, output), render_options(output)), output)
    if strict and result.failed:
        note(f"{len(result.failed)} of {result.files} answers files failed to load (--strict)")
        raise typer.Exit(EXIT_INPUT)


@app.command("import", cls=PlainUsage)
def import_command(
    survey: Annotated[str, typer.Argument(metavar="SURVEY", help="Survey export: .csv (any delimiter) or .xlsx.")],
    questionnaire: Annotated[str, typer.Option("--questionnaire", "-q", metavar="ID",
                                               help="The questionnaire the survey asked.")],
    lens: Annotated[Lens, typer.Option(help="Whose view the respondents give: company (staff) or customer.")],
    company: Annotated[str, typer.Option(metavar="NAME", help="The company assessed (written into every file).")],
    out: Annotated[Path, typer.Option("-o", "--output", metavar="DIR",
                                      help="Directory for the answers files, one per respondent.")],
    date: Annotated[str | None, typer.Option("--date", help="Assessment date, YYYY-MM-DD (default today). Give "
                                             "staff and customer imports the same date to report them together.")]
    = None,
    assessor: Annotated[str | None, typer.Option(help="Who runs the assessment.")] = None,
    column_map: Annotated[str | None, typer.Option("--map", metavar="FILE", help="YAML file mapping columns to "
                                                   "question ids (and cell texts to answers) for any layout.")]
    = None,
    skip_invalid: Annotated[bool, typer.Option("--skip-invalid", help="Write the rows that read cleanly and list "
                                               "the others, instead of writing nothing.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite answers files that already exist.")] = False,
    layout: Annotated[str | None, typer.Option(metavar="TOOL", help="The export's layout when detection gets it "
                                               "wrong: google-forms, microsoft-forms, surveymonkey, typeform, "
                                               "plain.")] = None,
    encoding: Annotated[str, typer.Option(help="Text encoding of a CSV file without a byte order mark.")] = "utf-8",
    delimiter: Annotated[str | None, typer.Option(help="CSV delimiter (default: detected from the header: , ; "
                                                  "or tab).")] = None,
    sheet: Annotated[str | None, typer.Option(help="Worksheet of an .xlsx file (default: the first).")] = None,
    questionnaires: QuestionnaireDirs = None,
) -> None:
    """Import a survey export as answers files, one per respondent.

    Reads Google Forms, Microsoft Forms, SurveyMonkey, Typeform and plain CSV exports (docs/import.md).

    Unreadable cells are reported with row and column, and then nothing is written.

    Example: crmcheck import customers.csv -q perception-gap --lens customer --company Acme -o survey/customers
    """
    from crmcheck.importers.layouts import LayoutName
    from crmcheck.importers.progress import StderrProgress
    from crmcheck.importers.survey import ImportRequest, import_survey

    names = [item.value for item in LayoutName]
    if layout is not None and layout not in names:
        raise UsageError(f"--layout: '{layout}' is not one of {', '.join(names)}")
    request = ImportRequest(
        survey=survey, questionnaire=_catalog(questionnaires).get(questionnaire), lens=lens.value, company=company,
        out_dir=out, assessed_on=_parse_date(date, "--date"), assessor=assessor, column_map=column_map,
        skip_invalid=skip_invalid, force=force, layout=LayoutName(layout) if layout else None, encoding=encoding,
        delimiter=delimiter, sheet=sheet,
    )
    with StderrProgress() as progress:
        outcome = import_survey(request, progress)
    for problem in [*outcome.warnings, *outcome.invalid]:
        note(str(problem))
    if outcome.skipped_rows:
        rows = ", ".join(map(str, outcome.skipped_rows))
        note(f"{survey}: skipped {counted(len(outcome.skipped_rows), 'row')} with unreadable cells (--skip-invalid): "
             f"{rows}")
    note(f"wrote {counted(len(outcome.written), 'answers file')} to {out} ({outcome.layout} layout, {lens.value} lens, "
         f"{outcome.questions_matched} of {outcome.questions_total} questions matched)")
    if outcome.other_files:
        others = counted(len(outcome.other_files), "other answers file")
        note(f"note: {out} also holds {others} that this import did not write; `crmcheck report` of the directory "
             "will include them")


def _schema_text(name: SchemaName) -> str:
    from crmcheck.models.schemas import json_schema

    return json_schema(name.value)


@app.command(cls=PlainUsage)
def compare(
    old: Annotated[str, typer.Argument(metavar="OLD", help="The earlier answers file (the baseline).")],
    new: Annotated[str, typer.Argument(metavar="NEW", help="The later answers file of the same company.")],
    fmt: Annotated[ResultFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ResultFormat.terminal
    ),
    output: Output = None,
    fail_on_regression: Annotated[bool, typer.Option(
        "--fail-on-regression",
        help="Exit 1 when a level or stage reached fell, a section became high risk, or something assessed "
        "before is no longer assessed.")] = False,
    questionnaires: QuestionnaireDirs = None,
    baseline_questionnaires: BaselineQuestionnaireDirs = None,
    plan: PlanOption = None,
    today: TodayOption = None,
) -> None:
    """Show what changed between two assessments: scores, levels, risk and stages, and every changed answer.

    With --plan, each section's actions are set against the change ("best-customers: 3 of 3 actions done,
    level 2 → 3").

    Example: crmcheck compare answers/2025.yaml answers/2026.yaml --format markdown -o changes.md

    Example: crmcheck compare answers/2025.yaml answers/2026.yaml --plan plan.yaml
    """
    from crmcheck.baseline import compare_files
    from crmcheck.render.comparison_view import render_comparison

    guard({"-o": output}, old, new, plan, *(questionnaires or []), *(baseline_questionnaires or []))
    catalog = _catalog(questionnaires)
    comparison = compare_files(old, new, catalog, catalog.with_earlier_versions(baseline_questionnaires))
    if plan is not None:
        from crmcheck.plan.progress import plan_effects
        from crmcheck.plan.run import read_plan

        summary = read_plan(plan, None, _parse_date(today, "--today"), catalog)
        comparison = comparison.model_copy(update={"plan_effects": plan_effects(comparison, summary)})
    emit(render_comparison(for_terminal(comparison, output), fmt.value, render_options(output)), output)
    if fail_on_regression and comparison.regressions:
        note(f"crmcheck: {counted(len(comparison.regressions), 'regression')} since {comparison.baseline_on}")
        raise typer.Exit(EXIT_FAILED)


@app.command(cls=PlainUsage)
def check(
    answers: Annotated[str, typer.Argument(metavar="ANSWERS", help="The answers file to check.")],
    baseline: Annotated[str | None, typer.Option(
        "--baseline", metavar="OLD",
        help="An earlier answers file of the same company, for the rules that compare with a baseline.")] = None,
    policy: Annotated[str | None, typer.Option(
        "--policy", metavar="FILE",
        help="Policy file (format 1). Default: assessed within 400 days; against a baseline, no section level "
        "drop and no new high-risk section.")] = None,
    today: Annotated[str | None, typer.Option(
        "--today", metavar="DATE", help="The day of the check, YYYY-MM-DD, for max-age rules (default today).")] = None,
    junit: Annotated[str | None, typer.Option(
        "--junit", metavar="FILE", help="Also write JUnit XML, one testcase per rule and scope, for CI.")] = None,
    fmt: Annotated[ResultFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ResultFormat.terminal
    ),
    output: Output = None,
    questionnaires: QuestionnaireDirs = None,
    baseline_questionnaires: BaselineQuestionnaireDirs = None,
    plan: Annotated[str | None, typer.Option(
        "--plan", metavar="PLAN", help="The improvement plan (crmcheck plan), for the rules no-overdue-actions and "
        "high-risk-has-action; the default policy then adds both.")] = None,
) -> None:
    """Gate CI on an assessment: exit 0 when every rule of the policy held, 1 when one broke, 2 on bad input.

    On GitHub Actions it also appends a summary to the job page and annotates the answers-file lines behind
    broken rules.

    Example: crmcheck check answers/2026.yaml --baseline answers/2025.yaml --policy crm-policy.yaml --junit crm.xml

    Example: crmcheck check answers/2026.yaml --plan plan.yaml
    """
    from crmcheck.check import run_check
    from crmcheck.github_actions import publish
    from crmcheck.render.check_view import render_check
    from crmcheck.render.junit_report import render_check as junit_check

    guard({"-o": output, "--junit": junit}, answers, baseline, policy, plan, *(questionnaires or []),
          *(baseline_questionnaires or []))
    catalog = _catalog(questionnaires)
    result = run_check(answers, baseline=baseline, policy=policy, today=_parse_date(today, "--today"),
                       catalog=catalog, baseline_catalog=catalog.with_earlier_versions(baseline_questionnaires),
                       plan=plan)
    emit(render_check(for_terminal(result, output), fmt.value, render_options(output)), output)
    if junit:
        emit(junit_check(result), junit)
    commands, warnings = publish(result, os.environ)
    for line in warnings:
        note(line)
    for line in commands:  # our own workflow commands: printed as they are, escaped when they were built
        sys.stderr.write(line + "\n")
    raise typer.Exit(result.exit_code)


@app.command(cls=PlainUsage)
def schema(
    name: Annotated[SchemaName, typer.Argument(
        metavar="FORMAT", help="Which file format: questionnaire, answers, policy, selection or card.")],
    output: Output = None,
) -> None:
    """Print the JSON Schema of a file format, for editors.

    Example: crmcheck schema answers -o answers.schema.json
    """
    emit(_schema_text(name), output)


@app.command(cls=PlainUsage)
def demo(
    out: Annotated[Path, typer.Option("--out", help="Directory for the written reports.")] = Path("out"),
) -> None:
    """Run the whole flow on the bundled example company and write its reports.

    Example: crmcheck demo --out out
    """
    from crmcheck.demo import run_demo

    notes: list[str] = []  # said after the report, so that the screen ends with what the run means
    emit(run_demo(out, render_options(None), notes.append), None)
    for line in notes:
        note(line)


class MeasureFormatChoice(StrEnum):
    terminal = "terminal"
    markdown = "markdown"
    html = "html"
    json = "json"
    xlsx = "xlsx"


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
    fmt: Annotated[MeasureFormatChoice, typer.Option("--format", "-f", help="Output format.")] = (
        MeasureFormatChoice.terminal),
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
    if fmt is MeasureFormatChoice.xlsx and _to_terminal(output):
        raise UsageError("xlsx is a binary format: write it to a file with -o FILE")
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

        checked = check_answers(answers, result, _catalog(questionnaires))
        if write:
            checked = write_answers(answers, checked)
            if checked.backup:
                note(f"{answers} had comments of its own; the file as it was is kept in {checked.backup}")
        result = result.model_copy(update={"answers": checked.checks})
    for t in result.tables:
        note(f"{t.name}: {t.path}: " + ", ".join(f"{k} = {v}" for k, v in t.columns.items()))
    emit(renderer_for(MeasureFormat(fmt.value))(for_terminal(result, output), render_options(output)), output)
    if answers is not None and result.answers is not None:
        filled = sum(1 for c in result.answers.checks if c.status == "filled")
        wrong = len(result.answers.contradicted)
        done = f"wrote {answers}" if result.answers.written else (
            "add --write to save the filled answers" if filled else "nothing to write")
        note(f"{answers}: {counted(filled, 'answer')} filled from data, {wrong} contradicted by data ({done})")


collect_app = typer.Typer(
    name="collect",
    help="Collect answers in a browser: invite staff and customers by link; each respondent's answers are saved "
    "as an ordinary answers file in DIR/responses. Needs the collect extra: pip install 'crmcheck[collect]'.\n\n"
    "Example: crmcheck collect init perception-gap --company \"Acme Corp\" -o acme-survey\n\n"
    "Example: crmcheck collect invite acme-survey --lens customer --count 20\n\n"
    "Example: crmcheck collect serve acme-survey, then crmcheck report acme-survey/responses",
    no_args_is_help=True,
)
app.add_typer(collect_app)
CollectionDir = Annotated[Path, typer.Argument(metavar="DIR", help="The collection folder (from collect init).")]
PublicUrl = Annotated[str | None, typer.Option(
    "--public-url", metavar="URL", help="The address respondents reach the server at, e.g. https://survey.example.com "
    "(invite links start with it; remembered in DIR).")]


@collect_app.command("init", cls=PlainUsage)
def collect_init(
    questionnaire_ids: Annotated[list[str], typer.Argument(metavar="QUESTIONNAIRE...", help="Questionnaire ids.")],
    company: Annotated[str, typer.Option(help="Company name, written into every answers file.")],
    output: Annotated[Path, typer.Option("-o", "--output", metavar="DIR", help="The new collection folder.")],
    date: Annotated[str | None, typer.Option("--date", help="Assessment date, YYYY-MM-DD (default today).")] = None,
    public_url: PublicUrl = None,
    questionnaires: QuestionnaireDirs = None,
) -> None:
    """Make a collection folder for answers collected in a browser.

    Example: crmcheck collect init perception-gap --company "Acme Corp" --date 2026-11-01 -o acme-survey
    """
    from crmcheck.collect.folder import DEFAULT_URL, Collection

    catalog = _catalog(questionnaires)
    qs = [catalog.get(qid) for qid in dict.fromkeys(questionnaire_ids)]
    Collection.create(output, qs, company, _parse_date(date, "--date"), questionnaires or [], public_url or DEFAULT_URL)
    note(f"made {output}; next: crmcheck collect invite {output} --lens company|customer")


@collect_app.command("invite", cls=PlainUsage)
def collect_invite(
    directory: CollectionDir,
    lens: Annotated[Lens, typer.Option(help="Whose view the respondents give: company (staff) or customer.")],
    name: Annotated[str | None, typer.Option(help="The respondent's name (one respondent).")] = None,
    count: Annotated[int, typer.Option(help="How many respondents to invite.")] = 1,
    public_url: PublicUrl = None,
    fmt: Annotated[ListFormat, typer.Option("--format", "-f", metavar=LIST_FORMATS, help=LIST_FORMAT_HELP)] = (
        ListFormat.terminal),
    expires: Annotated[str | None, typer.Option(
        "--expires", metavar="AGE", help="How long the links work: 30d, 12h or 2w (default: until revoked).")] = None,
) -> None:
    """Print one invite link per new respondent. Only a hash of each link's token is kept: send the links now.

    Example: crmcheck collect invite acme-survey --lens company --name "Sam Ortiz"

    Example: crmcheck collect invite acme-survey --lens customer --count 25 > customer-links.txt
    """
    import json

    from crmcheck.collect.folder import DEFAULT_URL, Collection, parse_expires

    lifetime = parse_expires(expires) if expires is not None else None
    collection = Collection(directory)
    made = collection.invite(lens.value, collection.questionnaires(collection.catalog()), name, count,
                             public_url, lifetime)
    if collection.settings.public_url == DEFAULT_URL:
        note(f"warning: the links point at {DEFAULT_URL} and work only on this machine; to send them to "
             f"respondents, give the address they reach the server at: --public-url https://survey.example.com")
    if fmt is ListFormat.json:
        emit(json.dumps([vars(m) for m in made], indent=2, ensure_ascii=False) + "\n", None)
    else:
        emit("".join(f"{m.respondent}\t{m.link}\n" for m in made), None)
    note(f"{counted(len(made), 'invite')} made; the links cannot be shown again (revoke one with "
         f"`crmcheck collect revoke {directory} RESPONDENT`)")


@collect_app.command("revoke", cls=PlainUsage)
def collect_revoke(
    directory: CollectionDir,
    respondent: Annotated[str, typer.Argument(
        metavar="RESPONDENT", help="The respondent id invite printed, e.g. customer-003.")],
) -> None:
    """Make a respondent's link stop working (what they saved stays in DIR/responses).

    Example: crmcheck collect revoke acme-survey customer-003
    """
    from crmcheck.collect.folder import Collection

    Collection(directory).revoke(respondent)
    note(f"revoked {respondent}: the link now leads nowhere")


@collect_app.command("serve", cls=PlainUsage)
def collect_serve(
    directory: CollectionDir,
    host: Annotated[str, typer.Option(help="Address to listen on; other than 127.0.0.1, use a TLS proxy.")] = (
        "127.0.0.1"),
    port: Annotated[int, typer.Option(help="Port to listen on (0 picks a free one).")] = 8765,
    public_url: PublicUrl = None,
    rate_limit: Annotated[int, typer.Option(
        "--rate-limit", metavar="N", help="Requests per minute per client address (0: no limit).")] = 600,
    trust_proxy: Annotated[bool, typer.Option(
        "--trust-proxy", help="A reverse proxy on this machine sets X-Forwarded-For: limit by the address it "
        "names.")] = False,
    log: Annotated[Path | None, typer.Option(
        "--log", metavar="FILE", help="Append the security event log to FILE (default: stderr).")] = None,
) -> None:
    """Run the web server respondents answer in; prints the private status page's address. Ctrl-C stops it.

    Example: crmcheck collect serve acme-survey

    Example: crmcheck collect serve acme-survey --port 8765 --public-url https://survey.example.com
    """
    from crmcheck.collect.folder import Collection

    try:
        from crmcheck.collect.server import ServeOptions, serve
    except ImportError as exc:
        missing = (exc.name or "starlette").split(".")[0]
        raise UsageError(f"collect serve needs the collect extra ({missing} is missing): "
                         "pip install 'crmcheck[collect]'") from None
    if not 0 <= port <= 65535 or rate_limit < 0:
        raise UsageError("--port is 0 to 65535 and --rate-limit 0 or more")
    options = ServeOptions(host, port, public_url, rate_limit, trust_proxy, log)
    collection = Collection(directory)
    if collection.closed:
        note(f"{directory} is closed: respondents are told the survey is closed and no answer is taken "
             f"(crmcheck collect reopen {directory} takes answers again)")
    serve(collection, options, lambda line: emit(line + "\n", None), note)


@collect_app.command("status", cls=PlainUsage)
def collect_status(
    directory: CollectionDir,
    fmt: Annotated[ListFormat, typer.Option("--format", "-f", metavar=LIST_FORMATS, help=LIST_FORMAT_HELP)] = (
        ListFormat.terminal),
) -> None:
    """Show who has started and who has finished (never their answers).

    Example: crmcheck collect status acme-survey
    """
    from crmcheck.collect.folder import Collection, render_status

    collection = Collection(directory)
    emit(render_status(collection.status(collection.catalog()), fmt.value), None)


@collect_app.command("close", cls=PlainUsage)
def collect_close(directory: CollectionDir) -> None:
    """Stop taking answers (a running server notices at once); then report on DIR/responses.

    Example: crmcheck collect close acme-survey && crmcheck report acme-survey/responses
    """
    from crmcheck.collect.folder import Collection

    closed = Collection(directory).close()
    note(f"{directory} {'is now closed' if closed else 'was already closed'}; report: crmcheck report "
         f"{directory}/responses")


@collect_app.command("reopen", cls=PlainUsage)
def collect_reopen(directory: CollectionDir) -> None:
    """Take answers again after close (a running server notices at once); the links stay the same.

    Example: crmcheck collect reopen acme-survey
    """
    from crmcheck.collect.folder import Collection

    reopened = Collection(directory).reopen()
    note(f"{directory} {'takes answers again' if reopened else 'was not closed'}; the invite links are unchanged")


def _with_plan(result: AssessmentResult, plan: str, today: str | None, catalog: Catalog) -> AssessmentResult:
    from crmcheck.plan.progress import with_plan
    from crmcheck.plan.run import read_plan

    return with_plan(result, read_plan(plan, result, _parse_date(today, "--today"), catalog))


class PlanGroup(TyperGroup):
    """`crmcheck plan ANSWERS...` means `crmcheck plan make ANSWERS...`: a file where a subcommand would be."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["make", *args]
        parsed: list[str] = super().parse_args(ctx, args)
        return parsed


plan_app = typer.Typer(
    name="plan", cls=PlanGroup,
    help="An improvement plan kept in git: one action per gap, with owners and due dates; next year's report, "
    "compare and check read it (see docs/plan.md).\n\n"
    "Example: crmcheck plan answers/2025.yaml -o plan.yaml\n\n"
    "Example: crmcheck plan answers/2026.yaml --update plan.yaml\n\n"
    "Example: crmcheck plan show plan.yaml --format markdown -o plan.md",
    no_args_is_help=True,
)
app.add_typer(plan_app)


class PlanFormatChoice(StrEnum):
    terminal = "terminal"
    markdown = "markdown"
    html = "html"
    json = "json"
    xlsx = "xlsx"
    csv = "csv"


class CsvLayoutChoice(StrEnum):
    jira = "jira"
    github = "github"


@plan_app.command("make", cls=PlainUsage)
def plan_make(
    answers: Annotated[list[str], typer.Argument(
        metavar="ANSWERS...", help="The assessment: answers files, or directories of them.")],
    output: Output = None,
    update: Annotated[str | None, typer.Option(
        "--update", metavar="PLAN", help="Bring this plan up to the assessment, in place: every edit and comment "
        "is kept, new gaps are added and closed ones marked gap_closed.")] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing -o file.")] = False,
    questionnaires: QuestionnaireDirs = None,
) -> None:
    """Make an improvement plan from an assessment's recommendations (`crmcheck plan ANSWERS...` for short).

    Example: crmcheck plan answers/2025.yaml -o plan.yaml

    Example: crmcheck plan answers/2026.yaml --update plan.yaml
    """
    from crmcheck.plan.run import new_plan, update_plan_file

    catalog = _catalog(questionnaires)
    if update is not None:
        if output is not None:
            raise UsageError("--update changes the plan in place; leave out -o")
        guard({"--update": update}, *answers, *(questionnaires or []))
        outcome = update_plan_file(answers, update, catalog)
        note(f"updated {update}: {counted(len(outcome.added), 'action')} added, "
             f"{counted(len(outcome.closed), 'gap')} closed, {counted(len(outcome.reopened), 'gap')} open again; "
             f"every other line is as it was")
        return
    guard({"-o": output}, *answers, *(questionnaires or []))
    text = new_plan(answers, catalog)
    if output in (None, "-"):
        emit(text, output)
        return
    from crmcheck.plan.store import write_new

    write_new(str(output), text, force=force)
    note(f"wrote {output}; give each action an owner and a due date, commit it, then next year: crmcheck plan "
         f"NEW.yaml --update {output}")


@plan_app.command("show", cls=PlainUsage)
def plan_show(
    plan: Annotated[str, typer.Argument(metavar="PLAN", help="The plan file.")],
    fmt: Annotated[PlanFormatChoice, typer.Option("--format", "-f", help="Output format.")] = (
        PlanFormatChoice.terminal),
    csv_layout: Annotated[CsvLayoutChoice, typer.Option(
        "--csv-layout", help="With --format csv: the columns of Jira's or GitHub's issue import.")] = (
        CsvLayoutChoice.jira),
    answers: Annotated[list[str] | None, typer.Option(
        "--answers", metavar="FILE", help="A newer assessment, to show which gaps it closed (repeatable).")] = None,
    today: TodayOption = None,
    output: Output = None,
    questionnaires: QuestionnaireDirs = None,
) -> None:
    """Show a plan's actions by phase and owner, overdue first.

    Example: crmcheck plan show plan.yaml

    Example: crmcheck plan show plan.yaml --format markdown -o plan.md

    Example: crmcheck plan show plan.yaml --format csv --csv-layout jira -o plan.csv
    """
    from crmcheck.plan.formats import CsvLayout, PlanFormat, renderer_for
    from crmcheck.plan.run import read_plan

    if fmt is PlanFormatChoice.xlsx and _to_terminal(output):
        raise UsageError("xlsx is a binary format: write it to a file with -o FILE")
    guard({"-o": output}, plan, *(answers or []), *(questionnaires or []))
    catalog = _catalog(questionnaires)
    result = None
    if answers:
        from crmcheck.baseline import assess_report

        result = assess_report(answers, catalog)
    summary = read_plan(plan, result, _parse_date(today, "--today"), catalog)
    options = render_options(output, extra=(("csv_layout", CsvLayout(csv_layout.value)),))
    emit(renderer_for(PlanFormat(fmt.value))(for_terminal(summary, output), options), output)


vendors_app = typer.Typer(
    name="vendors",
    help="Choose a CRM vendor: evaluators' score cards on a selection's requirements, ranked vendors with fit, "
    "exclusions, five-year cost and how close the call is (see docs/vendor-selection.md).\n\n"
    "Example: crmcheck vendors card selection.yaml --evaluator \"Dana Lee\" -o cards/dana.yaml\n\n"
    "Example: crmcheck vendors report selection.yaml cards/ --format html -o vendors.html",
    no_args_is_help=True,
)
app.add_typer(vendors_app)


class VendorFormatChoice(StrEnum):
    terminal = "terminal"
    markdown = "markdown"
    html = "html"
    json = "json"
    xlsx = "xlsx"


@vendors_app.command("card", cls=PlainUsage)
def vendors_card(
    selection: Annotated[str, typer.Argument(metavar="SELECTION", help="The selection file.")],
    evaluator: Annotated[str, typer.Option(help="Who fills in this card.")],
    role: Annotated[str | None, typer.Option(help="The evaluator's role, e.g. Sales lead.")] = None,
    output: Output = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a blank score card for one evaluator: every vendor, every requirement as a comment.

    Example: crmcheck vendors card selection.yaml --evaluator "Dana Lee" --role "Sales lead" -o cards/dana.yaml
    """
    from crmcheck.vendors.card import blank_card
    from crmcheck.vendors.files import load_selection
    from crmcheck.vendors.report import prepare_output

    chosen = load_selection(selection)
    if output not in (None, "-") and Path(str(output)).exists() and not force:
        raise UsageError(f"{output} exists; use --force to overwrite it")
    prepare_output(output, [selection])
    emit(blank_card(chosen.model, evaluator, role, dt.date.today()), output)
    if output not in (None, "-"):
        note(f"wrote {output}; score it, then: crmcheck vendors report {selection} {Path(str(output)).parent}")


@vendors_app.command("report", cls=PlainUsage)
def vendors_report(
    selection: Annotated[str, typer.Argument(metavar="SELECTION", help="The selection file.")],
    cards: Annotated[list[str], typer.Argument(metavar="CARDS...", help="Score-card files or folders of them.")],
    fmt: Annotated[VendorFormatChoice, typer.Option("--format", "-f", help="Output format.")] = (
        VendorFormatChoice.terminal),
    output: Output = None,
) -> None:
    """Rank the vendors of a selection from evaluators' score cards.

    Example: crmcheck vendors report selection.yaml cards/ --format markdown -o vendors.md
    """
    from crmcheck.vendors.formats import VendorFormat, renderer_for
    from crmcheck.vendors.report import build_report, prepare_output

    if fmt is VendorFormatChoice.xlsx and _to_terminal(output):
        raise UsageError("xlsx is a binary format: write it to a file with -o FILE")
    report = build_report(selection, cards, note)
    prepare_output(output, [selection, *cards])
    emit(renderer_for(VendorFormat(fmt.value))(report, render_options(output)), output)


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
    from crmcheck.pydantic_plugins import skip_plugin_scan  # PYDANTIC_DISABLE_PLUGINS unless set; see there

    skip_plugin_scan()
    try:
        from crmcheck.command_tree import command_for  # only the invoked command is built (see there)

        result = command_for(app, sys.argv[1:])(standalone_mode=False)
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

