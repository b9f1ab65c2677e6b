"""The bundled example company, run end to end: what `crmcheck demo` and `make demo` show."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from crmcheck.assessment import assess_paths
from crmcheck.catalog import Catalog, data_dir
from crmcheck.check import run_check
from crmcheck.models.result import AssessmentResult
from crmcheck.render import RenderOptions, renderer_for
from crmcheck.render.check_view import render_check, verdict
from crmcheck.render.comparison_view import render_comparison
from crmcheck.report import assess_with_baseline
from crmcheck.yamlio import write_atomic

EXAMPLE = "brightwater"


def example_path(name: str) -> Path:
    return data_dir("examples") / EXAMPLE / name


def _vendor_reports(options: RenderOptions) -> dict[str, str | bytes]:
    """The example's CRM vendor selection: four vendors scored by five evaluators."""
    from crmcheck.vendors.formats import renderer_for as vendor_renderer
    from crmcheck.vendors.report import build_report

    selection = example_path("selection")
    report = build_report(str(selection / "selection.yaml"), [str(selection / "cards")])
    return {"vendors.md": vendor_renderer("markdown")(report, options),
            "vendors.html": vendor_renderer("html")(report, options)}


def _plan_files(result: AssessmentResult, catalog: Catalog, today: dt.date,
                options: RenderOptions) -> tuple[AssessmentResult, dict[str, str | bytes]]:
    """The improvement plan the example's team kept through the year: read beside the 2026 report, shown on its
    own, and brought up to the 2026 assessment (new gaps added, closed ones marked)."""
    from crmcheck.models.plan import load_plan
    from crmcheck.plan.formats import renderer_for as plan_renderer
    from crmcheck.plan.progress import plan_summary, with_plan
    from crmcheck.plan.run import current_ids
    from crmcheck.plan.update import update_plan

    source = load_plan(str(example_path("plan-2025.yaml")))
    current = current_ids(catalog)
    summary = plan_summary(source, result, today, current)
    updated = update_plan(source, result, "assessment-2026.yaml", current)
    files: dict[str, str | bytes] = {
        "plan-2025.yaml": source.text,
        "plan.md": plan_renderer("markdown")(plan_summary(source, None, today, current), options),
        "plan-2026.yaml": updated.text,
    }
    return with_plan(result, summary), files


def _measured(out: Path, options: RenderOptions, note: Callable[[str], None]) -> dict[str, str | bytes]:
    """The example's exports (deals, leads, tickets, invoices) measured and set against a copy of its 2026
    answers: the copy is written with the measured values, and reported (one answer is contradicted by data)."""
    from crmcheck.errors import UsageError

    try:
        from crmcheck.measure.answers import check_answers, write_answers
        from crmcheck.measure.engine import MeasureRequest, measure
        from crmcheck.measure.formats import renderer_for as measure_renderer

        data = example_path("data")
        result = measure(MeasureRequest(inputs={"deals": str(data / "deals.csv"), "leads": str(data / "leads.csv"),
                                                "tickets": str(data / "tickets.csv"),
                                                "invoices": str(data / "invoices.csv")},
                                        configs=[str(data / "measure.yaml")]))
    except UsageError as exc:  # the measure extra (DuckDB) is not installed: the rest of the demo still runs
        note(f"skipped measuring the example's exports: {exc}")
        return {}
    copy = out / "assessment-2026-measured.yaml"
    write_atomic(copy, example_path("assessment-2026.yaml").read_text(encoding="utf-8"))
    checked = write_answers(str(copy), check_answers(str(copy), result, Catalog.from_options()), backup=False)
    result = result.model_copy(update={"answers": checked.checks})
    measured = assess_paths([str(copy)], Catalog.from_options())
    wrong = len(checked.checks.contradicted)
    note(f"measured the example's exports in {data}: {wrong} answer{'s' if wrong != 1 else ''} contradicted by data "
         f"(see measure.md; {copy.name} holds the measured values)")
    return {"measure.md": measure_renderer("markdown")(result, options),
            "measure.html": measure_renderer("html")(result, options),
            "report-measured.md": renderer_for("markdown")(measured, options)}


def run_demo(out: Path, options: RenderOptions, note: Callable[[str], None]) -> str:
    """Score the example's latest assessment against the year before, write its reports (markdown, JSON, HTML),
    the comparison, the policy check and the perception-gap report of its staff and customers; return the
    terminal report."""
    catalog = Catalog.from_options()
    current, previous, policy = (example_path(name) for name in
                                 ("assessment-2026.yaml", "assessment-2025.yaml", "policy.yaml"))
    result = assess_with_baseline(str(current), str(previous), catalog)
    today = dt.date.today()
    plain = RenderOptions(width=options.width)
    result, plan_files = _plan_files(result, catalog, today, plain)
    # the perception gap: three staff and five customers answered the same questions from their side
    perception = assess_paths([str(example_path("perception"))], catalog)
    check = run_check(str(current), baseline=str(previous), policy=str(policy), today=today, catalog=catalog)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from crmcheck.errors import InputError

        raise InputError(f"cannot create directory: {exc.strerror}", file=str(out)) from None
    assert result.comparison is not None
    files: dict[str, str | bytes] = {
        "report.md": renderer_for("markdown")(result, plain),
        "report.json": renderer_for("json")(result, plain),
        "report.html": renderer_for("html")(result, plain),
        "comparison.md": render_comparison(result.comparison, "markdown", plain),
        "perception.md": renderer_for("markdown")(perception, plain),
        "perception.html": renderer_for("html")(perception, plain),
        "check.md": render_check(check, "markdown", plain),
        **_vendor_reports(plain),
        **plan_files,
        **_measured(out, plain, note),
    }
    for name, content in files.items():
        write_atomic(out / name, content)
    text = renderer_for("terminal")(result, options)
    note(f"example answers: {current} (baseline {previous.name})")
    for name in files:
        note(f"wrote {out / name}")
    if result.plan is not None:
        p = result.plan
        note(f"improvement plan {example_path('plan-2025.yaml').name}: {p.by_status['done']} of {len(p.actions)} "
             f"actions done, {p.overdue} overdue on {today}, {p.gaps_closed} gaps closed by 2026 (see plan.md; "
             f"plan-2026.yaml is the plan brought up to the 2026 assessment)")
    note(f"policy check against {policy.name}: {verdict(check)}; `crmcheck check` would exit {check.exit_code}")
    for line in closing_lines(check.passed, len(result.comparison.regressions), policy.name, out / "report.html"):
        note(line)
    return text if isinstance(text, str) else text.decode()


def closing_lines(passed: bool, steps_back: int, policy: str, report: Path) -> list[str]:
    """What the demo ends with: why the policy check fails, so that a first run does not read as broken."""
    if passed:
        return [f"the demo ran to the end; every rule of {policy} held."]
    return [f"That FAILED check is the example's point: the example company took {steps_back} step"
            f"{'s' if steps_back != 1 else ''} back since its last assessment, and {policy} is the CI gate that "
            "catches it (in CI, `crmcheck check` would stop the build).",
            f"The demo itself worked: every file listed above was written; open {report} to see each step back."]
