"""Perception-gap, disagreement, respondent and not-evidenced parts in the terminal, markdown and JSON reports."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from tests.conftest import SMALL, run_cli
from tests.test_aggregate import write_respondents


@pytest.fixture
def mini_report(tmp_path: Path) -> tuple[Path, Path]:
    answers = write_respondents(tmp_path)
    return answers, tmp_path / "questionnaires"


def report(paths: tuple[Path, Path], *args: str) -> str:
    answers, questionnaires = paths
    run = run_cli("report", str(answers), "--questionnaires", str(questionnaires), *args)
    assert run.code == 0, run.err
    return run.out


def table_shapes(markdown: str) -> list[list[int]]:
    """Cells per row of every markdown table (escaped pipes do not count)."""
    tables: list[list[int]] = []
    current: list[int] = []
    for line in markdown.splitlines():
        if line.startswith("|"):
            current.append(len(re.findall(r"(?<!\\)\|", line)) - 1)
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return tables


def test_terminal_opens_with_the_perception_gap(mini_report: tuple[Path, Path]) -> None:
    lines = [line.rstrip() for line in report(mini_report).splitlines()]
    assert lines[:12] == [
        "Mini Co — CRM assessment of 2026-11-02, assessor Dana Lee",
        "5 respondents: 2 company, 3 customer; 5 finished",
        "",
        "Perception gap: Mini gap",
        "company view 93.1 (2) against customer view 23.1 (3): gap +70.0",
        "Gap by section (company − customer); the company rates itself higher in 2 of 2:",
        "Section                                Company   Customer      Gap",
        "───────────────────────────────────────────────────────────────────────────────",
        "Trust                                     93.8       17.9    +75.9   ████████",
        "Care                                      91.7       33.3    +58.4   ██████",
        "Largest gaps by question:",
        "1.  trust.reason  company 100.0, customer 23.3  +76.7",
    ]
    assert all(len(line) <= 80 for line in lines)


def test_terminal_shows_lens_blocks_disagreement_and_not_evidenced(mini_report: tuple[Path, Path]) -> None:
    text = "\n".join(line.rstrip() for line in report(mini_report).splitlines())
    assert "Mini gap — company view, 2 respondents  (v1)" in text
    assert "Mini gap — customer view, 3 respondents  (v1)" in text
    assert ("Not evidenced: 7 answers at 75 or above cite no evidence (per question: how many\nof its answers):\n"
            "  Care (3): care.known (1 of 2), care.replied (2 of 2)\n"
            "  Trust (4): trust.kept (2 of 2), trust.reason (2 of 2)") in text
    assert ("Respondents disagree (scores more than half the scale apart) on 1 question:\n"
            "  care.replied  0.0–100.0, mean 33.3 of 3") in text
    assert "Cara Diaz" not in text


def test_terminal_show_respondents_lists_people_and_their_answers(mini_report: tuple[Path, Path]) -> None:
    text = "\n".join(line.rstrip() for line in report(mini_report, "--show-respondents").splitlines())
    assert ("  care.replied  0.0–100.0, mean 33.3 of 3\n      Cara Diaz: no\n      Dev Patel: yes\n"
            "      Eve Moss: no") in text
    assert "Respondents" in text
    assert re.search(r"^customer\s+Eve Moss\s+Tester\s+\S+", text, re.MULTILINE)


def test_markdown_perception_gap_comes_first_and_adds_up(mini_report: tuple[Path, Path]) -> None:
    md = report(mini_report, "--format", "markdown")
    headings = [line for line in md.splitlines() if line.startswith("## ")]
    assert headings[:2] == ["## Perception gap: Mini gap", "## Summary"]
    assert ("**Company:** Mini Co · **Assessed on:** 2026-11-02 · **Assessor:** Dana Lee · "
            "**Respondents:** 5 respondents: 2 company, 3 customer; 5 finished") in md
    assert ("The company rates itself **+70.0** points above its customers: company view 93.1 (2 respondents), "
            "customer view 23.1 (3 respondents).") in md
    assert ("| Section | Company | Customer | Gap |\n|---|---:|---:|---:|\n"
            "| Trust | 93.8 | 17.9 | **+75.9** |\n| Care | 91.7 | 33.3 | **+58.4** |\n") in md
    assert ("| 1 | `trust.reason` Why do customers stay? | 100.0 | 23.3 | +76.7 |\n"
            "| 2 | `trust.kept` We keep our promises. | 87.5 | 12.5 | +75.0 |\n"
            "| 3 | `care.replied` Did we reply to every complaint? | 100.0 | 33.3 | +66.7 |\n"
            "| 4 | `care.known` We know our customers. | 87.5 | 33.3 | +54.2 |\n") in md
    assert all(len(set(shape)) == 1 for shape in table_shapes(md)), table_shapes(md)


def test_markdown_lens_sections_disagreement_and_not_evidenced(mini_report: tuple[Path, Path]) -> None:
    md = report(mini_report, "--format", "markdown")
    assert "## Mini gap — company view, 2 respondents\n" in md
    assert "| Mini gap — customer view, 3 respondents | 23.1 | 1 Initial | — | 100% | 4 |" in md
    assert ("### Not evidenced\n\nAnswers at 75 or above that cite no evidence (how many of each question's "
            "answers):\n\n- **Care** (3): `care.known` (1 of 2), `care.replied` (2 of 2)\n"
            "- **Trust** (4): `trust.kept` (2 of 2), `trust.reason` (2 of 2)\n") in md
    assert md.count("### Not evidenced") == 1  # customers' answers need no evidence
    assert ("### Where respondents disagree\n\nScores more than half the scale apart:\n\n"
            "- `care.replied` Did they reply to your complaint?: 0.0–100.0, mean 33.3 of 3\n") in md
    assert "| Did they reply to your complaint? | 33.3 | 0.0–100.0 | 3 | yes |" in md
    assert "| What would you change? | — | 2 written answers; shown with --show-respondents | 2 |  |" in md
    assert "Cara Diaz" not in md and "Answer the phone" not in md and "## Respondents" not in md


def test_markdown_show_respondents_adds_answers_and_people(mini_report: tuple[Path, Path]) -> None:
    md = report(mini_report, "--format", "markdown", "--show-respondents")
    assert ("| What would you change? | — | 2 written answers | 2 |  | Cara Diaz: Answer the phone; "
            "Dev Patel: Fewer upsell calls; Eve Moss: — |") not in md  # Eve wrote nothing: not listed
    assert ("| What would you change? | — | 2 written answers | 2 |  | Cara Diaz: Answer the phone; "
            "Dev Patel: Fewer upsell calls |") in md
    assert "| Respondent | Role | File |" in md
    assert re.search(r"\| customer \| Cara Diaz \| Tester \| \S*customer-1\.yaml \|", md)
    assert all(len(set(shape)) == 1 for shape in table_shapes(md)), table_shapes(md)


def test_html_show_respondents_adds_answers_and_people(mini_report: tuple[Path, Path]) -> None:
    """HTML shows what markdown shows: each respondent's answer under the question, and who answered; without
    the flag, neither (the answers are then not even gathered)."""
    from html.parser import HTMLParser

    html = report(mini_report, "--format", "html", "--show-respondents")
    assert "<li>Cara Diaz: Answer the phone</li><li>Dev Patel: Fewer upsell calls</li></ul>" in html
    assert "Eve Moss: —" not in html  # wrote nothing to that question: not listed
    assert re.search(r"<tr><td>customer</td><td>Cara Diaz</td><td>Tester</td><td><code>\S*customer-1\.yaml</code>",
                     html)
    HTMLParser().feed(html)  # parses
    private = report(mini_report, "--format", "html")
    assert "Cara Diaz" not in private and "Answer the phone" not in private and "respondents-title" not in private


def test_json_has_perception_gap_and_not_evidenced(mini_report: tuple[Path, Path]) -> None:
    data = json.loads(report(mini_report, "--format", "json"))
    [gap] = data["perception_gaps"]
    assert gap["sections"][0] == {"id": "trust", "section": "trust", "title": "Trust", "company": 93.8,
                                  "customer": 17.9, "gap": 75.9, "provisional": False}
    assert gap["questions"][-1] == {"id": "care.known", "section": "care", "title": "We know our customers.",
                                    "company": 87.5, "customer": 33.3, "gap": 54.2, "provisional": False}
    company = data["questionnaires"][0]
    assert company["sections"][0]["not_evidenced"] == [
        {"question": "care.known", "text": "We know our customers.", "score": 87.5, "answers": 1, "respondents": 2,
         "evidence_request": None},
        {"question": "care.replied", "text": "Did we reply to every complaint?", "score": 100.0, "answers": 2,
         "respondents": 2, "evidence_request": None},
    ]
    replied = data["questionnaires"][1]["sections"][0]["questions"][1]
    keys = ("score", "score_min", "score_max", "respondents", "disagreement", "individual")
    assert {k: replied[k] for k in keys} == {"score": 33.3, "score_min": 0.0, "score_max": 100.0, "respondents": 3,
                                             "disagreement": True, "individual": None}
    for key in ("company", "assessed_on", "questionnaires"):
        assert key in data


# ---------- one answers file: not evidenced is listed too ----------

SINGLE = """
format: 1
company: Solo Ltd
assessed_on: 2026-03-01
respondent: {{name: Sam, lens: {lens}}}
questionnaires:
  small:
    answers:
      alpha.one: 3
      alpha.two: {{value: yes, evidence: "signed-policy.pdf"}}
      alpha.three: [a, c]
      beta.pick1: x
      beta.pick3: {{value: z, evidence: "  "}}
      beta.days: 1
"""


@pytest.fixture
def single(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "q").mkdir()
    (tmp_path / "q" / "small.yaml").write_text(textwrap.dedent(SMALL))
    for lens in ("company", "customer"):
        (tmp_path / f"{lens}.yaml").write_text(textwrap.dedent(SINGLE.format(lens=lens)))
    return tmp_path, tmp_path / "q"


def single_report(paths: tuple[Path, Path], lens: str, *args: str) -> str:
    run = run_cli("report", str(paths[0] / f"{lens}.yaml"), "--questionnaires", str(paths[1]), *args)
    assert run.code == 0, run.err
    return run.out


def test_single_file_not_evidenced_in_every_format(single: tuple[Path, Path]) -> None:
    # alpha.one 0.75, alpha.three (2+1)/4 = 0.75, beta.pick3 0.8 (blank evidence), beta.days 1: no evidence;
    # alpha.two cites evidence; beta.pick1 scores 0.6
    text = "\n".join(line.rstrip() for line in single_report(single, "company").splitlines())
    assert ("Not evidenced: 4 answers at 75 or above cite no evidence:\n"
            "  Alpha (2): alpha.one, alpha.three\n"
            "  Beta (2): beta.pick3, beta.days") in text
    md = single_report(single, "company", "--format", "markdown")
    assert ("### Not evidenced\n\nAnswers at 75 or above that cite no evidence:\n\n"
            "- **Alpha** (2): `alpha.one`, `alpha.three`\n- **Beta** (2): `beta.pick3`, `beta.days`\n") in md
    data = json.loads(single_report(single, "company", "--format", "json"))
    alpha, beta = data["questionnaires"][0]["sections"]
    assert alpha["not_evidenced"] == [
        {"question": "alpha.one", "text": "One?", "score": 75.0, "answers": 1, "respondents": 1,
         "evidence_request": None},
        {"question": "alpha.three", "text": "Three?", "score": 75.0, "answers": 1, "respondents": 1,
         "evidence_request": None},
    ]
    assert [n["question"] for n in beta["not_evidenced"]] == ["beta.pick3", "beta.days"]
    assert data["perception_gaps"] == [] and data["respondents"] == []


def test_single_customer_file_lists_nothing_as_not_evidenced(single: tuple[Path, Path]) -> None:
    assert "Not evidenced" not in single_report(single, "customer")
    assert "Not evidenced" not in single_report(single, "customer", "--format", "markdown")
    data = json.loads(single_report(single, "customer", "--format", "json"))
    assert all(s["not_evidenced"] == [] for s in data["questionnaires"][0]["sections"])


def test_terminal_lists_at_most_ten_disagreements(tmp_path: Path) -> None:
    from tests.test_aggregate import MINI

    (tmp_path / "q").mkdir()
    # two respondents who disagree on every one of twelve yes/no questions
    head = textwrap.dedent(MINI).split("sections:")[0]
    questions = "".join(f"      - {{id: q{n}, text: {{company: C{n}?, customer: K{n}?}}, type: yes_no}}\n"
                        for n in range(12))
    (tmp_path / "q" / "mini-gap.yaml").write_text(f"{head}sections:\n  - id: s\n    title: S\n    questions:\n"
                                                  + questions)
    for name, value in (("a", "yes"), ("b", "no")):
        body = "".join(f"      s.q{n}: {value}\n" for n in range(12))
        (tmp_path / f"{name}.yaml").write_text(
            f"format: 1\ncompany: M\nassessed_on: 2026-01-01\nrespondent: {{lens: customer}}\n"
            f"questionnaires:\n  mini-gap:\n    answers:\n{body}")
    run = run_cli("report", str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml"), "--questionnaires", str(tmp_path / "q"))
    lines = [line.rstrip() for line in run.out.splitlines()]
    start = lines.index("Respondents disagree (scores more than half the scale apart) on 12 questions:")
    assert lines[start + 1: start + 12] == [f"  s.q{n}  0.0–100.0, mean 50.0 of 2" for n in range(10)] + [
        "  … and 2 more; the markdown report lists them all"]
    md = run_cli("report", str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml"), "--questionnaires", str(tmp_path / "q"),
                 "-f", "markdown").out
    assert md.count("0.0–100.0, mean 50.0 of 2\n") == 12


CONTEXT = "In the study the source cites, 80% of firms rated themselves good and 8% of customers agreed."


@pytest.fixture
def with_context(tmp_path: Path) -> tuple[Path, Path]:
    """The mini questionnaire with the source's figures on the gap (gap_context) and one company-only question."""
    answers = write_respondents(tmp_path)
    path = tmp_path / "questionnaires" / "mini-gap.yaml"
    text = path.read_text(encoding="utf-8")
    assert "lenses: [company, customer]\n" in text and text.count("  - id: trust\n") == 1
    only = ("      - id: logged\n        lenses: [company]\n        text: Is every complaint logged?\n"
            "        type: yes_no\n")
    path.write_text(text.replace("lenses: [company, customer]\n",
                                 f"lenses: [company, customer]\ngap_context: {json.dumps(CONTEXT)}\n")
                    .replace("  - id: trust\n", only + "  - id: trust\n"), encoding="utf-8")
    return answers, tmp_path / "questionnaires"


def test_junit_carries_the_gap_its_compared_questions_and_the_sources_figures(
        with_context: tuple[Path, Path]) -> None:
    import xml.etree.ElementTree as ET

    [gap] = json.loads(report(with_context, "--format", "json"))["perception_gaps"]
    # both lenses are asked four scored questions (known, replied, kept, reason); `why` is text, `logged` the
    # company's only
    assert (gap["compared"], gap["context"]) == (4, CONTEXT)
    suites = ET.fromstring(report(with_context, "--format", "junit")).findall("testsuite")
    assert len(suites) == 2  # the company's view and the customers'
    for suite in suites:
        properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
        assert properties["perception_gap"] == f"{gap['gap']:.1f}"
        assert properties["perception_compared"] == "4"
        assert properties["perception_context"] == f"The source's figures, not a benchmark of this company: {CONTEXT}"


def test_junit_without_gap_context_or_lens_only_questions_gives_the_gap_alone(mini_report: tuple[Path, Path]) -> None:
    import xml.etree.ElementTree as ET

    [gap] = json.loads(report(mini_report, "--format", "json"))["perception_gaps"]
    assert (gap["compared"], gap["context"]) == (None, None)
    for suite in ET.fromstring(report(mini_report, "--format", "junit")).findall("testsuite"):
        properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
        assert properties["perception_gap"] == f"{gap['gap']:.1f}"
        assert "perception_compared" not in properties and "perception_context" not in properties


def test_xlsx_perception_sheet_carries_compared_and_the_sources_figures(
        with_context: tuple[Path, Path], tmp_path: Path) -> None:
    from openpyxl import load_workbook

    out = tmp_path / "gap.xlsx"
    report(with_context, "--format", "xlsx", "-o", str(out))
    ws = load_workbook(out)["Perception gap"]
    assert ws.page_setup.fitToWidth == 1  # the two new columns still print one page wide
    sheet = list(ws.iter_rows(values_only=True))
    header = list(sheet[0])
    compared = header.index("Questions compared")
    context = header.index("Context: the source's figures, not a benchmark of this company")
    assert [(row[1], row[compared], row[context]) for row in sheet[1:]] == [
        ("trust", 4, CONTEXT), ("care", 4, CONTEXT)]  # largest gap first: trust 75.9, care 58.4
