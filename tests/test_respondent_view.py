"""What a respondent reads: collect pages, survey templates and `new --lens customer` files carry no assessor text.

The check is generated from every questionnaire `crmcheck list` shows: no question's `help` and no section's
`summary` may appear where a respondent reads, for any lens the questionnaire is answered through.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
import warnings
from pathlib import Path

import pytest

from crmcheck.catalog import Catalog
from crmcheck.collect.folder import Collection
from crmcheck.models.questionnaire import Questionnaire
from tests.conftest import run_cli

pytest.importorskip("starlette", reason="the collect extra (starlette) is not installed")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from crmcheck.collect.ratelimit import RateLimits  # noqa: E402
from crmcheck.collect.server import CollectServer, build_app  # noqa: E402
from tests.collect.fixtures import page_path  # noqa: E402

COMPANY = "Brightwater Field Systems"


def listed() -> list[str]:
    """Every questionnaire the product lists."""
    data = json.loads(run_cli("list", "--format", "json").out)
    items = data if isinstance(data, list) else data.get("questionnaires", [])
    ids = [item["id"] for item in items]
    assert ids, data
    return ids


IDS = listed()
CATALOG = Catalog.from_options()


def flat(text: str) -> str:
    return " ".join(text.split())


def assessor_texts(q: Questionnaire) -> list[str]:
    """The assessor's words: every question's help and every section's summary (long enough to be telling)."""
    texts = [flat(question.help) for _, question in q.questions.values() if question.help]
    texts += [flat(section.summary) for section in q.sections if section.summary]
    return [t for t in texts if len(t) >= 25]


def lenses(q: Questionnaire) -> list[str]:
    return list(q.lenses) or ["company"]


def leaked(q: Questionnaire, shown: str) -> list[str]:
    # a wrapped comment or a table cell may break a text anywhere: compare with whitespace flattened, and also
    # compare a long text's first 60 characters, so that a text cut by wrapping is still caught
    plain = flat(html.unescape(re.sub(r"<[^>]+>", " ", shown)).replace("#", " "))
    return [t for t in assessor_texts(q) if t in plain or t[:60] in plain]


def test_the_check_covers_every_listed_questionnaire() -> None:
    assert {"crm-mistakes", "cmr-pitfalls", "revenue-marketing", "perception-gap"} <= set(IDS)
    assert all(assessor_texts(CATALOG.get(qid)) for qid in IDS)


@pytest.mark.parametrize("qid", IDS)
def test_collect_pages_show_no_assessor_text(tmp_path: Path, qid: str) -> None:
    q = CATALOG.get(qid)
    collection = Collection.create(tmp_path / "survey", [q], COMPANY, dt.date(2026, 11, 1), [])
    tokens = {lens: collection.invite(lens, [q])[0].link.rsplit("/", 1)[1] for lens in lenses(q)}  # type: ignore[arg-type]
    server = CollectServer(collection, collection.catalog(), "admin-token-of-the-test", RateLimits.per_minute(0))
    with TestClient(build_app(server), follow_redirects=False) as client:
        for lens, token in tokens.items():
            pages = [client.get(page_path(token, n)).text for n in range(1, len(q.sections) + 1)]
            shown = html.unescape("\n".join(pages))
            assert "Page not found" not in shown
            assert leaked(q, shown) == [], (qid, lens)
            assert "{company}" not in shown
            # every question asked in the lens is on its pages, worded for the lens with the company's name
            for _, question in q.questions.values():
                wording = question.wording(lens, COMPANY)
                assert (wording in shown) == question.asked_in(lens), (qid, lens, question.id)
                respondent_help = question.respondent_wording(lens, COMPANY)
                if respondent_help and question.asked_in(lens):
                    assert respondent_help in shown, (qid, question.id)
            for section in q.sections:
                intro = section.respondent_wording(lens, COMPANY)
                if intro:
                    assert intro in shown, (qid, section.id)


@pytest.mark.parametrize("qid", IDS)
def test_survey_templates_show_no_assessor_text(tmp_path: Path, qid: str) -> None:
    q = CATALOG.get(qid)
    for lens in lenses(q):
        path = tmp_path / f"{lens}.csv"
        run = run_cli("new", qid, "--lens", lens, "--company", COMPANY, "--survey-template", str(path))
        assert run.code == 0, run.err
        text = path.read_text(encoding="utf-8")
        assert leaked(q, text) == [], (qid, lens)
        header, guide, _ = list(csv.reader(io.StringIO(text)))
        asked = [question for _, question in q.questions.values() if question.asked_in(lens)]
        assert header == [question.wording(lens, COMPANY) for question in asked]
        for question, cell in zip(asked, guide, strict=True):
            assert (question.respondent_wording(lens, COMPANY) or "") in cell


@pytest.mark.parametrize("qid", IDS)
def test_new_for_a_customer_shows_no_assessor_text(tmp_path: Path, qid: str) -> None:
    q = CATALOG.get(qid)
    lens = "customer" if "customer" in q.lenses else "company"
    path = tmp_path / "blank.yaml"
    run = run_cli("new", qid, "--lens", lens, "--company", COMPANY, "-o", str(path))
    assert run.code == 0, run.err
    text = path.read_text(encoding="utf-8")
    assert leaked(q, text) == [], qid
    assert "{company}" not in text
    for full, (_, question) in q.questions.items():
        assert (f"      {full}:" in text) == question.asked_in(lens), full
    assert run_cli("validate", str(path)).code == 0


def test_a_customer_file_may_not_answer_a_question_asked_of_the_company_only(tmp_path: Path) -> None:
    path = tmp_path / "customer.yaml"
    path.write_text("format: 1\ncompany: Acme\nassessed_on: 2026-11-01\nrespondent: {name: C, lens: customer}\n"
                    "questionnaires:\n  perception-gap:\n    answers:\n      experience.overall: 3\n"
                    "      measuring.single-score: 1\n")
    run = run_cli("validate", str(path))
    assert (run.code, run.err.strip()) == (2, f"{path}:9:7: measuring.single-score is not asked in the customer "
                                              "lens (asked in: company); remove the answer")
    # left blank it is no answer at all; a file for version 2 (which asked customers) keeps loading
    path.write_text(path.read_text().replace("single-score: 1", "single-score:"))
    assert run_cli("validate", str(path)).code == 0


# ---------- closing, reopening, and the links' address ----------

def test_after_close_a_respondent_who_never_started_is_told_it_closed(tmp_path: Path) -> None:
    from tests.collect.fixtures import make_collection

    setup = make_collection(tmp_path, company_invites=1, customer_invites=1)
    server = CollectServer(setup.collection, setup.catalog, "admin-token-of-the-test", RateLimits.per_minute(0))
    started, never = setup.tokens["company-001"], setup.tokens["customer-001"]
    with TestClient(build_app(server), follow_redirects=True) as client:
        page = client.get(page_path(started, 1)).text
        csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
        assert csrf
        client.post(page_path(started, 1), data={"csrf": csrf.group(1), "go": "next", "basics.agreed": "yes"})
        assert run_cli("collect", "close", str(setup.dir)).code == 0
        untouched = client.get(f"/r/{never}")
        assert (untouched.status_code, "The survey is closed" in untouched.text) == (410, True)
        assert "saved" not in untouched.text.split("<h1>", 1)[1]
        done = client.get(f"/r/{started}")
        assert "Your answers are saved: 1 of 6 questions answered" in done.text and "now closed" in done.text
        run = run_cli("collect", "reopen", str(setup.dir))
        assert (run.code, run.err.strip()) == (0, f"{setup.dir} takes answers again; the invite links are unchanged")
        assert client.get(page_path(never, 1)).status_code == 200
    assert run_cli("collect", "reopen", str(setup.dir)).err.strip().endswith("was not closed; the invite links are "
                                                                              "unchanged")


def test_invite_without_a_public_address_warns_once(tmp_path: Path) -> None:
    folder = tmp_path / "survey"
    assert run_cli("collect", "init", "perception-gap", "--company", "Acme", "--date", "2026-11-01", "-o",
                   str(folder)).code == 0
    run = run_cli("collect", "invite", str(folder), "--lens", "customer", "--count", "3")
    assert run.code == 0 and len(run.out.splitlines()) == 3
    warnings_ = [line for line in run.err.splitlines() if line.startswith("warning:")]
    assert warnings_ == ["warning: the links point at http://127.0.0.1:8765 and work only on this machine; to send "
                         "them to respondents, give the address they reach the server at: --public-url "
                         "https://survey.example.com"]
    run = run_cli("collect", "invite", str(folder), "--lens", "customer", "--public-url", "https://survey.example.com")
    assert run.code == 0 and "warning" not in run.err and run.out.split("\t")[1].startswith("https://survey.example")
