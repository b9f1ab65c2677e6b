"""Version 3 of crm-mistakes and cmr-pitfalls: content properties, the docs that describe them, and version-2
answers loading and comparing against them.

What is checked here is the content (anchors, evidence requests, wording, metric ids, the lists in
docs/questionnaires.md); how reverse scoring and `unknown` answers score is the scoring code's to test.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from crmcheck.baseline import compare_files
from crmcheck.catalog import Catalog
from crmcheck.measure.catalog import METRICS
from crmcheck.models.questionnaire import Question, Questionnaire
from tests.conftest import EXAMPLES, ROOT, run_cli

MINE = ["crm-mistakes", "cmr-pitfalls"]
DOCS = (ROOT / "docs" / "questionnaires.md").read_text()
V2 = Path(__file__).parent / "data" / "questionnaires-v2"
V2_ANSWERS = Path(__file__).parent / "data" / "brightwater-2026-v2.yaml"


def load(qid: str) -> Questionnaire:
    return Catalog.from_options().get(qid)


def questions(qid: str) -> list[tuple[str, Question]]:
    return [(f"{s.id}.{q.id}", q) for s in load(qid).sections for q in s.questions]


def _number(value: float) -> str:
    return f"{value:g}"


@pytest.mark.parametrize("qid", MINE)
def test_every_scored_question_says_what_each_answer_looks_like_and_what_to_show(qid: str) -> None:
    q = load(qid)
    for full, question in questions(qid):
        if not question.scored:
            continue
        assert question.evidence_request and len(question.evidence_request) > 20, full
        if question.type == "scale":
            assert question.scale is not None
            values = [str(level.value) for level in q.scales[question.scale]]
            assert question.anchors is not None and sorted(question.anchors) == sorted(values), full
        elif question.type == "choice":
            assert question.anchors is not None, full
            assert sorted(question.anchors) == sorted(o.id for o in question.options or []), full
        # an anchor says what the answer looks like here: never just the scale's label again
        for value, anchor in (question.anchors or {}).items():
            assert len(anchor.split()) >= 4, (full, value)


@pytest.mark.parametrize("qid", MINE)
def test_question_texts_are_neutral(qid: str) -> None:
    for full, question in questions(qid):
        assert isinstance(question.text, str)
        text = question.text.lower()
        for leading in ("not only", "rather than", "instead of"):
            assert leading not in text, (full, leading)


@pytest.mark.parametrize("qid", MINE)
def test_no_answer_label_is_also_a_level_name(qid: str) -> None:
    q = load(qid)
    labels = {level.label for scale in q.scales.values() for level in scale}
    assert not labels & {lv.name for lv in q.levels}
    assert [level.label for level in q.scales["practice"]] == [
        "Not done", "Ad hoc", "Documented", "Practised", "Measured and improved"]


@pytest.mark.parametrize("qid", MINE)
def test_frequency_questions_ask_how_often_the_pitfall_happens(qid: str) -> None:
    frequency = [(full, q) for full, q in questions(qid) if q.scale == "frequency"]
    assert frequency
    for full, question in frequency:
        # keyed negatively: "almost always" is the weak answer, and the help tells the assessor so
        assert question.reverse_scored, full
        assert question.help and "Keyed to the" in question.help and '"almost always" is the weak' in question.help
        anchors = question.anchors or {}
        assert anchors["0"].startswith("Never") and anchors["4"].startswith("Almost always"), full
    # no practice rating is reversed: reversing "not done ... measured and improved" means nothing
    assert not [full for full, q in questions(qid) if q.reverse_scored and q.scale != "frequency"]


def test_metric_questions_score_not_knowing_and_name_a_metric_in_their_unit() -> None:
    units = {"%": "%", "hours": "hours", "per month": "per month"}
    metric_questions = [(full, q) for full, q in questions("crm-mistakes") if q.type == "number"
                        and full.split(".")[0] in ("experience-metrics", "customer-value")]
    assert len(metric_questions) == 8  # the five experience metrics; support effort, late payment, refunds
    for full, question in metric_questions:
        assert question.unknown_scores == 0, full
    measured = {full: q.measure for full, q in metric_questions if q.measure}
    assert measured == {
        "customer-value.late-invoice-share": "late-invoice-share", "customer-value.refund-rate": "refund-rate",
        "experience-metrics.first-reply-hours": "first-reply-hours",
        "experience-metrics.resolution-hours": "resolution-hours",
        "experience-metrics.satisfied-share": "satisfied-share"}
    # contact volume counts every channel's contacts; a ticket export counts tickets only (the question's own help
    # says so), so no metric answers it
    for qid in MINE:
        for full, question in questions(qid):
            if question.measure:
                unit = (question.unit or "").strip()
                assert unit.endswith(units[METRICS[question.measure].unit]), (full, unit)


def test_the_customer_repeating_themselves_is_asked_once() -> None:
    continuity = dict(questions("crm-mistakes"))["personalisation.continuity"]
    assert continuity.help and "the one question" in continuity.help
    assert "channels.channel-switch" in load("cmr-pitfalls").retired
    for qid in MINE:
        for full, question in questions(qid):
            text = str(question.text).lower()
            if full != "personalisation.continuity":
                assert not re.search(r"repeat (themselves|their story)|start (again|over)|explain .* again", text), (
                    qid, full)


def test_the_agile_figure_is_the_length_of_an_increment() -> None:
    increment = dict(questions("crm-mistakes"))["relevance.increment-weeks"]
    assert "between one change reaching customers and the next" in str(increment.text)
    assert increment.bands is not None and [b.score for b in increment.bands if b.min <= 4] == [1]
    assert "relevance.feedback-weeks" in load("crm-mistakes").retired
    assert '"incremental steps of two to four weeks lead to feedback"' in DOCS


# ---------------------------------------------------------------------------------------------
# docs/questionnaires.md: the counts, lists and tables it gives for these two are the files' own


@pytest.mark.parametrize("qid", MINE)
def test_the_docs_table_gives_the_version_and_the_section_count(qid: str) -> None:
    row = re.search(rf"^\| `{qid}` \| (\d+) \| scored \| (\d+)\b", DOCS, re.M)
    assert row is not None
    q = load(qid)
    assert (int(row.group(1)), int(row.group(2))) == (q.version, len(q.sections)) == (3, len(q.sections))


@pytest.mark.parametrize("qid", MINE)
def test_the_docs_bands_table_is_the_files_bands(qid: str) -> None:
    for full, question in questions(qid):
        if question.type != "number":
            continue
        low, high = question.value_range
        unit = (question.unit or "").strip()
        lowest = _number(low or 0)
        span = f"{lowest}–{_number(high)} {unit}" if high is not None else f"{lowest} or more {unit}"
        bands = ", ".join(f"{_number(b.min)}→{_number(b.score)}" for b in question.bands or [])
        row = re.search(rf"^\| `{qid}` `{re.escape(full)}` \| (.*?) \| (.*?) \| (.*) \|$", DOCS, re.M)
        assert row is not None, full
        assert (row.group(1), row.group(2)) == (span, bands), full
        if question.unknown_scores is not None:
            assert f"`unknown` scores {_number(question.unknown_scores)}" in row.group(3), full
        if question.measure:
            assert f"measure `{question.measure}`" in row.group(3), full


def _docs_list(title: str) -> set[str]:
    """The ids in one bullet of the assumptions list: '- TITLE: `a`, `b` ...' up to the next bullet."""
    start = DOCS.index(f"- {title}:")
    end = DOCS.index("\n- ", start + 1)
    return set(re.findall(r"`([a-z0-9-]+\.[a-z0-9-]+)`", DOCS[start:end]))


@pytest.mark.parametrize("qid", MINE)
def test_the_docs_list_every_weight_and_critical_flag(qid: str) -> None:
    weighted = {full for full, q in questions(qid) if q.weight != 1}
    critical = {full for full, q in questions(qid) if q.critical}
    assert _docs_list(f"Weight 2, `{qid}`") == weighted
    assert {q.weight for _, q in questions(qid)} == {1, 2}
    assert _docs_list(f"Critical (a 0 makes the section high risk), `{qid}`" if qid == "crm-mistakes"
                      else f"Critical, `{qid}`") == critical
    choices = {full for full, q in questions(qid) if q.type == "choice" and q.scored}
    assert _docs_list(f"Choice-option scores, `{qid}`") == choices


@pytest.mark.parametrize(("qid", "heading"), [
    ("crm-mistakes", '### "9 CRM Mistakes That Will Sink Your Business" → `crm-mistakes`'),
    ("cmr-pitfalls", '### "Common Pitfalls to Avoid in CRM" → `cmr-pitfalls`'),
])
def test_the_source_map_names_every_question(qid: str, heading: str) -> None:
    start = DOCS.index(heading)
    end = DOCS.index("\n### ", start + 1)
    table = DOCS[start:end]
    missing = [full for full, _ in questions(qid) if f"`{full}`" not in table]
    assert missing == []


# ---------------------------------------------------------------------------------------------
# version-2 answers (the example's 2026 file as it was before version 3) against version 3


def test_version_2_answers_load_against_version_3() -> None:
    run = run_cli("validate", str(V2_ANSWERS))
    assert run.code == 0, run.err
    # crm-mistakes: 48 answers, less the text, the three profile checklists and three retired (feedback-weeks,
    # resolution-days, targets) = 41 scored, one of them n/a, of 62 scored questions; cmr-pitfalls: 44, less the
    # text and two retired (targets-met, channel-switch) = 41, two of them n/a. Shown: answered / (scored
    # questions - n/a).
    assert "crm-mistakes 40/61 answered, 1 n/a; cmr-pitfalls 39/52 answered, 2 n/a" in run.out


def test_version_2_answers_compare_with_the_version_2_questionnaires() -> None:
    run = run_cli("compare", str(V2_ANSWERS), str(EXAMPLES / "assessment-2026.yaml"),
                  "--baseline-questionnaires", str(V2), "--format", "json")
    assert run.code == 0, run.err
    by_id = {q["id"]: q for q in json.loads(run.out)["questionnaires"]}
    assert set(MINE) <= set(by_id)  # (the 2026 file answers revenue-marketing too; the baseline does not)
    assert {qid: (by_id[qid]["version_before"], by_id[qid]["version_after"]) for qid in MINE} == dict.fromkeys(
        MINE, (2, 3))
    assert {r["previous_id"]: r["question"] for r in by_id["cmr-pitfalls"]["questions_renamed"]} == {
        "inside-out.single-interaction": "decision-info.fit-guidance",
        "retention.cost-known": "retention.acquisition-cost-known"}
    assert by_id["crm-mistakes"]["questions_renamed"] == []
    assert sorted(by_id["crm-mistakes"]["questions_removed"]) == [
        "experience-metrics.resolution-days", "experience-metrics.targets", "relevance.feedback-weeks"]
    assert sorted(by_id["cmr-pitfalls"]["questions_removed"]) == ["channels.channel-switch", "culture.targets-met"]
    culture = next(s for s in by_id["cmr-pitfalls"]["sections"] if s["id"] == "culture")
    # the baseline scored by version 2, by hand: customer-metrics 3 (band 2: 1, weight 2), baseline-targets 3
    # (0.75), targets-met 2 (0.5), pay-link some-roles 0.65, recognition yes 1, training 2 (0.5)
    assert culture["score_before"] == round(100 * (2 * 1 + 0.75 + 0.5 + 0.65 + 1 + 0.5) / 7, 1) == 77.1


def test_version_2_answers_scored_by_version_3() -> None:
    comparison = compare_files(str(V2_ANSWERS), str(EXAMPLES / "assessment-2026.yaml"), Catalog.from_options())
    pitfalls = next(q for q in comparison.questionnaires if q.id == "cmr-pitfalls")
    sections = {s.id: s for s in pitfalls.sections}
    # culture under version 3: targets-met is retired and the six new questions were not asked in version 2:
    # customer-metrics 1 (weight 2), baseline-targets 0.75, pay-link 0.65, recognition 1, training 0.5
    assert sections["culture"].score_before == round(100 * (2 * 1 + 0.75 + 0.65 + 1 + 0.5) / 6, 1) == 81.7
    # retention: cost-known "yes" lands on acquisition-cost-known; retention-rate 91 (band 88: 0.75, weight 2),
    # at-risk-signals 3, effort-split separate-budget and onboarding 3 all 0.75
    assert sections["retention"].score_before == round(100 * (2 * 0.75 + 0.75 + 0.75 + 1 + 0.75) / 6, 1) == 79.2
    changed = {a.question: a for a in pitfalls.answers_changed}
    assert "retention.acquisition-cost-known" not in changed  # yes in both years
    assert (changed["retention.retention-cost-known"].before, changed["retention.retention-cost-known"].after) == (
        None, "no")
