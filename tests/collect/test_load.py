"""A smaller run of benchmarks/collect_load.py: concurrent respondents, then a SIGKILL of the server mid-run."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("uvicorn", reason="the collect extra (uvicorn) is not installed")
pytest.importorskip("httpx", reason="httpx (a dev dependency) is not installed")

from benchmarks.collect_load import run_load  # noqa: E402
from crmcheck.catalog import Catalog  # noqa: E402

PERCEPTION = Catalog.from_options().get("perception-gap")
PAGES = len(PERCEPTION.sections)  # one page per section
# the load answers every question a respondent is shown: half the respondents are staff, half customers, and a
# customer is not shown the questions asked of the company only
QUESTIONS = {lens: sum(len(s.questions_in(lens)) for s in PERCEPTION.sections) for lens in ("company", "customer")}


def test_concurrent_respondents_lose_and_cross_nothing(tmp_path: Path) -> None:
    result = run_load(tmp_path, respondents=30, timeout=25)
    print(result.summary())
    assert result.errors == []
    assert result.finished == 30 and result.pages_posted == 30 * PAGES
    assert result.answers_acknowledged == 15 * QUESTIONS["company"] + 15 * QUESTIONS["customer"]
    assert result.lost == [] and result.crossed == [] and result.unreadable == []


def test_a_sigkill_during_the_load_loses_no_acknowledged_answer(tmp_path: Path) -> None:
    result = run_load(tmp_path, respondents=30, timeout=25, kill_after=0.35)
    print(result.summary())
    assert result.killed
    assert 0 < result.pages_posted < 30 * PAGES  # the kill came in the middle of the run
    assert result.answers_acknowledged > 0
    assert result.lost == [] and result.crossed == [] and result.unreadable == []
