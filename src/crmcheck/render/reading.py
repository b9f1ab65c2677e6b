""""How to read this report": the same plain sentences in every format (terminal, markdown, HTML, xlsx)."""

from __future__ import annotations

from crmcheck.models.result import AssessmentResult, QuestionnaireResult


def _bands(q: QuestionnaireResult) -> str:
    bands = q.risk_bands
    assert bands is not None
    return f"below {bands.high:g} high, below {bands.medium:g} medium, otherwise low"


PROVISIONAL = "provisional"


def _percent(fraction: float) -> str:
    return f"{fraction * 100:.0f}%"


def provisional_sentence(q: QuestionnaireResult) -> str:
    """Why a questionnaire's score is provisional, in one sentence every format shows beside it."""
    if q.respondents is not None:
        what = f"{_percent(q.completeness)} of its answer cells (respondents × scored questions)"
    else:
        answered = sum(s.answered for s in q.sections)
        asked = sum(s.scored_questions - s.not_applicable for s in q.sections)
        what = f"{answered} of its {asked} scored questions ({_percent(q.completeness)})"
    return (f"Provisional: only {what} answered, under half, so the score and level may move a long way; "
            "answer more before relying on them.")


def respondents_sentence(result: AssessmentResult) -> str | None:
    """With several respondents: how many by lens, how many finished, and how many --min-answered left out."""
    if not result.respondents:
        return None
    counted_in = [g for g in result.respondents if g.count]
    count = sum(g.count for g in counted_in)
    finished = sum(g.finished for g in counted_in)
    by_lens = ", ".join(f"{g.count} {g.lens}" for g in counted_in)
    text = f"{count} respondent{'s' if count != 1 else ''}: {by_lens}; {finished} finished"
    left_out = sum(g.left_out for g in result.respondents)
    if result.min_answered is not None:
        minimum = f"{round(result.min_answered * 100, 1):g}%"
        text += f"; {left_out or 'none'} left out (under {minimum} answered)"
    return text


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
    if result.respondents:
        lines.append("With several respondents, completeness counts answer cells (respondents × scored questions, "
                     "less those marked n/a), and a respondent has finished when they answered every scored "
                     "question or marked it n/a.")
    if any(q.provisional or any(s.provisional for s in q.sections) for q in result.questionnaires):
        lines.append("A score marked provisional rests on less than half of its scored questions (with several "
                     "respondents, of their answer cells); its level is provisional too, and comparisons and "
                     "policy checks skip it.")
    return lines
