"""The built-in questionnaires: structure the design asks for, quality rules, and our own wording."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crmcheck.catalog import Catalog
from crmcheck.models.questionnaire import Question, Questionnaire
from tests.conftest import ROOT

SEEDS = ROOT.parent / "shared" / "seeds"
BUILTINS = ["crm-mistakes", "cmr-pitfalls", "revenue-marketing", "perception-gap", "crm-selection"]


def load(qid: str) -> Questionnaire:
    return Catalog.from_options().get(qid)


def test_section_counts_follow_the_sources() -> None:
    # one section per mistake, and (version 3) one for the article's opening: CRM kept apart from the strategy
    assert len(load("crm-mistakes").sections) == 10
    assert load("crm-mistakes").sections[-1].source_item.startswith("Introduction:")
    assert len(load("cmr-pitfalls").sections) == 8
    assert [s.source_item for s in load("crm-mistakes").sections][0].startswith("Mistake 1:")
    rm = load("revenue-marketing")
    assert [s.name for s in rm.stages] == ["Traditional", "Lead Generation", "Demand Generation", "Revenue Marketing"]
    assert rm.dimensions == ["strategy", "people", "process", "technology", "content", "results"]
    assert load("perception-gap").lenses == ["company", "customer"]


def test_revenue_marketing_checklists() -> None:
    rm = load("revenue-marketing")
    checklists = [q for _, q in rm.questions.values() if q.type == "checklist"]
    sizes = sorted(len(q.options or []) for q in checklists)
    assert 13 in sizes and 9 in sizes


def test_every_stage_covers_every_dimension() -> None:
    rm = load("revenue-marketing")
    for stage in rm.stages[1:]:
        dims = {q.dimension for s in rm.sections if s.stage == stage.number for q in s.questions if q.scored}
        assert dims == set(rm.dimensions), stage.name


@pytest.mark.parametrize("qid", BUILTINS)
def test_quality_rules(qid: str) -> None:
    q = load(qid)
    for section in q.sections:
        assert section.source_item, section.id
        scored = [x for x in section.questions if x.scored]
        assert len(scored) >= 3, section.id
        for question in scored:
            assert question.help and len(question.help) > 30, question.id
            assert all(len(text) > 20 for text in _recommendations(question)), question.id
            if q.lenses and question.asked_lenses is None:
                assert isinstance(question.text, dict) and set(question.text) == set(q.lenses)
            elif q.lenses:  # asked in some lenses only: worded for exactly those
                assert set(question.text) == set(question.asked_lenses or ()) if isinstance(question.text, dict) \
                    else len(question.asked_lenses or ()) == 1


def _recommendations(question: Question) -> list[str]:
    """The recommendation's texts: one, or one per answer level (start, routine, improve)."""
    given = question.recommendation
    if given is None:
        return [""]
    return [given] if isinstance(given, str) else [given.start, given.routine, given.improve]


def _lens_texts(value: str | dict[str, str] | None) -> list[str]:
    return [] if value is None else [value] if isinstance(value, str) else list(value.values())


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower().replace("\u2019", "'"))


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the source articles (../shared/seeds) are not beside this clone")
@pytest.mark.parametrize("qid", BUILTINS)
def test_wording_is_our_own(qid: str) -> None:
    """No run of eight words in a question, help or recommendation is copied from the source articles."""
    source_words = _words(" ".join(p.read_text() for p in SEEDS.glob("*.txt")))
    runs = {" ".join(source_words[i:i + 8]) for i in range(len(source_words) - 7)}
    q = load(qid)
    for section in q.sections:
        for question in section.questions:
            texts = [*_lens_texts(question.text), *_lens_texts(question.respondent_help),
                     *(question.anchors or {}).values(), question.evidence_request or "",
                     *_recommendations(question), *_lens_texts(section.respondent_intro)]
            for text in [*texts, question.help or "", section.summary or ""]:
                words = _words(text)
                copied = [" ".join(words[i:i + 8]) for i in range(len(words) - 7) if " ".join(words[i:i + 8]) in runs]
                assert not copied, (qid, question.id, copied)


def test_builtin_files_are_named_by_id() -> None:
    for path in (ROOT / "questionnaires").glob("*.yaml"):
        assert Catalog.from_options().entries[Path(path).stem].path.name == path.name
