"""One section's raw tally (score, counts, critical failure) over the questions asked, and the facts the stage
rule needs from it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from crmcheck.models.questionnaire import Questionnaire, Section
from crmcheck.resolve import UNANSWERED, Response
from crmcheck.scoring.rules import fails_critical, is_provisional, weighted_mean


@dataclass
class SectionTally:
    """Raw (unrounded) numbers for one section, kept for the stage and recommendation rules."""

    section: Section
    score: float | None
    scored: int
    answered: int
    not_applicable: int
    critical_failed: bool

    @property
    def asked(self) -> int:
        return self.scored - self.not_applicable

    @property
    def completeness(self) -> float:
        return self.answered / self.asked if self.asked else 1.0

    @property
    def provisional(self) -> bool:
        return is_provisional(self.answered, self.asked)


def tally_sections(questionnaire: Questionnaire, responses: Mapping[str, Response],
                   *lenses: str | None) -> list[SectionTally]:
    """Every section's raw (unrounded) score and counts, in questionnaire order, over the questions asked in the
    lenses given (a question only another lens is asked is absent here: neither scored nor unanswered)."""
    return [_tally(section, responses, lenses) for section in questionnaire.sections]


def _tally(section: Section, responses: Mapping[str, Response], lenses: tuple[str | None, ...] = ()) -> SectionTally:
    pairs: list[tuple[float, float]] = []
    scored = answered = na = 0
    critical_failed = False
    for full, question in section.scored_in(*lenses):
        scored += 1
        response = responses.get(full, UNANSWERED)
        if response.status == "n/a":
            na += 1
        elif response.status == "answered" and response.score is not None:
            answered += 1
            pairs.append((question.weight, response.score))
            if question.critical and fails_critical(response):
                critical_failed = True
    mean = weighted_mean(pairs)
    return SectionTally(section, None if mean is None else 100 * mean, scored, answered, na, critical_failed)


# Per-section facts the stage rule needs besides the score, packed in a small int so that the benchmark
# can keep them per row cheaply.
NOT_APPLICABLE = 1  # every scored question of the section is n/a (or it has none)
CRITICAL_FAILED = 2  # a critical question of the section scored 0


def section_flags(tally: SectionTally) -> int:
    """The stage rule's facts about one section (NOT_APPLICABLE, CRITICAL_FAILED), as bits."""
    flags = NOT_APPLICABLE if tally.scored == tally.not_applicable else 0
    return flags | (CRITICAL_FAILED if tally.critical_failed else 0)
