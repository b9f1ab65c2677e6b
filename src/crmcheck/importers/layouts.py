"""The export layouts of survey tools: how many header rows, and which columns are the tool's own."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from crmcheck.importers.cells import normalize
from crmcheck.importers.table import Row


class LayoutName(StrEnum):
    google_forms = "google-forms"
    microsoft_forms = "microsoft-forms"
    surveymonkey = "surveymonkey"
    typeform = "typeform"
    plain = "plain"


@dataclass(frozen=True)
class Layout:
    name: LayoutName
    title: str
    header_rows: int = 1


LAYOUTS = {
    LayoutName.google_forms: Layout(LayoutName.google_forms, "Google Forms"),
    LayoutName.microsoft_forms: Layout(LayoutName.microsoft_forms, "Microsoft Forms"),
    LayoutName.surveymonkey: Layout(LayoutName.surveymonkey, "SurveyMonkey", header_rows=2),
    LayoutName.typeform: Layout(LayoutName.typeform, "Typeform"),
    LayoutName.plain: Layout(LayoutName.plain, "plain CSV"),
}

# Columns the tools add about the response itself, ignored without comment (normalized header text).
# Kept as one set for every layout: exports get re-saved and merged, and none of these is a question.
TOOL_COLUMNS = frozenset(normalize(name) for name in (
    # Google Forms
    "Timestamp", "Email Address", "Email", "Score",
    # Microsoft Forms
    "Start time", "Completion time", "Last modified time", "Total points", "Quiz feedback",
    # SurveyMonkey
    "Collector ID", "Start Date", "End Date", "IP Address",
    # Typeform
    "Response Type", "Start Date (UTC)", "Stage Date (UTC)", "Submit Date (UTC)", "Network ID", "Tags", "Ending",
))
# Columns a tool adds beside each question ("Points - Q1", "Feedback - Q1") or for its own data ("Custom Data 1").
# Matched on the header as written, separator included: reduced by `normalize`, "Feedback - " would also
# swallow a question id such as "feedback.closed-loop" and silently drop the whole section.
_TOOL_COLUMN_PATTERN = re.compile(r"^\s*(?:(?:points|feedback)\s+-\s|custom\s+data(?:\s+\d+)?\s*$)", re.IGNORECASE)

# Columns that say who answered (normalized header text).
RESPONDENT_ID_COLUMNS = frozenset(normalize(n) for n in ("ID", "Respondent ID", "Response ID"))
NAME_COLUMNS = frozenset(normalize(n) for n in ("Name", "Your name", "Full name", "Respondent name", "Respondent"))
FIRST_NAME_COLUMNS = frozenset(normalize(n) for n in ("First Name", "First name"))
LAST_NAME_COLUMNS = frozenset(normalize(n) for n in ("Last Name", "Surname"))
ROLE_COLUMNS = frozenset(normalize(n) for n in ("Role", "Your role", "Job title", "Your job title", "Position"))
ANONYMOUS = frozenset({"anonymous", "anonym", "anon"})

# SurveyMonkey's second header row says "Response" under a one-column question.
SUBHEADER_FOR_WHOLE_QUESTION = frozenset(normalize(n) for n in ("Response", "Open-Ended Response", ""))


def is_tool_column(header: str) -> bool:
    text = normalize(header)
    return header.strip() == "#" or text in TOOL_COLUMNS or _TOOL_COLUMN_PATTERN.match(header) is not None


def detect(rows: list[Row]) -> Layout:
    """The tool whose export this is, judged from the header row (and SurveyMonkey's second one)."""
    if not rows:
        return LAYOUTS[LayoutName.plain]
    header = [normalize(c) for c in rows[0].cells]
    first = rows[0].cell(0).strip()
    if normalize("Respondent ID") in header and len(rows) > 1 and not rows[1].cell(0).strip():
        return LAYOUTS[LayoutName.surveymonkey]
    if normalize("Start time") in header and normalize("Completion time") in header:
        return LAYOUTS[LayoutName.microsoft_forms]
    if header and header[0] == "timestamp":
        return LAYOUTS[LayoutName.google_forms]
    if first == "#" or normalize("Submit Date (UTC)") in header or normalize("Network ID") in header:
        return LAYOUTS[LayoutName.typeform]
    return LAYOUTS[LayoutName.plain]
