"""The commands that score assessments and say what they show: report, benchmark, compare, check, demo."""

from __future__ import annotations

import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from crmcheck.cli.formats import format_option
from crmcheck.cli.options import (
    BaselineQuestionnaireDirs,
    Output,
    PlainUsage,
    PlanOption,
    QuestionnaireDirs,
    TodayOption,
    guard,
    load_catalog,
    parse_date,
)
from crmcheck.cli.output import emit, for_terminal, note, refuse_binary_on_terminal, render_options
from crmcheck.cli.root import app
from crmcheck.errors import EXIT_FAILED, EXIT_INPUT, Problem, UsageError
from crmcheck.wording import counted

if TYPE_CHECKING:
    from crmcheck.catalog import Catalog
    from crmcheck.models.result import AssessmentResult


class SegmentChoice(StrEnum):
    industry = "industry"
    size = "size"


@app.command(cls=PlainUsage)
def report(
    answers: Annotated[list[str], typer.Argument(
        metavar="ANSWERS...", help="Answers files, or directories of them (several respondents).")],
    fmt: Annotated[str, format_option("report")] = "terminal",
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
    from crmcheck.render import ReportFormat, renderer_for
    from crmcheck.report import assess_report

    refuse_binary_on_terminal(fmt, output)
    if logo is not None and fmt != "html":
        raise UsageError("--logo is for the HTML report: add --format html")
    guard({"-o": output}, *answers, baseline, template, logo, plan, *(questionnaires or []),
          *(baseline_questionnaires or []))
    extra: tuple[tuple[str, object], ...] = ()
    if logo is not None:
        from crmcheck.render.branding import load_logo

        extra = (("logo", load_logo(logo)),)
    from crmcheck.finished import parse_min_answered

    minimum = parse_min_answered(min_answered) if min_answered is not None else None
    catalog = load_catalog(questionnaires)
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
    emit(renderer_for(ReportFormat(fmt))(for_terminal(result, output), options), output)


def _with_plan(result: AssessmentResult, plan: str, today: str | None, catalog: Catalog) -> AssessmentResult:
    from crmcheck.plan.progress import with_plan
    from crmcheck.plan.run import read_plan

    return with_plan(result, read_plan(plan, result, parse_date(today, "--today"), catalog))


@app.command(cls=PlainUsage)
def compare(
    old: Annotated[str, typer.Argument(metavar="OLD", help="The earlier answers file (the baseline).")],
    new: Annotated[str, typer.Argument(metavar="NEW", help="The later answers file of the same company.")],
    fmt: Annotated[str, format_option("compare")] = "terminal",
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
    catalog = load_catalog(questionnaires)
    comparison = compare_files(old, new, catalog, catalog.with_earlier_versions(baseline_questionnaires))
    if plan is not None:
        from crmcheck.plan.progress import plan_effects
        from crmcheck.plan.run import read_plan

        summary = read_plan(plan, None, parse_date(today, "--today"), catalog)
        comparison = comparison.model_copy(update={"plan_effects": plan_effects(comparison, summary)})
    emit(render_comparison(for_terminal(comparison, output), fmt, render_options(output)), output)
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
    fmt: Annotated[str, format_option("check")] = "terminal",
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

    guard({"-o": output, "--junit": junit}, answers, baseline, policy, plan, *(questionnaires or []),
          *(baseline_questionnaires or []))
    catalog = load_catalog(questionnaires)
    result = run_check(answers, baseline=baseline, policy=policy, today=parse_date(today, "--today"),
                       catalog=catalog, baseline_catalog=catalog.with_earlier_versions(baseline_questionnaires),
                       plan=plan)
    emit(render_check(for_terminal(result, output), fmt, render_options(output)), output)
    if junit:
        from crmcheck.render.junit_report import render_check as junit_check  # xml.etree only when asked for

        emit(junit_check(result), junit)
    commands, warnings = publish(result, os.environ)
    for line in warnings:
        note(line)
    for line in commands:  # our own workflow commands: printed as they are, escaped when they were built
        sys.stderr.write(line + "\n")
    raise typer.Exit(result.exit_code)


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
    fmt: Annotated[str, format_option("benchmark", "Output format; jsonl writes one line per counted assessment.")] = (
        "terminal"),
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
                               all_dates=all_dates, rows=fmt == "jsonl", jobs=jobs)
    bar = ProgressBar(sys.stderr, label="scoring", unit="files", enabled=progress)
    try:
        result = run_benchmark(request, load_catalog(questionnaires), on_start=bar.start, on_progress=bar.update)
    finally:
        bar.finish()
    for failure in result.failed:
        for line in failure.errors:
            note(line)
    if result.skipped:
        from crmcheck.file_kinds import skipped_line

        note(skipped_line([(s.file, s.kind) for s in result.skipped]))
    emit(renderer_for(BenchmarkFormat(fmt))(for_terminal(result, output), render_options(output)), output)
    if strict and result.failed:
        note(f"{len(result.failed)} of {result.files} answers files failed to load (--strict)")
        raise typer.Exit(EXIT_INPUT)


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
