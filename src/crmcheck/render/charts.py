"""Chart geometry for the HTML report: numbers and coordinates only; the template draws the SVG and escapes text."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import NamedTuple

from crmcheck.models.result import LevelBand

FULL_SCORE = 100.0


def _fmt(value: float) -> str:
    """A coordinate short enough for an SVG attribute (two decimals, no trailing zeros)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _points(coords: Sequence[tuple[float, float]]) -> str:
    return " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in coords)


def wrap_label(text: str, width: int, lines: int) -> list[str]:
    """Split a label into at most `lines` lines of about `width` characters, ending in an ellipsis if cut."""
    wrapped = textwrap.wrap(text, width) or [""]
    if len(wrapped) <= lines:
        return wrapped
    kept = wrapped[:lines]
    last = kept[-1]
    kept[-1] = (last[: width - 1].rstrip() if len(last) >= width else last) + "…"
    return kept


# --- radar -------------------------------------------------------------------------------------------------------


class RadarAxis(NamedTuple):
    number: int
    title: str
    score: float | None
    target: float | None
    end_x: str
    end_y: str
    label_x: str
    label_y: str
    point_x: str | None
    point_y: str | None

    @property
    def assessed(self) -> bool:
        return self.score is not None


class RadarRing(NamedTuple):
    value: float
    level: int | None
    name: str
    points: str
    label_x: str
    label_y: str


class RadarChart(NamedTuple):
    size: int
    center: str
    axes: list[RadarAxis]
    rings: list[RadarRing]
    score_points: str
    target_points: str | None

    @property
    def not_assessed(self) -> list[RadarAxis]:
        return [a for a in self.axes if not a.assessed]


def radar(
    titles: Sequence[str],
    scores: Sequence[float | None],
    targets: Sequence[float | None],
    levels: Sequence[LevelBand],
    size: int = 340,
) -> RadarChart:
    """A spider chart: one axis per section, clockwise from the top; rings at the level thresholds."""
    count = len(titles)
    c = size / 2
    radius = size / 2 - 34

    def at(index: int, value: float, r: float = radius) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * index / count
        share = max(0.0, min(value, FULL_SCORE)) / FULL_SCORE
        return c + r * share * math.cos(angle), c + r * share * math.sin(angle)

    axes = []
    for i, (title, score, target) in enumerate(zip(titles, scores, targets, strict=True)):
        end = at(i, FULL_SCORE)
        label = at(i, FULL_SCORE, radius + 17)
        # a section nobody could score gets no point: drawn at 0 it would read as "scored 0"
        point = None if score is None else at(i, score)
        axes.append(RadarAxis(
            number=i + 1, title=title, score=score, target=target, end_x=_fmt(end[0]), end_y=_fmt(end[1]),
            label_x=_fmt(label[0]), label_y=_fmt(label[1] + 4),
            point_x=None if point is None else _fmt(point[0]), point_y=None if point is None else _fmt(point[1]),
        ))
    thresholds = [(band.min, band.level, band.name) for band in levels if 0 < band.min < FULL_SCORE]
    rings = []
    for value, level, name in [*thresholds, (FULL_SCORE, None, "")]:
        top = at(0, value)
        rings.append(RadarRing(value=value, level=level, name=name,
                               points=_points([at(i, value) for i in range(count)]),
                               label_x=_fmt(top[0] + 4), label_y=_fmt(top[1] - 3)))
    # the score polygon joins the assessed axes only; the not-assessed ones are marked on their own
    score_points = _points([at(i, s) for i, s in enumerate(scores) if s is not None])
    target_points = None
    if all(t is not None for t in targets):
        target_points = _points([at(i, t or 0.0) for i, t in enumerate(targets)])
    return RadarChart(size=size, center=_fmt(c), axes=axes, rings=rings, score_points=score_points,
                      target_points=target_points)


# --- horizontal bars ---------------------------------------------------------------------------------------------

BAR_ROW = 34
BAR_TOP = 26


class BarLayout(NamedTuple):
    """Where the labels, the 0-100 bars and the figures on the right sit in a horizontal bar chart."""

    width: int
    bar_left: int
    bar_right: int
    label_chars: int

    def x(self, value: float) -> float:
        share = max(0.0, min(value, FULL_SCORE)) / FULL_SCORE
        return self.bar_left + (self.bar_right - self.bar_left) * share


WIDE = BarLayout(width=680, bar_left=272, bar_right=598, label_chars=44)
NARROW = BarLayout(width=470, bar_left=150, bar_right=400, label_chars=22)


class Gridline(NamedTuple):
    x: str
    label: str
    caption: str


class GapBar(NamedTuple):
    number: int
    label: list[str]
    label_y: str
    y: str
    text_y: str
    score: float | None
    score_width: str
    target: float | None
    target_x: str | None
    shortfall_x: str
    shortfall_width: str
    gap: int | None
    risk: str | None
    value_x: str


class BarChart(NamedTuple):
    width: int
    height: int
    bar_left: int
    bar_right: int
    axis_y: str
    bar_height: int
    gridlines: list[Gridline]
    bars: list[GapBar]


def _gridlines(levels: Sequence[LevelBand], layout: BarLayout) -> list[Gridline]:
    marks = [Gridline(x=_fmt(layout.x(band.min)), label=_fmt(band.min), caption=f"L{band.level}") for band in levels]
    if not any(band.min == FULL_SCORE for band in levels):
        marks.append(Gridline(x=_fmt(layout.x(FULL_SCORE)), label="100", caption=""))
    return marks


def gap_bars(
    titles: Sequence[str],
    scores: Sequence[float | None],
    targets: Sequence[float | None],
    gaps: Sequence[int | None],
    risks: Sequence[str | None],
    levels: Sequence[LevelBand],
    layout: BarLayout = WIDE,
) -> BarChart:
    """One bar per section: the score, the shortfall to the target level's threshold, and a target tick."""
    bars = []
    for i, (title, score, target, gap, risk) in enumerate(zip(titles, scores, targets, gaps, risks, strict=True)):
        top = BAR_TOP + i * BAR_ROW
        label = wrap_label(f"{i + 1}. {title}", layout.label_chars, 2)
        reached = score or 0.0
        short_from = layout.x(reached)
        # a section nobody could score has no shortfall to draw: "not assessed" is not "scored 0"
        short_to = layout.x(target) if score is not None and target is not None and target > reached else short_from
        bars.append(GapBar(
            number=i + 1, label=label, label_y=_fmt(top + (13 if len(label) == 1 else 7)),
            y=_fmt(top + 4), text_y=_fmt(top + 16), score=score,
            score_width=_fmt(layout.x(reached) - layout.bar_left), target=target,
            target_x=None if target is None else _fmt(layout.x(target)),
            shortfall_x=_fmt(short_from), shortfall_width=_fmt(short_to - short_from),
            gap=gap, risk=risk, value_x=_fmt(layout.bar_right + 8),
        ))
    height = BAR_TOP + len(titles) * BAR_ROW + 8
    return BarChart(width=layout.width, height=height, bar_left=layout.bar_left, bar_right=layout.bar_right,
                    axis_y=_fmt(height - 6), bar_height=18, gridlines=_gridlines(levels, layout), bars=bars)


# --- stages ------------------------------------------------------------------------------------------------------


class StageBar(NamedTuple):
    number: int
    name: str
    position: int
    score: float | None
    has_evidence: bool
    passed: bool
    reached: bool
    in_target: bool
    y: str
    text_y: str
    score_width: str
    value_x: str


class StageLadder(NamedTuple):
    width: int
    height: int
    bar_left: int
    bar_right: int
    pass_x: str
    pass_mark: float
    axis_y: str
    bar_height: int
    bars: list[StageBar]


class StageInput(NamedTuple):
    number: int
    name: str
    score: float | None
    has_evidence: bool
    passed: bool


def stage_ladder(
    stages: Sequence[StageInput], reached: int, target: int, pass_mark: float, layout: BarLayout = NARROW
) -> StageLadder:
    """One bar per stage against the pass mark; the stages between the reached one and the target are the gap."""
    bars = []
    for i, stage in enumerate(stages):
        top = BAR_TOP + i * BAR_ROW
        bars.append(StageBar(
            number=stage.number, name=stage.name, position=i + 1, score=stage.score,
            has_evidence=stage.has_evidence, passed=stage.passed, reached=stage.number <= reached,
            in_target=reached < stage.number <= target, y=_fmt(top + 4), text_y=_fmt(top + 16),
            score_width=_fmt(layout.x(stage.score or 0.0) - layout.bar_left), value_x=_fmt(layout.bar_right + 8),
        ))
    height = BAR_TOP + len(stages) * BAR_ROW + 8
    return StageLadder(width=layout.width, height=height, bar_left=layout.bar_left, bar_right=layout.bar_right,
                       pass_x=_fmt(layout.x(pass_mark)), pass_mark=pass_mark, axis_y=_fmt(height - 6), bar_height=18,
                       bars=bars)


# --- paired dots (before/after, company/customer) ----------------------------------------------------------------


class PairRow(NamedTuple):
    number: int
    label: list[str]
    label_y: str
    y: str
    first: float | None
    second: float | None
    first_x: str | None
    second_x: str | None
    line_from: str | None
    line_to: str | None
    delta: float | None
    direction: str
    value_x: str


class PairChart(NamedTuple):
    width: int
    height: int
    bar_left: int
    bar_right: int
    axis_y: str
    gridlines: list[Gridline]
    rows: list[PairRow]


def paired_dots(
    titles: Sequence[str], first: Sequence[float | None], second: Sequence[float | None], layout: BarLayout = WIDE
) -> PairChart:
    """A dumbbell per row: two scores on one 0-100 scale joined by a line, e.g. company and customer view."""
    rows = []
    for i, (title, a, b) in enumerate(zip(titles, first, second, strict=True)):
        top = BAR_TOP + i * BAR_ROW
        label = wrap_label(f"{i + 1}. {title}", layout.label_chars, 2)
        delta = None if a is None or b is None else round(b - a, 1)
        xs = [layout.x(v) for v in (a, b) if v is not None]
        rows.append(PairRow(
            number=i + 1, label=label, label_y=_fmt(top + (13 if len(label) == 1 else 7)), y=_fmt(top + 13),
            first=a, second=b, first_x=None if a is None else _fmt(layout.x(a)),
            second_x=None if b is None else _fmt(layout.x(b)),
            line_from=_fmt(min(xs)) if len(xs) == 2 else None, line_to=_fmt(max(xs)) if len(xs) == 2 else None,
            delta=delta, direction="none" if not delta else ("up" if delta > 0 else "down"),
            value_x=_fmt(layout.bar_right + 8),
        ))
    height = BAR_TOP + len(titles) * BAR_ROW + 8
    ticks = [Gridline(x=_fmt(layout.x(v)), label=_fmt(v), caption="") for v in (0, 25, 50, 75, 100)]
    return PairChart(width=layout.width, height=height, bar_left=layout.bar_left, bar_right=layout.bar_right,
                     axis_y=_fmt(height - 6), gridlines=ticks, rows=rows)
