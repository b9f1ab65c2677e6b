"""`collect status` and the report of the collected answers agree on who finished (crmcheck.finished)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from crmcheck.catalog import Catalog
from crmcheck.collect.folder import Collection
from crmcheck.models.questionnaire import Question
from tests.conftest import run_cli

STOPPED_AT = 13


def a_value(question: Question) -> Any:
    """Some valid answer to any question."""
    if question.type == "scale":
        return 2
    if question.type == "yes_no":
        return "no"
    if question.type in ("choice", "checklist"):
        first = (question.options or [])[0].id
        return first if question.type == "choice" else [first]
    if question.type == "number":
        return (question.bands or [])[0].min
    return "a written answer"


def write_response(folder: Path, respondent: str, answers: dict[str, Any]) -> None:
    document = {"format": 1, "company": "Acme", "assessed_on": "2026-11-01",
                "respondent": {"name": respondent, "lens": "company"},
                "questionnaires": {"crm-mistakes": {"answers": answers}}}
    (folder / "responses" / f"{respondent}.yaml").write_text(json.dumps(document, indent=1))


def test_status_and_report_count_the_same_respondents_as_finished(tmp_path: Path) -> None:
    folder = tmp_path / "survey"
    assert run_cli("collect", "init", "crm-mistakes", "--company", "Acme", "--date", "2026-11-01", "-o",
                   str(folder)).code == 0
    assert run_cli("collect", "invite", str(folder), "--lens", "company", "--count", "3").code == 0
    questionnaire = Catalog.from_options().get("crm-mistakes")
    every = {full: a_value(question) for full, (_, question) in questionnaire.questions.items()}
    scored = [full for full, (_, question) in questionnaire.questions.items() if question.scored]
    # 001 answers everything; 002 pressed Finish after 13 scored questions; 003 marks the rest n/a instead
    write_response(folder, "company-001", every)
    write_response(folder, "company-002", {full: every[full] for full in scored[:STOPPED_AT]})
    write_response(folder, "company-003", {full: every[full] if i < STOPPED_AT else "n/a"
                                           for i, full in enumerate(scored)})
    Collection(folder).write_progress("company-002", 9, True)

    status = json.loads(run_cli("collect", "status", str(folder), "--format", "json").out)
    states = {r["respondent"]: r["state"] for r in status["respondents"]}
    assert states == {"company-001": "finished", "company-002": "started", "company-003": "finished"}

    report = json.loads(run_cli("report", str(folder / "responses"), "--format", "json").out)
    [company] = report["respondents"]
    assert (company["count"], company["finished"]) == (3, sum(s == "finished" for s in states.values()))
    [q] = report["questionnaires"]
    assert q["finished"] == 2
    # cells: all N (45 in version 2) + 13 + 13 answered; asked 3 x N less the N - 13 n/a cells of 003
    n = len(scored)
    assert n > 2 * STOPPED_AT
    assert q["completeness"] == round((n + 2 * STOPPED_AT) / (3 * n - (n - STOPPED_AT)), 3)
