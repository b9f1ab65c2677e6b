"""`plan show --format csv`: one row per action, in the columns Jira's or GitHub's CSV issue import reads."""

from __future__ import annotations

import csv
import io

from crmcheck.inert import csv_cell
from crmcheck.models.plan_view import ActionView, PlanSummary, in_order
from crmcheck.plan.formats import CsvLayout
from crmcheck.render import RenderOptions

JIRA_COLUMNS = ("Issue ID", "Summary", "Issue Type", "Status", "Priority", "Assignee", "Due date", "Labels",
                "Labels", "Description")
GITHUB_COLUMNS = ("title", "body", "labels", "assignee", "state")
_PRIORITY = {"high": "High", "medium": "Medium", "low": "Low"}
_JIRA_STATUS = {"open": "To Do", "doing": "In Progress", "done": "Done", "dropped": "Done"}


_cell = csv_cell  # the spreadsheet rule of crmcheck.inert: a leading ' keeps a formula text


def _description(a: ActionView) -> str:
    parts = [f"crmcheck action {a.id} ({a.questionnaire} / {a.section})"]
    if a.questions:
        parts.append("Questions: " + ", ".join(a.questions))
    parts += [f"Phase: {a.phase}", f"Effort: {a.effort or 'not set'}"]
    if a.notes:
        parts.append(f"Notes: {a.notes}")
    return "\n".join(parts)


def _jira(a: ActionView) -> list[str]:
    return [a.id, a.title, "Task", _JIRA_STATUS[a.status], _PRIORITY.get(a.impact or "", "Medium"), a.owner or "",
            a.due.isoformat() if a.due else "", a.questionnaire, f"phase-{a.phase}", _description(a)]


def _github(a: ActionView) -> list[str]:
    labels = ",".join([a.questionnaire, f"phase-{a.phase}"] + ([f"impact-{a.impact}"] if a.impact else []))
    due = f"\nDue: {a.due.isoformat()}" if a.due else ""
    return [a.title, _description(a) + due, labels, a.owner or "", "closed" if a.status in ("done", "dropped")
            else "open"]


def render(summary: PlanSummary, options: RenderOptions) -> str:
    layout = CsvLayout(dict(options.extra).get("csv_layout", CsvLayout.JIRA))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(JIRA_COLUMNS if layout is CsvLayout.JIRA else GITHUB_COLUMNS)
    for action in in_order(summary.actions):
        writer.writerow([_cell(v) for v in (_jira(action) if layout is CsvLayout.JIRA else _github(action))])
    return out.getvalue()
