"""The bundled example company, run end to end: what `crmcheck demo` and `make demo` show."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from crmcheck.assessment import assess_file
from crmcheck.catalog import Catalog, data_dir
from crmcheck.render import RenderOptions, ReportFormat, renderer_for
from crmcheck.yamlio import write_atomic

EXAMPLE = "brightwater"


def example_path(name: str) -> Path:
    return data_dir("examples") / EXAMPLE / name


def run_demo(out: Path, options: RenderOptions, note: Callable[[str], None]) -> str:
    """Score the example's latest assessment, write its markdown, JSON and HTML reports, return the terminal report."""
    catalog = Catalog.from_options()
    current = example_path("assessment-2026.yaml")
    result = assess_file(str(current), catalog)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from crmcheck.errors import InputError

        raise InputError(f"cannot create directory: {exc.strerror}", file=str(out)) from None
    written = []
    for fmt, name in ((ReportFormat.MARKDOWN, "report.md"), (ReportFormat.JSON, "report.json"),
                      (ReportFormat.HTML, "report.html")):
        target = out / name
        write_atomic(target, renderer_for(fmt)(result, RenderOptions(width=options.width)))
        written.append(target)
    text = renderer_for(ReportFormat.TERMINAL)(result, options)
    note(f"example answers: {current}")
    for target in written:
        note(f"wrote {target}")
    return text if isinstance(text, str) else text.decode()
