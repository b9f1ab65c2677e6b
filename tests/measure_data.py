"""Generated exports for `crmcheck measure`: deals, leads, tickets and invoices of any size, in the generic layout
or a preset's (HubSpot, Salesforce, Zendesk, Freshdesk, Stripe), as CSV or Parquet. DuckDB writes them, so ten
million rows take seconds; the same seed gives the same rows. Used by the tests and by benchmarks/measure.py."""

from __future__ import annotations

from pathlib import Path
from typing import Any

# per preset: field -> column name, and the cell values the tool writes for ours
LAYOUTS: dict[str, dict[str, Any]] = {
    "generic": {"table": None, "columns": {}, "values": {}},
    "hubspot": {"table": "deals", "columns": {
        "id": "Record ID", "account": "Associated Company", "created": "Create Date", "closed": "Close Date",
        "status": "Deal Stage", "amount": "Amount", "source": "Original Source Type"},
        "values": {"won": "Closed Won", "lost": "Closed Lost", "open": "Appointment Scheduled",
                   "marketing": "Paid Search", "sales": "Offline Sources"}},
    "salesforce": {"table": "deals", "columns": {
        "id": "Opportunity ID", "account": "Account Name", "created": "Created Date", "closed": "Close Date",
        "status": "Stage", "amount": "Amount", "source": "Lead Source"},
        "values": {"won": "Closed Won", "lost": "Closed Lost", "open": "Prospecting", "marketing": "Web",
                   "sales": "Partner Referral"}},
    "zendesk": {"table": "tickets", "columns": {
        "id": "Id", "account": "Organization", "created": "Created at",
        "first_reply_minutes": "First reply time in minutes", "solved": "Solved at", "channel": "Via",
        "satisfaction": "Satisfaction Score"},
        "values": {"good": "Good", "bad": "Bad", "unrated": "Unoffered"}},
    "freshdesk": {"table": "tickets", "columns": {
        "id": "Ticket ID", "account": "Company Name", "created": "Created time", "first_reply": "Initial response time",
        "solved": "Resolved time", "channel": "Source", "satisfaction": "Survey results"},
        "values": {"good": "Awesome", "bad": "Not Good", "unrated": "Not rated"}},
    "stripe": {"table": "invoices", "columns": {
        "id": "id", "account": "Customer", "issued": "Date (UTC)", "due": "Due Date (UTC)", "paid": "Paid At (UTC)",
        "amount": "Total", "refunded": "Amount Refunded"}, "values": {}},
}


def _h(expr: str, seed: int, salt: int) -> str:
    """A deterministic pseudo-random whole number 0..2**31 from a row number."""
    return f"(hash({expr} * {salt} + {seed}) % 2147483647)"


def _value(layout: str, key: str, default: str) -> str:
    return str(LAYOUTS[layout]["values"].get(key, default)).replace("'", "''")


def deals_sql(rows: int, seed: int = 1, accounts: int = 1000, layout: str = "generic") -> str:
    won, lost, open_ = (_value(layout, k, k) for k in ("won", "lost", "open"))
    marketing, sales = _value(layout, "marketing", "marketing"), _value(layout, "sales", "sales")
    return f"""
SELECT 'D' || i AS id, 'A' || ({_h('i', seed, 7)} % {accounts}) AS account,
  TIMESTAMP '2025-01-01' + INTERVAL (({_h('i', seed, 11)} % 525600)) MINUTE AS created,
  CASE WHEN {_h('i', seed, 13)} % 10 < 7 THEN TIMESTAMP '2025-01-01'
    + INTERVAL (({_h('i', seed, 11)} % 525600) + 60 * 24 * (1 + {_h('i', seed, 17)} % 90)) MINUTE END AS closed,
  CASE WHEN {_h('i', seed, 13)} % 10 < 4 THEN '{won}' WHEN {_h('i', seed, 13)} % 10 < 7 THEN '{lost}'
       ELSE '{open_}' END AS status,
  CAST(100 + {_h('i', seed, 19)} % 10000 AS DOUBLE) AS amount,
  CASE WHEN {_h('i', seed, 23)} % 3 = 0 THEN '{marketing}' ELSE '{sales}' END AS source
FROM range({rows}) AS t(i)"""


def leads_sql(rows: int, deals: int, seed: int = 1, layout: str = "generic") -> str:
    marketing, sales = _value(layout, "marketing", "marketing"), _value(layout, "sales", "sales")
    return f"""
SELECT 'L' || i AS id, TIMESTAMP '2025-01-01' + INTERVAL ({_h('i', seed, 29)} % 525600) MINUTE AS created,
  CASE WHEN {_h('i', seed, 31)} % 2 = 0 THEN '{marketing}' ELSE '{sales}' END AS source,
  CASE WHEN {_h('i', seed, 37)} % 5 = 0 THEN 'D' || ({_h('i', seed, 41)} % {max(deals, 1)}) END AS deal
FROM range({rows}) AS t(i)"""


def tickets_sql(rows: int, seed: int = 1, accounts: int = 1000, layout: str = "generic") -> str:
    good, bad, unrated = (_value(layout, k, d) for k, d in (("good", "good"), ("bad", "bad"),
                                                             ("unrated", "offered")))
    reply_minutes = f"(5 + {_h('i', seed, 47)} % 2880)"
    created = f"TIMESTAMP '2025-01-01' + INTERVAL ({_h('i', seed, 43)} % 525600) MINUTE"
    minutes_layout = "first_reply_minutes" in LAYOUTS[layout]["columns"]
    reply = (f"CAST({reply_minutes} AS BIGINT) AS first_reply_minutes" if minutes_layout else
             f"{created} + INTERVAL ({reply_minutes}) MINUTE AS first_reply")
    return f"""
SELECT 'T' || i AS id, 'A' || ({_h('i', seed, 53)} % {accounts}) AS account, {created} AS created,
  {reply},
  CASE WHEN {_h('i', seed, 59)} % 10 < 9
    THEN {created} + INTERVAL ({reply_minutes} + {_h('i', seed, 61)} % 10080) MINUTE END AS solved,
  CASE {_h('i', seed, 67)} % 3 WHEN 0 THEN 'email' WHEN 1 THEN 'phone' ELSE 'chat' END AS channel,
  CASE {_h('i', seed, 71)} % 4 WHEN 0 THEN '{good}' WHEN 1 THEN '{good}' WHEN 2 THEN '{bad}' ELSE '{unrated}' END
    AS satisfaction
FROM range({rows}) AS t(i)"""


def invoices_sql(rows: int, seed: int = 1, accounts: int = 1000) -> str:
    issued = f"(DATE '2025-01-01' + INTERVAL ({_h('i', seed, 73)} % 365) DAY)"
    return f"""
SELECT 'I' || i AS id, 'A' || ({_h('i', seed, 79)} % {accounts}) AS account, {issued} AS issued,
  {issued} + INTERVAL 30 DAY AS due,
  {issued} + INTERVAL ({_h('i', seed, 83)} % 50) DAY AS paid,
  CAST(500 + {_h('i', seed, 89)} % 5000 AS DOUBLE) AS amount,
  CASE WHEN {_h('i', seed, 97)} % 20 = 0 THEN 100.0 ELSE 0.0 END AS refunded
FROM range({rows}) AS t(i)"""


def write(directory: Path, table: str, sql: str, *, fmt: str = "parquet", layout: str = "generic",
          name: str | None = None) -> Path:
    """Write one generated table: its columns renamed to the layout's; CSV or Parquet."""
    import duckdb

    columns = LAYOUTS[layout]["columns"] if LAYOUTS[layout]["table"] in (None, table) else {}
    renamed = ", ".join(f'"{field}" AS "{column}"' for field, column in columns.items())
    select = f"SELECT * RENAME ({renamed}) FROM ({sql})" if renamed else sql
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / (name or f"{table}.{fmt}")
    options = "(FORMAT parquet, ROW_GROUP_SIZE 122880)" if fmt == "parquet" else "(FORMAT csv, HEADER true)"
    con = duckdb.connect()
    try:
        con.execute("SET preserve_insertion_order = true")
        con.execute(f"COPY ({select}) TO '{target}' {options}")
    finally:
        con.close()
    return target
