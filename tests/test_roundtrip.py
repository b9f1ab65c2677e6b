"""Every answers file crmcheck writes loads back unchanged, or the command refuses with exit 2.

The writer (`answers_layout`) serves `new`, `import` and the interview's save (which writes through
`dump_answers` and `answer_entry`, the functions tested here); its output is read back with the strict
loader, as `validate` and `report` read it.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from crmcheck.answers.layout import (
    Header,
    KeptLine,
    UnwritableText,
    answer_entry,
    comment_text,
    dump_answers,
    quoted,
    read_kept,
    scalar,
)
from crmcheck.answers.model import load_answers, parse_answers
from crmcheck.catalog import Catalog
from crmcheck.errors import CrmcheckError
from crmcheck.models.questionnaire import Questionnaire
from crmcheck.resolve import is_not_applicable, resolve
from crmcheck.yamlio import MAX_NUMBER_CHARS, parse
from tests.conftest import ROOT, SMALL, questionnaire_from, run_cli
from tests.inprocess import invoke

SURVEYS = ROOT / "tests" / "data" / "surveys"

# Characters that once made the writer produce a file the loader refused or read differently.
AWKWARD = [chr(c) for c in range(0x20)] + [chr(c) for c in range(0x7F, 0xA0)] + [
    "\u2028", "\u2029", "\ufeff", "\ufffe", "\uffff", "#", ":", ": ", " #", "-", "- ", '"', "'", "\\", "{", "[",
    "&", "*", "!", "|", ">", "%", "@", "`", ",", "?", " ", "\u00a0", "\U0001f600",
]
# Whole texts a YAML reader could take for something other than text.
LOOK_ALIKES = ["", " ", "yes", "No", "ON", "off", "y", "n", "true", "False", "null", "Null", "~", "n/a", "NA",
               "N/A ", ".inf", "-.inf", ".nan", "1e5", "0x10", "010", "1:30", "2026-11-01", "- a", "# x", "a: b",
               "1" * 50, "-" * 3, "...", "+1", "1_000", "0o7", "=SUM(A1)", "@x", "%TAG"]

# any Unicode character (lone surrogates, which no UTF-8 text holds, are tested on their own below)
CHARACTER = st.characters(exclude_categories=["Cs"])
AWKWARD_TEXT = st.lists(st.one_of(CHARACTER, st.sampled_from(AWKWARD)), max_size=30).map("".join)
ANY_TEXT = st.one_of(AWKWARD_TEXT, st.sampled_from(LOOK_ALIKES), st.builds(lambda a, b: a + b, st.sampled_from(
    LOOK_ALIKES), AWKWARD_TEXT))
# What a terminal or a file name can hand over: anything but NUL (no argv or path holds it)
ARGUMENT_TEXT = ANY_TEXT.filter(lambda t: "\x00" not in t)
SURROGATES = st.builds(lambda a, s, b: a + s + b, AWKWARD_TEXT, st.characters(categories=["Cs"]), AWKWARD_TEXT)

EXAMPLES = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _read_back(yaml_value: str) -> Any:
    return parse(f"v: {yaml_value}\n", "x.yaml").data["v"]


# ---------- one value ----------

@EXAMPLES
@given(ANY_TEXT)
def test_any_text_reads_back_as_itself(text: str) -> None:
    written = scalar(text)
    assert "\n" not in written and "\r" not in written
    assert _read_back(written) == text
    assert _read_back(quoted(text)) == text


@EXAMPLES
@given(st.one_of(st.integers(), st.floats(allow_nan=False, allow_infinity=False)))
def test_numbers_read_back_equal_or_are_refused(number: float) -> None:
    try:
        written = scalar(number)
    except UnwritableText as exc:
        assert len(repr(number)) > MAX_NUMBER_CHARS
        assert "too long" in str(exc)
        return
    back = _read_back(written)
    assert back == number and type(back) is not str


@pytest.mark.parametrize("number", [math.inf, -math.inf, math.nan, 10**40, -(10**39)])
def test_numbers_an_answers_file_cannot_hold_are_refused(number: float) -> None:
    with pytest.raises(UnwritableText):
        scalar(number)


@FEW
@given(SURROGATES)
def test_text_that_is_not_unicode_is_refused_not_written(text: str) -> None:
    with pytest.raises(UnwritableText, match="not a Unicode character"):
        scalar(text)


@EXAMPLES
@given(st.one_of(ANY_TEXT, SURROGATES))
def test_comment_text_stays_one_comment_line(text: str) -> None:
    line = comment_text(text)
    doc = parse(f"# {line}\nv: 1  # {line}\n", "x.yaml")
    assert doc.data == {"v": 1}
    line.encode("utf-8")  # raises if a lone surrogate were left to fail at write time


@EXAMPLES
@given(ANY_TEXT, ANY_TEXT)
def test_kept_line_keeps_its_id(question_id: str, note: str) -> None:
    assume(question_id)
    entry = answer_entry(3, note=note or None)
    line = KeptLine("small", 1, "answer", question_id, entry)
    assert read_kept(f"      {line.text()}\nnext: line\n") == [line]


# ---------- a whole answers file (new, import and the interview's save write through these) ----------

@pytest.fixture(scope="module")
def small() -> Questionnaire:
    return questionnaire_from(SMALL)


def _expected_optional(text: str) -> str | None:
    return text or None  # an empty optional field is left out of the file, and reads back as absent


@EXAMPLES
@given(company=ANY_TEXT, assessor=ANY_TEXT, name=ANY_TEXT, role=ANY_TEXT, industry=ANY_TEXT, size=ANY_TEXT,
       written=ANY_TEXT, note=ANY_TEXT, evidence=ANY_TEXT, reason=ANY_TEXT, hours=st.integers(0, 10**30))
def test_answers_file_reads_back_unchanged(
    small: Questionnaire, company: str, assessor: str, name: str, role: str, industry: str, size: str,
    written: str, note: str, evidence: str, reason: str, hours: int,
) -> None:
    assume(company)  # a blank company is the template `new` writes to fill in; validate asks for it
    header = Header(company=company, assessed_on=dt.date(2026, 11, 2), assessor=assessor,
                    respondent={"name": name, "role": role, "lens": "customer"},
                    segment={"industry": industry, "size": size})
    entries = {
        "alpha.note": answer_entry(written),
        "alpha.one": answer_entry(3, note=note, evidence=evidence),
        "alpha.two": answer_entry("n/a", reason=reason),
        "alpha.three": answer_entry(["a", "c"], note=note),
        "beta.days": answer_entry(hours),
    }
    text = dump_answers(header, [small], {"small": entries}, {"small": {"alpha": 4}})
    text.encode("utf-8")
    source = parse_answers(parse(text, "a.yaml"))
    answers = source.answers
    assert answers.company == company
    assert answers.assessor == _expected_optional(assessor)
    assert answers.respondent is not None and answers.respondent.lens == "customer"
    assert (answers.respondent.name, answers.respondent.role) == (_expected_optional(name), _expected_optional(role))
    assert answers.segment is not None
    assert (answers.segment.industry, answers.segment.size) == (_expected_optional(industry), _expected_optional(size))
    given_answers = answers.questionnaires["small"]
    assert given_answers.targets == {"alpha": 4}
    got = {k: (a.value, a.note, a.evidence, a.reason) for k, a in given_answers.answers.items()}
    # a text question keeps NA, Na, N/A as written (issue 21, finding 10); only n/a itself marks it n/a
    assert got["alpha.note"][0] == ("n/a" if written.strip() == "n/a" else written)
    assert got["alpha.one"] == (3, _expected_optional(note), _expected_optional(evidence), None)
    assert got["alpha.two"] == ("n/a", None, None, _expected_optional(reason))
    assert got["alpha.three"] == (["a", "c"], _expected_optional(note), None, None)
    assert got["beta.days"] == (hours, None, None, None)
    responses = resolve(small, given_answers, source, "small")
    assert responses["alpha.note"].status == ("n/a" if written.strip() == "n/a" else "answered")
    assert responses["beta.days"].value == hours


@FEW
@given(title=ANY_TEXT, wording=ANY_TEXT)
def test_questionnaire_text_in_comments_cannot_change_the_file(title: str, wording: str) -> None:
    assume(title and wording)
    body = textwrap.dedent(SMALL).replace("title: Small", f"title: {quoted(title)}", 1)
    body = body.replace('title: Alpha', f"title: {quoted(title)}", 1).replace('"One?"', quoted(wording), 1)
    questionnaire = questionnaire_from(body)
    text = dump_answers(Header(company="Acme"), [questionnaire], {"small": {"alpha.one": "2"}})
    data = parse(text, "a.yaml").data
    assert set(data) == {"format", "company", "assessed_on", "questionnaires"}
    assert data["questionnaires"]["small"]["answers"]["alpha.one"] == 2


# ---------- through the commands ----------

@FEW
@given(company=ARGUMENT_TEXT, assessor=ARGUMENT_TEXT, respondent=ARGUMENT_TEXT, role=ARGUMENT_TEXT)
def test_new_writes_a_file_that_reads_back(tmp_path_factory: pytest.TempPathFactory, company: str, assessor: str,
                                          respondent: str, role: str) -> None:
    assume(company)
    out = tmp_path_factory.mktemp("new") / "answers.yaml"
    run = invoke("new", "crm-mistakes", f"--company={company}", f"--assessor={assessor}",
                 f"--respondent={respondent}", f"--role={role}", "--lens", "customer", "--date", "2026-11-02",
                 "-o", out)
    assert run.code == 0, run.err
    answers = load_answers(str(out)).answers
    assert answers.company == company and answers.assessor == _expected_optional(assessor)
    assert answers.respondent is not None
    assert (answers.respondent.name, answers.respondent.role) == (_expected_optional(respondent),
                                                                  _expected_optional(role))
    assert invoke("validate", out).code == 0


NASTY = "Acme\x7f \x1b[31m \x9b \u0085segment: {industry: evil} \u2028 \u2029 \"q\" 'a' # b: - c"


def test_new_through_the_real_command_keeps_control_characters(tmp_path: Path) -> None:
    out = tmp_path / "answers.yaml"
    run = run_cli("new", "crm-mistakes", "--company", NASTY, "--respondent", "\u0085x", "-o", str(out))
    assert run.code == 0, run.err
    answers = load_answers(str(out)).answers
    assert answers.company == NASTY and answers.segment is None
    assert answers.respondent is not None and answers.respondent.name == "\u0085x"


def test_new_refuses_text_that_is_not_utf8(tmp_path: Path) -> None:
    out = tmp_path / "answers.yaml"
    run = invoke("new", "crm-mistakes", "--company", "Acme\udcff", "-o", out)
    assert run.code == 2
    assert run.err == ("company: U+DCFF at character 5 is not a Unicode character (text that was not valid UTF-8?); "
                       "it cannot be written to an answers file\n")
    assert not out.exists()


def _write_csv(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


def _import(survey: Path, out: Path, *args: str, company: str = "Acme") -> Any:
    return invoke("import", survey, "--questionnaire", "tooling", "--lens", "company", f"--company={company}",
                  "--date", "2026-11-02", "--questionnaires", SURVEYS / "questionnaires", "-o", out, *args)


@FEW
@given(comment=ARGUMENT_TEXT, respondent_id=ARGUMENT_TEXT, name=ARGUMENT_TEXT, company=ARGUMENT_TEXT)
def test_import_writes_files_that_read_back(tmp_path_factory: pytest.TempPathFactory, comment: str,
                                           respondent_id: str, name: str, company: str) -> None:
    assume(company)
    base = tmp_path_factory.mktemp("import")
    survey = base / "survey.csv"
    _write_csv(survey, [["ID", "Name", "tools.upkeep", "tools.comment"], [respondent_id, name, "3", comment]])
    run = _import(survey, base / "out", company=company)
    written = sorted((base / "out").glob("*.yaml")) if (base / "out").exists() else []
    if run.code == 2:  # a CSV the reader refuses (a stray quote, NUL, an empty row): nothing is written
        assert written == [] and len(run.err.strip().splitlines()) >= 1, run.err
        return
    assert run.code == 0, run.err
    [path] = written
    source = load_answers(str(path))
    assert source.answers.company == company
    flat_name = " ".join(name.split())
    respondent = source.answers.respondent
    assert respondent is not None and respondent.name == (flat_name or None if flat_name.lower() not in (
        "anonymous", "anonym", "anon") else None)
    questionnaire = Catalog.from_options([SURVEYS / "questionnaires"]).get("tooling")
    responses = resolve(questionnaire, source.answers.questionnaires["tooling"], source, "tooling")
    assert responses["tools.upkeep"].value == 3
    cell = comment.strip().replace("\r\n", "\n").replace("\r", "\n")
    if cell and not is_not_applicable(cell) and responses["tools.comment"].status == "answered":
        assert responses["tools.comment"].value == cell


def test_import_keeps_control_characters_and_a_file_name_cannot_add_fields(tmp_path: Path) -> None:
    survey = tmp_path / "export\u0085segment: {industry: evil}\u2028x.csv"
    _write_csv(survey, [["ID", "Name", "tools.comment", "tools.reply-hours"],
                        ["r\x1b1\u0085", "Ann\x7f\x9b", "a\u0085b\u2028c\u2029d\x1b[31m\x7f #: -x \"q\"", "7.50"],
                        ["r2", "Bo", "-lead", "123456789012345678901234567890"]])
    out = tmp_path / "out"
    run = run_cli("import", str(survey), "--questionnaire", "tooling", "--lens", "company", "--company", NASTY,
                  "--questionnaires", str(SURVEYS / "questionnaires"), "--date", "2026-11-02", "-o", str(out))
    assert run.code == 0, run.err
    questionnaire = Catalog.from_options([SURVEYS / "questionnaires"]).get("tooling")
    files = sorted(out.glob("*.yaml"))
    assert len(files) == 2
    seen = {}
    for path in files:
        source = load_answers(str(path))
        assert source.answers.company == NASTY and source.answers.segment is None
        assert set(source.doc.data) == {"format", "company", "assessed_on", "respondent", "questionnaires"}
        responses = resolve(questionnaire, source.answers.questionnaires["tooling"], source, "tooling")
        assert source.answers.respondent is not None
        seen[source.answers.respondent.name] = (responses["tools.comment"].value, responses["tools.reply-hours"].value)
    # a decimal is kept as the text it is written with
    assert seen == {"Ann\x7f\x9b": ("a\u0085b\u2028c\u2029d\x1b[31m\x7f #: -x \"q\"", "7.5"),
                    "Bo": ("-lead", 123456789012345678901234567890)}


def test_import_refuses_a_number_too_long_for_an_answers_file(tmp_path: Path) -> None:
    survey = tmp_path / "survey.csv"
    _write_csv(survey, [["ID", "tools.reply-hours"], ["r1", "1" * 50]])
    run = _import(survey, tmp_path / "out")
    assert run.code == 2
    assert (f"{survey}:2:2: row 2, column B ('tools.reply-hours'): a number written with 50 characters is too long "
            "(at most 40)") in run.err.splitlines()
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("option", "value", "message"), [
    ("--company", "", "--company must not be empty: every answers file names the company it assesses"),
    ("--company", "A\udc85", "--company: U+DC85 at character 2 is not a Unicode character (text that was not valid "
     "UTF-8?); it cannot be written to an answers file"),
    ("--assessor", "\udcff", "--assessor: U+DCFF at character 1 is not a Unicode character (text that was not "
     "valid UTF-8?); it cannot be written to an answers file"),
])
def test_import_refuses_header_options_no_file_can_hold(tmp_path: Path, option: str, value: str,
                                                        message: str) -> None:
    survey = tmp_path / "survey.csv"
    _write_csv(survey, [["ID", "tools.upkeep"], ["r1", "3"]])
    args = [f"{option}={value}"] if option == "--assessor" else []
    run = _import(survey, tmp_path / "out", *args, company=value if option == "--company" else "Acme")
    assert (run.code, run.err) == (2, message + "\n")
    assert not (tmp_path / "out").exists()


def test_a_refused_value_leaves_no_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Writing stops at the first file that cannot be written; no file and no temp file is left behind."""
    from crmcheck.importers import survey as survey_module

    survey = tmp_path / "survey.csv"
    _write_csv(survey, [["ID", "tools.upkeep"], ["r1", "3"], ["r2", "2"]])
    calls = []

    def refuse_second(*args: Any, **kwargs: Any) -> str:
        calls.append(1)
        if len(calls) == 2:
            raise UnwritableText("refused")
        return original(*args, **kwargs)

    original = survey_module._answers_text
    monkeypatch.setattr(survey_module, "_answers_text", refuse_second)
    out = tmp_path / "out"
    out.mkdir()
    run = _import(survey, out)
    assert run.code == 2 and run.err == "refused\n"
    assert list(out.iterdir()) == []


def test_errors_are_crmcheck_errors() -> None:
    # the cli maps CrmcheckError to exit 2; a refused value must never surface as an internal error
    assert issubclass(UnwritableText, CrmcheckError)
