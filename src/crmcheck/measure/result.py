"""The result of `crmcheck measure`: every format is rendered from this model."""

# Field annotations are real objects here, not strings (no `from __future__ import annotations`): pydantic would
# evaluate each string with eval() at every start (tests/test_model_annotations.py).

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

MEASURE_FORMAT = 1


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class MetricValue(Model):
    id: str
    title: str
    table: str
    unit: str = Field(description='"%" (0-100), "days", "hours", "count", "per month"')
    value: int | float | None = Field(description="exact (not rounded); null when not measured")
    basis: str = Field(default="", description="what the value is computed over, in words")
    reason: str | None = Field(default=None, description="why the metric is not measured")
    flag: str | None = Field(default=None, description="a finding about the value, e.g. under the 4 % line")


class TableSummary(Model):
    name: str
    path: str
    files: int
    rows: int = Field(description="rows read")
    used: int = Field(description="rows the metrics use (rows read less those left out)")
    columns: dict[str, str] = Field(description="field -> the export's column it was read from")
    missing: list[str] = Field(description="fields without a column: the metrics that need them are not measured")
    first: str | None = Field(default=None, description="the earliest created / issued date, YYYY-MM-DD")
    last: str | None = None


class ExcludedRow(Model):
    table: str
    file: str
    row: int
    reason: str


class Count(Model):
    key: str
    tickets: int


class AccountValue(Model):
    account: str
    invoiced: float = Field(description="invoiced amount; the won deal amount when no invoices were given")
    refunded: float
    net_revenue: float
    tickets: int
    invoices: int
    won_deals: int
    days_late_per_invoice: float | None
    financing_cost: float
    value: float
    size_rank: int
    value_rank: int


class CustomerGap(Model):
    biggest: str
    biggest_value_rank: int
    best: str
    best_size_rank: int


AnswerStatus = Literal["filled", "contradicted", "agrees", "not measured", "n/a", "not a number"]


class AnswerCheck(Model):
    questionnaire: str
    question: str
    text: str
    metric: str
    unit: str
    answer: float | None = Field(default=None, description="the number answered; null when blank")
    measured: float | None = None
    tolerance: float
    status: AnswerStatus
    evidence: str | None = Field(default=None, description="the evidence line written with a filled answer")


class AnswersCheck(Model):
    file: str
    written: bool = Field(description="whether the answers file was written (--write)")
    checks: list[AnswerCheck]

    @property
    def contradicted(self) -> list[AnswerCheck]:
        return [c for c in self.checks if c.status == "contradicted"]


class MeasureResult(Model):
    format: int = MEASURE_FORMAT
    currency: str | None = None
    cost_per_ticket: float
    financing_rate: float
    tables: list[TableSummary]
    metrics: list[MetricValue]
    channels: list[Count] = Field(default_factory=list, description="tickets by channel, most first")
    months: list[Count] = Field(default_factory=list, description="tickets by month (YYYY-MM), in order")
    accounts: list[AccountValue] = Field(default_factory=list, description="the top accounts by size and by value")
    accounts_total: int = 0
    customer_gap: CustomerGap | None = Field(default=None, description="set when the biggest customer is not the best")
    late_days_total: float | None = None
    excluded: list[ExcludedRow] = Field(default_factory=list, description="the first 50 rows left out, and why")
    excluded_total: int = 0
    notes: list[str] = Field(default_factory=list)
    answers: AnswersCheck | None = None

    def metric(self, metric_id: str) -> MetricValue | None:
        return next((m for m in self.metrics if m.id == metric_id), None)
