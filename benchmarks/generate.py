"""Write N realistic synthetic answers files for the built-in questionnaires: a portfolio to benchmark.

    python benchmarks/generate.py 10000 /tmp/portfolio [--seed 7] [--broken 0.01]
    python benchmarks/generate.py 5000 /tmp/survey --respondents [--questionnaire perception-gap]

Companies (about one per 2.5 files) are assessed on one to four dates a year apart, each on a few of
the built-in questionnaires, with a segment (industry, size), an assessor and a respondent. Each
company has a maturity that drifts upward between assessments, and its answers follow that maturity
with noise: scale values, yes/no, options, checklists and numbers placed in the bands, some n/a with
a reason, some left blank, notes and evidence here and there. Most files use the commented layout that
`crmcheck new` and `crmcheck interview` write; the rest are compact, as people type them by hand.

Files go to DIR/<industry>/<company>/<date>.yaml. The same seed always writes the same files, all dated
on or before --as-of (default 2026-10-31, or today if that is earlier): none in the future.
`--broken F` makes that fraction of files invalid in the ways real portfolios are (bad YAML, a value
off the scale, an unknown question, a missing date), to exercise the error path.

`--respondents` writes a survey instead: N respondents' answers files for one company, one questionnaire
(--questionnaire, default perception-gap) and one date, as `crmcheck import` leaves them, for
`crmcheck report DIR` (the "many voices" flow). For a questionnaire with a customer lens, about four in
five respondents are customers (--customers sets the share); the rest are the company's staff. Files go to
DIR/respondent-NNNNN.yaml.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crmcheck.answers.layout import Header, answer_entry, dump_answers
from crmcheck.catalog import Catalog
from crmcheck.models.questionnaire import Question, Questionnaire

INDUSTRIES = ["software", "manufacturing", "retail", "financial-services", "healthcare", "logistics",
              "professional-services", "energy"]
SIZES = ["1-10", "11-50", "51-200", "201-1000", "1000+"]
# (questionnaire id, share of companies that use it)
QUESTIONNAIRES = [("crm-mistakes", 0.8), ("cmr-pitfalls", 0.6), ("revenue-marketing", 0.5), ("perception-gap", 0.15)]
NAME_FIRST = ["Blue", "North", "Silver", "Granite", "Harbor", "Summit", "Cedar", "Bright", "Iron", "Meadow", "Red",
              "Clear", "Pine", "Stone", "River", "Sun", "Oak", "Falcon", "Coral", "Amber", "Crescent", "Delta"]
NAME_SECOND = ["field", "line", "point", "wave", "gate", "bridge", "works", "path", "stone", "light", "ridge",
               "forge", "view", "brook", "peak", "haven", "port", "wood"]
NAME_KIND = ["Systems", "Logistics", "Health", "Foods", "Analytics", "Energy", "Partners", "Software", "Retail",
             "Manufacturing", "Services", "Labs", "Group", "Supply", "Finance", "Networks"]
NAME_SUFFIX = ["", "", " Ltd", " Inc.", " GmbH", " AG", " & Co", " B.V.", " S.A."]
PEOPLE = ["Dana Lee", "Sam Ortiz", "Priya Natarajan", "Elena Fischer", "Marcus Bell", "Aiko Tanaka", "Tomás Ruiz",
          "Grace O'Neill", "Jonas Berg", "Fatima Zahra", "Olu Adeyemi", "Mei Chen"]
ROLES = ["Head of Marketing", "VP Sales", "Head of Support", "CRM Manager", "Chief Revenue Officer",
         "Marketing Operations Lead", "Customer Success Director"]
NOTES = ["Agreed in the leadership workshop", "Only for the top accounts so far", "Started this quarter",
         "Depends on the region; the figure is for the main office", "Owner left in spring; restarting now",
         "Measured monthly since the CRM migration", "Piloted with two teams", "Sales and marketing disagree here"]
EVIDENCE = ["crm-dashboard.png", "quarterly-review.pdf", "process-map-v2.pdf", "survey-results.xlsx",
            "icp-profile.pdf", "playbook.docx"]
NA_REASONS = ["out-of-scope", "No such channel", "Not relevant for a company of our size", "Not measured yet"]
TEXT_ANSWERS = ["Tie every campaign to a revenue target.", "Start a customer advisory board.",
                "Fix the hand-over from sales to onboarding first.", "Measure time to resolve for every case."]


@dataclass
class Company:
    name: str
    slug: str
    industry: str | None
    size: str | None
    maturity: float
    questionnaires: list[str]
    dates: list[dt.date]


def company_names(rng: random.Random) -> Iterator[tuple[str, str]]:
    """Unique, plausible company names and their directory slugs."""
    seen: set[str] = set()
    while True:
        base = f"{rng.choice(NAME_FIRST)}{rng.choice(NAME_SECOND)} {rng.choice(NAME_KIND)}"
        name = base + rng.choice(NAME_SUFFIX)
        if name in seen:
            name = f"{base} {len(seen)}"
        seen.add(name)
        yield name, re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


# The day the portfolio is "as of": fixed so that a seed always writes the same files, and never after today, so
# that no file is dated in the future (a max-age policy or a reader would trip over it).
AS_OF = dt.date(2026, 10, 31)


def as_of_default() -> dt.date:
    return min(AS_OF, dt.date.today())


def plan_companies(n_files: int, rng: random.Random, as_of: dt.date | None = None) -> list[Company]:
    """Companies with one to four assessment dates each, adding up to exactly n_files files, none after as_of."""
    as_of = as_of or as_of_default()
    companies: list[Company] = []
    names = company_names(rng)
    left = n_files
    while left > 0:
        count = min(left, rng.choices([1, 2, 3, 4], weights=[3, 3, 2, 2])[0])
        left -= count
        name, slug = next(names)
        # the latest assessment within the last year (a third of companies: the year before), the earlier ones
        # about a year apart, each a few weeks either side of its anniversary
        latest = as_of - dt.timedelta(days=365 * rng.choice([1, 0, 0]) + rng.randint(0, 330))
        dates = sorted(latest - dt.timedelta(days=365 * i + (rng.randint(-20, 20) if i else 0)) for i in range(count))
        chosen = [qid for qid, share in QUESTIONNAIRES if rng.random() < share] or ["crm-mistakes"]
        segmented = rng.random() > 0.05
        companies.append(Company(
            name=name, slug=slug, industry=rng.choice(INDUSTRIES) if segmented else None,
            size=rng.choice(SIZES) if segmented else None, maturity=rng.betavariate(2, 2.5), questionnaires=chosen,
            dates=dates,
        ))
    return companies


def _clip(x: float) -> float:
    return min(1.0, max(0.0, x))


def answer_value(question: Question, questionnaire: Questionnaire, level: float, rng: random.Random) -> Any:
    """A value for one question from a company's maturity (0..1) on the day, with noise."""
    target = _clip(level + rng.gauss(0, 0.18))
    kind = question.type
    if kind == "scale":
        levels = questionnaire.scales[question.scale or ""]
        return min(levels, key=lambda lv: abs(lv.score - target)).value
    if kind == "yes_no":
        return rng.random() < target
    if kind == "choice":
        options = question.options or []
        return min(options, key=lambda o: abs((o.score or 0) - target) + rng.random() * 0.05).id
    if kind == "checklist":
        return [o.id for o in question.options or () if rng.random() < target]
    if kind == "number":
        bands = question.bands or []
        index = min(range(len(bands)), key=lambda i: abs(bands[i].score - target) + rng.random() * 0.05)
        low = bands[index].min
        high = bands[index + 1].min if index + 1 < len(bands) else low * 1.5 + 10
        top = question.value_range[1]
        if top is not None:  # stay inside the question's valid range
            high = min(high, top)
        value = low + (high - low) * rng.random() * 0.95
        return round(value, 1) if high - low < 5 else int(value)
    return rng.choice(TEXT_ANSWERS)


def answers_for(questionnaire: Questionnaire, level: float, rng: random.Random) -> dict[str, str]:
    """Full question id -> the YAML text of its answer; some blank, some n/a, some with a note."""
    out: dict[str, str] = {}
    section_bias = {s.id: rng.gauss(0, 0.12) for s in questionnaire.sections}
    for full, (section, question) in questionnaire.questions.items():
        roll = rng.random()
        if roll < 0.04:
            continue  # not answered yet
        if roll < 0.07:
            out[full] = answer_entry("n/a", reason=rng.choice(NA_REASONS) if rng.random() < 0.6 else None)
            continue
        value = answer_value(question, questionnaire, level + section_bias[section.id], rng)
        note = rng.choice(NOTES) if rng.random() < 0.08 else None
        evidence = rng.choice(EVIDENCE) if rng.random() < 0.05 else None
        out[full] = answer_entry(value, note=note, evidence=evidence)
    return out


def compact_file(header: Header, questionnaires: list[Questionnaire], answers: dict[str, dict[str, str]]) -> str:
    """An answers file as typed by hand: no comments, only the answered questions."""
    lines = ["format: 1", f"company: {answer_entry(header.company)}", f"assessed_on: {header.assessed_on}"]
    if header.assessor:
        lines.append(f"assessor: {answer_entry(header.assessor)}")
    if header.respondent:
        lines.append("respondent: {" + ", ".join(f"{k}: {answer_entry(v)}" for k, v in header.respondent.items()) + "}")
    if header.segment:
        lines.append("segment: {" + ", ".join(f"{k}: {answer_entry(v)}" for k, v in header.segment.items()) + "}")
    lines.append("questionnaires:")
    for q in questionnaires:
        lines += [f"  {q.id}:", "    answers:"]
        lines += [f"      {full}: {text}" for full, text in answers[q.id].items()]
    return "\n".join(lines) + "\n"


def break_file(text: str, rng: random.Random) -> str:
    """Damage a good file the way real portfolios get damaged."""
    damage = rng.choice(["yaml", "scale", "unknown", "date"])
    if damage == "yaml":
        return text.replace("questionnaires:", "questionnaires: [", 1)
    if damage == "scale":
        return re.sub(r"(\.[a-z-]+): [0-4]\n", r"\1: 7\n", text, count=1)
    if damage == "unknown":
        return re.sub(r"\n(\s+)([a-z-]+)\.([a-z-]+):", r"\n\1\2.no-such-question:", text, count=1)
    return re.sub(r"assessed_on: \S+", "assessed_on: next spring", text, count=1)


def generate(n_files: int, directory: Path, seed: int = 7, broken: float = 0.0, as_of: dt.date | None = None) -> int:
    """Write the portfolio, every file dated on or before `as_of` (default: AS_OF, or today if earlier); return the
    number of files written."""
    rng = random.Random(seed)
    catalog = Catalog.from_options()
    questionnaires = {qid: catalog.get(qid) for qid, _ in QUESTIONNAIRES}
    written = 0
    for company in plan_companies(n_files, rng, as_of):
        folder = directory / (company.industry or "unsegmented") / company.slug
        folder.mkdir(parents=True, exist_ok=True)
        for year_index, date in enumerate(company.dates):
            level = _clip(company.maturity + 0.06 * year_index + rng.gauss(0, 0.04))
            qs = [questionnaires[qid] for qid in company.questionnaires]
            header = Header(
                company=company.name, assessed_on=date, assessor=rng.choice(PEOPLE),
                respondent={"name": rng.choice(PEOPLE), "role": rng.choice(ROLES), "lens": "company"},
                segment={"industry": company.industry or "", "size": company.size or ""} if company.industry else None,
            )
            answers = {q.id: answers_for(q, level, rng) for q in qs}
            if rng.random() < 0.7:
                text = dump_answers(header, qs, answers, lens="company", schema_comment=False)
            else:
                text = compact_file(header, qs, answers)
            if rng.random() < broken:
                text = break_file(text, rng)
            (folder / f"{date.isoformat()}.yaml").write_text(text, encoding="utf-8")
            written += 1
    return written


SURVEY_COMPANY = "Brightwater Field Systems"
SURVEY_DATE = dt.date(2026, 10, 15)


def generate_respondents(n_files: int, directory: Path, seed: int = 7, questionnaire: str = "perception-gap",
                         customers: float = 0.8) -> int:
    """Write n_files respondents' answers files of one company, questionnaire and date; return how many."""
    rng = random.Random(seed)
    q = Catalog.from_options().get(questionnaire)
    two_lenses = "customer" in q.lenses
    directory.mkdir(parents=True, exist_ok=True)
    maturity = {"company": rng.betavariate(3, 2), "customer": rng.betavariate(2, 3)}
    width = max(5, len(str(n_files)))
    for number in range(1, n_files + 1):
        lens = "customer" if two_lenses and rng.random() < customers else "company"
        level = _clip(maturity[lens] + rng.gauss(0, 0.15))
        name = f"Customer {number}" if lens == "customer" else rng.choice(PEOPLE)
        header = Header(company=SURVEY_COMPANY, assessed_on=SURVEY_DATE,
                        respondent={"name": name, "role": rng.choice(ROLES), "lens": lens})
        # a respondent answers only the questions their lens is asked
        answers = {q.id: {full: text for full, text in answers_for(q, level, rng).items()
                          if q.questions[full][1].asked_in(lens)}}
        if rng.random() < 0.7:
            text = dump_answers(header, [q], answers, lens=lens, schema_comment=False)
        else:
            text = compact_file(header, [q], answers)
        (directory / f"respondent-{number:0{width}d}.yaml").write_text(text, encoding="utf-8")
    return n_files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, help="How many answers files to write.")
    parser.add_argument("directory", type=Path, help="Where to write them (created if missing).")
    parser.add_argument("--seed", type=int, default=7, help="Random seed; the same seed writes the same files.")
    parser.add_argument("--broken", type=float, default=0.0, metavar="FRACTION",
                        help="Fraction of files to make invalid (default 0).")
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None, metavar="YYYY-MM-DD",
                        help=f"No file is dated after this day (default {AS_OF}, or today if that is earlier).")
    parser.add_argument("--respondents", action="store_true",
                        help="Write one company's survey: COUNT respondents, one questionnaire, one date.")
    parser.add_argument("--questionnaire", default="perception-gap",
                        help="With --respondents: the questionnaire answered (default perception-gap).")
    parser.add_argument("--customers", type=float, default=0.8, metavar="FRACTION",
                        help="With --respondents: the share of customer-lens respondents (default 0.8).")
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("count must be at least 1")
    if args.respondents:
        written = generate_respondents(args.count, args.directory, args.seed, args.questionnaire, args.customers)
    else:
        written = generate(args.count, args.directory, args.seed, args.broken, args.as_of)
    sys.stderr.write(f"wrote {written} answers files under {args.directory}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
