"""`crmcheck import`: each survey tool's export layout, every reported problem, and nothing written on error."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from crmcheck.answers.model import load_answers
from crmcheck.catalog import Catalog
from crmcheck.models.questionnaire import Questionnaire
from crmcheck.resolve import resolve
from tests.conftest import EXAMPLES, ROOT, run_cli
from tests.survey_exports import microsoft_forms_xlsx

SURVEYS = ROOT / "tests" / "data" / "surveys"
TOOLING = ("--questionnaires", str(SURVEYS / "questionnaires"))
COMPANY = "Brightwater Field Systems"
# The survey exports were made from version 1 of perception-gap, so they are imported with that version
# (kept here as a custom questionnaire that replaces the built-in); version 2 is tested in test_questionnaire_versions.
PERCEPTION_V1 = SURVEYS / "perception-v1"
V1_ENV = {"CRMCHECK_QUESTIONNAIRES": str(PERCEPTION_V1)}
V1_EXAMPLES = SURVEYS / "perception-v1-examples"  # the example respondents' version-1 answers the exports carry


def perception() -> Questionnaire:
    return Catalog.from_options([PERCEPTION_V1]).get("perception-gap")


def answers_of(path: Path, *, builtin: bool = False) -> dict[str, tuple[str, Any]]:
    """Every question's (status, value) as crmcheck reads the answers file (`builtin`: today's perception-gap)."""
    source = load_answers(str(path))
    [(qid, given)] = source.answers.questionnaires.items()
    dirs = [SURVEYS / "questionnaires"] + ([] if builtin else [PERCEPTION_V1])
    questionnaire = Catalog.from_options(dirs).get(qid)
    return {full: (r.status, r.value) for full, r in resolve(questionnaire, given, source, qid).items()}


def import_cli(survey: Path | str, out: Path, *args: str, lens: str = "customer", questionnaire: str = "perception-gap",
               date: str = "2026-11-02", env: dict[str, str] | None = None) -> Any:
    return run_cli("import", str(survey), "--questionnaire", questionnaire, "--lens", lens, "--company", COMPANY,
                   "--date", date, "-o", str(out), *args, env=V1_ENV if env is None else env)


# ---------- Google Forms ----------

def test_google_forms_bad_row_writes_nothing_and_reports_row_and_column(tmp_path: Path) -> None:
    survey = SURVEYS / "google-forms-customers.csv"
    run = import_cli(survey, tmp_path / "out")
    assert run.code == 2
    assert run.err.splitlines() == [
        f"{survey}:1:5: warning: column E ('Which Brightwater products do you use?') matches no question of "
        "perception-gap; ignored (name it in a --map file to import it)",
        f"{survey}:7:3: row 7, column C ('If a comparable product at a similar price came a…'): 'Maybe' is not on "
        "the likelihood scale; expected one of 0 (Very unlikely), 1 (Unlikely), 2 (Not sure), 3 (Likely), "
        "4 (Very likely), or n/a",
        f"{survey}:7:4: row 7, column D ('What mainly keeps you with them?'): 'Their prices' is not an option of "
        "this question; options: The results the product delivers (results); Trust in the people and the "
        "relationship (trust); Discounts, perks or contract incentives (perks); Habit and convenience: it works "
        "well enough (habit); Leaving would be too costly or risky, or there is no real alternative (locked-in)",
        f"{survey}: nothing written: 2 unreadable cells in 1 row; fix them, or write the good rows with "
        "--skip-invalid",
    ]
    assert not (tmp_path / "out").exists()


def test_google_forms_skip_invalid_writes_the_customers_answers_exactly(tmp_path: Path) -> None:
    run = import_cli(SURVEYS / "google-forms-customers.csv", tmp_path / "out", "--skip-invalid")
    assert run.code == 0, run.err
    assert run.err.splitlines()[-2:] == [
        f"{SURVEYS / 'google-forms-customers.csv'}: skipped 1 row with unreadable cells (--skip-invalid): 7",
        f"wrote 5 answers files to {tmp_path / 'out'} (Google Forms layout, customer lens, 36 of 36 questions "
        "matched)",
    ]
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert written == [f"customer-row-00{n}.yaml" for n in range(2, 7)]
    for n in range(1, 6):
        imported = answers_of(tmp_path / "out" / f"customer-row-00{n + 1}.yaml")
        expected = answers_of(V1_EXAMPLES / f"customer-{n}.yaml")
        if n == 3:  # the export's third customer wrote a two-line answer instead
            expected["feedback.one-change"] = imported["feedback.one-change"]
        assert imported == expected, n
    third = load_answers(str(tmp_path / "out" / "customer-row-004.yaml")).answers
    assert (third.company, str(third.assessed_on), third.lens) == (COMPANY, "2026-11-02", "customer")
    one_change = third.questionnaires["perception-gap"].answers["feedback.one-change"].value
    assert one_change == "Keep the dispatcher we had in year one.\nShe knew our crews by name."


# ---------- SurveyMonkey ----------

def test_surveymonkey_two_header_rows_bom_matrix_and_names(tmp_path: Path) -> None:
    survey = SURVEYS / "surveymonkey-staff.csv"
    run = import_cli(survey, tmp_path / "staff", lens="company")
    assert run.code == 0, run.err
    assert run.err.splitlines() == [
        f"{survey}:1:12: warning: column L ('What mainly keeps our customers with us? / Other …') matches no "
        "question of perception-gap; ignored (name it in a --map file to import it)",
        f"{survey}:6:1: warning: row 6 answers no question; skipped",
        f"wrote 3 answers files to {tmp_path / 'staff'} (SurveyMonkey layout, company lens, 36 of 36 questions "
        "matched)",
    ]
    for row, respondent_id, example, name in ((3, "114882301", "company-marketing", "Priya Natarajan"),
                                              (4, "114882517", "company-sales", "Elena Fischer"),
                                              (5, "114883090", "company-support", "Marcus Bell")):
        path = tmp_path / "staff" / f"company-{respondent_id}.yaml"
        assert answers_of(path) == answers_of(V1_EXAMPLES / f"{example}.yaml")
        respondent = load_answers(str(path)).answers.respondent
        assert respondent is not None and (respondent.name, respondent.lens) == (name, "company")
        assert path.read_text().startswith(
            f"# Imported by crmcheck from surveymonkey-staff.csv (row {row}, respondent {respondent_id}).\n")


def test_surveymonkey_checklist_spread_over_option_columns(tmp_path: Path) -> None:
    survey = SURVEYS / "surveymonkey-tooling.csv"
    run = import_cli(survey, tmp_path / "out", *TOOLING, questionnaire="tooling", lens="company")
    assert run.code == 0, run.err
    assert run.err.splitlines()[0] == (
        f"{survey}:1:14: warning: column N ('Which of these tools do you use with customers? /…') matches no "
        "question of tooling; ignored (name it in a --map file to import it)")
    ana = answers_of(tmp_path / "out" / "company-118000001.yaml")
    ben = answers_of(tmp_path / "out" / "company-118000002.yaml")
    assert ana["tools.used"] == ("answered", ["crm", "email"])
    assert ben["tools.used"] == ("answered", ["chat"])
    assert (ana["tools.reply-hours"], ana["tools.upkeep"], ana["tools.owner"]) == (
        ("answered", 1), ("answered", 4), ("answered", True))
    assert ben["tools.comment"] == ("answered", "Too many tools")


# ---------- Typeform ----------

def test_typeform_ids_yes_no_as_digits_hidden_fields_and_a_bad_row(tmp_path: Path) -> None:
    survey = SURVEYS / "typeform-customers.csv"
    run = import_cli(survey, tmp_path / "out")
    assert run.code == 2
    assert run.err.splitlines() == [
        f"{survey}:1:38: warning: column AL ('utm_source') matches no question of perception-gap; ignored (name it "
        "in a --map file to import it)",
        f"{survey}:5:34: row 5, column AH ('In the past year, have they told you about a chan…'): '2' is not yes or "
        "no",
        f"{survey}: nothing written: 1 unreadable cell in 1 row; fix them, or write the good rows with "
        "--skip-invalid",
    ]
    run = import_cli(survey, tmp_path / "out", "--skip-invalid")
    assert run.code == 0, run.err
    for respondent_id, n in (("k2w9sd0x6q1b7yq3k2w9sd0xq2l1mz8a", 2), ("p0c4n8fh3t5vwe0pp0c4n8fh1r7eoa9d", 4),
                             ("x7m1b3qz9l0ad4ex7m1b3qz9bq8ss2kn", 5)):
        imported = answers_of(tmp_path / "out" / f"customer-{respondent_id}.yaml")
        assert imported == answers_of(V1_EXAMPLES / f"customer-{n}.yaml")


def test_typeform_html_in_headers_and_comma_joined_choices(tmp_path: Path) -> None:
    run = import_cli(SURVEYS / "typeform-tooling.csv", tmp_path / "out", *TOOLING, questionnaire="tooling",
                     lens="company")
    assert run.code == 0, run.err
    first = answers_of(tmp_path / "out" / "company-ab12cd34ef56gh78ab12cd34ef56gh78.yaml")
    second = answers_of(tmp_path / "out" / "company-zz12cd34ef56gh78ab12cd34ef56gh99.yaml")
    assert first["tools.used"] == ("answered", ["crm", "chat"])
    assert first["tools.reply-hours"] == ("answered", "1.5")
    assert first["tools.upkeep"] == ("answered", 4)  # header "<strong>How well</strong> is the CRM kept up to date?"
    assert second["tools.used"] == ("answered", ["email"])  # "Email, newsletters and drip campaigns": one label
    assert second["tools.owner"] == ("answered", False)


# ---------- Microsoft Forms (xlsx) ----------

def test_microsoft_forms_workbook(tmp_path: Path) -> None:
    q = perception()
    headers = [question.wording("company") for _, question in q.questions.values()]
    example = load_answers(str(V1_EXAMPLES / "company-sales.yaml")).answers
    given = example.questionnaires["perception-gap"].answers
    row: list[object] = []
    for full, (_, question) in q.questions.items():
        value = given[full].value if full in given else None
        if question.type == "scale" and isinstance(value, int):
            row.append(value)  # a number cell, as Forms' rating questions export
        elif question.type == "choice":
            row.append(question.option(value).label if question.option(str(value)) else value)  # type: ignore[union-attr]
        elif question.type == "yes_no" and isinstance(value, bool):
            row.append("Yes" if value else "No")
        else:
            row.append(value)
    workbook = tmp_path / "Staff survey(1-2).xlsx"
    microsoft_forms_xlsx(workbook, headers, [row, row])
    run = import_cli(workbook, tmp_path / "out", lens="company")
    assert run.code == 0, run.err
    assert run.err.splitlines() == [f"wrote 2 answers files to {tmp_path / 'out'} (Microsoft Forms layout, company "
                                    "lens, 36 of 36 questions matched)"]
    expected = answers_of(V1_EXAMPLES / "company-sales.yaml")
    assert answers_of(tmp_path / "out" / "company-1.yaml") == expected
    first = load_answers(str(tmp_path / "out" / "company-1.yaml")).answers.respondent
    assert first is not None and first.name == "Staff member 1"


def test_microsoft_forms_checklist_with_trailing_semicolon_and_anonymous_name(tmp_path: Path) -> None:
    workbook = tmp_path / "tooling.xlsx"
    headers = ["Which of these tools do you use with customers?", "How many hours does a first reply take on average?"]
    rows = [["CRM;Live chat;", 2], ["Email, newsletters and drip campaigns;", 5.5], [None, None], [None, 1],
            ["Customer portal;", 30]]
    microsoft_forms_xlsx(workbook, headers, rows)
    run = import_cli(workbook, tmp_path / "out", *TOOLING, questionnaire="tooling", lens="company")
    assert run.code == 0, run.err
    assert f"{workbook}:4:1: warning: row 4 answers no question; skipped" in run.err.splitlines()
    assert answers_of(tmp_path / "out" / "company-1.yaml")["tools.used"] == ("answered", ["crm", "chat"])
    assert answers_of(tmp_path / "out" / "company-2.yaml")["tools.reply-hours"] == ("answered", "5.5")
    fifth = load_answers(str(tmp_path / "out" / "company-5.yaml")).answers.respondent
    assert fifth is not None and fifth.name is None  # Forms writes "anonymous"


def test_xlsx_without_openpyxl_says_how_to_install_it(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker" / "openpyxl"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('blocked for this test')\n")
    workbook = tmp_path / "t.xlsx"
    microsoft_forms_xlsx(workbook, ["How well is the CRM kept up to date?"], [[3]])
    env = {"PYTHONPATH": os.pathsep.join([str(tmp_path / "blocker"), os.environ.get("PYTHONPATH", "")])}
    run = run_cli("import", str(workbook), "-q", "tooling", *TOOLING, "--lens", "company", "--company", "T", "-o",
                  str(tmp_path / "out"), env=env, process=True)
    assert (run.code, run.err) == (2, "reading .xlsx files needs openpyxl: pip install 'crmcheck[xlsx]' (or save "
                                      "the sheet as CSV)\n")


# ---------- plain CSV ----------

def test_plain_ids_semicolons_decimal_commas_and_quoted_newlines(tmp_path: Path) -> None:
    survey = SURVEYS / "plain-ids-semicolon.csv"
    run = import_cli(survey, tmp_path / "out", *TOOLING, questionnaire="tooling", lens="company")
    assert run.code == 0, run.err
    assert run.err.splitlines() == [
        f"{survey}:1:8: warning: column H ('Department') matches no question of tooling; ignored (name it in a "
        "--map file to import it)",
        f"wrote 3 answers files to {tmp_path / 'out'} (plain CSV layout, company lens, 5 of 5 questions matched)",
    ]
    first = answers_of(tmp_path / "out" / "company-r-01.yaml")
    assert first == {"tools.used": ("answered", ["crm", "email"]), "tools.reply-hours": ("answered", "2.5"),
                     "tools.upkeep": ("answered", 3), "tools.owner": ("answered", True),
                     "tools.comment": ("answered", "Replies are fast.\nChat is new.")}
    second = answers_of(tmp_path / "out" / "company-r-02.yaml")
    assert second["tools.used"] == ("answered", ["email", "chat"])
    assert second["tools.comment"] == ("unanswered", None)
    assert answers_of(tmp_path / "out" / "company-r-03.yaml")["tools.comment"] == ("n/a", None)
    respondent = load_answers(str(tmp_path / "out" / "company-r-01.yaml")).answers.respondent
    assert respondent is not None and (respondent.name, respondent.role) == (None, "Support lead")


def test_feedback_columns_dropped_by_the_tool_prefix(tmp_path: Path) -> None:
    """Regression: Microsoft Forms' "Feedback - " column prefix swallowed every question id starting "feedback"."""
    questionnaire = perception()
    ids = list(questionnaire.questions)
    first_of = {"scale": "1", "yes_no": "yes", "text": "Call back sooner"}
    row = [first_of.get(question.type) or (question.options or [])[0].id
           for _, question in questionnaire.questions.values()]
    survey = tmp_path / "perception-gap-plain.csv"
    survey.write_text(",".join(["Respondent ID", *ids]) + "\n" + ",".join(["r1", *row]) + "\n")
    run = import_cli(survey, tmp_path / "out")
    assert run.code == 0, run.err
    assert run.err.splitlines() == [f"wrote 1 answers file to {tmp_path / 'out'} (plain CSV layout, customer lens, "
                                    f"{len(ids)} of {len(ids)} questions matched)"]
    imported = answers_of(tmp_path / "out" / "customer-r1.yaml")
    feedback = {full: value for full, value in imported.items() if full.startswith("feedback.")}
    assert len(feedback) >= 5
    assert all(status == "answered" for status, _ in feedback.values())
    assert feedback["feedback.closed-loop"] == ("answered", True)
    assert feedback["feedback.one-change"] == ("answered", "Call back sooner")


def test_tool_columns_beside_questions_are_still_ignored(tmp_path: Path) -> None:
    survey = tmp_path / "forms.csv"
    survey.write_text("ID,feedback.closed-loop,Points - feedback.closed-loop,Feedback - feedback.closed-loop,"
                      "Custom Data 1\n7,no,0,Ask more often,x\n")
    run = import_cli(survey, tmp_path / "out")
    assert run.code == 0, run.err
    assert "matches no question" not in run.err
    assert f"1 of {len(perception().questions)} questions matched" in run.err
    assert answers_of(tmp_path / "out" / "customer-7.yaml")["feedback.closed-loop"] == ("answered", False)


def test_google_forms_checklist_labels_with_commas_units_and_an_unknown_option(tmp_path: Path) -> None:
    survey = SURVEYS / "google-forms-tooling.csv"
    run = import_cli(survey, tmp_path / "out", *TOOLING, questionnaire="tooling", lens="company")
    assert run.code == 2
    assert run.err.splitlines()[0] == (
        f"{survey}:4:3: row 4, column C ('Which of these tools do you use with customers?'): 'Fax machine' is not "
        "an option of this question; options: CRM (crm); Email, newsletters and drip campaigns (email); Live chat "
        "(chat); Customer portal (portal)")
    run = import_cli(survey, tmp_path / "out", *TOOLING, "--skip-invalid", questionnaire="tooling", lens="company")
    assert run.code == 0, run.err
    first = answers_of(tmp_path / "out" / "company-row-002.yaml")
    assert first["tools.used"] == ("answered", ["crm", "email", "portal"])
    second = answers_of(tmp_path / "out" / "company-row-003.yaml")
    assert (second["tools.reply-hours"], second["tools.upkeep"]) == (("answered", 26), ("answered", 1))


def test_encodings_bom_utf16_and_cp1252(tmp_path: Path) -> None:
    text = "tools.upkeep,tools.comment\r\n3,Caf\u00e9 cr\u00e8me\r\n"
    (tmp_path / "cp.csv").write_bytes(text.encode("cp1252"))
    run = import_cli(tmp_path / "cp.csv", tmp_path / "out", *TOOLING, questionnaire="tooling", lens="company")
    assert run.code == 2
    assert run.err == (f"{tmp_path / 'cp.csv'}:2:6: not valid utf-8 (byte 0xe9 at offset 33) (Excel's plain 'CSV' "
                       "is often cp1252: try --encoding cp1252)\n")
    run = import_cli(tmp_path / "cp.csv", tmp_path / "out", *TOOLING, "--encoding", "cp1252", questionnaire="tooling",
                     lens="company")
    assert run.code == 0, run.err
    assert answers_of(tmp_path / "out" / "company-row-002.yaml")["tools.comment"] == ("answered", "Café crème")
    (tmp_path / "u16.csv").write_bytes(text.replace(",", "\t").encode("utf-16"))
    run = import_cli(tmp_path / "u16.csv", tmp_path / "u16", *TOOLING, questionnaire="tooling", lens="company")
    assert run.code == 0, run.err
    assert answers_of(tmp_path / "u16" / "company-row-002.yaml")["tools.upkeep"] == ("answered", 3)


# ---------- problems with the file or the command ----------

def test_broken_csv_rows_are_reported(tmp_path: Path) -> None:
    (tmp_path / "wide.csv").write_text("tools.upkeep,tools.owner\n3,yes\n2,no,extra,cells\n")
    run = import_cli(tmp_path / "wide.csv", tmp_path / "out", *TOOLING, questionnaire="tooling", lens="company")
    assert run.code == 2
    assert (f"{tmp_path / 'wide.csv'}:3:3: row 3 has 4 cells but the header has 2 columns (a delimiter or quote out "
            "of place?)") in run.err.splitlines()
    (tmp_path / "quote.csv").write_text('tools.upkeep,tools.comment\n3,"never closed\n')
    run = import_cli(tmp_path / "quote.csv", tmp_path / "out", *TOOLING, questionnaire="tooling", lens="company")
    assert (run.code, run.err) == (2, f"{tmp_path / 'quote.csv'}:2:1: row 2: broken CSV (unexpected end of data)\n")
    assert not (tmp_path / "out").exists()


def test_wrong_file_kinds(tmp_path: Path) -> None:
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    run = import_cli(tmp_path / "old.xls", tmp_path / "out")
    assert (run.code, run.err) == (2, f"{tmp_path / 'old.xls'}: old Excel .xls files cannot be read; save the sheet "
                                      "as .xlsx or CSV\n")
    workbook = tmp_path / "real.xlsx"
    microsoft_forms_xlsx(workbook, ["x"], [["y"]])
    (tmp_path / "renamed.csv").write_bytes(workbook.read_bytes())
    run = import_cli(tmp_path / "renamed.csv", tmp_path / "out")
    assert (run.code, run.err) == (2, f"{tmp_path / 'renamed.csv'}: this is an Excel workbook (a zip file), not CSV; "
                                      "name it .xlsx\n")
    (tmp_path / "fake.xlsx").write_text("a,b\n")
    run = import_cli(tmp_path / "fake.xlsx", tmp_path / "out")
    assert run.code == 2 and "not an Excel .xlsx workbook" in run.err
    run = import_cli(tmp_path / "missing.csv", tmp_path / "out")
    assert (run.code, run.err) == (2, f"{tmp_path / 'missing.csv'}: no such file\n")


def test_no_matching_column_and_duplicate_columns(tmp_path: Path) -> None:
    (tmp_path / "none.csv").write_text("Colour,Size\nred,L\n")
    run = import_cli(tmp_path / "none.csv", tmp_path / "out")
    assert run.code == 2
    assert run.err.splitlines()[-1] == (f"{tmp_path / 'none.csv'}:1:1: no column matches a question of "
                                        "perception-gap (by id or wording); give a --map file, or check "
                                        "--questionnaire (layout read as plain CSV)")
    (tmp_path / "dup.csv").write_text("tools.upkeep,How well is the CRM kept up to date?\n3,2\n")
    run = import_cli(tmp_path / "dup.csv", tmp_path / "out", *TOOLING, questionnaire="tooling", lens="company")
    assert (run.code, run.err) == (2, f"{tmp_path / 'dup.csv'}:1:2: column B and column A both hold question "
                                      "tools.upkeep; map one of them to 'ignore' with --map\n")


def test_existing_files_are_kept_without_force(tmp_path: Path) -> None:
    survey = SURVEYS / "plain-ids-semicolon.csv"
    assert import_cli(survey, tmp_path, *TOOLING, questionnaire="tooling", lens="company").code == 0
    target = tmp_path / "company-r-02.yaml"
    target.write_text("# my edits\n")
    run = import_cli(survey, tmp_path, *TOOLING, questionnaire="tooling", lens="company")
    assert (run.code, run.err.splitlines()[-1]) == (
        2, f"{tmp_path / 'company-r-01.yaml'} and 2 more already exist; nothing written (use --force to overwrite)")
    assert target.read_text() == "# my edits\n"
    run = import_cli(survey, tmp_path, *TOOLING, "--force", questionnaire="tooling", lens="company")
    assert run.code == 0
    assert answers_of(target)["tools.upkeep"] == ("answered", 2)


def test_an_error_adds_no_file_to_an_existing_directory(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("x")
    run = import_cli(SURVEYS / "google-forms-customers.csv", tmp_path)
    assert run.code == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_other_answers_files_in_the_directory_are_pointed_out(tmp_path: Path) -> None:
    (tmp_path / "customer-old.yaml").write_text((V1_EXAMPLES / "customer-1.yaml").read_text())
    run = import_cli(SURVEYS / "typeform-tooling.csv", tmp_path, *TOOLING, questionnaire="tooling", lens="company")
    assert run.code == 0
    assert run.err.splitlines()[-1] == (f"note: {tmp_path} also holds 1 other answers file that this import did "
                                        "not write; `crmcheck report` of the directory will include them")


def test_lens_that_does_not_match_the_wording_is_flagged(tmp_path: Path) -> None:
    run = import_cli(SURVEYS / "surveymonkey-staff.csv", tmp_path / "out", lens="customer")
    assert run.code == 0
    assert (f"{SURVEYS / 'surveymonkey-staff.csv'}:1:1: warning: most columns use the company wording of "
            "perception-gap, but --lens is customer; check that this is the customer survey") in run.err.splitlines()


def test_bad_options(tmp_path: Path) -> None:
    run = import_cli(SURVEYS / "plain-ids-semicolon.csv", tmp_path, *TOOLING, "--layout", "excel",
                     questionnaire="tooling", lens="company")
    assert (run.code, run.err) == (2, "--layout: 'excel' is not one of google-forms, microsoft-forms, surveymonkey, "
                                      "typeform, plain\n")
    run = import_cli(SURVEYS / "plain-ids-semicolon.csv", tmp_path, "--date", "2026-13-01")
    assert (run.code, run.err) == (2, "--date: '2026-13-01' is not a date in YYYY-MM-DD form\n")
    run = run_cli("import", str(SURVEYS / "plain-ids-semicolon.csv"), "-q", "perception-gap", "--company", "X",
                  "-o", str(tmp_path))
    assert run.code == 2 and "--lens" in run.err


# ---------- --map ----------

MAP = """\
columns:
  "Q1 - Would you stay?": loyalty.stay-if-alternative
  "column C": loyalty.main-reason
  "Dept": ignore
  "Who are you?": respondent.name
values:
  loyalty.main-reason:
    "It just works": habit
    "Price": perks
  loyalty.stay-if-alternative:
    "Definitely": 4
"""


def test_map_file_columns_letters_and_value_translations(tmp_path: Path) -> None:
    (tmp_path / "map.yaml").write_text(MAP)
    (tmp_path / "s.csv").write_text("Who are you?,Q1 - Would you stay?,Reason (free),Dept\n"
                                    "Kim,Definitely,It just works,Ops\nLee,2,Price,IT\nMo,Likely,results,IT\n")
    run = import_cli(tmp_path / "s.csv", tmp_path / "out", "--map", str(tmp_path / "map.yaml"))
    assert run.code == 0, run.err
    assert run.err.splitlines()[-1].endswith("(plain CSV layout, customer lens, 2 of 36 questions matched)")
    got = [answers_of(tmp_path / "out" / f"customer-row-00{n}.yaml") for n in (2, 3, 4)]
    assert [(a["loyalty.stay-if-alternative"][1], a["loyalty.main-reason"][1]) for a in got] == [
        (4, "habit"), (2, "perks"), (3, "results")]
    kim = load_answers(str(tmp_path / "out" / "customer-row-002.yaml")).answers.respondent
    assert kim is not None and kim.name == "Kim"


def test_map_file_errors_point_at_the_map(tmp_path: Path) -> None:
    (tmp_path / "map.yaml").write_text('columns:\n  "Q1": loyalty.nope\n  "Gone": ignore\nvalues:\n'
                                       '  loyalty.main-reason:\n    "Price": cheap\n')
    (tmp_path / "s.csv").write_text("Q1,Gone\n1,2\n")
    run = import_cli(tmp_path / "s.csv", tmp_path / "out", "--map", str(tmp_path / "map.yaml"))
    assert run.code == 2
    assert run.err.splitlines() == [
        f"{tmp_path / 'map.yaml'}:2:9: 'loyalty.nope' is not a question of perception-gap, nor one of: ignore, "
        "respondent.name, respondent.role, respondent.id",
        f"{tmp_path / 'map.yaml'}:6:14: loyalty.main-reason: 'cheap' is not an option of this question; use one of "
        "results, trust, perks, habit, locked-in",
    ]
    (tmp_path / "map.yaml").write_text('columns:\n  "Not there": ignore\n')
    run = import_cli(tmp_path / "s.csv", tmp_path / "out", "--map", str(tmp_path / "map.yaml"))
    assert run.code == 2
    assert f"{tmp_path / 'map.yaml'}:2:3: no column 'Not there' in {tmp_path / 's.csv'}" in run.err.splitlines()


# ---------- the survey template ----------

def test_survey_template_round_trip(tmp_path: Path) -> None:
    template = tmp_path / "customer-survey.csv"
    run = run_cli("new", "perception-gap", "--lens", "customer", "--survey-template", str(template))
    assert run.code == 0, run.err
    import csv

    with open(template, newline="", encoding="utf-8") as handle:
        header, guide, choices = list(csv.reader(handle))
    q = Catalog.from_options().get("perception-gap")
    asked = {full: question for full, (_, question) in q.questions.items() if question.asked_in("customer")}
    assert header == [question.wording("customer") for question in asked.values()]
    # under each question what the customer reads (never the assessor's help), and the answers to pick from
    assert len(guide) == len(choices) == len(header)
    assert not {question.help for question in asked.values()} & set(guide)
    assert choices[list(asked).index("experience.overall")] == "Poor | Fair | Good | Very good | Excellent"
    template.write_bytes(template.read_bytes().split(b"\r\n", 1)[0] + b"\r\n")  # the export: header, then rows
    # fill it in as a survey tool would export it, and import it back with no warning
    example = answers_of(EXAMPLES / "perception" / "customer-3.yaml", builtin=True)
    source = load_answers(str(EXAMPLES / "perception" / "customer-3.yaml")).answers
    given = source.questionnaires["perception-gap"].answers
    with open(template, "a", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerow(
            "yes" if given[full].value is True else "no" if given[full].value is False else given[full].value
            for full in asked)
    run = import_cli(template, tmp_path / "out", env={})
    assert run.err.splitlines() == [f"wrote 1 answers file to {tmp_path / 'out'} (plain CSV layout, customer lens, "
                                    f"{len(asked)} of {len(asked)} questions matched)"]
    assert answers_of(tmp_path / "out" / "customer-row-002.yaml", builtin=True) == example
    run = run_cli("new", "perception-gap", "--survey-template", str(template))
    assert (run.code, run.err) == (2, f"{template} exists; use --force to overwrite it\n")
    run = run_cli("new", "perception-gap", "crm-mistakes", "--survey-template", str(tmp_path / "two.csv"))
    assert run.code == 2 and "one questionnaire" in run.err


# ---------- end to end ----------

def test_imports_of_three_tools_report_together(tmp_path: Path) -> None:
    assert import_cli(SURVEYS / "surveymonkey-staff.csv", tmp_path / "staff", lens="company").code == 0
    for name in ("google-forms-customers", "typeform-customers"):
        assert import_cli(SURVEYS / f"{name}.csv", tmp_path / "customers", "--skip-invalid").code == 0
    run = run_cli("report", str(tmp_path / "staff"), str(tmp_path / "customers"), "--format", "json", env=V1_ENV)
    assert run.code == 0, run.err
    data = json.loads(run.out)
    assert [(g["lens"], g["count"]) for g in data["respondents"]] == [("company", 3), ("customer", 8)]
    [gap] = data["perception_gaps"]
    assert gap["company"] == 76.3  # the same staff answers as examples/brightwater/perception
    assert gap["sections"][0]["id"] == "person-not-record"
    assert gap["gap"] > 30


def test_progress_bar_on_a_large_file(tmp_path: Path) -> None:
    pexpect = pytest.importorskip("pexpect")
    rows = "".join(f"{n % 5},{'yes' if n % 2 else 'no'}\n" for n in range(600))
    (tmp_path / "big.csv").write_text("tools.upkeep,tools.owner\n" + rows)
    args = ["-m", "crmcheck", "import", str(tmp_path / "big.csv"), "-q", "tooling", *TOOLING, "--lens", "company",
            "--company", "T", "-o", str(tmp_path / "out")]
    import sys

    child = pexpect.spawn(sys.executable, args, env={**os.environ, "COLUMNS": "100"}, encoding="utf-8",
                          timeout=120, dimensions=(24, 100))
    child.expect("Reading responses")
    child.expect("Writing answers files")
    child.expect("Naming answers files")
    child.expect("wrote 600 answers file")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    quiet = import_cli(tmp_path / "big.csv", tmp_path / "out2", *TOOLING, questionnaire="tooling", lens="company")
    assert "Reading responses" not in quiet.err  # not a terminal: no bar
    assert len(list((tmp_path / "out2").glob("*.yaml"))) == 600


def test_google_forms_grid_rows_and_numbered_questions_match(tmp_path: Path) -> None:
    (tmp_path / "grid.csv").write_text(
        "Timestamp,Rate us [How well is the CRM kept up to date?],Q2. Is there a named owner for customer data?\n"
        "2026/11/02 9:00:00 AM GMT+1,Defined,Yes\n")
    run = import_cli(tmp_path / "grid.csv", tmp_path / "out", *TOOLING, questionnaire="tooling", lens="company")
    assert run.code == 0, run.err
    got = answers_of(tmp_path / "out" / "company-row-002.yaml")
    assert (got["tools.upkeep"], got["tools.owner"]) == (("answered", 2), ("answered", True))
