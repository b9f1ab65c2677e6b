"""`crmcheck new ... --survey-template`: a CSV header row of question wordings to paste into a survey tool."""

from __future__ import annotations

import csv
import io

from crmcheck.models.questionnaire import Questionnaire


def survey_template(questionnaire: Questionnaire, lens: str, company: str | None = None) -> str:
    """One CSV row: every question's wording for the lens, in questionnaire order.

    A survey built with these exact wordings imports without a --map file: `crmcheck import`
    matches columns by wording (ignoring case, spacing, punctuation and question numbers).
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(question.wording(lens, company) for _, question in questionnaire.questions.values())
    return buffer.getvalue()
