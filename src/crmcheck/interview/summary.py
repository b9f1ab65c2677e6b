"""The closing summary: score and level (or stage) per section, as plain lines for the terminal."""

from __future__ import annotations

from crmcheck.interview.terminal import wrap
from crmcheck.models.result import AssessmentResult


def closing_summary(result: AssessmentResult, questionnaire_ids: list[str], width: int) -> list[str]:
    """Score and level per section (and the stage for staged questionnaires), as plain lines."""
    lines: list[str] = []
    for q in result.questionnaires:
        if q.id not in questionnaire_ids:
            continue
        score = "not assessed" if q.score is None else f"{q.score:.1f}"
        level = f", level {q.level} {q.level_name}" if q.level is not None else ""
        lines += wrap(f"{q.title} ({q.id} v{q.version}): score {score}{level}, "
                       f"{q.completeness * 100:.0f}% complete", width)
        title_width = max(12, width - 2 - 2 - 12 - 2 - 16)
        lines.append(f"  {'Section':<{title_width}}  {'Score':>12}  {'Level' if q.kind == 'scored' else 'Stage'}")
        for s in q.sections:
            title = s.title if len(s.title) <= title_width else s.title[: title_width - 1] + "…"
            value = "not assessed" if s.score is None else f"{s.score:.1f}"
            if q.kind == "scored":
                level_text = "" if s.level is None else f"{s.level} {s.level_name}"
            else:
                level_text = f"{s.stage}"
            lines.append(f"  {title:<{title_width}}  {value:>12}  {level_text}"[: max(width, 40)].rstrip())
        if q.stage:
            lines += wrap(f"Stage reached: {q.stage.reached} {q.stage.name} (pass mark {q.stage.pass_mark:g}, "
                           f"target stage {q.stage.target})", width)
        lines.append("")
    return lines
