"""Running `measure`: read the tables into DuckDB, run the metric SQL, and turn its rows into a MeasureResult."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from crmcheck.errors import MAX_PROBLEMS_SHOWN, UsageError
from crmcheck.measure.catalog import METRICS, Table
from crmcheck.measure.config import MeasureConfig, load_config, merged
from crmcheck.measure.result import (
    AccountValue,
    Count,
    CustomerGap,
    ExcludedRow,
    MeasureResult,
    MetricValue,
    TableSummary,
)
from crmcheck.measure.sql import Queries
from crmcheck.measure.tables import LoadedTable, Reader

if TYPE_CHECKING:
    import duckdb

TABLES: tuple[Table, ...] = ("deals", "leads", "tickets", "invoices")
FORRESTER_LINE = 4.0  # % of marketing leads that become a won deal: the source's line
TOP_ACCOUNTS = 25
PROGRESS_AFTER = 2.0  # seconds before a progress bar is worth showing
ExtraNeeded = "crmcheck measure needs the measure extra (duckdb is not installed): pip install 'crmcheck[measure]'"


@dataclass
class MeasureRequest:
    inputs: dict[Table, str]
    configs: list[str] = field(default_factory=list)
    encoding: str = "utf-8"
    memory_limit: str = "1GB"
    threads: int | None = None


ProgressHook = Callable[[float], None]  # fraction done, 0-1
Needs = tuple[tuple[Table, tuple[str, ...]], ...]


def duckdb_module() -> Any:
    try:
        import duckdb
    except ImportError:
        raise UsageError(ExtraNeeded) from None
    return duckdb


def config_of(request: MeasureRequest) -> tuple[MeasureConfig, set[Table], set[Table]]:
    """The merged config, the tables whose columns it names, and those named only by presets."""
    configs = [load_config(c) for c in request.configs]
    config = merged(configs) if configs else MeasureConfig(format=1)
    explicit = {t for t in TABLES if any(getattr(c.columns, t) is not None for c in configs)}
    by_file = {t for t, c in ((t, c) for t in TABLES for p, c in zip(request.configs, configs, strict=True)
                              if not p.startswith("preset:")) if getattr(c.columns, t) is not None}
    return config, explicit, explicit - by_file


class _Watcher:
    """Polls DuckDB's progress from a second thread while a query runs, and reports it after two seconds."""

    def __init__(self, con: duckdb.DuckDBPyConnection, hook: ProgressHook | None) -> None:
        self.con, self.hook = con, hook
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None
        self.started = time.monotonic()
        self.steps = 1
        self.step = 0

    def __enter__(self) -> _Watcher:
        if self.hook is not None:
            self.thread = threading.Thread(target=self._poll, daemon=True)
            self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        if self.thread is not None:
            self.thread.join()

    def _poll(self) -> None:
        assert self.hook is not None
        while not self.stop.wait(0.2):
            if time.monotonic() - self.started < PROGRESS_AFTER:
                continue
            try:
                done = max(0.0, float(self.con.query_progress())) / 100
            except Exception:  # noqa: BLE001 - progress is a nicety; never let it end a run
                done = 0.0
            self.hook(min(1.0, (self.step + done) / self.steps))


def measure(request: MeasureRequest, progress: ProgressHook | None = None) -> MeasureResult:
    """Read the exports and compute every metric they allow."""
    duckdb = duckdb_module()
    if not request.inputs:
        raise UsageError("give at least one table: --deals, --leads, --tickets or --invoices (or --print-sql)")
    config, explicit, lenient = config_of(request)
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET TimeZone = 'UTC'")  # text without an offset is taken as written; with one, as UTC
        con.execute(f"SET memory_limit = '{_memory(request.memory_limit)}'")
        con.execute("SET preserve_insertion_order = true")
        if request.threads:
            con.execute(f"SET threads = {int(request.threads)}")
        reader = Reader(con, config, request.encoding, explicit, lenient)
        with _Watcher(con, progress) as watcher:
            watcher.steps = len(request.inputs) * 2 + 1
            try:
                loaded: dict[Table, LoadedTable] = {}
                for name in TABLES:
                    if name in request.inputs:
                        loaded[name] = reader.load(name, request.inputs[name])
                        watcher.step += 1
                return _compute(con, config, loaded, watcher)
            finally:
                reader.close()
    finally:
        con.close()


def _memory(text: str) -> str:
    import re

    if not re.fullmatch(r"\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)", text.strip(), re.I):
        raise UsageError(f"--memory-limit: '{text}' is not a size such as 512MB or 2GB")
    return text.strip()


def _one(con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, Any]:
    cursor = con.execute(sql)
    row = cursor.fetchone()
    names = [d[0] for d in cursor.description or []]
    return dict(zip(names, row or [None] * len(names), strict=True))


def _all(con: duckdb.DuckDBPyConnection, sql: str) -> list[dict[str, Any]]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description or []]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _day(value: Any) -> str | None:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    return None


def _share(part: Any, whole: Any) -> float | None:
    if not whole:
        return None
    return 100 * float(part or 0) / float(whole)


class _Metrics:
    def __init__(self, loaded: dict[Table, LoadedTable]) -> None:
        self.loaded = loaded
        self.values: dict[str, MetricValue] = {}

    def put(self, metric_id: str, value: float | None, basis: str = "", reason: str | None = None,
            flag: str | None = None, needs: Needs = ()) -> None:
        m = METRICS[metric_id]
        for table, fields in needs:
            t = self.loaded.get(table)
            if t is None:
                value, reason = None, f"no {table} table given"
                break
            if t.rows == 0:
                value, reason = None, f"the {table} table is empty"
                break
            absent = [f for f in fields if not _has(t, f)]
            if absent:
                value, reason = None, f"{table} has no {' or '.join(repr(f) for f in absent)} column"
                break
        if value is None and reason is None:
            reason = "nothing to compute it over" + (f" ({basis})" if basis else "")
        self.values[metric_id] = MetricValue(id=m.id, title=m.title, table=m.table, unit=m.unit, value=value,
                                             basis=basis if value is not None else "", reason=reason,
                                             flag=flag if value is not None else None)

    def ordered(self) -> list[MetricValue]:
        return [self.values[k] for k in METRICS if k in self.values]


def _has(table: LoadedTable, f: str) -> bool:
    if f == "first_reply":
        return table.has("first_reply") or table.has("first_reply_minutes")
    return table.has(f)


def _compute(con: duckdb.DuckDBPyConnection, config: MeasureConfig, loaded: dict[Table, LoadedTable],
             watcher: _Watcher) -> MeasureResult:
    q = Queries(config)
    metrics = _Metrics(loaded)
    summaries: dict[str, TableSummary] = {}
    excluded: list[ExcludedRow] = []
    excluded_total = 0
    notes: list[str] = []
    result_extra: dict[str, Any] = {}
    present = {name for name, t in loaded.items() if t.rows > 0}

    def summary(t: LoadedTable, used: int, first: Any, last: Any) -> None:
        notes.extend(t.notes)
        summaries[t.name] = TableSummary(name=t.name, path=t.path, files=len(t.files), rows=t.rows, used=used,
                                         columns=t.columns, missing=t.missing, first=_day(first), last=_day(last))

    def left_out(table: str, flags_sql: str, reasons: list[tuple[str, str]]) -> None:
        nonlocal excluded_total
        cases = " ".join(f"WHEN {cond} THEN '{text}'" for cond, text in reasons)
        where = " OR ".join(cond for cond, _ in reasons)
        room = MAX_PROBLEMS_SHOWN - len(excluded)
        rows = _all(con, f"SELECT _file, _row, CASE {cases} END AS reason FROM ({flags_sql}) WHERE {where} "
                         f"ORDER BY _file, _row LIMIT {max(room, 0)}") if room > 0 else []
        excluded.extend(ExcludedRow(table=table, file=str(r["_file"]), row=int(r["_row"]), reason=r["reason"])
                        for r in rows)

    if "deals" in loaded:
        t = loaded["deals"]
        d = _one(con, q.deals()) if t.rows else {}
        watcher.step += 1
        bad = int(d.get("closed_before_created") or 0) + int(d.get("negative_amount") or 0)
        if bad:
            excluded_total += bad
            left_out("deals", q.deal_flags("deals_typed"), [("closed_before_created", "closed before it was created"),
                                                            ("negative_amount", "negative amount")])
        summary(t, int(d.get("deals") or 0), d.get("first"), d.get("last"))
        won, lost, open_ = (int(d.get(k) or 0) for k in ("won", "lost", "open"))
        status: Needs = (("deals", ("status",)),)
        metrics.put("deals", int(d.get("deals") or 0) if t.rows else None, "every deal",
                    needs=(("deals", ("id",)),))
        metrics.put("won-deals", won, "deals with a won status", needs=status)
        metrics.put("lost-deals", lost, "deals with a lost status", needs=status)
        metrics.put("open-deals", open_, "deals with an open status", needs=status)
        metrics.put("win-rate", _share(won, won + lost), f"{won:,} won of {won + lost:,} closed", needs=status)
        mw, ml = int(d.get("marketing_won") or 0), int(d.get("marketing_lost") or 0)
        metrics.put("marketing-win-rate", _share(mw, mw + ml), f"{mw:,} won of {mw + ml:,} closed marketing deals",
                    needs=(("deals", ("status", "source")),))
        n = int(d.get("days_to_close_n") or 0)
        metrics.put("days-to-close", _float(d.get("days_to_close")), f"median of {n:,} won deals",
                    needs=(("deals", ("status", "created", "closed")),))
        metrics.put("marketing-pipeline-share", _share(d.get("marketing_pipeline_amount"), d.get("pipeline_amount")),
                    f"of {_money(d.get('pipeline_amount'))} in {int(d.get('amounts') or 0):,} deals",
                    needs=(("deals", ("amount", "source")),))
        metrics.put("marketing-won-share", _share(d.get("marketing_won_amount"), d.get("won_amount")),
                    f"of {_money(d.get('won_amount'))} won", needs=(("deals", ("amount", "source", "status")),))
        other = int(d.get("other_status") or 0)
        if other and t.has("status"):
            notes.append(f"deals: {other:,} with a status that is not won, lost or open (counted in deals only; "
                         "name their values under values: won / lost / open in a config)")

    if "leads" in loaded:
        t = loaded["leads"]
        with_deals = "deals" in present and loaded["deals"].has("status")
        r = _one(con, q.leads(with_deals)) if t.rows else {}
        watcher.step += 1
        summary(t, int(r.get("leads") or 0), r.get("first"), r.get("last"))
        leads, marketing = int(r.get("leads") or 0), int(r.get("marketing_leads") or 0)
        metrics.put("marketing-leads", marketing if t.rows else None, "leads from a marketing source",
                    needs=(("leads", ("source",)),))
        metrics.put("lead-to-opportunity", _share(r.get("with_deal"), leads),
                    f"{int(r.get('with_deal') or 0):,} of {leads:,} leads", needs=(("leads", ("deal",)),))
        metrics.put("marketing-lead-to-opportunity", _share(r.get("marketing_with_deal"), marketing),
                    f"{int(r.get('marketing_with_deal') or 0):,} of {marketing:,} marketing leads",
                    needs=(("leads", ("source", "deal")),))
        share = _share(r.get("marketing_won"), marketing) if with_deals else None
        metrics.put("marketing-lead-to-won", share,
                    f"{int(r.get('marketing_won') or 0):,} of {marketing:,} marketing leads",
                    reason=None if with_deals or "deals" not in loaded else "the deals table has no status column",
                    flag=f"under Forrester's {FORRESTER_LINE:g} % line" if share is not None and share < FORRESTER_LINE
                    else None, needs=(("leads", ("source", "deal")), ("deals", ("id", "status"))))
        missing = int(r.get("deal_not_found") or 0)
        if missing and with_deals:
            notes.append(f"leads: {missing:,} name a deal that is not in the deals table (counted as with a deal, "
                         "not as won)")

    if "tickets" in loaded:
        t = loaded["tickets"]
        whole = _one(con, q.tickets()) if t.rows else {}
        watcher.step += 1
        bad = int(whole.get("before_created") or 0)
        if bad:
            excluded_total += bad
            left_out("tickets", q.ticket_flags("tickets_typed"), [("before_created",
                                                                   "replied to or solved before it was created")])
        summary(t, int(whole.get("tickets") or 0), whole.get("first"), whole.get("last"))
        tickets = int(whole.get("tickets") or 0)
        replied, solved = int(whole.get("replied") or 0), int(whole.get("solved") or 0)
        metrics.put("first-reply-hours", _float(whole.get("first_reply_hours")), f"median of {replied:,} tickets "
                    "with a reply", needs=(("tickets", ("created", "first_reply")),))
        metrics.put("resolution-hours", _float(whole.get("resolution_hours")), f"median of {solved:,} solved tickets",
                    needs=(("tickets", ("created", "solved")),))
        hours = _float(whole.get("resolution_hours"))
        metrics.put("resolution-days", None if hours is None else hours / 24, f"median of {solved:,} solved tickets",
                    needs=(("tickets", ("created", "solved")),))
        rated = int(whole.get("rated") or 0)
        metrics.put("satisfied-share", _share(whole.get("satisfied"), rated),
                    f"{int(whole.get('satisfied') or 0):,} of {rated:,} rated tickets",
                    needs=(("tickets", ("satisfaction",)),))
        months = _months_between(whole.get("first"), whole.get("last"))
        metrics.put("tickets-per-month", tickets / months if months else None,
                    f"{tickets:,} tickets over {months} month{'s' if months != 1 else ''}",
                    needs=(("tickets", ("created",)),))
        if t.has("channel"):
            result_extra["channels"] = sorted((Count(key=str(k), tickets=int(v)) for k, v in
                                               (whole.get("channels") or {}).items() if v),
                                              key=lambda c: (-c.tickets, c.key))
        if t.has("created"):
            result_extra["months"] = sorted((Count(key=(_day(k) or str(k))[:7], tickets=int(v)) for k, v in
                                             (whole.get("months") or {}).items() if v), key=lambda c: c.key)

    if "invoices" in loaded:
        t = loaded["invoices"]
        r = _one(con, q.invoices()) if t.rows else {}
        watcher.step += 1
        bad = int(r.get("negative_amount") or 0) + int(r.get("refund_above_invoice") or 0)
        if bad:
            excluded_total += bad
            left_out("invoices", q.invoice_flags("invoices_typed"), [("negative_amount", "negative amount"), (
                "refund_above_invoice", "refund above its invoice")])
        summary(t, int(r.get("invoices") or 0), r.get("first"), r.get("last"))
        invoices, late = int(r.get("invoices") or 0), int(r.get("late") or 0)
        metrics.put("late-invoice-share", _share(late, invoices), f"{late:,} of {invoices:,} invoices paid after due",
                    needs=(("invoices", ("due", "paid")),))
        metrics.put("late-amount-share", _share(r.get("late_amount"), r.get("invoiced")),
                    f"{_money(r.get('late_amount'))} of {_money(r.get('invoiced'))} invoiced",
                    needs=(("invoices", ("due", "paid", "amount")),))
        metrics.put("refund-rate", _share(r.get("refunded"), r.get("invoiced")),
                    f"{_money(r.get('refunded'))} refunded of {_money(r.get('invoiced'))}",
                    needs=(("invoices", ("amount", "refunded")),))

    account_tables = {n for n in present if loaded[n].has("account")}
    if "deals" in account_tables and not loaded["deals"].has("status"):
        account_tables.discard("deals")
    sql = q.accounts(set(account_tables))
    if sql:
        rows = _all(con, sql)
        _accounts(rows, result_extra, "invoices" in account_tables, config.financing_rate)
        if "invoices" not in account_tables:
            notes.append("customer value: no invoices with accounts, so size is the won deal amount")
    elif present & {"deals", "invoices"}:
        notes.append("customer value: not measured (needs an account column in deals or invoices)")
    watcher.step += 1
    return MeasureResult(
        currency=config.currency, cost_per_ticket=config.cost_per_ticket, financing_rate=config.financing_rate,
        tables=[summaries[n] for n in TABLES if n in summaries], metrics=metrics.ordered(),
        excluded=excluded, excluded_total=excluded_total, notes=notes, **result_extra,
    )


def _accounts(rows: list[dict[str, Any]], extra: dict[str, Any], invoices: bool, rate: float) -> None:
    """Rank by size (invoiced) and by value; keep the top of each; name the gap when the biggest is not the best."""
    if not rows:
        return
    by_value = sorted(rows, key=lambda r: (-float(r["value"]), str(r["account"])))
    value_rank = {str(r["account"]): i + 1 for i, r in enumerate(by_value)}
    size_rank = {str(r["account"]): i + 1 for i, r in enumerate(rows)}  # the SQL orders by size
    keep = {str(r["account"]) for r in rows[:TOP_ACCOUNTS]} | {str(r["account"]) for r in by_value[:TOP_ACCOUNTS]}
    accounts = []
    for r in rows:
        name = str(r["account"])
        if name not in keep:
            continue
        count = int(r["invoices"])
        accounts.append(AccountValue(
            account=name, invoiced=float(r["invoiced"]), refunded=float(r["refunded"]),
            net_revenue=float(r["net_revenue"]), tickets=int(r["tickets"]), invoices=count,
            won_deals=int(r["won_deals"]),
            days_late_per_invoice=float(r["days_late"]) / count if invoices and count else None,
            financing_cost=rate * float(r["late_amount_years"]),
            value=float(r["value"]), size_rank=size_rank[name], value_rank=value_rank[name]))
    extra["accounts"] = accounts
    extra["accounts_total"] = len(rows)
    biggest, best = str(rows[0]["account"]), str(by_value[0]["account"])
    if biggest != best:
        extra["customer_gap"] = CustomerGap(biggest=biggest, biggest_value_rank=value_rank[biggest], best=best,
                                            best_size_rank=size_rank[best])


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _money(value: Any) -> str:
    amount = float(value or 0)
    return f"{amount:,.0f}" if amount.is_integer() else f"{amount:,.2f}"


def _months_between(first: Any, last: Any) -> int:
    if not isinstance(first, dt.date) or not isinstance(last, dt.date):
        return 0
    return (last.year - first.year) * 12 + last.month - first.month + 1


def printed_sql(config_paths: list[str], tables: set[str] | None = None) -> str:
    """--print-sql: the metric queries for the config (all four tables unless some are given)."""
    from crmcheck.measure.sql import printed

    configs = [load_config(c) for c in config_paths]
    config = merged(configs) if configs else MeasureConfig(format=1)
    return printed(Queries(config), tables or set(TABLES))
