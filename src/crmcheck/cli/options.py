"""What several commands share: option types, the listing formats, and reading option values (catalog, dates)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from crmcheck.errors import UsageError

if TYPE_CHECKING:
    from crmcheck.catalog import Catalog


class PlainUsage(TyperCommand):
    """Usage lines name the arguments as their help does (`show QUESTIONNAIRE`), without typer's {braces}."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:  # typer's own bundled click.Context
        return [p[1:-1] if p.startswith("{") and p.endswith("}") else p for p in super().collect_usage_pieces(ctx)]


def command_group(name: str, help_text: str, cls: type[TyperGroup] | None = None) -> typer.Typer:
    """A group of subcommands (`crmcheck collect ...`), registered on the root app."""
    from crmcheck.cli.root import app

    group = typer.Typer(name=name, cls=cls, help=help_text, no_args_is_help=True)
    app.add_typer(group)
    return group


class ListFormat(StrEnum):
    """Formats of `list`, `show` and `validate`: `terminal` as for reports; `text`, its older name, still works."""

    terminal = "terminal"
    json = "json"
    text = "text"


# `text` is the older name of `terminal`: accepted, not offered again in the list of choices
LIST_FORMATS = "<terminal|json>"
LIST_FORMAT_HELP = "Output format ('text' is the older name of terminal)."
ListFormatOption = Annotated[ListFormat, typer.Option("--format", "-f", metavar=LIST_FORMATS, help=LIST_FORMAT_HELP)]


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


QuestionnaireDirs = Annotated[list[Path] | None, typer.Option(
    "--questionnaires", metavar="DIR", help="Directory of custom questionnaires, searched before the built-ins "
    "(repeatable; also CRMCHECK_QUESTIONNAIRES, separated by the path separator).")]
Output = Annotated[str | None, typer.Option("-o", "--output", metavar="FILE", help="Write here; '-' or none: stdout.")]
BaselineQuestionnaireDirs = Annotated[list[Path] | None, typer.Option(
    "--baseline-questionnaires", metavar="DIR", help="Directory holding the questionnaire versions the baseline "
    "was answered with, when they differ from today's (repeatable); a file here takes the place of the "
    "questionnaire with the same id.")]
PlanOption = Annotated[str | None, typer.Option(
    "--plan", metavar="PLAN", help="An improvement plan (crmcheck plan): each section lists its actions and their "
    "status.")]
TodayOption = Annotated[str | None, typer.Option(
    "--today", metavar="DATE", help="With --plan: the day that decides which actions are overdue, YYYY-MM-DD "
    "(default today).")]
DateOption = Annotated[str | None, typer.Option("--date", help="Assessment date, YYYY-MM-DD (default today).")]


def load_catalog(directories: list[Path] | None) -> Catalog:
    """The questionnaires the --questionnaires directories (and CRMCHECK_QUESTIONNAIRES) and the built-ins give."""
    from crmcheck.catalog import Catalog

    return Catalog.from_options(directories)


def parse_date(value: str | None, flag: str) -> dt.date:
    """The date an option gives (today when it is not given)."""
    if value is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise UsageError(f"{flag}: '{value}' is not a date in YYYY-MM-DD form") from None


def guard(outputs: dict[str, str | None], *inputs: str | Path | None) -> None:
    """Refuse outputs that would overwrite an input (docs/bad-input.md: Output files)."""
    from crmcheck.outputs import guard_outputs

    guard_outputs(outputs, inputs)


def schema_text(name: SchemaName) -> str:
    from crmcheck.models.schemas import json_schema

    return json_schema(name.value)
