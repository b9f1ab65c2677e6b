"""A blank score card for one evaluator: every vendor, and every requirement as a comment to uncomment and score."""

from __future__ import annotations

import datetime as dt

from crmcheck.answers.layout import comment_text, quoted
from crmcheck.errors import UsageError
from crmcheck.models.vendors import MAX_SCORE, SelectionFile


def blank_card(selection: SelectionFile, evaluator: str, role: str | None, today: dt.date) -> str:
    if not evaluator.strip():
        raise UsageError("--evaluator needs a name: each card belongs to one evaluator")
    lines = [
        f"# Score card for the CRM selection of {comment_text(selection.company)}.",
        f"# Score each requirement 0 (cannot do it) to {MAX_SCORE} (does it fully, as shown in the scripted demo),",
        "# or n/a; uncomment a line to score it, and add a note when it helps: {score: 3, note: \"...\"}.",
        "# Requirements marked [core] or [deal breaker] can exclude a vendor; see docs/vendor-selection.md.",
        "format: 1",
        f"evaluator: {quoted(evaluator)}",
    ]
    if role:
        lines.append(f"role: {quoted(role)}")
    lines += [f"scored_on: {today.isoformat()}", "scores:"]
    breakers = set(selection.deal_breakers)
    for vendor in selection.vendors:
        lines.append(f"  {vendor.id}:  # {comment_text(vendor.name)}")
        group = None
        for req in selection.requirements:
            if req.group != group:
                group = req.group
                lines.append(f"    # -- {comment_text(group)}")
            marks = [m for m, on in (("core", req.core), ("deal breaker", req.id in breakers)) if on]
            tag = f"[{', '.join(marks)}] " if marks else ""
            lines.append(f"    # {req.id}:    # {tag}weight {req.weight:g}: {comment_text(req.text)}")
    return "\n".join(lines) + "\n"
