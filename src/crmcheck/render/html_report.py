"""HTML report: one self-contained page (inline CSS and SVG, no scripts, no fetches) from `reports/html.html.j2`."""

from __future__ import annotations

from typing import NamedTuple

from crmcheck.models.result import AssessmentResult, LevelBand, QuestionnaireResult, SectionResult, StageScore
from crmcheck.render import RenderOptions
from crmcheck.render.branding import Logo
from crmcheck.render.charts import (
    BarChart,
    PairChart,
    RadarChart,
    StageInput,
    StageLadder,
    gap_bars,
    paired_dots,
    radar,
    stage_ladder,
)
from crmcheck.render.reading import how_to_read
from crmcheck.render.report_parts import OptionalParts, PerceptionGap, QuestionnaireChange, optional_parts
from crmcheck.render.templating import render_template, target_score

TOP_PRIORITIES = 5
RADAR_MIN_AXES = 3  # fewer sections than this make no polygon: the bars alone show them


class MatrixCell(NamedTuple):
    stage: int
    position: int
    score: float | None
    reached: bool


class MatrixRow(NamedTuple):
    dimension: str
    reached: int
    reached_position: int
    cells: list[MatrixCell]


class SectionGap(NamedTuple):
    """A section below its target: how many levels short, and how many points its score must still gain."""

    section: SectionResult
    target_min: float | None

    @property
    def points(self) -> float | None:
        score = self.section.score
        return None if score is None or self.target_min is None else round(max(0.0, self.target_min - score), 1)


class QuestionnaireView(NamedTuple):
    """One questionnaire with everything its chapter draws."""

    q: QuestionnaireResult
    anchor: str
    label: str
    radar: RadarChart | None
    gaps: BarChart | None
    ladder: StageLadder | None
    matrix: list[MatrixRow]
    matrix_stages: list[StageScore]
    below_target: list[SectionGap]
    lowest: SectionResult | None
    highest: SectionResult | None
    change: QuestionnaireChange | None
    change_chart: PairChart | None
    perception: list[PerceptionGap]
    perception_chart: PairChart | None


def _matrix_stages(q: QuestionnaireResult) -> list[StageScore]:
    """The stages with questions: a baseline stage nobody can score (Traditional) would be an empty column."""
    if q.stage is None:
        return []
    return [s for s in q.stage.stages if s.has_evidence or any(row.get(s.number) is not None
                                                               for row in q.stage.matrix.values())]


def _matrix(q: QuestionnaireResult) -> list[MatrixRow]:
    if q.stage is None:
        return []
    positions = {stage.number: i + 1 for i, stage in enumerate(q.stage.stages)}
    rows = []
    for dimension, by_stage in q.stage.matrix.items():
        reached = q.stage.dimensions.get(dimension, 0)
        cells = [MatrixCell(stage=stage.number, position=positions[stage.number], score=by_stage.get(stage.number),
                            reached=stage.number <= reached and by_stage.get(stage.number) is not None)
                 for stage in _matrix_stages(q)]
        rows.append(MatrixRow(dimension=dimension, reached=reached, reached_position=positions.get(reached, 1),
                              cells=cells))
    return rows


def questionnaire_view(q: QuestionnaireResult, parts: OptionalParts) -> QuestionnaireView:
    titles = [s.title for s in q.sections]
    scores = [s.score for s in q.sections]
    assessed = [s for s in q.sections if s.score is not None]
    change = parts.changes.of(q.id) if parts.changes else None
    # with several respondents there is one result per lens; the perception gap belongs to the pair, shown once
    perception = parts.perception_of(q.id) if q.lens in (None, "company") else []
    radar_chart = gaps = ladder = None
    targets = [target_score(q.levels, s.target) for s in q.sections]
    below = [SectionGap(s, t) for s, t in zip(q.sections, targets, strict=True) if s.gap]
    if q.stage is None:
        if len(q.sections) >= RADAR_MIN_AXES:
            radar_chart = radar(titles, scores, targets, q.levels)
        gaps = gap_bars(titles, scores, targets, [s.gap for s in q.sections], [s.risk for s in q.sections],
                        q.levels)
    else:
        stages = [StageInput(s.number, s.name, s.score, s.has_evidence, s.passed) for s in q.stage.stages]
        ladder = stage_ladder(stages, q.stage.reached, q.stage.target, q.stage.pass_mark)
    change_chart = None
    if change and change.sections:
        change_chart = paired_dots([c.title for c in change.sections], [c.before for c in change.sections],
                                   [c.after for c in change.sections])
    perception_chart = None
    if perception:
        perception_chart = paired_dots([p.title for p in perception], [p.customer for p in perception],
                                       [p.company for p in perception])
    return QuestionnaireView(
        q=q, anchor=f"q-{q.id}" + (f"-{q.lens}" if q.lens else ""), label=_label(q), radar=radar_chart,
        gaps=gaps, ladder=ladder, matrix=_matrix(q),
        matrix_stages=_matrix_stages(q),
        below_target=sorted(below, key=lambda g: (-(g.section.gap or 0), -(g.points or 0))),
        lowest=min(assessed, key=lambda s: s.score or 0.0, default=None),
        highest=max(assessed, key=lambda s: s.score or 0.0, default=None),
        change=change, change_chart=change_chart, perception=perception, perception_chart=perception_chart,
    )


LENS_LABELS = {"company": "the company's view", "customer": "the customers' view"}


def _label(q: QuestionnaireResult) -> str:
    """The questionnaire's title, with whose view it is when respondents were grouped by lens."""
    if q.lens is None:
        return q.title
    count = f", {q.respondents} respondent{'s' if q.respondents != 1 else ''}" if q.respondents else ""
    return f"{q.title}: {LENS_LABELS.get(q.lens, q.lens)}{count}"


def _shared_levels(result: AssessmentResult) -> list[LevelBand]:
    """The maturity levels, when every questionnaire uses the same ones (the cover explains them once)."""
    scales = {tuple((b.level, b.name, b.min) for b in q.levels) for q in result.questionnaires}
    return result.questionnaires[0].levels if len(scales) == 1 else []


def render_with(result: AssessmentResult, options: RenderOptions, parts: OptionalParts) -> str:
    """The report with the given optional parts (the baseline change, the perception gap)."""
    extra = dict(options.extra)
    logo = extra.get("logo")
    context = {
        "result": result,
        "title": options.title or "CRM practice assessment",
        "logo": logo if isinstance(logo, Logo) else None,
        "top": result.top_recommendations(TOP_PRIORITIES),
        "titles": {q.id: q.title for q in result.questionnaires},
        "section_titles": {(q.id, s.id): s.title for q in result.questionnaires for s in q.sections},
        "level_scale": _shared_levels(result),
        "views": [questionnaire_view(q, parts) for q in result.questionnaires],
        "parts": parts,
        # under the heading "where the company rates itself above its customers": positive gaps only
        "overrated": sorted((p for p in parts.perception if p.gap is not None and p.gap > 0),
                            key=lambda p: -(p.gap or 0))[:5],
        "options": options,
        "reading": how_to_read(result),
    }
    return render_template("html.html.j2", options.template, context, autoescape=True)


def render(result: AssessmentResult, options: RenderOptions) -> str:
    return render_with(result, options, optional_parts(result))
