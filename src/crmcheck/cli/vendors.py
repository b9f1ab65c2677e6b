"""`crmcheck vendors ...`: choosing a CRM vendor (a blank score card, and the ranked report from the cards)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer

from crmcheck.cli.formats import format_option
from crmcheck.cli.options import Output, PlainUsage, command_group
from crmcheck.cli.output import emit, note, refuse_binary_on_terminal, render_options
from crmcheck.errors import UsageError

vendors_app = command_group(
    "vendors",
    "Choose a CRM vendor: evaluators' score cards on a selection's requirements, ranked vendors with fit, "
    "exclusions, five-year cost and how close the call is (see docs/vendor-selection.md).\n\n"
    "Example: crmcheck vendors card selection.yaml --evaluator \"Dana Lee\" -o cards/dana.yaml\n\n"
    "Example: crmcheck vendors report selection.yaml cards/ --format html -o vendors.html",
)
Selection = Annotated[str, typer.Argument(metavar="SELECTION", help="The selection file.")]


@vendors_app.command("card", cls=PlainUsage)
def vendors_card(
    selection: Selection,
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
    selection: Selection,
    cards: Annotated[list[str], typer.Argument(metavar="CARDS...", help="Score-card files or folders of them.")],
    fmt: Annotated[str, format_option("vendors")] = "terminal",
    output: Output = None,
) -> None:
    """Rank the vendors of a selection from evaluators' score cards.

    Example: crmcheck vendors report selection.yaml cards/ --format markdown -o vendors.md
    """
    from crmcheck.vendors.formats import VendorFormat, renderer_for
    from crmcheck.vendors.report import build_report, prepare_output

    refuse_binary_on_terminal(fmt, output)
    report = build_report(selection, cards, note)
    prepare_output(output, [selection, *cards])
    emit(renderer_for(VendorFormat(fmt))(report, render_options(output)), output)
