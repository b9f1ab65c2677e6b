"""The analyst's flow end to end: twenty staff and fifty customers surveyed, imported, and reported together."""

from __future__ import annotations

import json
from pathlib import Path

from crmcheck.catalog import Catalog
from tests.conftest import run_cli
from tests.survey_exports import google_forms_csv, microsoft_forms_xlsx, perception_answers


def test_twenty_staff_and_fifty_customers(tmp_path: Path) -> None:
    q = Catalog.from_options().get("perception-gap")
    # staff mostly answer 3 and 4, customers mostly 1 and 2, each +-1 at random per question
    staff = perception_answers(q, levels=[3 + n % 2 for n in range(20)], seed=20)
    customers = perception_answers(q, levels=[1 + n % 2 for n in range(50)], seed=50)
    microsoft_forms_xlsx(tmp_path / "Staff survey.xlsx", [qq.wording("company") for _, qq in q.questions.values()],
                         staff)
    asked = [full for full, (_, qq) in q.questions.items() if qq.asked_in("customer")]
    google_forms_csv(tmp_path / "Customer survey.csv", [q.questions[full][1].wording("customer") for full in asked],
                     [[row[list(q.questions).index(full)] for full in asked] for row in customers])
    common = ("-q", "perception-gap", "--company", "Brightwater Field Systems", "--date", "2026-11-02")
    run = run_cli("import", str(tmp_path / "Staff survey.xlsx"), "--lens", "company", "-o", str(tmp_path / "staff"),
                  *common)
    total, shown = len(q.questions), len(asked)  # customers are shown the questions asked of them only
    assert run.err == f"wrote 20 answers files to {tmp_path / 'staff'} (Microsoft Forms layout, company lens, " \
                      f"{total} of {total} questions matched)\n"
    run = run_cli("import", str(tmp_path / "Customer survey.csv"), "--lens", "customer", "-o",
                  str(tmp_path / "customers"), *common)
    assert run.err == f"wrote 50 answers files to {tmp_path / 'customers'} (Google Forms layout, customer lens, " \
                      f"{shown} of {shown} questions matched)\n"

    terminal = run_cli("report", str(tmp_path / "staff"), str(tmp_path / "customers"))
    assert terminal.code == 0, terminal.err
    first_page = terminal.out.splitlines()[:24]
    assert first_page[1] == "70 respondents: 20 company, 50 customer; 70 finished"
    assert first_page[3] == "Perception gap: The company-customer perception gap"
    assert first_page[5] == "Gap by section (company − customer); the company rates itself higher in 9 of 9:"
    assert any(line.startswith("Largest gaps by question:") for line in first_page)

    data = json.loads(run_cli("report", str(tmp_path / "staff"), str(tmp_path / "customers"), "-f", "json").out)
    [gap] = data["perception_gaps"]
    assert (gap["company_respondents"], gap["customer_respondents"]) == (20, 50)
    assert all(line["gap"] > 0 for line in gap["sections"])
    assert [line["gap"] for line in gap["sections"]] == sorted((line["gap"] for line in gap["sections"]), reverse=True)
    company, customer = data["questionnaires"]
    for c, k, line in zip(company["sections"], customer["sections"],
                          sorted(gap["sections"], key=lambda g: [s["id"] for s in company["sections"]].index(g["id"])),
                          strict=True):
        # the customer side is the customer lens's section score; the company side is scored over the questions
        # customers are asked too, so it may differ from the company lens's own section score
        assert line["customer"] == k["score"] and c["id"] == k["id"] == line["id"]
        assert line["gap"] == round(line["company"] - line["customer"], 1)
    assert sum(n["answers"] for s in company["sections"] for n in s["not_evidenced"]) > 0

    markdown = run_cli("report", str(tmp_path / "staff"), str(tmp_path / "customers"), "-f", "markdown").out
    assert [line for line in markdown.splitlines() if line.startswith("## ")][0].startswith("## Perception gap")
    assert "staff1@" not in markdown and "customer1@" not in markdown
