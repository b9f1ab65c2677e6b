"""The load-time rules pydantic cannot express (uniqueness, references, order, kinds), and loading a checked
questionnaire."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any

from crmcheck.errors import InputError, Problem
from crmcheck.models.base import check_format, validate_document
from crmcheck.models.questionnaire.model import PROFILE_TYPES, Question, Questionnaire
from crmcheck.yamlio import Document, load_mapping


def _duplicates(doc: Document, items: list[Any], attr: str, what: str, where: tuple[Any, ...]) -> list[Problem]:
    """A problem at each repeated value of `attr`, naming the line where it was first used."""
    first: dict[Any, int] = {}
    problems = []
    for i, item in enumerate(items):
        value = getattr(item, attr)
        pos = doc.position((*where, i, attr))
        if value in first:
            problems.append(Problem(f"duplicate {what} '{value}' (first used on line {first[value]})", doc.path,
                                    pos.line, pos.column))
        else:
            first[value] = pos.line
    return problems


def _check(q: Questionnaire, doc: Document) -> list[Problem]:
    """The load-time rules pydantic cannot express: uniqueness, references, order, kinds."""
    problems: list[Problem] = []

    def report(message: str, *keys: Any, key: bool = False) -> None:
        pos = doc.position(keys, key=key)
        problems.append(Problem(message, doc.path, pos.line, pos.column))

    def unique(items: list[Any], attr: str, what: str, *where: Any) -> None:
        problems.extend(_duplicates(doc, items, attr, what, where))

    def ascending(values: list[float], what: str, *where: Any) -> None:
        for i in range(1, len(values)):
            if values[i] <= values[i - 1]:
                report(f"{what} must be in ascending order ({values[i]:g} after {values[i - 1]:g})", *where, i)

    for name, levels in q.scales.items():
        if not levels:
            report(f"scale '{name}' has no levels", "scales", name)
        unique(levels, "value", "scale value", "scales", name)
        ascending([lv.value for lv in levels], "scale values", "scales", name)
    unique(q.levels, "level", "level", "levels")
    ascending([lv.min for lv in q.levels], "level mins", "levels")
    ascending([lv.level for lv in q.levels], "level numbers", "levels")
    if q.levels and q.levels[0].min != 0:
        report("the first level must start at min 0, so that every score has a level", "levels", 0, "min")
    if q.risk_bands.high > q.risk_bands.medium:
        report("risk_bands.high must not be above risk_bands.medium", "risk_bands")
    unique(q.sections, "id", "section id", "sections")
    if len(set(q.dimensions)) != len(q.dimensions):
        report("duplicate dimension", "dimensions")
    if len(set(q.lenses)) != len(q.lenses):
        report("duplicate lens", "lenses")
    if q.gap_context is not None and len(q.lenses) < 2:
        report("'gap_context' frames the gap between two lenses; declare 'lenses' (for example [company, "
               "customer]) or remove it", "gap_context", key=True)
    stage_numbers = {s.number for s in q.stages}
    if q.kind == "staged":
        if not q.stages:
            report("a staged questionnaire must declare stages", "kind")
        if q.pass_mark is None:
            report("a staged questionnaire must declare pass_mark", "kind")
        if not q.dimensions:
            report("a staged questionnaire must declare dimensions", "kind")
        unique(q.stages, "number", "stage number", "stages")
        unique(q.stages, "id", "stage id", "stages")
        ascending([s.number for s in q.stages], "stage numbers", "stages")
        if q.default_target not in stage_numbers and q.stages:
            report(f"default_target {q.default_target} is not a declared stage number", "default_target")
    else:
        for field in ("stages", "pass_mark"):
            if getattr(q, field):
                report(f"'{field}' belongs to staged questionnaires only (kind is scored)", field, key=True)
        if q.default_target not in {lv.level for lv in q.levels}:
            report(f"default_target {q.default_target} is not a declared level", "default_target")

    all_ids: set[str] = set()
    for si, section in enumerate(q.sections):
        where = ("sections", si)
        if q.kind == "staged":
            if section.stage is None:
                report(f"section '{section.id}' needs a stage (the questionnaire is staged)", *where)
            elif section.stage not in stage_numbers:
                declared = ", ".join(str(s.number) for s in q.stages) or "none"
                report(f"stage {section.stage} is not declared in stages (declared: {declared})", *where, "stage")
        elif section.stage is not None:
            report("'stage' belongs to sections of staged questionnaires only", *where, "stage", key=True)
        problems.extend(_check_lens_keys(q, section.respondent_intro, doc, (*where, "respondent_intro")))
        for lens in q.lenses:
            if not section.questions_in(lens):
                report(f"section '{section.id}' asks no question of the {lens} lens: each section needs at least "
                       "one question in every lens, or its page would be empty", *where, "questions")
        unique(section.questions, "id", "question id", *where, "questions")
        for qi, question in enumerate(section.questions):
            all_ids.add(f"{section.id}.{question.id}")
            problems.extend(_check_question(q, question, doc, (*where, "questions", qi)))
    for si, section in enumerate(q.sections):
        for qi, question in enumerate(section.questions):
            for ri, old in enumerate(question.renamed_from):
                if old in all_ids:
                    report(f"renamed_from '{old}' is still a current question id", "sections", si,
                           "questions", qi, "renamed_from", ri)
    renamed = {old for section in q.sections for question in section.questions for old in question.renamed_from}
    seen: set[str] = set()
    for ri, old in enumerate(q.retired):
        if old in all_ids:
            report(f"retired '{old}' is still a current question id", "retired", ri)
        elif old in renamed:
            report(f"retired '{old}' is also a renamed_from: an old id either moved or was dropped", "retired", ri)
        elif old in seen:
            report(f"retired '{old}' is listed twice", "retired", ri)
        seen.add(old)
    return problems


def _check_question(q: Questionnaire, question: Question, doc: Document, where: tuple[Any, ...]) -> list[Problem]:
    problems: list[Problem] = []

    def report(message: str, *keys: Any, key: bool = False) -> None:
        pos = doc.position((*where, *keys), key=key)
        problems.append(Problem(message, doc.path, pos.line, pos.column))

    kind = question.type
    if kind == "scale":
        if question.scale is None:
            report("a scale question needs 'scale' (the name of one of the questionnaire's scales)")
        elif question.scale not in q.scales:
            known = ", ".join(q.scales) or "none declared"
            report(f"unknown scale '{question.scale}' (scales: {known})", "scale")
    elif question.scale is not None:
        report(f"'scale' is only for scale questions (this one is {kind})", "scale", key=True)
    if kind in ("choice", "checklist"):
        if not question.options:
            report(f"a {kind} question needs 'options'")
        problems.extend(_duplicates(doc, question.options or [], "id", "option id", (*where, "options")))
        for oi, option in enumerate(question.options or ()):
            if question.profile:
                if option.score is not None:
                    report("a profile question (scored: false) reports its answers, not scores: remove the "
                           "option's score", "options", oi, "score", key=True)
                if option.weight is not None:
                    report("a profile question (scored: false) is not scored: remove the option's weight",
                           "options", oi, "weight", key=True)
                continue
            if kind == "choice" and option.score is None:
                report(f"option '{option.id}' of a choice question needs a score (0 to 1)", "options", oi)
            if kind == "choice" and option.weight is not None:
                report("option weights are for checklists; a choice option has a score", "options", oi, "weight",
                       key=True)
            if kind == "checklist" and option.score is not None:
                report("checklist options take a weight, not a score", "options", oi, "score", key=True)
    elif question.options is not None:
        report(f"'options' are only for choice and checklist questions (this one is {kind})", "options", key=True)
    if "counted" in question.model_fields_set and kind not in PROFILE_TYPES:
        report(f"'scored' is only for choice and checklist questions (this one is {kind}); "
               "'scored: false' makes a profile question", "scored", key=True)
    if question.profile and "weight" in question.model_fields_set:
        report("a profile question (scored: false) is left out of every score, so a weight has no effect: "
               "remove it", "weight", key=True)
    if kind == "number":
        _check_range(question, report)
        if not question.bands:
            report("a number question needs 'bands' ({min, score} in ascending min) to be scored")
        mins = [b.min for b in question.bands or ()]
        for i in range(1, len(mins)):
            if mins[i] <= mins[i - 1]:
                report(f"bands must be in ascending order of min ({mins[i]:g} after {mins[i - 1]:g})", "bands", i)
    elif question.bands is not None:
        report(f"'bands' are only for number questions (this one is {kind})", "bands", key=True)
    else:
        for bound in ("min", "max"):
            if getattr(question, bound) is not None:
                report(f"'{bound}' is only for number questions (this one is {kind})", bound, key=True)
    if question.profile and question.critical:
        report("'critical' only applies to scored questions; a profile question (scored: false) is not scored",
               "critical", key=True)
    elif not question.scored and question.critical:
        report(f"'critical' only applies to scored questions; a {kind} question is not scored", "critical",
               key=True)
    if question.dimension is not None and question.dimension not in q.dimensions:
        known = ", ".join(q.dimensions) or "none declared"
        report(f"unknown dimension '{question.dimension}' (dimensions: {known})", "dimension")
    if q.kind == "staged" and question.scored and question.dimension is None:
        known = ", ".join(q.dimensions) or "none declared"
        report(f"question '{question.id}' needs a dimension: every scored question of a staged questionnaire "
               f"has one (dimensions: {known})")
    asked = _check_question_lenses(q, question, report)
    if isinstance(question.text, dict):
        missing = [lens for lens in asked if lens not in question.text]
        if missing and q.lenses:
            report(f"text has no wording for lens {', '.join(missing)}", "text")
    problems.extend(_check_lens_keys(q, question.text, doc, (*where, "text"), asked))
    problems.extend(_check_lens_keys(q, question.respondent_help, doc, (*where, "respondent_help"), asked))
    for oi, option in enumerate(question.options or ()):
        problems.extend(_check_lens_keys(q, option.labels, doc, (*where, "options", oi, "labels"), asked))
    _check_new_fields(q, question, report)
    return problems


def _check_lens_keys(q: Questionnaire, text: object, doc: Document, where: tuple[Any, ...],
                     asked: list[str] | None = None) -> list[Problem]:
    """Wording given per lens names only the questionnaire's declared lenses (and, for a question asked in only
    some of them, only those: wording for a lens that never sees the question would never be read)."""
    if not isinstance(text, dict):
        return []
    field = where[-1]
    if not q.lenses:
        pos = doc.position(where)
        return [Problem(f"{field} given per lens, but the questionnaire declares no 'lenses' (add, for example, "
                        "'lenses: [company, customer]' at the top level)", doc.path, pos.line, pos.column)]
    extra = [lens for lens in text if lens not in q.lenses]
    if extra:
        pos = doc.position((*where, extra[0]), key=True)
        return [Problem(f"{field} has wording for undeclared lens {', '.join(extra)} (lenses: "
                        f"{', '.join(q.lenses)})", doc.path, pos.line, pos.column)]
    unasked = [lens for lens in text if asked is not None and lens not in asked]
    if unasked:
        pos = doc.position((*where, unasked[0]), key=True)
        return [Problem(f"{field} has wording for lens {unasked[0]}, but the question is not asked in it "
                        f"(its lenses: {', '.join(asked or ())})", doc.path, pos.line, pos.column)]
    return []


def _check_question_lenses(q: Questionnaire, question: Question, report: Callable[..., None]) -> list[str]:
    """A question's own `lenses`: declared ones, each once, at least one. Returns the lenses it is asked in."""
    if question.asked_lenses is None:
        return list(q.lenses)
    if not q.lenses:
        report("'lenses' on a question needs 'lenses' declared at the top level of the questionnaire", "lenses",
               key=True)
        return []
    if not question.asked_lenses:
        report(f"a question is asked in at least one lens (lenses: {', '.join(q.lenses)}); remove the question "
               "instead", "lenses")
    for i, lens in enumerate(question.asked_lenses):
        if lens not in q.lenses:
            report(f"lens '{lens}' is not declared (lenses: {', '.join(q.lenses)})", "lenses", i)
        elif lens in question.asked_lenses[:i]:
            report(f"lens '{lens}' is listed twice", "lenses", i)
    return [lens for lens in question.asked_lenses if lens in q.lenses]


def _check_new_fields(q: Questionnaire, question: Question, report: Callable[..., None]) -> None:
    """anchors, reverse_scored, unknown_scores and measure: each only where it means something."""
    kind = question.type
    if question.anchors is not None:
        if kind not in ("scale", "choice") or not question.scored:
            report(f"'anchors' are for scored scale and choice questions (this one is {kind}"
                   f"{'' if question.scored else ', not scored'})", "anchors", key=True)
        elif kind == "choice":
            expected: list[Any] = [o.id for o in question.options or ()]
            _check_anchor_keys(question.anchors, expected, "option", report)
        elif question.scale in q.scales:
            _check_anchor_keys(question.anchors, [lv.value for lv in q.scales[question.scale]], "scale value",
                               report)
    if question.reverse_scored and kind != "scale":
        report(f"'reverse_scored' is for scale questions (this one is {kind})", "reverse_scored", key=True)
    for field in ("unknown_scores", "measure"):
        if getattr(question, field) is not None and kind != "number":
            report(f"'{field}' is for number questions (this one is {kind})", field, key=True)
    if question.measure is not None:
        from crmcheck.measure.catalog import METRICS

        if question.measure not in METRICS:
            close = difflib.get_close_matches(question.measure, list(METRICS), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            report(f"unknown metric '{question.measure}'{hint} (crmcheck measure computes: "
                   f"{', '.join(METRICS)})", "measure")


def _check_anchor_keys(anchors: dict[str, str], values: list[Any], what: str, report: Callable[..., None]) -> None:
    """Anchors for every scale value (or option) and nothing else: a partial set would leave answers undescribed."""
    expected = [str(v) for v in values]
    extra = [k for k in anchors if k not in expected]
    if extra:
        report(f"anchor for unknown {what} '{extra[0]}' (expected: {', '.join(expected)})",
               "anchors", extra[0], key=True)
        return
    missing = [e for e in expected if e not in anchors]
    if missing:
        report(f"anchors must describe every {what} or none: missing {', '.join(missing)}",
               "anchors")


def _check_range(question: Question, report: Callable[..., None]) -> None:
    """A number question's range: min <= max, and every band's min within it (else the band is unreachable)."""
    low, high = question.value_range
    if low is not None and high is not None and low > high:
        report(f"min ({low:g}) must not be above max ({high:g})", "min" if question.min is not None else "max")
        return
    for i, band in enumerate(question.bands or ()):
        if (low is not None and band.min < low) or (high is not None and band.min > high):
            report(f"band min {band.min:g} is outside the question's range {range_text(low, high)}",
                   "bands", i, "min")


def range_text(low: float | None, high: float | None) -> str:
    """A value range for messages: '0 to 100', 'at least 0', 'at most 10'."""
    if low is not None and high is not None:
        return f"{low:g} to {high:g}"
    if low is not None:
        return f"at least {low:g}"
    return f"at most {high:g}"


def parse_questionnaire(doc: Document) -> Questionnaire:
    """Validate a parsed document as a questionnaire, with every load-time check."""
    if not isinstance(doc.data, dict):
        raise doc.error("the top level must be a mapping of questionnaire fields")
    check_format(doc, "questionnaire")
    questionnaire = validate_document(Questionnaire, doc)
    problems = _check(questionnaire, doc)
    if problems:
        raise InputError(problems[0].message, problems=problems)
    return questionnaire


def load_questionnaire(path: str) -> Questionnaire:
    return parse_questionnaire(load_mapping(path))
