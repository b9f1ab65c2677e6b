"""`crmcheck new ... --survey-template`: a CSV header row of question wordings to paste into a survey tool."""

from __future__ import annotations

import csv
import io

from crmcheck.models.questionnaire import Question, Questionnaire


def survey_template(questionnaire: Questionnaire, lens: str, company: str | None = None) -> str:
    """Three CSV rows, one column per question asked in the lens, in questionnaire order: the wording (the
    header row), what the respondent reads under it (its `respondent_help`, after the section's
    `respondent_intro` at a section's first question), and the answer choices as the respondent reads them.

    Only respondent wording goes in: never a question's `help` or a section's `summary`, which are the
    assessor's. A survey built with these exact wordings imports without a --map file: `crmcheck import`
    matches columns by wording (ignoring case, spacing, punctuation and question numbers); the export of
    the survey has the header row and the respondents' rows, not the second and third rows of this file.
    """
    wordings: list[str] = []
    guides: list[str] = []
    answers: list[str] = []
    for section in questionnaire.sections:
        intro = section.respondent_wording(lens, company)
        for i, question in enumerate(section.questions_in(lens)):
            wordings.append(question.wording(lens, company))
            parts = [intro] if intro and i == 0 else []
            help_text = question.respondent_wording(lens, company)
            guides.append(" ".join([*parts, *([help_text] if help_text else [])]))
            answers.append(_choices(question, questionnaire, lens, company))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in (wordings, guides, answers):
        writer.writerow(row)
    return buffer.getvalue()


def _choices(question: Question, questionnaire: Questionnaire, lens: str, company: str | None) -> str:
    """The answers a respondent picks from, as a survey tool lists them ('' for a number or text)."""
    if question.type == "scale":
        return " | ".join(lv.label for lv in questionnaire.scales[question.scale or ""])
    if question.type == "yes_no":
        return "Yes | No"
    if question.type in ("choice", "checklist"):
        many = " (any number)" if question.type == "checklist" else ""
        return " | ".join(o.wording(lens, company) for o in question.options or ()) + many
    return ""
