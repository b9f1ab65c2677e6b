"""Reading single survey cells: scale values and labels, options, checklists as each tool joins them, numbers."""

from __future__ import annotations

from typing import Any

import pytest

from crmcheck.catalog import Catalog
from crmcheck.importers.cells import CellError, normalize, read_cell, without_number
from crmcheck.importers.table import column_letter, sniff_delimiter
from crmcheck.models.questionnaire import Questionnaire
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def tooling() -> Questionnaire:
    return Catalog.from_options([ROOT / "tests" / "data" / "surveys" / "questionnaires"]).get("tooling")


def cell(q: Questionnaire, full: str, text: str, **kwargs: Any) -> Any:
    return read_cell(q.questions[full][1], q, text, **kwargs)


def test_normalize_ignores_case_spacing_punctuation_and_html() -> None:
    assert normalize("  <strong>How well</strong> is the CRM kept up-to-date?? ") == \
        "how well is the crm kept up to date"
    assert normalize("Giving us feedback is quick &amp; easy: short questions") == \
        "giving us feedback is quick easy short questions"
    assert without_number(normalize("Q7. How likely?")) == "how likely"
    assert without_number(normalize("12) How likely?")) == "how likely"


@pytest.mark.parametrize(("text", "value"), [
    ("3", 3), ("3.0", 3), (" Practised ", 3), ("practised", 3), ("3 - Practised", 3), ("3. Practised", 3),
    ("Practised (3)", 3), ("Measured and improved", 4), ("N/A", "n/a"), ("not applicable", "n/a"), ("", None),
])
def test_scale_cells(tooling: Questionnaire, text: str, value: Any) -> None:
    assert cell(tooling, "tools.upkeep", text) == value


@pytest.mark.parametrize(("text", "message"), [
    ("5", "'5' is not on the practice scale; expected one of 0 (Not done), 1 (Ad hoc), 2 (Defined), 3 (Practised), "
          "4 (Measured and improved), or n/a"),
    ("2 - Practised", "'2 - Practised' is not on the practice scale"),
    ("often", "'often' is not on the practice scale"),
])
def test_bad_scale_cells(tooling: Questionnaire, text: str, message: str) -> None:
    with pytest.raises(CellError) as caught:
        cell(tooling, "tools.upkeep", text)
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize(("text", "chosen"), [
    ("CRM, Email, newsletters and drip campaigns, Customer portal", ["crm", "email", "portal"]),  # Google Forms
    ("CRM;Live chat;", ["crm", "chat"]),  # Microsoft Forms
    ("CRM,Live chat", ["crm", "chat"]),  # Typeform
    ("crm | portal", ["crm", "portal"]),
    ("crm\nchat", ["crm", "chat"]),
    ("Email, newsletters and drip campaigns", ["email"]),
    ("CRM, crm", ["crm"]),
])
def test_checklist_cells(tooling: Questionnaire, text: str, chosen: list[str]) -> None:
    assert cell(tooling, "tools.used", text) == chosen


def test_checklist_unknown_piece(tooling: Questionnaire) -> None:
    with pytest.raises(CellError) as caught:
        cell(tooling, "tools.used", "CRM, Fax machine")
    assert str(caught.value).startswith("'Fax machine' is not an option of this question; options: CRM (crm);")


@pytest.mark.parametrize(("text", "kwargs", "value"), [
    ("12", {}, 12), ("2.5", {}, 2.5), ("26 hours", {}, 26), ("2,5", {"decimal_comma": True}, 2.5),
    ("1\u00a0000", {}, 1000),
])
def test_number_cells(tooling: Questionnaire, text: str, kwargs: dict[str, Any], value: Any) -> None:
    assert cell(tooling, "tools.reply-hours", text, **kwargs) == value


def test_decimal_comma_only_in_semicolon_files(tooling: Questionnaire) -> None:
    with pytest.raises(CellError, match="'2,5' is not a number"):
        cell(tooling, "tools.reply-hours", "2,5")


@pytest.mark.parametrize(("text", "value"), [("Yes", True), ("no", False), ("1", True), ("0", False),
                                             ("TRUE", True)])
def test_yes_no_cells(tooling: Questionnaire, text: str, value: bool) -> None:
    assert cell(tooling, "tools.owner", text) is value


def test_value_map_comes_first(tooling: Questionnaire) -> None:
    assert cell(tooling, "tools.upkeep", "Kind of", value_map={"kind of": 1}) == 1


def test_text_keeps_line_breaks_as_newlines(tooling: Questionnaire) -> None:
    assert cell(tooling, "tools.comment", " One\r\nTwo ") == "One\nTwo"


def test_column_letters_and_delimiters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 51, 701, 702)] == ["A", "Z", "AA", "AZ", "ZZ", "AAA"]
    assert sniff_delimiter('a;"b,c";d\n1,2,3') == ";"
    assert sniff_delimiter("a\tb\tc\n") == "\t"
    assert sniff_delimiter("single\n") == ","
