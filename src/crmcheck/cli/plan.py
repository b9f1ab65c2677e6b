"""`crmcheck plan ...`: the improvement plan (make, the default subcommand, and show)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from crmcheck.cli.formats import FormatChoice, format_option
from crmcheck.cli.options import (
    Output,
    PlainUsage,
    QuestionnaireDirs,
    TodayOption,
    command_group,
    guard,
    load_catalog,
    parse_date,
)
from crmcheck.cli.output import emit, for_terminal, note, refuse_binary_on_terminal, render_options
from crmcheck.errors import UsageError
from crmcheck.wording import counted


class PlanGroup(TyperGroup):
    """`crmcheck plan ANSWERS...` means `crmcheck plan make ANSWERS...`: a file where a subcommand would be."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["make", *args]
        parsed: list[str] = super().parse_args(ctx, args)
        return parsed


plan_app = command_group(
    "plan",
    "An improvement plan kept in git: one action per gap, with owners and due dates; next year's report, "
    "compare and check read it (see docs/plan.md).\n\n"
    "Example: crmcheck plan answers/2025.yaml -o plan.yaml\n\n"
    "Example: crmcheck plan answers/2026.yaml --update plan.yaml\n\n"
    "Example: crmcheck plan show plan.yaml --format markdown -o plan.md",
    cls=PlanGroup,
)


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

    catalog = load_catalog(questionnaires)
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
    fmt: Annotated[str, format_option("plan")] = "terminal",
    csv_layout: Annotated[str, typer.Option(
        "--csv-layout", help="With --format csv: the columns of Jira's or GitHub's issue import.",
        click_type=FormatChoice("plan-csv-layout"))] = "jira",
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

    refuse_binary_on_terminal(fmt, output)
    guard({"-o": output}, plan, *(answers or []), *(questionnaires or []))
    catalog = load_catalog(questionnaires)
    result = None
    if answers:
        from crmcheck.report import assess_report

        result = assess_report(answers, catalog)
    summary = read_plan(plan, result, parse_date(today, "--today"), catalog)
    options = render_options(output, extra=(("csv_layout", CsvLayout(csv_layout)),))
    emit(renderer_for(PlanFormat(fmt))(for_terminal(summary, output), options), output)
