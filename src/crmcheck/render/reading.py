""""How to read this report": the same plain sentences in every format (terminal, markdown, HTML, xlsx)."""

from __future__ import annotations

from crmcheck.models.result import AssessmentResult, QuestionnaireResult


def _bands(q: QuestionnaireResult) -> str:
    bands = q.risk_bands
    assert bands is not None
    return f"below {bands.high:g} high, below {bands.medium:g} medium, otherwise low"


def how_to_read(result: AssessmentResult) -> list[str]:
    """Sentences that explain scores, levels, risk and 'not assessed' for the questionnaires in this result."""
    lines = [
        "Sections score 0 to 100 from their answered questions (n/a and unanswered ones are left out); the score "
        "sets the maturity level, and the gap counts the levels (or stages) still to go to the target.",
    ]
    scored = [q for q in result.questionnaires if q.risk_bands is not None]
    by_bands: dict[str, list[str]] = {}
    for q in scored:
        titles = by_bands.setdefault(_bands(q), [])
        if q.title not in titles:
            titles.append(q.title)
    rule = ("and high whenever one of its critical questions scores 0, so a section can be high risk with a higher "
            "score than one at medium risk")
    if len(by_bands) == 1:
        lines.append(f"Risk: {next(iter(by_bands))}; {rule}.")
    elif by_bands:
        each = "; ".join(f"{', '.join(titles)}: {bands}" for bands, titles in by_bands.items())
        lines.append(f"Risk by section score ({each}); {rule}.")
    lines.append("A section with no answered scored question is not assessed: no score, level or risk, and never "
                 "counted as 0.")
    return lines
