"""Version 3 of perception-gap: a customer lens a company can send, and the example company under it.

The example's numbers are worked out here from the raw YAML (the questionnaire and the answers files), not
through crmcheck's scoring: per question the mean of the respondents' scores, per section the weighted mean,
the questionnaire the mean of its sections; the company side of the gap over the questions customers are asked.
"""

from __future__ import annotations

import json
import re
from fractions import Fraction
from pathlib import Path
from typing import Any

import yaml

from crmcheck.catalog import Catalog
from tests.conftest import EXAMPLES, ROOT, run_cli

PERCEPTION = EXAMPLES / "perception"
V2_EXAMPLES = Path(__file__).parent / "data" / "perception-v2-examples"
RAW = yaml.safe_load((ROOT / "questionnaires" / "perception-gap.yaml").read_text(encoding="utf-8"))
Q = Catalog.from_options().get("perception-gap")


def scored(lens: str) -> list[str]:
    return [full for full, (_, q) in Q.questions.items() if q.scored and q.asked_in(lens)]


def test_customers_are_asked_at_most_20_scored_questions_each_the_side_of_a_company_question() -> None:
    customer, company = scored("customer"), scored("company")
    assert len(customer) == 20 and set(customer) <= set(company)
    assert len(company) == 40
    # every customer question is worded for the customer, and every section has one (no empty page)
    for full in customer:
        question = Q.questions[full][1]
        assert isinstance(question.text, dict) and question.wording("customer") != question.wording("company")
    assert all(section.questions_in("customer") for section in Q.sections)


def test_the_four_relationship_types_are_an_unscored_company_label_never_put_to_customers() -> None:
    question = Q.questions["relationship.relationship-type"][1]
    assert question.profile and question.asked_lenses == ["company"]
    for _, q in Q.questions.values():
        if q.asked_in("customer"):
            labels = " ".join(o.wording("customer") for o in q.options or ()).lower()
            assert "predator" not in labels and "parasit" not in labels, q.id


def test_every_scored_question_has_anchors_and_an_evidence_request() -> None:
    for full in scored("company"):
        question = Q.questions[full][1]
        assert question.evidence_request, full
        if question.type in ("scale", "choice"):
            assert question.anchors is not None, full


def test_neutral_single_idea_wording_and_a_third_keyed_negatively() -> None:
    banned = re.compile(r"\bnot only\b|\brather than\b|\binstead of\b", re.IGNORECASE)
    for full, (_, question) in Q.questions.items():
        for lens in question.asked_lenses or Q.lenses:
            assert not banned.search(question.wording(lens)), (full, lens)
    agreement = [q for _, q in Q.questions.values() if q.scored and q.scale == "agreement"]
    reversed_ = [q for q in agreement if q.reverse_scored]
    assert len(agreement) == 22 and len(reversed_) == 7  # 7 of 22: about a third
    # "Defined" is a maturity level here, and no answer is labelled so
    labels = {lv.label for levels in Q.scales.values() for lv in levels}
    assert "Defined" not in labels and "Defined" in {lv.name for lv in Q.levels}


def test_respondents_have_their_own_words_for_every_section() -> None:
    for section in Q.sections:
        for lens in Q.lenses:
            intro = section.respondent_wording(lens, "Acme")
            assert intro and "Good" not in intro, (section.id, lens)
    for full in scored("customer"):
        help_text = Q.questions[full][1].respondent_wording("customer", "Acme") or ""
        assert "good" not in help_text.lower().split(), full  # never says which answer is good


def test_a_reversed_statement_scores_agreement_low(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("format: 1\ncompany: Acme\nassessed_on: 2026-11-01\nquestionnaires:\n  perception-gap:\n"
                    "    answers:\n      loyalty.held-by-barriers: 4\n      loyalty.stay-if-alternative: 4\n")
    data = json.loads(run_cli("report", str(path), "--format", "json").out)
    [loyalty] = [s for s in data["questionnaires"][0]["sections"] if s["id"] == "loyalty"]
    scores = {q["id"]: q["score"] for q in loyalty["questions"]}
    # strongly agreeing that barriers hold customers scores 1 - 1 = 0; stay-if-alternative 1 (weight 2)
    assert (scores["loyalty.held-by-barriers"], scores["loyalty.stay-if-alternative"]) == (0.0, 100.0)
    assert loyalty["score"] == round(100 * (2 * 1 + 0) / 3, 1)


# ---------- the example company, worked out from the raw files ----------

SCALES = {name: {lv["value"]: Fraction(str(lv["score"])) for lv in levels} for name, levels in RAW["scales"].items()}


def _score(question: dict[str, Any], entry: Any) -> Fraction | None:
    value = entry.get("value") if isinstance(entry, dict) else entry
    if value is None or value == "n/a" or question.get("scored") is False:
        return None
    if question["type"] == "scale":
        score = SCALES[question["scale"]][value]
        return 1 - score if question.get("reverse_scored") else score
    if question["type"] == "yes_no":
        return Fraction(1 if value is True else 0)
    if question["type"] == "choice":
        return Fraction(str(next(o["score"] for o in question["options"] if o["id"] == value)))
    return None


def _asked(question: dict[str, Any], lens: str) -> bool:
    return lens in question.get("lenses", ["company", "customer"])


def _overall(files: list[dict[str, Any]], lens: str, also: str | None = None) -> float:
    sections = []
    for section in RAW["sections"]:
        num = den = Fraction(0)
        for question in section["questions"]:
            if not _asked(question, lens) or (also and not _asked(question, also)):
                continue
            full = f"{section['id']}.{question['id']}"
            got = [s for f in files if (s := _score(question, f.get(full))) is not None]
            if got:
                weight = Fraction(str(question.get("weight", 1)))
                num += weight * sum(got) / len(got)
                den += weight
        if den:
            sections.append(100 * num / den)
    return round(float(sum(sections) / len(sections)), 1)


def test_the_example_company_tells_the_same_story_under_version_3() -> None:
    files: dict[str, list[dict[str, Any]]] = {"company": [], "customer": []}
    for path in sorted(PERCEPTION.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        files[data["respondent"]["lens"]].append(data["questionnaires"]["perception-gap"]["answers"])
    company, shared, customer = (_overall(files["company"], "company"),
                                 _overall(files["company"], "company", "customer"),
                                 _overall(files["customer"], "customer"))
    data = json.loads(run_cli("report", str(PERCEPTION), "--format", "json").out)
    [gap] = data["perception_gaps"]
    assert (gap["company"], gap["customer"], gap["gap"]) == (shared, customer, round(shared - customer, 1))
    assert {q["lens"]: q["score"] for q in data["questionnaires"]} == {"company": company, "customer": customer}
    # the story of version 2 (company 72.6, customers 41.1): staff rate the company far above its customers,
    # most of all on being treated as a person
    assert gap["gap"] > 30 and gap["sections"][0]["id"] == "person-not-record"
    assert gap["context"] and "8%" in gap["context"] and gap["compared"] == 20


def test_version_2_answers_still_load_and_compare_under_version_3(tmp_path: Path) -> None:
    for path in sorted(V2_EXAMPLES.glob("*.yaml")):
        run = run_cli("validate", str(path))
        assert run.code == 0, run.err
    old, new = V2_EXAMPLES / "customer-1.yaml", PERCEPTION / "customer-1.yaml"
    run = run_cli("compare", str(old), str(new), "--format", "json")
    assert run.code == 0, run.err
    # the questions both versions ask customers compare; the retired and company-only ones drop out
    [q] = json.loads(run.out)["questionnaires"]
    assert q["id"] == "perception-gap"
    report = json.loads(run_cli("report", str(old), "--format", "json").out)
    shown = {question["id"] for s in report["questionnaires"][0]["sections"] for question in s["questions"]}
    assert shown == {full for full, (_, question) in Q.questions.items() if question.asked_in("customer")}
