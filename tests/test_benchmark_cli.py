"""`crmcheck benchmark` as a user runs it: hand-worked numbers through real files, bad files, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, run_cli
from tests.portfolio_fixture import write_portfolio

BROKEN_LINE = ("portfolio/software/broken.yaml:8:21: people.owner: '9' is not on the practice scale; use one of "
               "0 (Not done), 1 (Ad hoc), 2 (Defined), 3 (Practised), 4 (Measured), or n/a")


@pytest.fixture
def portfolio(tmp_path: Path) -> Path:
    write_portfolio(tmp_path)
    return tmp_path


def bench(cwd: Path, *args: str) -> tuple[int, str, str]:
    run = run_cli("benchmark", "portfolio", "--questionnaires", "questionnaires", *args, cwd=cwd)
    return run.code, run.out, run.err


def test_json_hand_worked_and_broken_file_listed(portfolio: Path) -> None:
    code, out, err = bench(portfolio, "--format", "json", "--company", "Alpha Ltd")
    assert code == 0
    assert err.splitlines() == [BROKEN_LINE]
    data = json.loads(out)
    assert (data["format"], data["files"], data["scored"], data["companies"]) == (1, 8, 7, 5)
    assert data["failed"] == [{"file": "portfolio/software/broken.yaml", "errors": [BROKEN_LINE]}]
    assert data["left_out"] == {"earlier": 1, "customer_lens": 1}
    assert data["methods"]["standard_deviation"].startswith("sample standard deviation")
    assert "rows" not in data
    tiny = data["segments"][0]["questionnaires"][1]
    assert tiny["score"] == {"count": 5, "mean": 55.0, "sd": 25.9, "min": 12.5, "q1": 50.0, "median": 62.5,
                             "q3": 75.0, "max": 75.0}
    assert tiny["company"] == {"score": 75.0, "percentile_rank": 80.0, "below": 3, "tied": 1, "above": 0}
    process = tiny["sections"][1]
    assert process["distribution"] == {"count": 4, "mean": 56.3, "sd": 31.5, "min": 25.0, "q1": 43.8,
                                       "median": 50.0, "q3": 62.5, "max": 100.0}
    steps = data["segments"][0]["questionnaires"][0]
    assert [s["count"] for s in steps["stage"]["stages"]] == [1, 2, 1]
    assert data["company"] == {"name": "Alpha Ltd", "assessments": [
        {"questionnaire": "steps", "assessed_on": "2026-03-01", "files": ["portfolio/software/alpha/2026.yaml"],
         "industry": "software", "size": "11-50"},
        {"questionnaire": "tiny", "assessed_on": "2026-03-01", "files": ["portfolio/software/alpha/2026.yaml"],
         "industry": "software", "size": "11-50"}]}


def test_terminal_report_at_80_columns(portfolio: Path) -> None:
    code, out, err = bench(portfolio, "--company", "alpha  ltd")
    assert code == 0
    lines = out.splitlines()
    assert lines[:6] == [
        "Benchmark of 5 companies from 7 answers files",
        "Counted: the latest assessment of each company",
        "1 file failed to load and is left out (errors on stderr)",
        "1 earlier assessment left out (--all-dates counts them)",
        "1 customer-lens file left out: the benchmark compares companies' own views",
        "Placing Alpha Ltd: steps 2026-03-01, tiny 2026-03-01",
    ]
    assert "Tiny practices (tiny v1): 5 assessments" in lines
    assert "Alpha Ltd scores 75.0: percentile rank 80.0; 3 below, 1 tied, 0 above." in lines
    header = next(i for i, line in enumerate(lines) if line.startswith("Section") and lines[i - 1].startswith(
        "Alpha Ltd scores 75.0"))
    assert lines[header:header + 5] == [
        "Section                            n  Mean   SD    Q1 Median    Q3 Company  Rank",
        "────────────────────────────────────────────────────────────────────────────────",
        "Overall                            5  55.0 25.9  50.0   62.5  75.0    75.0  80.0",
        "People                             5  55.0 37.1  50.0   50.0  75.0   100.0  90.0",
        "Process                            4  56.3 31.5  43.8   50.0  62.5    50.0  50.0",
    ]
    assert "Alpha Ltd reached stage 3 Top; of the 3 other companies, 3 lower, 0 the same, 0" in lines
    assert all(len(line) <= 80 and line == line.rstrip() for line in lines)  # no trailing blanks
    assert err.splitlines() == [BROKEN_LINE]


def test_segment_with_one_member_in_terminal(portfolio: Path) -> None:
    code, out, _ = bench(portfolio, "--by", "industry", "--company", "Epsilon SA")
    assert code == 0
    lines = out.splitlines()
    start = lines.index("Industry: energy  1 company")
    block = lines[start:start + 9]
    assert "Epsilon SA scores 12.5: percentile rank 50.0; no other company to compare with." in block
    assert "Overall                            1  12.5    —  12.5   12.5  12.5    12.5  50.0" in block


def test_strict_fails_on_broken_files_after_writing_the_report(portfolio: Path) -> None:
    code, out, err = bench(portfolio, "--strict", "--format", "json")
    assert code == 2
    assert json.loads(out)["companies"] == 5
    assert err.splitlines() == [BROKEN_LINE, "1 of 8 answers files failed to load (--strict)"]


def test_company_absent_from_the_portfolio(portfolio: Path) -> None:
    code, out, err = bench(portfolio, "--company", "Zeta Corp")
    assert (code, out) == (2, "")
    assert err.splitlines() == [BROKEN_LINE, "company 'Zeta Corp' has no counted assessment in the portfolio "
                                             "(5 companies, 1 file failed to load)"]
    code, _, err = bench(portfolio, "--company", "Delta A.G.")
    assert code == 2
    assert err.splitlines()[-1] == ("company 'Delta A.G.' has no counted assessment in the portfolio (5 companies, "
                                    "1 file failed to load); did you mean 'Delta AG'?")


def test_company_known_only_from_a_broken_file_is_absent(portfolio: Path) -> None:
    code, _, err = bench(portfolio, "--company", "Broken Co")
    assert code == 2
    assert err.splitlines() == [BROKEN_LINE, "company 'Broken Co' has no counted assessment in the portfolio "
                                             "(5 companies, 1 file failed to load)"]


def test_all_dates(portfolio: Path) -> None:
    code, out, _ = bench(portfolio, "--all-dates", "--format", "json")
    assert code == 0
    data = json.loads(out)
    tiny = data["segments"][0]["questionnaires"][1]
    assert (data["all_dates"], tiny["companies"], tiny["score"]["count"]) == (True, 6, 6)
    assert data["left_out"]["earlier"] == 0


def test_jsonl_one_line_per_counted_assessment(portfolio: Path) -> None:
    code, out, _ = bench(portfolio, "--format", "jsonl")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["file"].removeprefix("portfolio/"), r["questionnaire"]) for r in rows] == [
        ("energy/epsilon.yml", "tiny"), ("retail/delta.yaml", "steps"), ("retail/delta.yaml", "tiny"),
        ("retail/gamma.yaml", "steps"), ("retail/gamma.yaml", "tiny"), ("software/alpha/2026.yaml", "steps"),
        ("software/alpha/2026.yaml", "tiny"), ("software/beta.yaml", "steps"), ("software/beta.yaml", "tiny")]
    assert rows[4] == {
        "file": "portfolio/retail/gamma.yaml", "company": "Gamma Inc", "assessed_on": "2026-02-02",
        "industry": "retail", "size": "51-200", "questionnaire": "tiny", "version": 1, "score": 50.0, "level": 3,
        "level_name": "Defined", "stage": None, "stage_name": None, "completeness": 1.0,
        "sections": {"people": 50.0, "process": None},
    }
    assert (rows[3]["stage"], rows[3]["stage_name"]) == (1, "Start")


def test_markdown_tables_are_well_formed(portfolio: Path) -> None:
    code, out, _ = bench(portfolio, "--format", "markdown", "--company", "Beta GmbH", "--by", "size")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "# CRM benchmark: Beta GmbH"
    assert "## Size: 51-200" in lines
    assert "- portfolio/software/broken.yaml:8:21: people.owner: '9' is not on the practice scale; use one of 0 " \
           "(Not done), 1 (Ad hoc), 2 (Defined), 3 (Practised), 4 (Measured), or n/a" in lines
    assert "| **Overall** | 5 | 55.0 | 25.9 | 12.5 | 50.0 | 62.5 | 75.0 | 75.0 | 62.5 | 50.0 |" in lines
    assert "| 2 Middle ◀ | 2 | 50% |" in lines
    # every row of a table has as many cells as its header
    tables: list[list[str]] = []
    for line in lines:
        if line.startswith("|"):
            if not tables or not tables[-1]:
                tables.append([])
            tables[-1].append(line)
        elif tables and tables[-1]:
            tables.append([])
    for table in filter(None, tables):
        widths = {line.count(" | ") + 2 for line in table if not line.startswith("|---")}
        assert len(widths) == 1, table


def test_company_names_are_escaped_in_markdown(tmp_path: Path) -> None:
    write_portfolio(tmp_path)
    (tmp_path / "portfolio" / "odd.yaml").write_text(
        'format: 1\ncompany: "Pipe | # Co"\nassessed_on: 2026-01-01\nquestionnaires:\n  tiny:\n    answers:\n'
        "      people.owner: 2\n")
    code, out, _ = bench(tmp_path, "--format", "markdown", "--company", "pipe | # co")
    assert code == 0
    assert out.splitlines()[0] == "# CRM benchmark: Pipe \\| \\# Co"


def test_no_answers_files_and_missing_paths(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    run = run_cli("benchmark", "empty", cwd=tmp_path)
    assert (run.code, run.out) == (2, "")
    assert run.err == "no answers files found (looked for *.yaml and *.yml in: empty)\n"
    run = run_cli("benchmark", "nowhere", cwd=tmp_path)
    assert (run.code, run.err) == (2, "nowhere: no such file or directory\n")


def test_benchmark_scores_match_report(tmp_path: Path) -> None:
    """The benchmark's lean scoring gives exactly the numbers of `crmcheck report`."""
    path = str(EXAMPLES / "assessment-2026.yaml")
    rows = [json.loads(line) for line in run_cli("benchmark", path, "--format", "jsonl").out.splitlines()]
    report = json.loads(run_cli("report", path, "--format", "json").out)
    expected = {q["id"]: (q["score"], q["level"], q["stage"]["reached"] if q["stage"] else None,
                          q["completeness"], {s["id"]: s["score"] for s in q["sections"]})
                for q in report["questionnaires"]}
    assert {r["questionnaire"]: (r["score"], r["level"], r["stage"], r["completeness"], r["sections"])
            for r in rows} == expected
    assert len(rows) == 3


def test_example_company_with_several_respondents() -> None:
    run = run_cli("benchmark", str(EXAMPLES), "--company", "Brightwater Field Systems", "--format", "json")
    assert run.code == 0
    data = json.loads(run.out)
    assert data["left_out"] == {"earlier": 3, "customer_lens": 5}
    perception = next(a for a in data["company"]["assessments"] if a["questionnaire"] == "perception-gap")
    assert [Path(f).name for f in perception["files"]] == [
        "company-marketing.yaml", "company-sales.yaml", "company-support.yaml"]


def test_help_has_an_example() -> None:
    run = run_cli("benchmark", "--help")
    assert run.code == 0
    assert "crmcheck benchmark portfolio/ --company" in run.out
    for option in ("--company", "--by", "--all-dates", "--format", "--strict", "--jobs", "--progress"):
        assert option in run.out


def test_a_broken_custom_questionnaire_fails_the_files_that_use_it_and_two_with_one_id_fail_the_run(
        tmp_path: Path) -> None:
    """As docs/benchmark.md says: a questionnaire that fails its checks is each using file's load error (listed,
    exit 0; 2 with --strict); a directory with two questionnaires of one id is a broken directory (exit 2)."""
    (tmp_path / "qs").mkdir()
    (tmp_path / "qs" / "bad.yaml").write_text(
        "format: 1\nid: bad\ntitle: Bad\nversion: 1\nkind: scored\nsource: S\n"
        "levels: [{level: 1, name: I, min: 0}]\ndefault_target: 1\nsections: []\n")
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "uses-bad.yaml").write_text(
        "format: 1\ncompany: A\nassessed_on: 2026-11-01\nquestionnaires:\n  bad:\n    answers: {}\n")
    (tmp_path / "p" / "good.yaml").write_text((EXAMPLES / "assessment-2026.yaml").read_text())
    run = run_cli("benchmark", "p", "--questionnaires", "qs", "--format", "json", cwd=tmp_path)
    assert run.code == 0, run.err
    assert json.loads(run.out)["failed"] == [
        {"file": "p/uses-bad.yaml", "errors": ["qs/bad.yaml:9:11: sections: must not be empty"]}]
    assert run.err == "qs/bad.yaml:9:11: sections: must not be empty\n"
    strict = run_cli("benchmark", "p", "--questionnaires", "qs", "--strict", "-o", "out.json", cwd=tmp_path)
    assert strict.code == 2 and (tmp_path / "out.json").exists()
    (tmp_path / "qs" / "bad-again.yaml").write_text((tmp_path / "qs" / "bad.yaml").read_text())
    twice = run_cli("benchmark", "p", "--questionnaires", "qs", cwd=tmp_path)
    # files are read in sorted order ("bad-again" before "bad."): the second one met is named as the duplicate
    assert (twice.code, twice.out, twice.err) == (
        2, "", "qs/bad.yaml:2:1: questionnaire id 'bad' is also defined in qs/bad-again.yaml\n")
