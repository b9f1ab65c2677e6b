"""`crmcheck measure`: the presets on generated exports in each tool's layout, every input kind (CSV in other
encodings, xlsx, Parquet, folders and hive partitions), bad input, hostile text, and the formats."""

from __future__ import annotations

import csv
import json
import statistics
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests import measure_data
from tests.conftest import ROOT, run_cli
from tests.test_measure import DEALS, EXPECTED, table_args, write_exports

pytest.importorskip("duckdb")


def metrics_of(*args: str) -> dict[str, float | None]:
    run = run_cli("measure", *args, "--format", "json")
    assert run.code == 0, run.err
    return {m["id"]: m["value"] for m in json.loads(run.out)["metrics"]}


# ---------- presets: each tool's layout, generated, gives what the generic layout of the same rows gives ----------

@pytest.mark.parametrize(("preset", "table"), [("hubspot", "deals"), ("salesforce", "deals"), ("zendesk", "tickets"),
                                               ("freshdesk", "tickets"), ("stripe", "invoices")])
def test_each_preset_reads_its_tool_layout(tmp_path: Path, preset: str, table: str) -> None:
    make = {"deals": measure_data.deals_sql, "tickets": measure_data.tickets_sql,
            "invoices": measure_data.invoices_sql}[table]
    generic = measure_data.write(tmp_path / "generic", table, make(500), fmt="csv")
    laid_out = measure_data.write(tmp_path / preset, table,
                                  make(500, layout=preset) if table != "invoices" else make(500),
                                  fmt="csv", layout=preset)
    header = next(csv.reader(laid_out.open(encoding="utf-8")))
    assert set(header) == set(measure_data.LAYOUTS[preset]["columns"].values())
    want = metrics_of(f"--{table}", str(generic))
    got = metrics_of(f"--{table}", str(laid_out), "--config", f"preset:{preset}")
    assert got == pytest.approx(want)
    assert any(v is not None for v in got.values())


def test_generated_win_rate_and_reply_median_match_a_plain_recount(tmp_path: Path) -> None:
    deals = measure_data.write(tmp_path, "deals", measure_data.deals_sql(2000, seed=7), fmt="csv")
    rows = list(csv.DictReader(deals.open(encoding="utf-8")))
    won = sum(r["status"] == "won" for r in rows)
    lost = sum(r["status"] == "lost" for r in rows)
    tickets = measure_data.write(tmp_path, "tickets", measure_data.tickets_sql(999, seed=7, layout="zendesk"),
                                 fmt="csv", layout="zendesk")
    minutes = [int(r["First reply time in minutes"]) for r in csv.DictReader(tickets.open(encoding="utf-8"))]
    got = metrics_of("--deals", str(deals), "--tickets", str(tickets), "--config", "preset:zendesk")
    assert got["win-rate"] == pytest.approx(100 * won / (won + lost))
    assert got["first-reply-hours"] == pytest.approx(statistics.median(minutes) / 60)


def test_an_unknown_preset_names_the_presets() -> None:
    run = run_cli("measure", "--deals", "x.csv", "--config", "preset:hubspt")
    assert run.code == 2 and "did you mean 'hubspot'" in run.err and "salesforce" in run.err


# ---------- input kinds ----------

@pytest.mark.parametrize("encoding", ["cp1252", "utf-16", "utf-8-sig"])
def test_csv_in_the_encodings_the_importer_accepts(tmp_path: Path, encoding: str) -> None:
    text = DEALS.replace("Acme", "Société Générale")
    path = tmp_path / "deals.csv"
    path.write_text(text, encoding=encoding)
    args = ["--encoding", "cp1252"] if encoding == "cp1252" else []
    run = run_cli("measure", "--deals", str(path), "--format", "json", *args)
    assert run.code == 0, run.err
    result = json.loads(run.out)
    assert {m["id"]: m["value"] for m in result["metrics"]}["win-rate"] == 60
    assert "Société Générale" in {a["account"] for a in result["accounts"]}


def test_a_byte_the_encoding_cannot_read_is_an_error_with_its_offset(tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    path.write_bytes(b"id,status\nD1,won\nD2,caf\xe9\n")
    run = run_cli("measure", "--deals", str(path))
    assert run.code == 2 and "byte 0xe9 at offset" in run.err and "--encoding" in run.err


def test_xlsx_parquet_a_folder_and_hive_partitions_read_the_same_rows(tmp_path: Path) -> None:
    from openpyxl import Workbook

    (tmp_path / "csv").mkdir()
    csv_path = write_exports(tmp_path / "csv")["deals"]
    rows = list(csv.reader(csv_path.open(encoding="utf-8")))
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append([float(c.replace(",", "")) if i == 5 and c[:1].isdigit() else c for i, c in enumerate(row)])
    wb.save(tmp_path / "deals.xlsx")
    import duckdb

    con = duckdb.connect()
    con.execute(f"COPY (SELECT * FROM read_csv('{csv_path}', all_varchar = true)) TO '{tmp_path / 'deals.parquet'}'")
    hive = tmp_path / "hive"
    con.execute(f"COPY (SELECT *, substr(created, 1, 7) AS month FROM read_csv('{csv_path}', all_varchar = true)) "
                f"TO '{hive}' (FORMAT parquet, PARTITION_BY (month))")
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "a.csv").write_text("".join(DEALS.splitlines(keepends=True)[:4]))
    (folder / "b.csv").write_text(DEALS.splitlines(keepends=True)[0] + "".join(DEALS.splitlines(keepends=True)[4:]))
    want = {k: v for k, v in EXPECTED.items() if k in metrics_of("--deals", str(csv_path))}
    for source in (tmp_path / "deals.xlsx", tmp_path / "deals.parquet", hive, folder):
        got = metrics_of("--deals", str(source))
        assert {k: got[k] for k in want} == pytest.approx(want), source
    assert len(list(hive.rglob("*.parquet"))) == 3


def test_a_bad_cell_in_a_folder_names_its_own_file_and_row(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("id,created\nD1,2026-01-01\n")
    (tmp_path / "b.csv").write_text("id,created\nD2,2026-01-02\nD3,yesterday\n")
    run = run_cli("measure", "--deals", str(tmp_path))
    assert run.code == 2
    assert run.err.startswith(f"{tmp_path / 'b.csv'}:3:2: created: cannot read 'yesterday' as a date or time")


# ---------- bad input ----------

def test_a_missing_column_names_the_field_table_columns_found_and_a_guess(tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    path.write_text("Deal Id,Stage,Amount\nD1,won,5\n")
    config = tmp_path / "measure.yaml"
    config.write_text("format: 1\ncolumns:\n  deals: {id: Deal Id, status: Status, amount: Amount}\n")
    run = run_cli("measure", "--deals", str(path), "--config", str(config))
    assert run.code == 2
    assert run.err.splitlines()[0] == (f"{path}: deals: no column for the field 'status' (looked for Status) (did you "
                                       "mean 'Stage'?); the columns found: 'Deal Id', 'Stage', 'Amount'")
    path.write_text("Number,Stage\nD1,won\n")
    run = run_cli("measure", "--deals", str(path))
    assert run.code == 2 and "no column for the field 'id' (looked for one of 'id', 'deal id'" in run.err


def test_unparseable_dates_and_amounts_give_file_row_column_with_the_cell(tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    path.write_text("id,created,amount\nD1,2026-01-01,12x\nD2,31/02/2026,5\nD3,2026-01-03,\"1.234,50\"\n")
    run = run_cli("measure", "--deals", str(path))
    assert run.code == 2
    assert run.err.splitlines() == [
        f"{path}:2:3: amount: cannot read '12x' as an amount (field 'amount' of deals)",
        f"{path}:3:2: created: cannot read '31/02/2026' as a date or time (field 'created' of deals)",
        f"{path}:4:3: amount: cannot read '1.234,50' as an amount (field 'amount' of deals)",
    ]


def test_many_bad_cells_show_fifty_and_a_count(tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    path.write_text("id,created\n" + "".join(f"D{i},never\n" for i in range(130)))
    lines = run_cli("measure", "--deals", str(path)).err.splitlines()
    assert len(lines) == 51 and lines[-1] == f"... and 80 more problems in {path}"


def test_many_rows_left_out_list_fifty_and_a_count(tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    path.write_text("id,status,amount\n" + "".join(f"D{i},won,-{i + 1}\n" for i in range(70)) + "D70,won,5\n")
    result = json.loads(run_cli("measure", "--deals", str(path), "--format", "json").out)
    assert len(result["excluded"]) == 50 and result["excluded_total"] == 70
    assert result["excluded"][0] == {"table": "deals", "file": str(path), "row": 2, "reason": "negative amount"}
    assert {m["id"]: m["value"] for m in result["metrics"]}["won-deals"] == 1
    assert "... and 20 more rows left out" in run_cli("measure", "--deals", str(path)).out


def test_a_config_is_strict_with_positions(tmp_path: Path) -> None:
    config = tmp_path / "measure.yaml"
    config.write_text("format: 1\ncost_per_tiket: 100\n")
    run = run_cli("measure", "--deals", "x.csv", "--config", str(config))
    assert run.code == 2 and run.err.startswith(f"{config}:2:1: unknown field 'cost_per_tiket'")
    config.write_text("format: 1\nfinancing_rate: -1\n")
    assert ":2:" in run_cli("measure", "--deals", "x.csv", "--config", str(config)).err
    config.write_text("format: 2\n")
    assert "unsupported measure config format 2" in run_cli("measure", "--deals", "x", "--config", str(config)).err
    schema = json.loads(run_cli("schema", "measure").out)
    assert "cost_per_ticket" in schema["properties"] and schema["additionalProperties"] is False


@pytest.mark.parametrize(("args", "words"), [
    ((), "give at least one table"),
    (("--deals", "missing.csv"), "missing.csv: no such file or folder"),
    (("--deals", "x.json"), "not a CSV, xlsx or Parquet file"),
    (("--deals", "x.csv", "--write"), "--write saves into the --answers file"),
    (("--deals", "x.csv", "--memory-limit", "lots"), "--memory-limit: 'lots' is not a size"),
])
def test_usage_errors(tmp_path: Path, args: tuple[str, ...], words: str) -> None:
    (tmp_path / "x.json").write_text("{}")
    run = run_cli("measure", *args, cwd=tmp_path)
    assert run.code == 2 and words in run.err, run.err
    assert len(run.err.strip().splitlines()) == 1


def test_output_never_overwrites_an_input(tmp_path: Path) -> None:
    paths = write_exports(tmp_path)
    run = run_cli("measure", "--deals", str(paths["deals"]), "-o", str(paths["deals"]))
    assert run.code == 2 and paths["deals"].read_text() == DEALS


# ---------- hostile text and the formats ----------

HOSTILE = '=HYPERLINK("http://x")|<script>alert(1)</script> # [a](http://evil) \x1b[31mred\x1b[0m ::warning::x'


def test_hostile_text_is_inert_in_every_format(tmp_path: Path) -> None:
    path = tmp_path / "deals.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "account", "status", "amount", "source"])
        writer.writerow(["D1", HOSTILE, "won", "100", "x"])
        writer.writerow(["D2", "Plain", "won", "50", HOSTILE])
    args = ["measure", "--deals", str(path)]
    md = run_cli(*args, "--format", "markdown").out
    assert "<script>" not in md and "[a](http://evil)" not in md and "\x1b" not in md
    assert all(line.count("|") - line.count("\\|") == 10 for line in md.splitlines() if line.startswith("| 1 |"))
    html = run_cli(*args, "--format", "html").out
    assert "<script>" not in html and "&lt;script&gt;" in html and "\x1b" not in html
    terminal = run_cli(*args).out
    assert "\x1b" not in terminal and "\n::warning" not in terminal
    data = json.loads(run_cli(*args, "--format", "json").out)
    assert HOSTILE in {a["account"] for a in data["accounts"]}
    out = tmp_path / "m.xlsx"
    assert run_cli(*args, "--format", "xlsx", "-o", str(out)).code == 0
    from openpyxl import load_workbook

    sheet = load_workbook(out)["Accounts"]
    cells = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value]
    assert cells and all(c.data_type == "s" for c in cells)


@pytest.mark.parametrize("fmt", ["terminal", "markdown", "html", "json", "xlsx"])
def test_every_format_writes_with_o(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / "out" / f"measure.{fmt}"
    run = run_cli("measure", *table_args(write_exports(tmp_path)), "--format", fmt, "-o", str(out))
    assert run.code == 0, run.err
    if fmt == "xlsx":
        with zipfile.ZipFile(out) as book:
            assert "xl/workbook.xml" in book.namelist()
        from openpyxl import load_workbook

        names = load_workbook(out).sheetnames
        assert names == ["Metrics", "Tables", "Accounts", "Channels", "Months", "Answers", "Left out"]
        return
    text = out.read_text(encoding="utf-8")
    shown = {"terminal": "60.0 %", "markdown": "| Win rate (won / (won + lost)) | 60.0 % |",
             "html": "<td class=\"num\">60.0 %</td>", "json": '"value": 60.0'}[fmt]
    assert shown in text
    if fmt == "markdown":
        assert "## Customer value" in text and "Your biggest customer is not your best: Beta" in text


# ---------- the extra ----------

def test_other_commands_never_import_duckdb() -> None:
    code = ("import sys; from crmcheck.cli import main; sys.argv = ['crmcheck', 'list'];\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\nassert 'duckdb' not in sys.modules, 'duckdb imported'")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr


def test_without_the_extra_one_line_names_the_install(tmp_path: Path) -> None:
    paths = write_exports(tmp_path)
    code = ("import sys; sys.modules['duckdb'] = None; from crmcheck.cli import main; "
            f"sys.argv = ['crmcheck', 'measure', '--deals', {str(paths['deals'])!r}]; main()")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 2
    assert run.stderr.strip() == ("crmcheck measure needs the measure extra (duckdb is not installed): "
                                  "pip install 'crmcheck[measure]'")
