"""`crmcheck measure` on a small data set worked by hand: every metric's number is computed in the comments below
from the rows written here, then checked against what measure computes (JSON values are exact)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import STANDARD_LEVELS, questionnaire_dir, run_cli

pytest.importorskip("duckdb")

# Deals (row 1 is the header, so D1 is row 2):
#   D1 Acme  won   created 01-01 closed 01-11 -> 10 days, 1000, marketing
#   D2 Acme  lost  500, sales
#   D3 Beta  won   02-01 -> 02-05 = 4 days, "2,000" (thousands comma) = 2000, sales
#   D4 Beta  open  300, marketing
#   D5 Gamma won   closed 02-01 before created 03-01: row 6, left out
#   D6 Gamma won   03-02 -> 03-22 = 20 days, 400, marketing
#   D7 Delta lost  amount -50: row 8, left out
#   D8 Delta lost  250, marketing
# Kept: D1 D2 D3 D4 D6 D8 = 6 deals; won D1 D3 D6 = 3; lost D2 D8 = 2; open D4 = 1.
# win rate = 3 / (3 + 2) = 60 %. Marketing: D1 won, D4 open, D6 won, D8 lost -> 2 / 3 = 66.666... %.
# days to close over won deals: 4, 10, 20 -> median 10.
# pipeline 1000 + 500 + 2000 + 300 + 400 + 250 = 4450; marketing 1000 + 300 + 400 + 250 = 1950 -> 43.8202... %.
# won amount 1000 + 2000 + 400 = 3400; marketing won 1000 + 400 = 1400 -> 41.1764... %.
DEALS = """id,account,created,closed,status,amount,source
D1,Acme,2026-01-01,2026-01-11,won,1000,marketing
D2,Acme,2026-01-05,2026-01-25,lost,500,sales
D3,Beta,2026-02-01,2026-02-05,Won,"2,000",sales
D4,Beta,2026-02-10,,open,300,marketing
D5,Gamma,2026-03-01,2026-02-01,won,100,sales
D6,Gamma,2026-03-02,2026-03-22,won,400,Marketing
D7,Delta,2026-03-05,2026-03-08,lost,-50,marketing
D8,Delta,2026-03-10,2026-03-12,lost,250,marketing
"""
# Leads: 8. With a deal: L1 L2 L4 L6 = 4 -> 50 %. Marketing: L1 L2 L3 L5 L6 L8 = 6; of them with a deal L1 L2 L6
# = 3 -> 50 %; with a won deal only L1 (D1) -> 1 / 6 = 16.666... % (L6's deal D7 was left out: not found, not won).
LEADS = """id,created,source,deal
L1,2025-12-01,marketing,D1
L2,2025-12-02,marketing,D4
L3,2025-12-03,marketing,
L4,2025-12-04,sales,D3
L5,2025-12-05,marketing,
L6,2025-12-06,marketing,D7
L7,2025-12-07,sales,
L8,2025-12-08,marketing,
"""
# Tickets: T5 was replied to before it was created (row 6): left out. Kept T1 T2 T3 T4 T6 = 5.
#   first reply: T1 1 h, T2 3 h, T3 0.5 h, T6 1 h (created 10:00+02:00 = 08:00 UTC, reply 09:00 UTC); T4 none
#     -> 0.5, 1, 1, 3: median (1 + 1) / 2 = 1 hour over 4 tickets.
#   resolution: T1 4 h, T2 24 h, T4 2 h, T6 4 h (14:00+02:00 = 12:00 UTC); T3 not solved
#     -> 2, 4, 4, 24: median 4 hours over 4 solved = 0.1666... days.
#   rated: T1 good, T2 bad, T4 good (T3 blank, T6 "offered": unrated) -> 2 of 3 = 66.666... %.
#   per month: January 2, February 2, March 1 over 3 months -> 5 / 3 = 1.666... tickets a month.
#   channels: chat 2 (T4 T6), email 2 (T1 T3), phone 1.
TICKETS = """id,account,created,first_reply,solved,channel,satisfaction
T1,Acme,2026-01-02 09:00,2026-01-02 10:00,2026-01-02 13:00,email,good
T2,Acme,2026-01-03 09:00,2026-01-03 12:00,2026-01-04 09:00,phone,bad
T3,Beta,2026-02-01 08:00,2026-02-01 08:30,,email,
T4,Beta,2026-02-03 10:00,,2026-02-03 12:00,chat,Good
T5,Gamma,2026-03-01 10:00,2026-03-01 09:00,2026-03-01 11:00,email,good
T6,Delta,2026-03-04T10:00:00+02:00,2026-03-04T09:00:00Z,2026-03-04T14:00:00+02:00,chat,offered
"""
# Invoices: I5's refund 300 is above its 250 (row 6): left out. Kept I1 I2 I3 I4 I6 = 5, invoiced
# 1000 + 500 + 2000 + 400 + 250 = 4150. Late (paid after due): I2 30 days, I4 60 days -> 2 / 5 = 40 %;
# late amount 500 + 400 = 900 -> 900 / 4150 = 21.6867... %. I3 paid on its due date: not late. I6 unpaid: not late.
# Refunded 800 (I3) -> 800 / 4150 = 19.2771... %.
INVOICES = """id,account,issued,due,paid,amount,refunded
I1,Acme,2026-01-15,2026-02-14,2026-02-10,1000,0
I2,Acme,2026-02-15,2026-03-17,2026-04-16,500,0
I3,Beta,2026-02-20,2026-03-22,2026-03-22,2000,800
I4,Gamma,2026-03-01,2026-03-31,2026-05-30,400,0
I5,Delta,2026-03-05,2026-04-04,,250,300
I6,Delta,2026-03-06,2026-04-05,,250,0
"""
# Customer value, cost per ticket 250, financing 10 % a year:
#   Acme:  invoiced 1500, net 1500, tickets 2, late 500 x 30 / 365 -> financing 0.1 x 41.0958... = 4.10958...
#          value = 1500 - 500 - 4.10958... = 995.89041...; days late per invoice (0 + 30) / 2 = 15
#   Beta:  invoiced 2000, refunded 800, net 1200, tickets 2 -> value 700
#   Gamma: invoiced 400, tickets 0 (T5 left out), late 400 x 60 / 365 -> financing 6.57534...; value 393.42465...
#   Delta: invoiced 250 (I6), tickets 1 -> value 0
# By size: Beta, Acme, Gamma, Delta. By value: Acme, Beta, Gamma, Delta: the biggest (Beta) is not the best (Acme).
EXPECTED = {
    "deals": 6, "won-deals": 3, "lost-deals": 2, "open-deals": 1, "win-rate": 60.0,
    "marketing-win-rate": 200 / 3, "days-to-close": 10.0, "marketing-pipeline-share": 100 * 1950 / 4450,
    "marketing-won-share": 100 * 1400 / 3400, "marketing-leads": 6, "lead-to-opportunity": 50.0,
    "marketing-lead-to-opportunity": 50.0, "marketing-lead-to-won": 100 / 6, "first-reply-hours": 1.0,
    "resolution-hours": 4.0, "resolution-days": 4 / 24, "satisfied-share": 200 / 3, "tickets-per-month": 5 / 3,
    "late-invoice-share": 40.0, "late-amount-share": 100 * 900 / 4150, "refund-rate": 100 * 800 / 4150,
}


def write_exports(directory: Path) -> dict[str, Path]:
    paths = {}
    for name, text in (("deals", DEALS), ("leads", LEADS), ("tickets", TICKETS), ("invoices", INVOICES)):
        paths[name] = directory / f"{name}.csv"
        paths[name].write_text(text, encoding="utf-8")
    return paths


def table_args(paths: dict[str, Path]) -> list[str]:
    return [arg for name, path in paths.items() for arg in (f"--{name}", str(path))]


def measured(tmp_path: Path, *extra: str) -> dict:  # type: ignore[type-arg]
    run = run_cli("measure", *table_args(write_exports(tmp_path)), "--format", "json", *extra)
    assert run.code == 0, run.err
    return json.loads(run.out)  # type: ignore[no-any-return]


def test_every_metric_matches_the_hand_worked_figures(tmp_path: Path) -> None:
    result = measured(tmp_path)
    values = {m["id"]: m["value"] for m in result["metrics"]}
    assert set(values) == set(EXPECTED)
    for metric_id, expected in EXPECTED.items():
        assert values[metric_id] == pytest.approx(expected, rel=1e-12), metric_id
    # the Forrester line is 4 %: 16.7 % is above it, so no flag
    assert all(m["flag"] is None for m in result["metrics"])


def test_rows_that_break_a_rule_are_listed_and_left_out(tmp_path: Path) -> None:
    result = measured(tmp_path)
    listed = [(Path(e["file"]).name, e["row"], e["reason"]) for e in result["excluded"]]
    assert listed == [("deals.csv", 6, "closed before it was created"), ("deals.csv", 8, "negative amount"),
                      ("tickets.csv", 6, "replied to or solved before it was created"),
                      ("invoices.csv", 6, "refund above its invoice")]
    assert result["excluded_total"] == 4
    rows = {t["name"]: (t["rows"], t["used"]) for t in result["tables"]}
    assert rows == {"deals": (8, 6), "leads": (8, 8), "tickets": (6, 5), "invoices": (6, 5)}
    assert any("1 name a deal that is not in the deals table" in n for n in result["notes"])


def test_tickets_by_channel_and_month(tmp_path: Path) -> None:
    result = measured(tmp_path)
    assert [(c["key"], c["tickets"]) for c in result["channels"]] == [("chat", 2), ("email", 2), ("phone", 1)]
    assert [(c["key"], c["tickets"]) for c in result["months"]] == [("2026-01", 2), ("2026-02", 2), ("2026-03", 1)]


def test_customer_value_ranks_size_beside_value_and_names_the_gap(tmp_path: Path) -> None:
    result = measured(tmp_path)
    accounts = {a["account"]: a for a in result["accounts"]}
    assert accounts["Acme"]["value"] == pytest.approx(1500 - 500 - 0.1 * 500 * 30 / 365)
    assert accounts["Acme"]["days_late_per_invoice"] == 15
    assert accounts["Beta"]["net_revenue"] == 1200 and accounts["Beta"]["value"] == 700
    assert accounts["Gamma"]["value"] == pytest.approx(400 - 0.1 * 400 * 60 / 365)
    assert accounts["Gamma"]["tickets"] == 0 and accounts["Delta"]["value"] == 0
    assert [a["account"] for a in sorted(result["accounts"], key=lambda a: a["size_rank"])] == [
        "Beta", "Acme", "Gamma", "Delta"]
    assert [a["account"] for a in sorted(result["accounts"], key=lambda a: a["value_rank"])] == [
        "Acme", "Beta", "Gamma", "Delta"]
    assert result["customer_gap"] == {"biggest": "Beta", "biggest_value_rank": 2, "best": "Acme",
                                      "best_size_rank": 2}


def test_assumptions_come_from_the_config(tmp_path: Path) -> None:
    config = tmp_path / "measure.yaml"
    config.write_text("format: 1\ncurrency: EUR\ncost_per_ticket: 100\nfinancing_rate: 0\n")
    result = measured(tmp_path, "--config", str(config))
    accounts = {a["account"]: a for a in result["accounts"]}
    assert accounts["Acme"]["value"] == 1500 - 200  # 2 tickets at 100, no financing cost
    assert result["currency"] == "EUR"


def test_the_forrester_line_flags_marketing_leads_that_rarely_win(tmp_path: Path) -> None:
    # 30 marketing leads, one of which became the one won deal: 1 / 30 = 3.33 % < 4 %
    (tmp_path / "deals.csv").write_text("id,status\nD1,won\nD2,lost\n")
    (tmp_path / "leads.csv").write_text("id,source,deal\n" + "".join(
        f"L{i},marketing,{'D1' if i == 0 else 'D2' if i == 1 else ''}\n" for i in range(30)))
    run = run_cli("measure", "--deals", str(tmp_path / "deals.csv"), "--leads", str(tmp_path / "leads.csv"),
                  "--format", "json")
    metric = next(m for m in json.loads(run.out)["metrics"] if m["id"] == "marketing-lead-to-won")
    assert metric["value"] == pytest.approx(100 / 30)
    assert metric["flag"] == "under Forrester's 4 % line"
    assert "under Forrester's 4 % line" in run_cli("measure", "--deals", str(tmp_path / "deals.csv"), "--leads",
                                                    str(tmp_path / "leads.csv")).out


def test_a_table_not_given_or_empty_is_not_measured_never_zero(tmp_path: Path) -> None:
    (tmp_path / "deals.csv").write_text("id,status,amount\n")
    run = run_cli("measure", "--deals", str(tmp_path / "deals.csv"), "--format", "json")
    assert run.code == 0, run.err
    metrics = {m["id"]: m for m in json.loads(run.out)["metrics"]}
    assert metrics["win-rate"]["value"] is None and metrics["win-rate"]["reason"] == "the deals table is empty"
    assert metrics["deals"]["value"] is None
    assert "leads" not in {m["table"] for m in metrics.values()}
    assert "not measured" in run_cli("measure", "--deals", str(tmp_path / "deals.csv")).out


def test_a_column_the_export_lacks_leaves_its_metrics_unmeasured(tmp_path: Path) -> None:
    (tmp_path / "deals.csv").write_text("id,status\nD1,won\nD2,lost\n")
    metrics = {m["id"]: m for m in json.loads(run_cli("measure", "--deals", str(tmp_path / "deals.csv"),
                                                      "--format", "json").out)["metrics"]}
    assert metrics["win-rate"]["value"] == 50
    assert metrics["marketing-win-rate"]["value"] is None
    assert metrics["marketing-win-rate"]["reason"] == "deals has no 'source' column"


def test_the_columns_used_are_printed(tmp_path: Path) -> None:
    run = run_cli("measure", *table_args(write_exports(tmp_path)))
    assert "deals: " in run.err and "status = status" in run.err and "first_reply = first_reply" in run.err


def test_print_sql_is_the_sql_that_runs(tmp_path: Path) -> None:
    import duckdb

    run = run_cli("measure", "--print-sql")
    assert run.code == 0 and "histogram(" in run.out and "FROM deals" in run.out
    # the printed SQL runs as it is over tables with the documented columns
    paths = write_exports(tmp_path)
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    for name, path in paths.items():
        con.execute(f"CREATE TABLE raw_{name} AS SELECT * FROM read_csv('{path}', all_varchar = true)")
    con.execute("CREATE TABLE deals AS SELECT id, account, created::TIMESTAMP AS created, closed::TIMESTAMP AS closed, "
                "status, replace(amount, ',', '')::DOUBLE AS amount, source FROM raw_deals")
    con.execute("CREATE TABLE leads AS SELECT id, created::TIMESTAMP AS created, source, deal FROM raw_leads")
    con.execute("CREATE TABLE tickets AS SELECT id, account, created::TIMESTAMPTZ::TIMESTAMP AS created, "
                "first_reply::TIMESTAMPTZ::TIMESTAMP AS first_reply, NULL::DOUBLE AS first_reply_minutes, "
                "solved::TIMESTAMPTZ::TIMESTAMP AS solved, channel, satisfaction FROM raw_tickets")
    con.execute("CREATE TABLE invoices AS SELECT id, account, issued::TIMESTAMP AS issued, due::TIMESTAMP AS due, "
                "paid::TIMESTAMP AS paid, amount::DOUBLE AS amount, refunded::DOUBLE AS refunded FROM raw_invoices")
    statements = [s for s in run.out.split(";\n") if s.strip() and not s.strip().startswith("--") or "SELECT" in s]
    results = [con.execute(s).fetchall() for s in statements if "SELECT" in s]
    assert len(results) == 5
    deals = con.execute(statements[0]).fetchone()
    assert deals is not None and deals[3] == 6 and deals[4] == 3  # deals, won: as worked above


QUESTIONNAIRE = """
format: 1
id: measured
title: Measured
version: 1
kind: scored
source: Test source
scales: {}
""" + STANDARD_LEVELS + """risk_bands: {high: 40, medium: 70}
default_target: 4
sections:
  - id: funnel
    title: Funnel
    questions:
      - {id: win-rate, text: "Win rate?", type: number, unit: "%", measure: win-rate,
         bands: [{min: 0, score: 0}, {min: 30, score: 1}]}
      - {id: lead-to-won, text: "Marketing leads won?", type: number, unit: "%", measure: marketing-lead-to-won,
         bands: [{min: 0, score: 0}, {min: 4, score: 1}]}
      - {id: days, text: "Days to close?", type: number, unit: days, measure: days-to-close,
         bands: [{min: 0, score: 1}, {min: 30, score: 0}]}
      - {id: refunds, text: "Refund rate?", type: number, unit: "%", measure: refund-rate,
         bands: [{min: 0, score: 1}, {min: 5, score: 0}]}
"""
# Answers: win rate blank (filled with the measured 60), marketing lead -> won answered 10 against 16.67 measured
# (6.67 apart, beyond its tolerance of 1: contradicted), days to close 12 against 10 (2 apart, within 7: agrees),
# refund rate n/a (not checked).
ANSWERS = """format: 1
company: Acme
assessed_on: 2026-11-01
questionnaires:
  measured:
    answers:
      funnel.win-rate:
      funnel.lead-to-won: {value: 10, note: "Our estimate"}
      funnel.days: 12
      funnel.refunds: n/a
"""


def _answers(tmp_path: Path) -> tuple[Path, Path]:
    directory = questionnaire_dir(tmp_path / "q", measured=QUESTIONNAIRE)
    answers = tmp_path / "answers.yaml"
    answers.write_text(ANSWERS)
    return directory, answers


def test_answers_are_filled_or_contradicted_and_written_only_with_write(tmp_path: Path) -> None:
    directory, answers = _answers(tmp_path)
    args = ["measure", *table_args(write_exports(tmp_path)), "--answers", str(answers), "--questionnaires",
            str(directory)]
    run = run_cli(*args, "--format", "json")
    assert run.code == 0, run.err
    checks = {c["question"]: c for c in json.loads(run.out)["answers"]["checks"]}
    assert checks["funnel.win-rate"]["status"] == "filled" and checks["funnel.win-rate"]["measured"] == 60
    assert checks["funnel.lead-to-won"]["status"] == "contradicted"
    assert checks["funnel.lead-to-won"]["measured"] == pytest.approx(100 / 6)
    assert checks["funnel.days"]["status"] == "agrees"
    assert checks["funnel.refunds"]["status"] == "n/a"
    assert answers.read_text() == ANSWERS  # nothing written without --write
    assert "add --write" in run.err
    shown = run_cli(*args).out
    assert "CONTRADICTED BY DATA" in shown and "filled from data" in shown

    run = run_cli(*args, "--write")
    assert run.code == 0, run.err
    text = answers.read_text()
    assert "funnel.win-rate: {value: 60, evidence: " in text
    assert "measured by crmcheck measure from deals.csv (6 of 8 deals rows, 2026-01-01 to 2026-03-10)" in text
    assert "funnel.lead-to-won: {value: 10, note: \"Our estimate\", measured: {value: 16.666666666666668" in text
    assert run_cli("validate", str(answers), "--questionnaires", str(directory)).code == 0

    # the report shows the contradiction in every format
    report = json.loads(run_cli("report", str(answers), "--questionnaires", str(directory), "--format",
                                "json").out)
    section = report["questionnaires"][0]["sections"][0]
    assert [c["question"] for c in section["contradicted"]] == ["funnel.lead-to-won"]
    question = next(q for q in section["questions"] if q["id"] == "funnel.lead-to-won")
    assert question["contradicted"] is True and question["measured"] == pytest.approx(100 / 6)
    for fmt, words in (("markdown", "### Contradicted by data"), ("html", ">Contradicted by data</h3>"),
                       ("terminal", "Contradicted by data: 1 answer"), ("junit", "contradicted by data: funnel.lead")):
        out = run_cli("report", str(answers), "--questionnaires", str(directory), "--format", fmt).out
        assert words in out, fmt
    xlsx = tmp_path / "report.xlsx"
    assert run_cli("report", str(answers), "--questionnaires", str(directory), "--format", "xlsx", "-o",
                   str(xlsx)).code == 0
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx)["Contradicted by data"]
    assert [c.value for c in sheet[2]][:5] == ["measured", "funnel.lead-to-won", "Marketing leads won?", 10,
                                               pytest.approx(100 / 6)]

    # measuring again changes nothing more: the answers now hold the measured values
    before = answers.read_text()
    assert run_cli(*args, "--write").code == 0
    assert answers.read_text() == before


def test_write_never_touches_an_answers_file_that_fails_to_load(tmp_path: Path) -> None:
    directory, answers = _answers(tmp_path)
    broken = ANSWERS.replace("funnel.days: 12", "funnel.days: 12\n      funnel.days: 13")
    answers.write_text(broken)
    run = run_cli("measure", *table_args(write_exports(tmp_path)), "--answers", str(answers), "--write",
                  "--questionnaires", str(directory))
    assert run.code == 2 and "duplicate" in run.err.lower()
    assert answers.read_text() == broken
