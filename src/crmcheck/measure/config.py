"""The measure config (format 1): which column holds each field, which values mean won / marketing / satisfied, and
the assumptions of customer value; the presets for common exports. Plain pydantic, no DuckDB."""

# Field annotations are real objects here, not strings (no `from __future__ import annotations`): pydantic would
# evaluate each string with eval() at every start (tests/test_model_annotations.py).

import re
from collections.abc import Sequence
from typing import Annotated, Literal

from pydantic import Field

from crmcheck.errors import UsageError
from crmcheck.measure.catalog import Table
from crmcheck.models.base import OptionalText, Strict, Text, check_format, validate_document
from crmcheck.yamlio import load_mapping

Column = Annotated[str, Field(min_length=1, max_length=300)]


class DealColumns(Strict):
    id: Column | None = None
    account: Column | None = None
    created: Column | None = None
    closed: Column | None = None
    status: Column | None = None
    amount: Column | None = None
    source: Column | None = None


class LeadColumns(Strict):
    id: Column | None = None
    created: Column | None = None
    source: Column | None = None
    deal: Column | None = Field(default=None, description="the id of the deal the lead became; blank if none")


class TicketColumns(Strict):
    id: Column | None = None
    account: Column | None = None
    created: Column | None = None
    first_reply: Column | None = Field(default=None, description="when the first reply was sent (a time)")
    first_reply_minutes: Column | None = Field(default=None, description=(
        "minutes from created to the first reply, for exports that give the duration instead of the time"))
    solved: Column | None = None
    channel: Column | None = None
    satisfaction: Column | None = None


class InvoiceColumns(Strict):
    id: Column | None = None
    account: Column | None = None
    issued: Column | None = None
    due: Column | None = None
    paid: Column | None = None
    amount: Column | None = None
    refunded: Column | None = None


class TableColumns(Strict):
    deals: DealColumns | None = None
    leads: LeadColumns | None = None
    tickets: TicketColumns | None = None
    invoices: InvoiceColumns | None = None


Values = Annotated[list[Text], Field(min_length=1, max_length=200)]


class ValueLists(Strict):
    """Cell values compared without regard to case or surrounding spaces."""

    won: Values | None = None
    lost: Values | None = None
    open: Values | None = Field(default=None, description='"*" means every status that is neither won nor lost')
    marketing: Values | None = None
    satisfied: Values | None = None
    unrated: Values | None = Field(default=None, description=(
        "satisfaction values that mean no rating was given (offered, unoffered); blank cells are unrated too"))


class MeasureConfig(Strict):
    format: Literal[1]
    currency: OptionalText = None
    cost_per_ticket: float = Field(default=250, ge=0, le=1e9, allow_inf_nan=False)
    financing_rate: float = Field(default=0.10, ge=0, le=10, allow_inf_nan=False, description="a year, 0.10 = 10 %")
    columns: TableColumns = Field(default_factory=TableColumns)
    values: ValueLists = Field(default_factory=ValueLists)


DEFAULT_VALUES: dict[str, list[str]] = {
    "won": ["won", "closed won", "closedwon"],
    "lost": ["lost", "closed lost", "closedlost"],
    "open": ["open"],
    "marketing": ["marketing"],
    "satisfied": ["good", "satisfied", "yes"],
    "unrated": ["offered", "unoffered", "not offered", "none"],
}

FIELDS: dict[Table, tuple[str, ...]] = {
    "deals": tuple(DealColumns.model_fields),
    "leads": tuple(LeadColumns.model_fields),
    "tickets": tuple(TicketColumns.model_fields),
    "invoices": tuple(InvoiceColumns.model_fields),
}
# fields without which a table cannot be measured at all
REQUIRED: dict[Table, tuple[str, ...]] = {"deals": ("id",), "leads": ("id",), "tickets": ("id",),
                                          "invoices": ("id",)}
KINDS: dict[str, Literal["text", "time", "number"]] = {
    "created": "time", "closed": "time", "first_reply": "time", "solved": "time", "issued": "time", "due": "time",
    "paid": "time", "amount": "number", "refunded": "number", "first_reply_minutes": "number",
}

# Column names tried, in order, when no config names a field's column (compared without case, spaces or
# punctuation). The presets' names are tried after these, so a HubSpot or Zendesk export is read without a config.
COMMON_NAMES: dict[Table, dict[str, list[str]]] = {
    "deals": {"id": ["id", "deal id", "deal", "opportunity id"], "account": ["account", "company", "customer",
              "account name", "account id", "customer id"], "created": ["created", "created at", "created date",
              "create date", "created on"], "closed": ["closed", "closed at", "close date", "closed date", "closed on"],
              "status": ["status", "stage", "deal stage", "outcome"], "amount": ["amount", "value", "deal value"],
              "source": ["source", "lead source", "origin", "channel"]},
    "leads": {"id": ["id", "lead id", "lead"], "created": ["created", "created at", "created date", "create date"],
              "source": ["source", "lead source", "origin", "channel"], "deal": ["deal", "deal id", "opportunity",
              "opportunity id", "converted deal", "converted opportunity id"]},
    "tickets": {"id": ["id", "ticket id", "ticket", "case id"], "account": ["account", "company", "customer",
                "organization", "organisation", "account name"], "created": ["created", "created at",
                "created date", "created time", "opened"], "first_reply": ["first reply", "first reply at",
                "first response", "first response at", "first replied"], "first_reply_minutes": [
                "first reply minutes", "first reply time in minutes"], "solved": ["solved", "solved at", "resolved",
                "resolved at", "closed", "closed at"], "channel": ["channel", "via", "source", "origin"],
                "satisfaction": ["satisfaction", "csat", "rating", "satisfaction score", "satisfaction rating"]},
    "invoices": {"id": ["id", "invoice id", "invoice", "invoice number", "number"], "account": ["account",
                 "customer", "company", "account name", "customer id"], "issued": ["issued", "issued at",
                 "issue date", "date", "invoice date", "created"], "due": ["due", "due date", "due at", "due on"],
                 "paid": ["paid", "paid at", "paid on", "paid date", "payment date"], "amount": ["amount", "total",
                 "amount due", "invoiced"], "refunded": ["refunded", "refund", "refunded amount", "amount refunded"]},
}


def _preset(table: Table, columns: dict[str, str], **values: list[str]) -> MeasureConfig:
    return MeasureConfig.model_validate({"format": 1, "columns": {table: columns}, "values": values})


# Each preset names the columns of one tool's standard export, by the field labels its documentation gives
# (docs/measure.md lists the sources). An account can rename or translate them: a config file overrides a preset.
PRESETS: dict[str, MeasureConfig] = {
    "hubspot": _preset("deals", {"id": "Record ID", "account": "Associated Company", "created": "Create Date",
                                 "closed": "Close Date", "status": "Deal Stage", "amount": "Amount",
                                 "source": "Original Source Type"},
                       won=["Closed Won", "closedwon"], lost=["Closed Lost", "closedlost"], open=["*"],
                       marketing=["Organic Search", "Paid Search", "Email Marketing", "Organic Social",
                                  "Paid Social", "Social Media", "Other Campaigns", "ORGANIC_SEARCH", "PAID_SEARCH",
                                  "EMAIL_MARKETING", "SOCIAL_MEDIA", "PAID_SOCIAL", "OTHER_CAMPAIGNS"]),
    "salesforce": _preset("deals", {"id": "Opportunity ID", "account": "Account Name", "created": "Created Date",
                                    "closed": "Close Date", "status": "Stage", "amount": "Amount",
                                    "source": "Lead Source"},
                          won=["Closed Won"], lost=["Closed Lost"], open=["*"],
                          marketing=["Web", "Advertisement", "Email", "Trade Show", "Seminar - Internal",
                                     "Seminar - Partner", "Purchased List"]),
    "zendesk": _preset("tickets", {"id": "Id", "account": "Organization", "created": "Created at",
                                   "first_reply_minutes": "First reply time in minutes", "solved": "Solved at",
                                   "channel": "Via", "satisfaction": "Satisfaction Score"},
                       satisfied=["Good"], unrated=["Offered", "Unoffered", "Not Offered"]),
    "freshdesk": _preset("tickets", {"id": "Ticket ID", "account": "Company Name", "created": "Created time",
                                     "first_reply": "Initial response time", "solved": "Resolved time",
                                     "channel": "Source", "satisfaction": "Survey results"},
                         satisfied=["Awesome", "Extremely satisfied", "Very satisfied", "Satisfied"],
                         unrated=["Not rated"]),
    "stripe": _preset("invoices", {"id": "id", "account": "Customer", "issued": "Date (UTC)",
                                   "due": "Due Date (UTC)", "paid": "Paid At (UTC)", "amount": "Total",
                                   "refunded": "Amount Refunded"}),
}

_NORMAL = re.compile(r"[^0-9a-z]+")


def normal_name(name: str) -> str:
    """A column name as compared: lowercase letters and digits only ('Created at' == 'created_at')."""
    return _NORMAL.sub("", name.lower())


def load_config(path: str) -> MeasureConfig:
    """A config file (strict, errors at FILE:LINE:COL), or `preset:NAME`."""
    if path.startswith("preset:"):
        name = path[len("preset:"):]
        if name not in PRESETS:
            import difflib

            close = difflib.get_close_matches(name, list(PRESETS), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise UsageError(f"--config: unknown preset '{name}'{hint}; presets: {', '.join(PRESETS)}")
        return PRESETS[name]
    doc = load_mapping(path)
    if not isinstance(doc.data, dict):
        raise doc.error("the top level must be a mapping of measure-config fields")
    check_format(doc, "measure config")
    return validate_document(MeasureConfig, doc)


def merged(configs: Sequence[MeasureConfig]) -> MeasureConfig:
    """Several configs (or presets) as one: for each table the last one that maps it; for each value list and
    assumption the last one that sets it."""
    out: dict[str, object] = {"format": 1}
    columns: dict[str, object] = {}
    values: dict[str, object] = {}
    for config in configs:
        for key in ("currency", "cost_per_ticket", "financing_rate"):
            if key in config.model_fields_set:
                out[key] = getattr(config, key)
        for table in FIELDS:
            chosen = getattr(config.columns, table)
            if chosen is not None:
                columns[table] = chosen.model_dump(exclude_none=True)
        values.update(config.values.model_dump(exclude_none=True))
    out["columns"] = columns
    out["values"] = values
    return MeasureConfig.model_validate(out)


def value_list(config: MeasureConfig, name: str) -> list[str]:
    """A value list as compared (lowercase, trimmed): the config's, else the default."""
    given = getattr(config.values, name)
    return sorted({" ".join(v.split()).lower() for v in (given if given is not None else DEFAULT_VALUES[name])})


def mapped_columns(config: MeasureConfig, table: Table) -> dict[str, str]:
    chosen = getattr(config.columns, table)
    return {} if chosen is None else {k: v for k, v in chosen.model_dump().items() if v is not None}


def candidates(table: Table, field: str) -> list[str]:
    """Column names tried for a field without a config: the common ones, then the presets'."""
    names = list(COMMON_NAMES[table].get(field, []))
    for preset in PRESETS.values():
        given = mapped_columns(preset, table).get(field)
        if given:
            names.append(given)
    return list(dict.fromkeys(normal_name(n) for n in names))
