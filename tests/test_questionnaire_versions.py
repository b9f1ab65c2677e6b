"""Version 2 of the built-in questionnaires against the example company's version-1 answers of 2025.

The 2025 file says `version: 1` and answers ids that version 2 split, moved or renamed; `renamed_from`
must carry each answer to its new question, whether the baseline is scored with today's questionnaires
or with the version-1 files kept in tests/data/questionnaires-v1 (as `--baseline-questionnaires` does).
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from crmcheck.baseline import compare_files
from crmcheck.catalog import Catalog
from tests.conftest import EXAMPLES, ROOT, questions_of, run_cli

OLD = EXAMPLES / "assessment-2025.yaml"
NEW = EXAMPLES / "assessment-2026.yaml"
V1 = Path(__file__).parent / "data" / "questionnaires-v1"

# the current version of each built-in (crm-mistakes and cmr-pitfalls are at version 3)
VERSIONS = {"crm-mistakes": 3, "cmr-pitfalls": 3, "revenue-marketing": 3, "perception-gap": 3}
# version-1 id -> current id, written out by hand from docs/questionnaires.md
RENAMED = {
    "crm-mistakes": {"customer-value.value-recorded": "customer-value.value-stored"},
    "cmr-pitfalls": {"culture.realistic-targets": "culture.baseline-targets",
                     "inside-out.single-interaction": "decision-info.fit-guidance",
                     "retention.cost-known": "retention.acquisition-cost-known"},
    "revenue-marketing": {
        "demand-generation.content-social": "demand-generation.journey-content",
        "revenue-marketing.revenue-share": "revenue-marketing.revenue-sourced",
        "revenue-marketing-use-cases.use-cases": "demand-generation-automation.use-cases",
        "revenue-marketing-use-cases.priorities": "demand-generation-automation.first-use-cases",
        "revenue-marketing-use-cases.customer-programs": "revenue-marketing.customer-programs",
        "revenue-marketing-use-cases.renewal-triggers": "revenue-marketing.renewal-triggers",
        "revenue-marketing-use-cases.customer-content": "revenue-marketing.customer-content",
        "revenue-marketing-use-cases.customer-results": "revenue-marketing.customer-results",
        "revenue-marketing-use-cases.first-change": "revenue-marketing.first-change",
        # version 3: automation with the CRM is its own stage-3 section; the must-haves are stage 4's
        "demand-generation.automation-crm": "demand-generation-automation.automation-crm",
        "demand-generation-automation.capabilities": "revenue-marketing-automation.capabilities",
        "demand-generation-automation.roadmap": "revenue-marketing-automation.roadmap",
        "demand-generation-automation.data-hygiene": "revenue-marketing-automation.data-hygiene",
        "demand-generation-automation.personalisation": "revenue-marketing-automation.personalisation",
        "demand-generation-automation.platform-reporting": "revenue-marketing-automation.platform-reporting",
    },
    "perception-gap": {"experience.low-effort": "experience.easy-ordering"},
}
# ids dropped without a successor: version 2 dropped two (feature evidence was asked three times; now once), version
# 3 the misread agile figure, resolution in days (now hours), a double-barrelled question and repeated ones (a target
# per customer metric is asked once, in cmr-pitfalls culture.baseline-targets)
RETIRED = {"crm-mistakes": ["relevance.feature-reason", "products-vs-customers.share-evidenced",
                            "relevance.feedback-weeks", "experience-metrics.resolution-days",
                            "experience-metrics.targets"],
           "cmr-pitfalls": ["culture.targets-met", "channels.channel-switch"],
           # version 3 of perception-gap (tests/test_perception_gap_v3.py) dropped or re-keyed these version-2 ids
           "perception-gap": ["loyalty.rewarded-tenure", "loyalty.motives-known", "loyalty.stay-by-choice",
                              "relationship.known-contact", "relationship.two-way-value", "experience.handoffs",
                              "brand.matches-marketing", "person-not-record.one-person",
                              "person-not-record.records-serve-customer", "feedback.easy-to-give",
                              "measuring.recommend-order"],
           # version 3 merged overlapping questions (routing into handoff, lifecycle into customer-programs)
           "revenue-marketing": ["demand-generation-automation.routing", "revenue-marketing.lifecycle"]}
# of those, the ones version 1 asked (culture.targets-met came with version 2)
RETIRED_SINCE_V1 = {qid: [i for i in ids if i != "culture.targets-met"] for qid, ids in RETIRED.items()}


def _raw(path: Path) -> dict[str, object]:
    loaded = yaml.safe_load(path.read_text())
    assert isinstance(loaded, dict)
    return loaded


def test_the_example_files_keep_their_versions() -> None:
    old, new = _raw(OLD)["questionnaires"], _raw(NEW)["questionnaires"]
    assert isinstance(old, dict) and isinstance(new, dict)
    assert {qid: given["version"] for qid, given in old.items()} == dict.fromkeys(old, 1)
    assert {qid: given["version"] for qid, given in new.items()} == {qid: VERSIONS[qid] for qid in new}
    for qid in RENAMED:
        assert _raw(ROOT / "questionnaires" / f"{qid}.yaml")["version"] == VERSIONS[qid]
        assert _raw(V1 / f"{qid}.yaml")["version"] == 1


def test_every_renamed_id_is_declared_and_every_version_1_id_still_resolves() -> None:
    catalog = Catalog.from_options()
    for qid, renames in RENAMED.items():
        current = catalog.get(qid)
        for old, new in renames.items():
            assert old not in current.questions and new in current.questions
            assert current.current_id(old) == new
        assert current.retired == RETIRED.get(qid, [])
        # no version-1 question is lost unannounced: each one is current, renamed or retired
        v1 = _raw(V1 / f"{qid}.yaml")
        sections = v1["sections"]
        assert isinstance(sections, list)
        for section in sections:
            for question in section["questions"]:
                full = f"{section['id']}.{question['id']}"
                assert (full in current.questions or current.current_id(full) is not None
                        or full in current.retired), (qid, full)


def test_version_1_answers_load_against_version_2() -> None:
    run = run_cli("validate", str(OLD))
    assert run.code == 0, run.err
    # 2025 answered every version-1 scored question but the n/a ones; later versions add questions it could not
    # answer and no longer ask some it answered, which are left out. crm-mistakes: 43 scored answers (the metrics
    # checklist is a profile question since version 3) less 5 retired (share-evidenced was the second n/a) = 37
    # answered + 1 n/a of 62 scored questions; cmr-pitfalls: 41 less channel-switch = 38 answered + 2 n/a of 54
    assert "crm-mistakes 37/61 answered, 1 n/a; cmr-pitfalls 38/52 answered, 2 n/a" in run.out


def test_an_answer_to_a_retired_question_scores_nothing_under_version_2() -> None:
    comparison = compare_files(str(OLD), str(NEW), Catalog.from_options())
    mistakes = next(q for q in comparison.questionnaires if q.id == "crm-mistakes")
    relevance = next(s for s in mistakes.sections if s.id == "relevance")
    # 2025 relevance under version 3, by hand: segments 2 (0.5, weight 2), needs-review after-loss 0.25, adapt 1
    # (0.25); feature-reason "no" and feedback-weeks 10 are retired and count nowhere
    assert relevance.score_before == round(100 * (2 * 0.5 + 0.25 + 0.25) / 4, 1) == 37.5


def test_a_current_version_file_may_not_answer_a_retired_question(tmp_path: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text("format: 1\ncompany: Acme\nassessed_on: 2026-11-01\nquestionnaires:\n  crm-mistakes:\n"
                    "    answers:\n      relevance.segments: 2\n      relevance.feature-reason: yes\n")
    run = run_cli("validate", str(path))
    assert run.code == 2
    assert run.err.strip() == (f"{path}:8:7: no question 'relevance.feature-reason' in crm-mistakes v3 (version 3 "
                               "no longer asks it; only a file that says it answers an earlier version may still "
                               "give it)")
    # saying which version it answers is what lets it through
    path.write_text(path.read_text().replace("  crm-mistakes:\n", "  crm-mistakes:\n    version: 1\n"))
    assert run_cli("validate", str(path)).code == 0


def test_compare_with_todays_questionnaires_places_old_answers_on_the_new_questions() -> None:
    comparison = compare_files(str(OLD), str(NEW), Catalog.from_options())
    pitfalls = next(q for q in comparison.questionnaires if q.id == "cmr-pitfalls")
    culture = next(s for s in pitfalls.sections if s.id == "culture")
    # 2025 culture under version 3, by hand: customer-metrics 0 (band 0, weight 2), baseline-targets 0 (was
    # realistic-targets), pay-link none 0, recognition no 0, training 1 -> 0.25; the questions added since unanswered.
    assert culture.score_before == round(100 * 0.25 / (2 + 1 + 1 + 1 + 1), 1) == 4.2
    changed = {a.question: a for a in pitfalls.answers_changed}
    assert (changed["culture.baseline-targets"].before, changed["culture.baseline-targets"].after) == (
        "0 Not done", "3 Practised")
    mistakes = next(q for q in comparison.questionnaires if q.id == "crm-mistakes")
    strengths = next(s for s in mistakes.sections if s.id == "strengths")
    # customer-rating 2 (0.5, weight 2), weaknesses 2 (0.5), review yearly (0.75, weight 2), own-purchase no (0);
    # the five-step checklist is a profile question now, so it counts in no score
    assert strengths.score_before == round(100 * (2 * 0.5 + 0.5 + 2 * 0.75 + 0) / 6, 1) == 50.0


def test_compare_with_the_version_1_questionnaires_pairs_renamed_questions() -> None:
    run = run_cli("compare", str(OLD), str(NEW), "--baseline-questionnaires", str(V1), "--format", "json")
    assert run.code == 0, run.err
    data = json.loads(run.out)
    by_id = {q["id"]: q for q in data["questionnaires"]}
    assert set(by_id) == {"crm-mistakes", "cmr-pitfalls", "revenue-marketing"}
    for qid, q in by_id.items():
        assert (q["version_before"], q["version_after"]) == (1, VERSIONS[qid])
        assert {r["previous_id"]: r["question"] for r in q["questions_renamed"]} == RENAMED[qid]
        assert sorted(q["questions_removed"]) == sorted(RETIRED_SINCE_V1.get(qid, []))
    for qid in ("crm-mistakes", "cmr-pitfalls"):
        # added: every current question that is neither a version-1 id nor the new home of one
        v1 = {f"{s['id']}.{q['id']}" for s in _raw(V1 / f"{qid}.yaml")["sections"] for q in s["questions"]}  # type: ignore[attr-defined]
        current = Catalog.from_options().get(qid).questions
        assert set(by_id[qid]["questions_added"]) == set(current) - v1 - set(RENAMED[qid].values())
    assert {"customer-value.value-used", "strengths.compared-history", "personalisation.feedback-points",
            "strategy.in-plan"} <= set(by_id["crm-mistakes"]["questions_added"])
    assert set(by_id["revenue-marketing"]["questions_added"]) == {
        "lead-generation.reported-metrics", "demand-generation.social-marketing",
        "revenue-marketing.revenue-influenced",
        # version 3 (docs/questionnaires.md, "revenue-marketing version 3: what changed")
        "lead-generation.campaign-revenue-goals", "lead-generation.sales-rating", "lead-generation.sales-feedback",
        "demand-generation.joint-review", "demand-generation.sales-first", "demand-generation.social-tracking",
        "demand-generation.lead-acceptance", "demand-generation.days-to-close", "demand-generation.pipeline-share",
        "demand-generation-automation.sales-sees-activity", "revenue-marketing.cost-centre",
        "revenue-marketing.revenue-credit", "revenue-marketing.win-rate", "revenue-marketing-automation.segments"}
    share = next(a for a in by_id["revenue-marketing"]["answers_changed"]
                 if a["question"] == "revenue-marketing.revenue-sourced")
    assert (share["previous_id"], share["before"], share["after"]) == ("revenue-marketing.revenue-share", "5 %", "12 %")
    # scored by version 1, the 2025 baseline keeps the score it had then (the v1 golden report said 29.1)
    assert by_id["crm-mistakes"]["score_before"] == 29.1


def test_a_version_1_perception_answer_lands_on_its_split_question(tmp_path: Path) -> None:
    old = tmp_path / "customer.yaml"
    # a staff answer: version 3 asks easy-ordering of the company only
    old.write_text("format: 1\ncompany: Acme Corp\nassessed_on: 2025-11-01\n"
                   "respondent: {name: C1, role: Buyer, lens: company}\n"
                   "questionnaires:\n  perception-gap:\n    version: 1\n    answers:\n"
                   "      experience.low-effort: 1\n      loyalty.main-reason: habit\n")
    run = run_cli("report", str(old), "--format", "json")
    assert run.code == 0, run.err
    data = json.loads(run.out)
    questions = questions_of(data["questionnaires"][0])
    assert questions["experience.easy-ordering"]["score"] == 25.0
    # a motive is a profile answer now: reported, never scored
    assert questions["loyalty.main-reason"]["score"] is None
    experience = next(s for s in data["questionnaires"][0]["sections"] if s["id"] == "experience")
    assert experience["score"] == 25.0
