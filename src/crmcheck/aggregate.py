"""Several respondents in one report: per-lens mean scores, spread, disagreement, and the perception gap.

Pure: checked answers in, a result model out. Each respondent's answers are folded into running
tallies one file at a time (memory stays flat in the number of respondents unless each answer is
kept for --show-respondents); the per-question mean scores then go through the normal scoring, so
section scores, levels, risks and recommendations follow the same rules as for one answers file.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from crmcheck.answers import fast as fastpath
from crmcheck.answers.model import Respondent, Segment
from crmcheck.catalog import Catalog
from crmcheck.errors import UsageError
from crmcheck.finished import Progress, progress_of, total
from crmcheck.inert import names_evidence
from crmcheck.models.questionnaire import Questionnaire
from crmcheck.models.result import (
    AssessmentResult,
    GapLine,
    IndividualAnswer,
    LensRespondents,
    NotEvidenced,
    PerceptionGap,
    QuestionnaireResult,
    QuestionResult,
    RespondentEntry,
)
from crmcheck.profile import ProfileTally, compare_profiles
from crmcheck.resolve import UNANSWERED, Response
from crmcheck.scoring import (
    EDGE_DIGITS,
    NOT_KNOWN,
    answer_text,
    is_provisional,
    needs_evidence,
    score_questionnaire,
)

LENS_ORDER = ("company", "customer")
DISAGREEMENT_SPREAD = 0.5  # half of the 0..1 score range


@dataclass(frozen=True)
class AnsweredQuestionnaire:
    """One respondent's checked responses to one questionnaire (full question id -> response)."""

    questionnaire: Questionnaire
    responses: Mapping[str, Response]
    targets: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class AnswerSet:
    """One respondent's answers file, checked: who answered, through which lens, and what."""

    file: str
    lens: str
    respondent: Respondent | None
    questionnaires: Sequence[AnsweredQuestionnaire]
    assessor: str | None = None
    segment: Segment | None = None

    @property
    def label(self) -> str:
        """The respondent's name, or the file's name when the respondent is anonymous."""
        if self.respondent is not None and self.respondent.name:
            return self.respondent.name
        return Path(self.file).stem

    @property
    def progress(self) -> Progress:
        """How much of every questionnaire in the file the respondent answered."""
        return total(progress_of(a.questionnaire, a.responses, self.lens) for a in self.questionnaires)


def _score100(score: float) -> float:
    return round(100 * score, 1)


@dataclass
class _QuestionTally:
    """Running numbers for one question in one lens."""

    scored: int = 0
    total: float = 0.0
    low: float = math.inf
    high: float = -math.inf
    not_applicable: int = 0
    written: int = 0  # text answers, which are not scored
    unevidenced: int = 0
    not_known: int = 0  # `unknown` answers (scored, among `scored`)
    individual: list[IndividualAnswer] | None = None

    def add(self, response: Response, lens: str) -> None:
        if response.status == "n/a":
            self.not_applicable += 1
        elif response.status == "answered":
            if response.score is None:
                self.written += 1
            else:
                self.scored += 1
                self.not_known += response.unknown
                self.total += response.score
                self.low = min(self.low, response.score)
                self.high = max(self.high, response.score)
                if needs_evidence(response.score, lens) and not names_evidence(response.evidence):
                    self.unevidenced += 1

    @property
    def mean(self) -> float | None:
        return self.total / self.scored if self.scored else None

    @property
    def disagreement(self) -> bool:
        return self.scored > 1 and round(self.high - self.low, EDGE_DIGITS) > DISAGREEMENT_SPREAD


@dataclass
class _LensTally:
    """Everything kept about one questionnaire answered through one lens."""

    questionnaire: Questionnaire
    lens: str
    keep_individual: bool
    respondents: int = 0
    finished: int = 0  # respondents who answered every scored question (or marked it n/a)
    targets: dict[str, int] = field(default_factory=dict)
    questions: dict[str, _QuestionTally] = field(default_factory=dict)
    profiles: dict[str, ProfileTally] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.questions = {full: _QuestionTally(individual=[] if self.keep_individual else None)
                          for full in self.questionnaire.questions}
        self.profiles = {full: ProfileTally(question) for full, (_, question) in self.questionnaire.questions.items()
                         if question.profile and question.asked_in(self.lens)}

    def add(self, answered: AnsweredQuestionnaire, label: str) -> None:
        self.respondents += 1
        self.finished += progress_of(answered.questionnaire, answered.responses, self.lens).finished
        for section_id, target in answered.targets.items():
            # respondents may state different targets; the report aims at the highest one
            self.targets[section_id] = max(target, self.targets.get(section_id, target))
        q = self.questionnaire
        for full, tally in self.questions.items():
            response = answered.responses.get(full, UNANSWERED)
            tally.add(response, self.lens)
            if full in self.profiles:
                self.profiles[full].add(response)
            if tally.individual is not None and response.status != "unanswered":
                question = q.questions[full][1]
                score = response.score if question.scored and response.status == "answered" else None
                tally.individual.append(IndividualAnswer(
                    respondent=label, answer=answer_text(question, q, response),
                    score=None if score is None else _score100(score), note=response.note,
                    evidence=response.evidence))

    def mean_responses(self) -> dict[str, Response]:
        """Each question's aggregated response: the mean score when anyone scored it."""
        out: dict[str, Response] = {}
        for full, tally in self.questions.items():
            if tally.scored:
                # every respondent not knowing is, together, not knowing: the critical-metric rule holds
                out[full] = Response("answered", None, tally.mean, unknown=tally.not_known == tally.scored)
            elif tally.written:
                out[full] = Response("answered", None, None)
            elif tally.not_applicable:
                out[full] = Response("n/a")
            else:
                out[full] = UNANSWERED
        return out

    def result(self, company: str | None = None, also_asked_in: str | None = None) -> QuestionnaireResult:
        """The lens's result; with `also_asked_in`, over the questions that lens is asked too (for the gap)."""
        base = score_questionnaire(self.questionnaire, self.mean_responses(), self.targets, self.lens, company,
                                   also_asked_in)
        lenses = (self.lens, also_asked_in) if also_asked_in else (self.lens,)
        sections = []
        for section in base.sections:
            questions = [self._question(qr) for qr in section.questions]
            not_evidenced = [
                NotEvidenced(question=qr.id, text=qr.text, score=qr.score,
                             answers=self.questions[qr.id].unevidenced, respondents=self.questions[qr.id].scored,
                             evidence_request=qr.evidence_request)
                for qr in questions if self.questions[qr.id].unevidenced
            ]
            answered, asked = self._cells(section.id, lenses)
            sections.append(section.model_copy(update={
                "questions": questions, "not_evidenced": not_evidenced,
                "completeness": round(answered / asked if asked else 1.0, 3),
                "provisional": is_provisional(answered, asked)}))
        sections_of = {full: section.id for full, (section, _) in self.questionnaire.questions.items()}
        profile = [tally.result(full, sections_of[full], self.lens) for full, tally in self.profiles.items()]
        answered, asked = self._cells(None, lenses)
        return base.model_copy(update={
            "sections": sections, "lens": self.lens, "respondents": self.respondents, "profile": profile,
            "completeness": round(answered / asked if asked else 1.0, 3),
            "provisional": is_provisional(answered, asked), "finished": self.finished})

    def _cells(self, section_id: str | None, lenses: tuple[str, ...]) -> tuple[int, int]:
        """Answered cells and asked cells (respondents × scored questions, less the n/a cells) of one section, or
        of the whole questionnaire, over the questions the lenses are asked: a respondent who stopped early counts
        for every question they left blank, never for a question their lens is not asked."""
        answered = asked = 0
        for section in self.questionnaire.sections:
            if section_id is not None and section.id != section_id:
                continue
            for full, _ in section.scored_in(*lenses):
                tally = self.questions[full]
                answered += tally.scored
                asked += self.respondents - tally.not_applicable
        return answered, asked

    def _question(self, qr: QuestionResult) -> QuestionResult:
        tally = self.questions[qr.id]
        update: dict[str, object] = {"value": None, "note": None, "evidence": None, "reason": None,
                                     "individual": tally.individual}
        if tally.scored:
            low, high = _score100(tally.low), _score100(tally.high)
            answer = f"mean of {tally.scored} ({low:.1f}–{high:.1f})"
            if tally.not_known:
                answer += f"; {tally.not_known} {NOT_KNOWN}"
            update.update(answer=answer, respondents=tally.scored, score_min=low, score_max=high,
                          disagreement=tally.disagreement)
        elif qr.profile:
            answered = sum(self.profiles[qr.id].answers.values())
            update.update(answer=f"{answered} answer{'s' if answered != 1 else ''}, counted in the profile"
                          if answered else (f"n/a ({tally.not_applicable})" if tally.not_applicable else None),
                          respondents=answered)
        elif tally.written:
            hidden = "" if tally.individual is not None else "; shown with --show-respondents"
            update.update(answer=f"{tally.written} written answer{'s' if tally.written != 1 else ''}{hidden}",
                          respondents=tally.written)
        elif tally.not_applicable:
            update.update(answer=f"n/a ({tally.not_applicable})", respondents=0)
        else:
            update.update(respondents=0)
        return qr.model_copy(update=update)


def _gap(company: float | None, customer: float | None) -> float | None:
    # from the displayed (rounded) scores, so that company − customer adds up in every table
    return None if company is None or customer is None else round(company - customer, 1)


def _largest_first(lines: list[GapLine]) -> list[GapLine]:
    order = {line.id: i for i, line in enumerate(lines)}
    return sorted(lines, key=lambda g: (g.gap is None, -(g.gap or 0.0), order[g.id]))


def _compared(questionnaire: Questionnaire | None) -> int | None:
    """How many scored questions both lenses are asked, when some are asked in one lens only (else None)."""
    if questionnaire is None or all(q.asked_lenses is None for _, q in questionnaire.questions.values()):
        return None
    return sum(len(section.scored_in("company", "customer")) for section in questionnaire.sections)


def perception_gap(company: QuestionnaireResult, customer: QuestionnaireResult,
                   questionnaire: Questionnaire | None = None) -> PerceptionGap:
    """Company score − customer score per section and per question of one questionnaire, largest first.

    `company` should be scored over the questions the customers are asked too (`also_asked_in`), so that
    each side of every gap rests on the same questions."""
    sections = [
        GapLine(id=c.id, section=c.id, title=c.title, company=c.score, customer=k.score, gap=_gap(c.score, k.score),
                provisional=c.provisional or k.provisional)
        for c, k in zip(company.sections, customer.sections, strict=True)
    ]
    customer_profile = {p.question: p for p in customer.profile}
    profile = [compare_profiles(p, customer_profile[p.question]) for p in company.profile
               if p.question in customer_profile]
    questions: list[GapLine] = []
    for c_section, k_section in zip(company.sections, customer.sections, strict=True):
        customer_questions = {k.id: k for k in k_section.questions}
        for c in c_section.questions:
            k = customer_questions.get(c.id)
            if k is not None and c.score is not None and k.score is not None:
                questions.append(GapLine(id=c.id, section=c_section.id, title=c.text, company=c.score,
                                         customer=k.score, gap=_gap(c.score, k.score)))
    return PerceptionGap(
        questionnaire=company.id, title=company.title, company=company.score, customer=customer.score,
        gap=_gap(company.score, customer.score), company_respondents=company.respondents or 0,
        customer_respondents=customer.respondents or 0, sections=_largest_first(sections),
        questions=_largest_first(questions), profile=profile,
        compared=_compared(questionnaire),
        context=None if questionnaire is None else questionnaire.gap_context,
    )


class Aggregation:
    """Answers files folded in one at a time; `result()` gives the report of them all."""

    def __init__(self, *, show_respondents: bool = False, min_answered: Fraction | None = None) -> None:
        self.show_respondents = show_respondents
        self.min_answered = min_answered
        self._finished: dict[str, int] = {}
        self._left_out: dict[str, int] = {}
        self._tallies: dict[tuple[str, str], _LensTally] = {}
        self._order: list[str] = []
        self._people: dict[str, list[RespondentEntry]] = {}
        self._counts: dict[str, int] = {}
        self._assessors: set[str | None] = set()
        self._segments: set[Segment | None] = set()

    @property
    def kept(self) -> int:
        """Respondents counted so far (those below --min-answered are left out)."""
        return sum(self._counts.values())

    @property
    def left_out(self) -> int:
        return sum(self._left_out.values())

    def add(self, answers: AnswerSet) -> None:
        progress = answers.progress
        if self.min_answered is not None and not progress.reaches(self.min_answered):
            self._left_out[answers.lens] = self._left_out.get(answers.lens, 0) + 1
            return
        self._counts[answers.lens] = self._counts.get(answers.lens, 0) + 1
        self._finished[answers.lens] = self._finished.get(answers.lens, 0) + progress.finished
        self._assessors.add(answers.assessor)
        self._segments.add(answers.segment)
        if self.show_respondents:
            respondent = answers.respondent
            self._people.setdefault(answers.lens, []).append(RespondentEntry(
                lens=answers.lens, label=answers.label, name=respondent.name if respondent else None,
                role=respondent.role if respondent else None, file=answers.file))
        for answered in answers.questionnaires:
            qid = answered.questionnaire.id
            if qid not in self._order:
                self._order.append(qid)
            key = (qid, answers.lens)
            if key not in self._tallies:
                self._tallies[key] = _LensTally(answered.questionnaire, answers.lens, self.show_respondents)
            self._tallies[key].add(answered, answers.label)

    def result(self, *, company: str, assessed_on: dt.date) -> AssessmentResult:
        """The report; assessor and segment are given only when every file agrees on them."""
        assessor = next(iter(self._assessors)) if len(self._assessors) == 1 else None
        segment = next(iter(self._segments)) if len(self._segments) == 1 else None
        results: list[QuestionnaireResult] = []
        gaps: list[PerceptionGap] = []
        lenses = sorted(self._counts, key=_lens_rank)
        everyone = sorted({*self._counts, *self._left_out}, key=_lens_rank)
        for qid in self._order:
            by_lens = {lens: self._tallies[(qid, lens)].result(company) for lens in lenses
                       if (qid, lens) in self._tallies}
            results.extend(by_lens.values())
            if "company" in by_lens and "customer" in by_lens:
                tally = self._tallies[(qid, "company")]
                gaps.append(perception_gap(tally.result(company, also_asked_in="customer"), by_lens["customer"],
                                           tally.questionnaire))
        respondents = [
            LensRespondents(lens=lens, count=self._counts.get(lens, 0), finished=self._finished.get(lens, 0),
                            left_out=self._left_out.get(lens, 0),
                            people=self._people.get(lens, []) if self.show_respondents else None)
            for lens in everyone
        ]
        minimum = None if self.min_answered is None else float(self.min_answered)
        return AssessmentResult(company=company, assessed_on=assessed_on, assessor=assessor, segment=segment,
                                questionnaires=results, respondents=respondents, perception_gaps=gaps,
                                min_answered=minimum)


def _lens_rank(lens: str) -> tuple[int, str]:
    return (LENS_ORDER.index(lens) if lens in LENS_ORDER else len(LENS_ORDER), lens)


# ---------------------------------------------------------------------------------------------
# Many respondents' files: the fast path (`fastpath`), or None for the full one


_SEGMENTS: dict[tuple[tuple[str, Any], ...], Segment] = {}  # segments repeat from file to file: one model each


def quick_answer_set(path: str, catalog: Catalog, company: str, assessed_on: dt.date) -> AnswerSet | None:
    """The answer set of one respondent's file of `company` on `assessed_on`, as `assessment` builds it, for a
    file the fast path plainly accepts; None for any other (then the full path loads it and says what is
    wrong, if anything)."""
    data = fastpath.load_data(path)
    plain = fastpath.check_answers(data) if data is not None else None
    if plain is None or plain.company != company or plain.assessed_on != assessed_on:
        return None
    resolved = fastpath.responses(plain, catalog)
    if resolved is None:
        return None
    respondent = Respondent.model_validate(plain.respondent) if plain.respondent is not None else None
    segment = None
    if plain.segment is not None:
        written = tuple(plain.segment.items())
        segment = _SEGMENTS.get(written)
        if segment is None:
            if len(_SEGMENTS) >= 256:
                _SEGMENTS.clear()
            segment = _SEGMENTS[written] = Segment.model_validate(plain.segment)
    parts = [AnsweredQuestionnaire(catalog.get(key), responses, plain.questionnaires[key]["targets"])
             for key, responses in resolved.items()]
    return AnswerSet(file=path, lens=plain.lens, respondent=respondent, questionnaires=parts, assessor=plain.assessor,
                     segment=segment)


def aggregate(answer_sets: Iterable[AnswerSet], *, company: str, assessed_on: dt.date,
              show_respondents: bool = False, min_answered: Fraction | None = None) -> AssessmentResult:
    """The report of several respondents' answers (all of one company and date); with `min_answered`, those who
    answered less than that share of their scored questions are left out (and counted)."""
    aggregation = Aggregation(show_respondents=show_respondents, min_answered=min_answered)
    for answers in answer_sets:
        aggregation.add(answers)
    if not aggregation.kept:
        raise UsageError(f"--min-answered {percent_text(min_answered)}: every one of the "
                         f"{aggregation.left_out} respondents answered less; nothing left to report (lower it)")
    return aggregation.result(company=company, assessed_on=assessed_on)


def percent_text(share: Fraction | None) -> str:
    """A share as a percentage, without needless decimals (1/2 -> '50%', 1/3 -> '33.3%')."""
    value = float(share or 0) * 100
    return f"{value:.1f}".rstrip("0").rstrip(".") + "%"
