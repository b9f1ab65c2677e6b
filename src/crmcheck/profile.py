"""Profile questions (`scored: false`): their answers counted per lens, and the two lenses set side by side."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from crmcheck.models.questionnaire import Question
from crmcheck.models.result import (
    ProfileAnswer,
    ProfileComparison,
    ProfileLensOption,
    ProfileOption,
    ProfileQuestion,
)
from crmcheck.resolve import Response

AnswerKey = tuple[str, ...]  # a choice's option id, or a checklist's chosen ids in option order
SHARE_DIGITS = 3  # shares are fractions from 0 to 1, like completeness


def _share(count: int, of: int) -> float | None:
    return round(count / of, SHARE_DIGITS) if of else None


@dataclass
class ProfileTally:
    """The answers given to one profile question through one lens: each distinct answer and how often."""

    question: Question
    answers: Counter[AnswerKey] = field(default_factory=Counter)
    not_applicable: int = 0

    def add(self, response: Response) -> None:
        if response.status == "n/a":
            self.not_applicable += 1
        elif response.status == "answered":
            value = response.value
            chosen = {value} if isinstance(value, str) else set(value or ())
            self.answers[tuple(o.id for o in self.question.options or () if o.id in chosen)] += 1

    def result(self, full: str, section: str, lens: str | None) -> ProfileQuestion:
        options = self.question.options or []
        answered = sum(self.answers.values())
        order = {o.id: i for i, o in enumerate(options)}
        ranked = sorted(self.answers.items(), key=lambda item: (-item[1], [order[o] for o in item[0]]))
        top = max(self.answers.values(), default=0)
        return ProfileQuestion(
            question=full, section=section, text=self.question.wording(lens), type=self.question.type,
            answered=answered, not_applicable=self.not_applicable,
            options=[ProfileOption(id=o.id, label=o.label, count=(n := self._chose(o.id)), share=_share(n, answered))
                     for o in options],
            answers=[ProfileAnswer(options=list(key), count=count) for key, count in ranked],
            most_common=[list(key) for key, count in ranked if count == top],
        )

    def _chose(self, option: str) -> int:
        return sum(count for key, count in self.answers.items() if option in key)


def compare_profiles(company: ProfileQuestion, customer: ProfileQuestion) -> ProfileComparison:
    """Both lenses' answers side by side; agreement = share of customers giving the company's most common answer
    (any of them when several tie)."""
    theirs = {o.id: o for o in customer.options}
    options = [ProfileLensOption(id=o.id, label=o.label, company_count=o.count, company_share=o.share,
                                 customer_count=theirs[o.id].count, customer_share=theirs[o.id].share)
               for o in company.options]
    wanted = {tuple(answer) for answer in company.most_common}
    matching = sum(a.count for a in customer.answers if tuple(a.options) in wanted)
    agreement = _share(matching, customer.answered) if wanted else None
    return ProfileComparison(
        question=company.question, section=company.section, text=company.text,
        company_answered=company.answered, customer_answered=customer.answered, options=options,
        company_answer=company.most_common, agreement=agreement,
    )
