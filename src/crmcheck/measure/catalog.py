"""The metrics `measure` computes, by id: what questionnaires name in `measure:`. Plain data, no DuckDB."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Table = Literal["deals", "leads", "tickets", "invoices"]


@dataclass(frozen=True)
class Metric:
    """One measured metric: its id (stable, used in questionnaires), what it is, the table it needs, its unit and
    how far an answer may sit from the measured value before it is contradicted by data."""

    id: str
    title: str
    table: Table
    unit: str  # "%" (0-100), "days", "hours", "count", "per month"
    tolerance: float  # absolute, in the metric's unit


METRICS: dict[str, Metric] = {m.id: m for m in (
    Metric("deals", "Deals", "deals", "count", 0),
    Metric("won-deals", "Won deals", "deals", "count", 0),
    Metric("lost-deals", "Lost deals", "deals", "count", 0),
    Metric("open-deals", "Open deals", "deals", "count", 0),
    Metric("win-rate", "Win rate (won / (won + lost))", "deals", "%", 5),
    Metric("marketing-win-rate", "Win rate of marketing-sourced deals", "deals", "%", 5),
    Metric("days-to-close", "Median days from created to closed, won deals", "deals", "days", 7),
    Metric("marketing-pipeline-share", "Marketing's share of pipeline amount", "deals", "%", 5),
    Metric("marketing-won-share", "Marketing's share of won amount", "deals", "%", 5),
    Metric("marketing-leads", "Marketing leads", "leads", "count", 0),
    Metric("lead-to-opportunity", "Leads that became a deal", "leads", "%", 5),
    Metric("marketing-lead-to-opportunity", "Marketing leads that became a deal", "leads", "%", 5),
    Metric("marketing-lead-to-won", "Marketing leads that became a won deal", "leads", "%", 1),
    Metric("first-reply-hours", "Median hours to first reply", "tickets", "hours", 2),
    Metric("resolution-hours", "Median hours to resolution, solved tickets", "tickets", "hours", 8),
    Metric("resolution-days", "Median days to resolution, solved tickets", "tickets", "days", 0.5),
    Metric("satisfied-share", "Share of rated tickets rated satisfied", "tickets", "%", 5),
    Metric("tickets-per-month", "Tickets per month (mean over the months the tickets span)", "tickets", "per month",
           0.5),
    Metric("late-invoice-share", "Invoices paid after their due date", "invoices", "%", 5),
    Metric("late-amount-share", "Share of invoiced amount paid late", "invoices", "%", 5),
    Metric("refund-rate", "Refunded / invoiced", "invoices", "%", 2),
)}
