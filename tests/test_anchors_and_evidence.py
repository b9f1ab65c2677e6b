"""Answer anchors and evidence requests reach every place an assessor looks: `show`, `new`, the interview, the
report appendix and the evidence checklist, and the "not evidenced" flag; recommendations by level in `show`."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from crmcheck.catalog import Catalog
from crmcheck.interview import InterviewRequest, run_interview
from tests.conftest import questionnaire_dir, run_cli
from tests.test_interview import Script
from tests.test_scoring import STAGED_HEADER

ANCHORED = STAGED_HEADER.replace("id: staged", "id: anchored") + """  - id: s2
    stage: 2
    title: Stage two
    questions:
      - id: plan
        text: Is there a written plan?
        type: scale
        scale: p
        dimension: strategy
        anchors: {"0": "no plan anywhere", "1": "a plan exists but nobody uses it", "2": "the plan drives the budget"}
        evidence_request: the current plan and the last budget that cites it
        recommendation: {start: Write the plan., routine: Review it every quarter., improve: Tie the budget to it.}
      - id: route
        text: How do leads reach sales?
        type: choice
        dimension: people
        options: [{id: mail, label: By email, score: 0}, {id: crm, label: Through the CRM, score: 1}]
        anchors: {mail: "someone forwards them when they remember", crm: "the CRM assigns them the same day"}
        evidence_request: an export of last month's leads with their owner and assignment date
      - id: rate
        text: What share of leads is won?
        type: number
        unit: "%"
        unknown_scores: 0
        dimension: strategy
        bands: [{min: 0, score: 0}, {min: 4, score: 1}]
"""

ANSWERS = ("format: 1\ncompany: T\nassessed_on: 2026-01-01\nquestionnaires:\n  anchored:\n    answers:\n"
           "      s2.plan: 2\n      s2.route: {value: crm, evidence: leads-export.csv}\n      s2.rate: unknown\n")


@pytest.fixture
def folder() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="an-"))  # short: the interview folds long lines
    questionnaire_dir(path / "q", anchored=ANCHORED)
    (path / "a.yaml").write_text(ANSWERS)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_show_lists_anchors_evidence_and_recommendations_by_level(folder: Path) -> None:
    run = run_cli("show", "anchored", "--questionnaires", str(folder / "q"))
    assert run.code == 0, run.err
    text = " ".join(run.out.split())
    assert "What each answer looks like: 0: no plan anywhere 1: a plan exists but nobody uses it" in text
    assert "mail: someone forwards them when they remember crm: the CRM assigns them the same day" in text
    assert "Evidence: the current plan and the last budget that cites it" in text
    assert ("Recommendation by answer: start (below 0.5): Write the plan. routine (from 0.5): Review it every "
            "quarter. improve (from 0.75): Tie the budget to it.") in text
    assert "answer: a number from 0 to 100 (%), or unknown if nobody knows it" in text


def test_new_writes_anchors_under_the_question_for_the_company_only(folder: Path) -> None:
    run = run_cli("new", "anchored", "--questionnaires", str(folder / "q"), "-o", "-")
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    at = lines.index("      s2.plan:")
    assert lines[at - 4:at] == ["      # what each answer looks like here:", "      #     0:  no plan anywhere",
                                "      #     1:  a plan exists but nobody uses it",
                                "      #     2:  the plan drives the budget"]
    assert "      #     crm:  the CRM assigns them the same day" in lines


def test_interview_shows_anchors_under_each_choice_and_takes_u_for_not_known(folder: Path) -> None:
    request = InterviewRequest(questionnaire_ids=["anchored"], output=folder / "out.yaml", company="T",
                               assessor="A", respondent="R", role="Head", assessed_on=dt.date(2026, 1, 1),
                               questionnaire_dirs=[folder / "q"])
    script = Script("?", "2", "2", "u", "q")
    run_interview(request, Catalog([folder / "q"]), script.terminal)
    lines = script.lines
    label = lines.index("   2  Full")
    assert lines[label + 1].strip() == "the plan drives the budget"
    assert "Evidence to ask for: the current plan and the last budget that cites it" in script.text
    assert "Type a number (%), or u if nobody knows it." in script.text
    assert "✓ saved: not known" in script.text
    assert "s2.rate: unknown" in (folder / "out.yaml").read_text()


def test_u_is_refused_where_the_question_has_no_unknown_scores(folder: Path) -> None:
    from crmcheck.interview import read_reply

    q = Catalog([folder / "q"]).get("anchored")
    plain = q.questions["s2.rate"][1].model_copy(update={"unknown_scores": None})
    with pytest.raises(ValueError, match="'not known' is not an answer to this question"):
        read_reply(plain, q, "u")


def test_reports_end_with_the_anchors_appendix_and_the_evidence_checklist(folder: Path) -> None:
    args = (str(folder / "a.yaml"), "--questionnaires", str(folder / "q"))
    markdown = run_cli("report", *args, "--format", "markdown").out
    appendix = markdown.index("## Appendix: what each answer looks like")
    checklist = markdown.index("## Evidence checklist")
    assert appendix < checklist
    assert "  - **2 Full**: the plan drives the budget" in markdown[appendix:checklist]
    assert "  - **Through the CRM**: the CRM assigns them the same day" in markdown[appendix:checklist]
    # plan scores 100 without evidence: flagged; route cites its export: ticked
    assert ("- [ ] `s2.plan`: the current plan and the last budget that cites it **not evidenced**"
            in markdown[checklist:])
    assert ("- [x] `s2.route`: an export of last month's leads with their owner and assignment date (cited: "
            "leads-export.csv)") in markdown[checklist:]
    # the not-evidenced flag quotes what to ask for
    assert "`s2.plan` (ask for: the current plan and the last budget that cites it)" in markdown
    html = run_cli("report", *args, "--format", "html").out
    assert "<li><b>2 Full</b>: the plan drives the budget</li>" in html
    assert "☐ <code>s2.plan</code>: the current plan and the last budget that cites it <strong>not evidenced" in html
    data = json.loads(run_cli("report", *args, "--format", "json").out)
    plan = data["questionnaires"][0]["sections"][0]["questions"][0]
    assert plan["anchors"]["0 No"] == "no plan anywhere"
    assert plan["recommendation"] == "Tie the budget to it."  # score 1: the `improve` text
    assert data["questionnaires"][0]["sections"][0]["not_evidenced"][0]["evidence_request"] == (
        "the current plan and the last budget that cites it")
