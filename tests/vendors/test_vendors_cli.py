"""`crmcheck vendors card` and `vendors report` end to end: every format, bad input, hostile text."""

from __future__ import annotations

import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import ROOT, run_cli

EXAMPLE = ROOT / "examples" / "brightwater" / "selection"
SELECTION = """\
format: 1
company: {company}
requirements:
  - {{id: lead, text: {text}, group: Sales, core: true, weight: 2}}
  - {{id: quotes, text: Builds quotes, weight: 1}}
vendors:
  - id: alpha
    name: {name}
    costs: {{licences_per_year: 1000, implementation: 500}}
  - id: beta
    name: Beta
    costs: {{licences_per_year: 2000, add_ons: [{{name: {name}, once: 100}}]}}
deal_breakers: [quotes]
"""
CARD = """\
format: 1
evaluator: {evaluator}
scores:
  alpha:
    lead: {{score: 4, note: {note}}}
    quotes: 3
  beta:
    lead: 5
    quotes: n/a
"""


def _plain(tmp_path: Path) -> tuple[Path, Path]:
    selection = tmp_path / "selection.yaml"
    selection.write_text(SELECTION.format(company="Acme", text="Assigns leads", name="Alpha"))
    cards = tmp_path / "cards"
    cards.mkdir()
    (cards / "ann.yaml").write_text(CARD.format(evaluator="Ann", note="fine"))
    return selection, cards


def test_card_then_report_in_every_format(tmp_path: Path) -> None:
    selection, cards = _plain(tmp_path)
    run = run_cli("vendors", "card", str(selection), "--evaluator", "Bob", "--role", "IT", "-o",
                  str(cards / "bob.yaml"))
    assert run.code == 0, run.err
    blank = (cards / "bob.yaml").read_text()
    assert "evaluator: \"Bob\"" in blank and "# lead:" in blank and "[core]" in blank and "[deal breaker]" in blank
    # the blank card is valid as it is, and scores nothing
    assert run_cli("validate", str(selection), str(cards / "bob.yaml")).code == 0
    text = blank.replace("    # lead:    # [core] weight 2", "    lead: 2  #", 1)
    (cards / "bob.yaml").write_text(text)
    outputs = {}
    for fmt in ("terminal", "markdown", "html", "json", "xlsx"):
        out = tmp_path / "out" / f"report.{fmt}"
        run = run_cli("vendors", "report", str(selection), str(cards), "--format", fmt, "-o", str(out))
        assert run.code == 0, (fmt, run.err)
        outputs[fmt] = out.read_bytes()
    report = json.loads(outputs["json"])
    alpha = next(v for v in report["vendors"] if v["id"] == "alpha")
    # lead: Ann 4, Bob 2 -> 3 (0.6), weight 2; quotes: Ann 3 (0.6), weight 1
    assert alpha["fit"] == 60.0 and alpha["tco"] == 5500
    assert alpha["cells"][0]["mean"] == 3 and alpha["cells"][0]["spread"] == 2
    beta = next(v for v in report["vendors"] if v["id"] == "beta")
    assert beta["fit"] == 100.0 and beta["tco"] == 10100 and beta["unscored"] == ["quotes"]
    assert report["leader"] == "beta" and report["evaluators"] == ["Ann", "Bob"]
    assert b"Beta" in outputs["terminal"] and b"Leader: Beta" in outputs["terminal"]
    md = outputs["markdown"].decode()
    for line in md.splitlines():
        if line.startswith("|") and "---" not in line:
            assert line.count(" | ") + 2 == len(re.findall(r"\|", line.replace("\\|", ""))), line
    html = outputs["html"].decode()
    assert "<svg" in html and "<rect" in html and "http-equiv=\"Content-Security-Policy\"" in html
    assert not re.search(r"(src|href)=\"https?:", html)
    ET.fromstring(re.search(r"<svg.*?</svg>", html, re.S).group())  # type: ignore[union-attr]
    wb = load_workbook(io.BytesIO(outputs["xlsx"]))
    assert wb.sheetnames == ["Ranking", "Exclusions", "Costs", "Scores", "Notes"]
    assert [c.value for c in wb["Ranking"][2]][:5] == ["beta", "Beta", 1, 100.0, 10100]


def test_card_refuses_to_overwrite_and_report_refuses_to_write_over_an_input(tmp_path: Path) -> None:
    selection, cards = _plain(tmp_path)
    run = run_cli("vendors", "card", str(selection), "--evaluator", "Ann", "-o", str(cards / "ann.yaml"))
    assert run.code == 2 and "--force" in run.err
    run = run_cli("vendors", "card", str(selection), "--evaluator", " ", "-o", str(cards / "blank.yaml"))
    assert run.code == 2 and "--evaluator needs a name" in run.err and not (cards / "blank.yaml").exists()
    before = (cards / "ann.yaml").read_text()
    run = run_cli("vendors", "report", str(selection), str(cards), "-o", str(cards / "ann.yaml"))
    assert run.code == 2 and "input" in run.err
    assert (cards / "ann.yaml").read_text() == before


def test_terminal_report_of_the_example(tmp_path: Path) -> None:
    run = run_cli("vendors", "report", str(EXAMPLE / "selection.yaml"), str(EXAMPLE / "cards"))
    assert run.code == 0, run.err
    assert "Leader:" in run.out and "excluded" in run.out and "Scored by nobody: local-partner" in run.out
    assert max(len(line) for line in run.out.splitlines()) <= 80


@pytest.mark.parametrize(("card", "where", "message"), [
    (CARD.replace("  beta:", "  gamma:"), "7:3", "unknown vendor 'gamma'"),
    (CARD.replace("    quotes: 3", "    pricing: 3"), "6:5", "unknown requirement 'pricing'"),
    (CARD.replace("    quotes: 3", "    quotes: 7"), "6:13", "from 0 to 5"),
    (CARD.replace("    quotes: 3", "    quotes: 2.5"), "6:13", "whole number"),
    (CARD.replace("    quotes: 3", "    quotes: yes"), "6:13", "whole number"),
    (CARD.replace("evaluator: {evaluator}\n", ""), "1:1", "missing required field 'evaluator'"),
    (CARD.replace("    quotes: 3", "    quotes: 3\n    quotes: 4"), "7:5", "duplicate"),
])
def test_bad_card(tmp_path: Path, card: str, where: str, message: str) -> None:
    selection, cards = _plain(tmp_path)
    (cards / "ann.yaml").write_text(card.format(evaluator="Ann", note="fine"))
    run = run_cli("vendors", "report", str(selection), str(cards), "--format", "json")
    assert run.code == 2, run.err
    assert run.out == "" and "Traceback" not in run.err
    first = run.err.splitlines()[0]
    assert first.startswith(f"{cards / 'ann.yaml'}:{where}: ") and message in first, first


def test_duplicate_card_for_one_evaluator(tmp_path: Path) -> None:
    selection, cards = _plain(tmp_path)
    (cards / "zed.yaml").write_text(CARD.format(evaluator="  ann ", note="again"))
    run = run_cli("vendors", "report", str(selection), str(cards))
    assert run.code == 2
    assert run.err.startswith(f"{cards / 'zed.yaml'}:2:14: a second card for evaluator") and "ann.yaml:2" in run.err


@pytest.mark.parametrize(("change", "where", "message"), [
    (("deal_breakers: [quotes]", "deal_breakers: [nothing]"), "13:17", "'nothing' is not a requirement"),
    (("  - {id: quotes,", "  - {id: lead,"), "5:10", "'lead' is used twice"),
    (("licences_per_year: 1000", "licences_per_year: -5"), "9:32", "at least 0"),
    (("weight: 1}", "weight: 0}"), "5:47", "greater than 0"),
    (("format: 1", "format: 2"), "1:9", "unsupported selection format 2"),
    (("company: Acme", "company: Acme\ncolour: red"), "3:1", "unknown field 'colour'"),
])
def test_bad_selection(tmp_path: Path, change: tuple[str, str], where: str, message: str) -> None:
    selection, cards = _plain(tmp_path)
    selection.write_text(selection.read_text().replace(*change))
    for args in (("vendors", "report", str(selection), str(cards)), ("validate", str(selection)),
                 ("vendors", "card", str(selection), "--evaluator", "X")):
        run = run_cli(*args)
        assert run.code == 2, (args, run.out)
        assert f"{selection}:{where}: " in run.err and message in run.err, run.err


def test_missing_and_empty_inputs(tmp_path: Path) -> None:
    selection, cards = _plain(tmp_path)
    run = run_cli("vendors", "report", str(selection), str(tmp_path / "none.yaml"))
    assert run.code == 2 and "none.yaml:1:1: no such file" in run.err
    empty = tmp_path / "empty"
    empty.mkdir()
    run = run_cli("vendors", "report", str(selection), str(empty))
    assert run.code == 2 and "no score cards" in run.err
    run = run_cli("vendors", "report", str(selection), str(selection))
    assert run.code == 2 and "selection file, not a score card" in run.err
    # a selection kept in the folder of the cards is not read as a card
    shutil.copy(cards / "ann.yaml", tmp_path / "ann.yaml")
    run = run_cli("vendors", "report", str(selection), str(tmp_path), "--format", "json")
    assert run.code == 0, run.err
    assert json.loads(run.out)["evaluators"] == ["Ann"]


def test_validate_and_schema_know_both_files(tmp_path: Path) -> None:
    selection, cards = _plain(tmp_path)
    run = run_cli("validate", str(selection), str(cards / "ann.yaml"), "--format", "json")
    assert run.code == 0, run.err
    kinds = [r["kind"] for r in json.loads(run.out)]
    assert kinds == ["selection", "card"]
    for name, field in (("selection", "requirements"), ("card", "evaluator")):
        run = run_cli("schema", name)
        assert run.code == 0 and field in json.loads(run.out)["properties"]


HOSTILE = "=1+1 | <script>alert(1)</script> \x1b[31mred\x07 # [x](http://evil) **b**"


def test_hostile_text_is_inert_in_every_format(tmp_path: Path) -> None:
    quoted = json.dumps(HOSTILE)
    selection = tmp_path / "selection.yaml"
    selection.write_text(SELECTION.format(company=quoted, text=quoted, name=quoted))
    cards = tmp_path / "cards"
    cards.mkdir()
    (cards / "a.yaml").write_text(CARD.format(evaluator=quoted, note=quoted))
    # a blank card for a hostile evaluator name reads back as exactly that name
    blank = tmp_path / "blank.yaml"
    assert run_cli("vendors", "card", str(selection), "--evaluator", HOSTILE, "-o", str(blank)).code == 0
    assert run_cli("validate", str(blank)).code == 0
    for fmt in ("terminal", "markdown", "html", "xlsx"):
        out = tmp_path / f"r.{fmt}"
        run = run_cli("vendors", "report", str(selection), str(cards), "--format", fmt, "-o", str(out))
        assert run.code == 0, run.err
        if fmt == "xlsx":
            wb = load_workbook(out)
            formulas = [cell for ws in wb for row in ws.iter_rows() for cell in row
                        if isinstance(cell.value, str) and cell.value.startswith("=")]
            assert formulas and all(c.data_type == "s" and c.quotePrefix for c in formulas)
            assert all("\x1b" not in str(c.value) for ws in wb for row in ws.iter_rows() for c in row)
            continue
        text = out.read_text()
        assert "\x1b" not in text and "\x07" not in text
        if fmt == "terminal":  # rich markup in user text is shown, not applied
            assert "[x](http://evil)" in text and "**b**" in text
        if fmt == "html":
            assert "<script>" not in text and "&lt;script&gt;" in text
        if fmt == "markdown":
            assert "<script>" not in text and "\\|" in text and "](http" not in text.replace("\\](", "")
            for line in text.splitlines():
                if line.startswith("| ") and "---" not in line:
                    cells = re.split(r"(?<!\\)\|", line)
                    header_cells = None
                    assert cells[0] == "" and cells[-1] == "", line
                    del header_cells


def test_help_has_examples() -> None:
    for args in (("vendors", "--help"), ("vendors", "card", "--help"), ("vendors", "report", "--help")):
        run = run_cli(*args)
        assert run.code == 0 and "Example:" in run.out


def test_example_cards_folder_copy_runs(tmp_path: Path) -> None:
    """Cards given one by one and as a folder give the same report."""
    shutil.copytree(EXAMPLE, tmp_path / "sel")
    files = sorted(str(p) for p in (tmp_path / "sel" / "cards").glob("*.yaml"))
    one = run_cli("vendors", "report", str(tmp_path / "sel" / "selection.yaml"), *files, "--format", "json")
    two = run_cli("vendors", "report", str(tmp_path / "sel" / "selection.yaml"), str(tmp_path / "sel" / "cards"),
                  "--format", "json")
    assert one.code == two.code == 0 and one.out == two.out


def test_demo_writes_the_vendor_report(tmp_path: Path) -> None:
    run = run_cli("demo", "--out", str(tmp_path / "out"))
    assert run.code == 0, run.err
    md = (tmp_path / "out" / "vendors.md").read_text()
    assert md.startswith("# Brightwater CRM selection 2027") and "**Leader: " in md
    assert "<svg" in (tmp_path / "out" / "vendors.html").read_text()


TIE = """\
format: 1
company: Tie Ltd
requirements: [{id: a, text: A}, {id: b, text: B}]
vendors:
  - {id: dear, name: Dear, costs: {licences_per_year: 2000}}
  - {id: cheap, name: Cheap, costs: {licences_per_year: 1000}}
"""


def test_how_close_wording_for_a_tie_and_for_a_single_ranked_vendor(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(TIE)
    (tmp_path / "c.yaml").write_text("format: 1\nevaluator: E\nscores:\n  dear: {a: 4, b: 2}\n  cheap: {a: 2, b: 4}\n")
    for fmt in ("terminal", "markdown", "html"):
        run = run_cli("vendors", "report", str(tmp_path / "s.yaml"), str(tmp_path / "c.yaml"), "--format", fmt)
        assert run.code == 0, run.err
        assert "Cheap and Dear are level on fit" in " ".join(run.out.split()), fmt
        assert "any increase in the weight of" in " ".join(run.out.split()), fmt
    # with one vendor left unscored, the other is ranked alone
    (tmp_path / "c.yaml").write_text("format: 1\nevaluator: E\nscores:\n  dear: {a: 4, b: 2}\n")
    for fmt in ("terminal", "markdown", "html"):
        run = run_cli("vendors", "report", str(tmp_path / "s.yaml"), str(tmp_path / "c.yaml"), "--format", fmt)
        assert run.code == 0 and "nly one vendor is ranked" in run.out, fmt
        assert "not scored" in run.out, fmt
