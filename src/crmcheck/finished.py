"""How much of their questionnaires one respondent answered, and whether they finished: the one rule that
`collect status` and reports of several respondents (with `--min-answered`) share."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from crmcheck.models.questionnaire import Questionnaire
from crmcheck.resolve import UNANSWERED, Response


@dataclass(frozen=True)
class Progress:
    """One respondent's scored questions: how many they answered, marked n/a, and were asked in all."""

    answered: int = 0
    not_applicable: int = 0
    scored: int = 0

    @property
    def asked(self) -> int:
        """Scored questions that apply (not n/a): what completeness is counted over."""
        return self.scored - self.not_applicable

    @property
    def share(self) -> Fraction:
        """Answered over asked, exactly; a respondent who marked every question n/a answered all that applies."""
        return Fraction(self.answered, self.asked) if self.asked else Fraction(1)

    @property
    def finished(self) -> bool:
        """Every scored question answered or marked n/a (a text or profile question left blank does not count)."""
        return self.answered == self.asked

    def reaches(self, minimum: Fraction) -> bool:
        """Whether the share answered is at least `minimum` (a fraction from 0 to 1), compared exactly."""
        return self.share >= minimum

    def __add__(self, other: Progress) -> Progress:
        return Progress(self.answered + other.answered, self.not_applicable + other.not_applicable,
                        self.scored + other.scored)


def progress_of(questionnaire: Questionnaire, responses: Mapping[str, Response], lens: str | None) -> Progress:
    """One respondent's progress on one questionnaire, from their checked responses (full id -> response), over
    the scored questions their lens is asked (a question asked only of the company is not the customer's to do)."""
    answered = not_applicable = scored = 0
    for section in questionnaire.sections:
        for full, _ in section.scored_in(lens):
            scored += 1
            status = responses.get(full, UNANSWERED).status
            if status == "n/a":
                not_applicable += 1
            elif status == "answered":
                answered += 1
    return Progress(answered, not_applicable, scored)


def total(parts: Iterable[Progress]) -> Progress:
    """Progress over several questionnaires (one respondent's whole answers file)."""
    out = Progress()
    for part in parts:
        out = out + part
    return out


def parse_min_answered(text: str) -> Fraction:
    """`--min-answered PCT`: a percentage from 0 to 100 ('50', '50%', '62.5'), as a fraction from 0 to 1."""
    from crmcheck.errors import UsageError

    written = text.strip().removesuffix("%").strip()
    try:
        value = Fraction(written)
    except (ValueError, ZeroDivisionError):
        value = None
    if value is None or not 0 <= value <= 100 or "/" in written:
        raise UsageError(f"--min-answered: '{text}' is not a percentage from 0 to 100 (e.g. 50 or 50%)")
    return value / 100
