"""Every metric's SQL, in one place: plain SQL over four tables with fixed column names, so an analyst can run the
same queries in a warehouse (`crmcheck measure --print-sql`).

The tables, as `measure` builds them from the exports (a missing column is NULL):

    deals(id, account, created, closed, status, amount, source)
    leads(id, created, source, deal)
    tickets(id, account, created, first_reply, first_reply_minutes, solved, channel, satisfaction)
    invoices(id, account, issued, due, paid, amount, refunded)

Times are TIMESTAMP (as written, or converted to UTC where the cell carries an offset), amounts DOUBLE, the rest
VARCHAR. Rows that break a rule (closed before created, a negative amount, a refund above its invoice, solved
before created) are counted and left out of every metric (`ok` below).
"""

from __future__ import annotations

from dataclasses import dataclass

from crmcheck.measure.config import MeasureConfig, value_list


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _in(column: str, values: list[str]) -> str:
    """Case- and space-insensitive membership; NULL when the cell is blank."""
    return f"lower(trim({column})) IN ({', '.join(literal(v) for v in values)})" if values else "false"


def _seconds(later: str, earlier: str) -> str:
    return f"(epoch({later}) - epoch({earlier}))"


def _left_out(alias: str, flagged: str, first: str, second: str, counted: str) -> str:
    """A query's head over the rows `flagged` marks: `ok`, the rows neither flag leaves out, and the counts of all
    rows, of those each flag leaves out (a row with both counts under the first) and of the rows kept."""
    return f"""WITH {alias} AS ({flagged}),
ok AS (SELECT * FROM {alias} WHERE NOT {first} AND NOT {second})
SELECT
  (SELECT count(*) FROM {alias}) AS rows,
  (SELECT count(*) FROM {alias} WHERE {first}) AS {first},
  (SELECT count(*) FROM {alias} WHERE {second} AND NOT {first}) AS {second},
  count(*) AS {counted},"""


@dataclass(frozen=True)
class Queries:
    """The metric queries for one config (value lists and assumptions are written into the SQL)."""

    config: MeasureConfig

    # -- deals

    def deal_flags(self, table: str = "deals") -> str:
        won, lost, open_ = (value_list(self.config, k) for k in ("won", "lost", "open"))
        # `open: ["*"]`: every status that is neither won nor lost (a pipeline's many open stages)
        is_open = (f"(status IS NOT NULL AND NOT coalesce({_in('status', won)}, false) AND NOT "
                   f"coalesce({_in('status', lost)}, false))" if "*" in open_ else _in("status", open_))
        return f"""SELECT *,
    coalesce(closed < created, false) AS closed_before_created,
    coalesce(amount < 0, false) AS negative_amount,
    coalesce({_in('status', won)}, false) AS is_won,
    coalesce({_in('status', lost)}, false) AS is_lost,
    coalesce({is_open}, false) AS is_open,
    coalesce({_in('source', value_list(self.config, 'marketing'))}, false) AS is_marketing
  FROM {table}"""

    def deals(self) -> str:
        return f"""-- funnel: one pass over deals
{_left_out("d", self.deal_flags(), "closed_before_created", "negative_amount", "deals")}
  count(*) FILTER (WHERE is_won) AS won,
  count(*) FILTER (WHERE is_lost) AS lost,
  count(*) FILTER (WHERE is_open) AS open,
  count(*) FILTER (WHERE NOT (is_won OR is_lost OR is_open)) AS other_status,
  count(*) FILTER (WHERE is_marketing) AS marketing_deals,
  count(*) FILTER (WHERE is_marketing AND is_won) AS marketing_won,
  count(*) FILTER (WHERE is_marketing AND is_lost) AS marketing_lost,
  median({_seconds('closed', 'created')}) FILTER (WHERE is_won) / 86400 AS days_to_close,
  count({_seconds('closed', 'created')}) FILTER (WHERE is_won) AS days_to_close_n,
  sum(amount) AS pipeline_amount,
  sum(amount) FILTER (WHERE is_marketing) AS marketing_pipeline_amount,
  sum(amount) FILTER (WHERE is_won) AS won_amount,
  sum(amount) FILTER (WHERE is_won AND is_marketing) AS marketing_won_amount,
  count(amount) AS amounts,
  min(created) AS first, max(created) AS last
FROM ok"""

    # -- leads

    def leads(self, with_deals: bool) -> str:
        marketing = _in("source", value_list(self.config, "marketing"))
        if with_deals:
            deal_join = f"""
LEFT JOIN (SELECT id, bool_or(is_won) AS won FROM ({self.deal_flags()})
           WHERE NOT closed_before_created AND NOT negative_amount GROUP BY id) AS dl ON l.deal = dl.id"""
            won, found = "coalesce(dl.won, false)", "dl.id IS NOT NULL"
        else:
            deal_join, won, found = "", "NULL", "NULL"
        return f"""-- leads, and (with deals) which became a won deal
SELECT
  count(*) AS leads,
  count(*) FILTER (WHERE l.deal IS NOT NULL) AS with_deal,
  count(*) FILTER (WHERE coalesce({marketing}, false)) AS marketing_leads,
  count(*) FILTER (WHERE coalesce({marketing}, false) AND l.deal IS NOT NULL) AS marketing_with_deal,
  count(*) FILTER (WHERE coalesce({marketing}, false) AND {won}) AS marketing_won,
  count(*) FILTER (WHERE l.deal IS NOT NULL AND NOT ({found})) AS deal_not_found,
  min(l.created) AS first, max(l.created) AS last
FROM leads AS l{deal_join}"""

    # -- tickets

    def ticket_flags(self, table: str = "tickets") -> str:
        rated = (f"(satisfaction IS NOT NULL AND NOT coalesce({_in('satisfaction', value_list(self.config, 'unrated'))}"
                 ", false))")
        return f"""SELECT *,
    coalesce(solved < created, false) OR coalesce(first_reply < created, false)
      OR coalesce(first_reply_minutes < 0, false) AS before_created,
    coalesce(first_reply_minutes / 60, {_seconds('first_reply', 'created')} / 3600) AS reply_hours,
    {_seconds('solved', 'created')} / 3600 AS resolution_hours,
    {rated} AS is_rated,
    {rated} AND coalesce({_in('satisfaction', value_list(self.config, 'satisfied'))}, false) AS is_satisfied,
    date_trunc('month', created) AS month
  FROM {table}"""

    def tickets(self) -> str:
        return f"""-- customer experience: one pass over tickets (counts by channel and by month as maps)
WITH t AS ({self.ticket_flags()})
SELECT
  histogram(coalesce(channel, '(blank)')) FILTER (WHERE NOT before_created) AS channels,
  histogram(month) FILTER (WHERE NOT before_created AND month IS NOT NULL) AS months,
  count(*) FILTER (WHERE before_created) AS before_created,
  count(*) FILTER (WHERE NOT before_created) AS tickets,
  median(reply_hours) FILTER (WHERE NOT before_created) AS first_reply_hours,
  count(reply_hours) FILTER (WHERE NOT before_created) AS replied,
  median(resolution_hours) FILTER (WHERE NOT before_created) AS resolution_hours,
  count(resolution_hours) FILTER (WHERE NOT before_created) AS solved,
  count(*) FILTER (WHERE NOT before_created AND is_rated) AS rated,
  count(*) FILTER (WHERE NOT before_created AND is_satisfied) AS satisfied,
  min(created) FILTER (WHERE NOT before_created) AS first,
  max(created) FILTER (WHERE NOT before_created) AS last
FROM t"""

    # -- invoices

    def invoice_flags(self, table: str = "invoices") -> str:
        return f"""SELECT *,
    coalesce(amount < 0, false) OR coalesce(refunded < 0, false) AS negative_amount,
    coalesce(refunded > amount, false) AS refund_above_invoice,
    CASE WHEN paid > due THEN {_seconds('paid', 'due')} / 86400 ELSE 0 END AS days_late
  FROM {table}"""

    def invoices(self) -> str:
        return f"""-- late payments and refunds: one pass over invoices
{_left_out("i", self.invoice_flags(), "negative_amount", "refund_above_invoice", "invoices")}
  count(*) FILTER (WHERE days_late > 0) AS late,
  sum(amount) AS invoiced,
  sum(amount) FILTER (WHERE days_late > 0) AS late_amount,
  sum(coalesce(refunded, 0)) AS refunded,
  count(amount) AS amounts,
  count(refunded) AS refunds_given,
  count(*) FILTER (WHERE paid IS NOT NULL AND due IS NOT NULL) AS with_dates,
  min(issued) AS first, max(issued) AS last
FROM ok"""

    # -- customer value

    def accounts(self, tables: set[str]) -> str:
        """Per account with an invoice or a won deal: invoiced, refunded, net revenue, tickets, days late, value."""
        parts: list[str] = []
        if "deals" in tables:
            won = _in("status", value_list(self.config, "won"))
            parts.append(f"""deal_accounts AS (
  SELECT account, count(*) AS won_deals, coalesce(sum(amount), 0) AS won_amount
  FROM deals WHERE {won} AND NOT coalesce(closed < created, false) AND NOT coalesce(amount < 0, false)
    AND account IS NOT NULL GROUP BY account)""")
        if "invoices" in tables:
            parts.append(f"""invoice_accounts AS (
  SELECT account, count(*) AS invoices, coalesce(sum(amount), 0) AS invoiced,
    coalesce(sum(refunded), 0) AS refunded, sum(days_late) AS days_late,
    coalesce(sum(coalesce(amount, 0) * days_late / 365), 0) AS late_amount_years
  FROM ({self.invoice_flags()}) WHERE NOT negative_amount AND NOT refund_above_invoice AND account IS NOT NULL
  GROUP BY account)""")
        if "tickets" in tables:
            parts.append("""ticket_accounts AS (
  SELECT account, count(*) AS tickets
  FROM tickets WHERE NOT (coalesce(solved < created, false) OR coalesce(first_reply < created, false)
    OR coalesce(first_reply_minutes < 0, false)) AND account IS NOT NULL GROUP BY account)""")
        keyed = [p.split(" AS ", 1)[0] for p in parts]
        base = [k for k in keyed if k != "ticket_accounts"]
        if not base:
            return ""
        ids = " UNION ".join(f"SELECT account FROM {k}" for k in base)
        joins = "".join(f"\n  LEFT JOIN {k} USING (account)" for k in keyed)
        size = "coalesce(invoiced, 0)" if "invoices" in tables else "coalesce(won_amount, 0)"
        refunded = "coalesce(refunded, 0)" if "invoices" in tables else "0"
        tickets = "coalesce(tickets, 0)" if "tickets" in tables else "0"
        financed = "coalesce(late_amount_years, 0)" if "invoices" in tables else "0"
        cols = []
        cols.append("coalesce(won_deals, 0) AS won_deals" if "deals" in tables else "0 AS won_deals")
        cols.append("coalesce(invoices, 0) AS invoices" if "invoices" in tables else "0 AS invoices")
        cols.append("coalesce(days_late, 0) AS days_late" if "invoices" in tables else "0 AS days_late")
        return f"""-- customer value: per account with an invoice or a won deal
WITH {(',' + chr(10)).join(parts)},
ids AS ({ids}),
joined AS (
  SELECT account, {size} AS invoiced, {refunded} AS refunded, {tickets} AS tickets, {financed} AS late_amount_years,
    {', '.join(cols)}
  FROM ids{joins})
SELECT *, invoiced - refunded AS net_revenue,
  invoiced - refunded - {self.config.cost_per_ticket!r} * tickets
    - {self.config.financing_rate!r} * late_amount_years AS value
FROM joined
ORDER BY invoiced DESC, account"""

    def all(self, tables: set[str]) -> list[tuple[str, str]]:
        """(name, SQL) of every query that runs for these tables."""
        out: list[tuple[str, str]] = []
        if "deals" in tables:
            out.append(("deals", self.deals()))
        if "leads" in tables:
            out.append(("leads", self.leads("deals" in tables)))
        if "tickets" in tables:
            out.append(("tickets", self.tickets()))
        if "invoices" in tables:
            out.append(("invoices", self.invoices()))
        accounts = self.accounts(tables)
        if accounts:
            out.append(("accounts", accounts))
        return out


def printed(queries: Queries, tables: set[str]) -> str:
    """The SQL as `--print-sql` shows it: every query, each ending in a semicolon."""
    head = (__doc__ or "").strip().splitlines()
    lines = ["-- " + line if line else "--" for line in head]
    return "\n".join(lines) + "\n\n" + "\n\n".join(f"{sql};" for _, sql in queries.all(tables)) + "\n"
