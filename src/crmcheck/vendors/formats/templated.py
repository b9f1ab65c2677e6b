"""What the markdown and HTML vendor reports share: the Jinja environment and the values the templates show."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crmcheck.render.templating import environment
from crmcheck.vendors.formats import money, score
from crmcheck.vendors.result import VendorReport

CHART_WIDTH = 640
BAR_HEIGHT = 22
BAR_GAP = 10
LABEL_WIDTH = 170


@dataclass(frozen=True)
class FitBar:
    """One vendor's bar in the fit chart (SVG coordinates)."""

    name: str
    fit: float | None
    y: int
    width: float
    excluded: bool


def fit_bars(report: VendorReport) -> list[FitBar]:
    span = CHART_WIDTH - LABEL_WIDTH - 60
    return [FitBar(name=v.name, fit=v.fit, y=i * (BAR_HEIGHT + BAR_GAP), excluded=v.excluded,
                   width=round((v.fit or 0) / 100 * span, 1))
            for i, v in enumerate(report.vendors)]


def render_vendor_template(name: str, report: VendorReport, *, autoescape: bool) -> str:
    env = environment(None, autoescape=autoescape)
    env.filters.update(money=lambda value: money(value, report.currency), fit=score,
                       mean=lambda value: score(value, 2))
    context: dict[str, Any] = {
        "report": report, "names": {v.id: v.name for v in report.vendors},
        "texts": {r.id: r.text for r in report.requirements}, "bars": fit_bars(report),
        "chart": {"width": CHART_WIDTH, "label": LABEL_WIDTH, "bar": BAR_HEIGHT,
                  "height": len(report.vendors) * (BAR_HEIGHT + BAR_GAP) + 24},
    }
    return env.get_template(name).render(**context)
