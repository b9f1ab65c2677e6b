"""Plain-text and JSON views of the questionnaire catalog (`list`) and of one questionnaire (`show`)."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING, Any

from crmcheck.catalog import Catalog
from crmcheck.json_text import json_document

if TYPE_CHECKING:
    from crmcheck.models.questionnaire import Question, Questionnaire


def list_rows(catalog: Catalog) -> list[dict[str, Any]]:
    """One row per questionnaire; a custom one is checked in full (the built-ins are checked by the tests), so
    that `list` flags a file every other command would refuse: `valid` false and its `errors`."""
    entries = sorted(catalog.entries.values(), key=lambda e: (e.origin != "built-in", e.id))
    return [{**entry.header, "origin": entry.origin, "path": str(entry.path), **_checked(catalog, entry.id,
                                                                                         entry.origin)}
            for entry in entries]


def _checked(catalog: Catalog, qid: str, origin: str) -> dict[str, Any]:
    if origin == "built-in":
        return {"valid": True, "errors": []}
    from crmcheck.errors import CrmcheckError

    try:
        catalog.get(qid)
    except CrmcheckError as exc:
        return {"valid": False, "errors": exc.lines()}
    return {"valid": True, "errors": []}


def list_problems(catalog: Catalog) -> list[str]:
    """The error lines of every custom questionnaire that fails its checks (for stderr)."""
    return [line for row in list_rows(catalog) for line in row["errors"]]


def render_list(catalog: Catalog, fmt: str, columns: int = 0) -> str:
    """The catalog as a table (one line per questionnaire; at a terminal, `columns` wide with titles wrapping)."""
    rows = list_rows(catalog)
    if fmt == "json":
        return json_document(rows)
    width = max([len(str(r["id"])) for r in rows] + [2])
    lines = [f"{'ID':<{width}}  VER  KIND    TITLE"]
    for r in rows:
        origin = "" if r["origin"] == "built-in" else f"  [{r['origin']}]"
        if not r["valid"]:
            origin += "  INVALID (its errors are on stderr)"
        lead = f"{r['id']:<{width}}  {r['version']!s:<3}  {r['kind']!s:<6}  "
        if columns <= 0:
            lines.append(f"{lead}{r['title']}{origin}")
            continue
        # a long title wraps under itself rather than at the terminal's edge
        lines += textwrap.wrap(f"{r['title']}{origin}", max(columns, len(lead) + 20), initial_indent=lead,
                               subsequent_indent=" " * len(lead), break_on_hyphens=False) or [lead.rstrip()]
    return "\n".join(lines) + "\n"


def _lens_only(question: Question, q: Questionnaire) -> str:
    """The lenses a question is limited to ("company"), or "" when every lens of the questionnaire asks it."""
    asked = question.asked_lenses
    if asked is None or not q.lenses or set(asked) >= set(q.lenses):
        return ""
    return " and ".join(asked)


def render_show(q: Questionnaire, fmt: str, width: int = 80) -> str:
    if fmt == "json":
        data = q.model_dump(mode="json", exclude_none=True, by_alias=True)
        return json_document(data)
    from crmcheck.answers.layout import allowed_answers, anchor_lines, option_lines
    from crmcheck.models.questionnaire import RecommendationByLevel

    out: list[str] = []

    def para(text: str, indent: str = "", first: str | None = None) -> None:
        out.extend(textwrap.wrap(" ".join(text.split()), width, initial_indent=indent if first is None else first,
                                 subsequent_indent=indent, break_on_hyphens=False) or [indent])

    out.append(f"{q.title}  ({q.id} v{q.version}, {q.kind})")
    para(f"Source: {q.source}")
    if q.description:
        para(q.description)
    out.append("")
    para("Levels: " + ", ".join(f"{lv.level} {lv.name} (from {lv.min:g})" for lv in q.levels))
    if q.kind == "staged":
        para("Stages: " + ", ".join(f"{s.number} {s.name}" for s in q.stages) + f"; pass mark {q.pass_mark:g}")
        para("Dimensions: " + ", ".join(q.dimensions))
    else:
        para(f"Risk: high below {q.risk_bands.high:g}, medium below {q.risk_bands.medium:g}")
    if q.lenses:
        para("Lenses: " + ", ".join(q.lenses))
    for name, levels in q.scales.items():
        para(f"Scale {name}: " + ", ".join(f"{lv.value} {lv.label}" for lv in levels), "")
    for number, section in enumerate(q.sections, 1):
        out.append("")
        stage = f", stage {section.stage}" if section.stage is not None else ""
        weight = f", weight {section.weight:g}" if section.weight != 1 else ""
        para(f"{number}. {section.title}  [{section.id}{stage}{weight}]", "   ", first="")
        if section.summary:
            para(section.summary, "   ")
        for question in section.questions:
            flags: list[str] = [question.type]
            if question.weight != 1:
                flags.append(f"weight {question.weight:g}")
            if question.critical:
                flags.append("critical")
            if question.profile:
                flags.append("profile")
            if question.dimension:
                flags.append(question.dimension)
            if question.reverse_scored:
                flags.append("reverse-scored")
            only = _lens_only(question, q)
            if only:
                flags.append(f"{only} only")
            if question.measure:
                flags.append(f"measure {question.measure}")
            para(f"{section.id}.{question.id}  ({', '.join(flags)})", "     ", first="   - ")
            if isinstance(question.text, dict):
                for lens, text in question.text.items():
                    para(f"{lens}: {text}", "     ")
            else:
                para(question.text, "     ")
            if question.type in ("choice", "checklist"):
                para(allowed_answers(question, q).split(":", 1)[0] + ":", "     ")
                for line in option_lines(question):  # aligned: id, then label, a long label wrapping under itself
                    hang = " " * (len(line) - len(line.split("  ", 1)[-1].lstrip()))
                    out.extend(textwrap.wrap(line, width, initial_indent="       ", subsequent_indent="       " + hang,
                                             break_on_hyphens=False))
            else:
                para(allowed_answers(question, q), "     ")
            if question.reverse_scored and question.scale in q.scales:
                levels = q.scales[question.scale]
                para(f"Reverse-scored: keyed negatively, so the top of the scale is the weak answer "
                     f"({levels[-1].value} {levels[-1].label} scores {1 - levels[-1].score:g}, "
                     f"{levels[0].value} {levels[0].label} scores {1 - levels[0].score:g}).", "     ")
            if only:
                para(f"Asked in the {only} lens only: respondents of the other lenses never see it, and the "
                     "perception gap leaves it out.", "     ")
            if question.anchors:
                para("What each answer looks like:", "     ")
                for line in anchor_lines(question):
                    para(line, "         ", first="       ")
            if question.evidence_request:
                para(f"Evidence: {question.evidence_request}", "     ")
            recommendation = question.recommendation
            if isinstance(recommendation, RecommendationByLevel):
                para("Recommendation by answer:", "     ")
                for name, text in (("start (below 0.5)", recommendation.start),
                                   ("routine (from 0.5)", recommendation.routine),
                                   ("improve (from 0.75)", recommendation.improve)):
                    para(f"{name}: {text}", "         ", first="       ")
            elif recommendation:
                para(f"Recommendation: {recommendation}", "     ")
    return "\n".join(out) + "\n"
