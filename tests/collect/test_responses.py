"""Saving a page: one atomic write holds the answers and the progress; the text is checked before it is written,
whole at a respondent's first save, then the lines rendered anew (each entry alone, no whole re-parse); a layout
made once gives the text the store renders."""

from __future__ import annotations

import datetime as dt
import json
import os
import warnings
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the collect extra (starlette) is not installed")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

import crmcheck.answers.reconcile as reconcile_module
import crmcheck.answers.slots as slots_module
import crmcheck.answers.store as store_module
import crmcheck.collect.responses as responses_module
from crmcheck.answers.model import Answer, load_answers
from crmcheck.answers.store import render
from crmcheck.collect.folder import Collection
from crmcheck.collect.ratelimit import RateLimits
from crmcheck.collect.responses import Respondent, ResponseStore, SaveError, saved_progress
from crmcheck.collect.server import CollectServer, build_app
from tests.collect.fixtures import Setup, csrf_of, make_collection, page_path


def _client(folder: Path) -> tuple[TestClient, CollectServer]:
    collection = Collection(folder)
    server = CollectServer(collection, collection.catalog(), "admin-token-for-the-responses-test",
                           RateLimits.per_minute(0))
    return TestClient(build_app(server), follow_redirects=False), server


def _calls(monkeypatch: pytest.MonkeyPatch, owner: object, name: str) -> list[tuple[object, ...]]:
    seen: list[tuple[object, ...]] = []
    real = getattr(owner, name)

    def spy(*args: object, **kwargs: object) -> object:
        seen.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, spy)
    return seen


def test_a_save_is_one_write_holding_the_answers_and_the_progress(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    setup = make_collection(tmp_path)
    token = setup.tokens["company-001"]
    writes = _calls(monkeypatch, store_module, "write_atomic")
    client, _ = _client(setup.dir)
    with client:
        csrf = csrf_of(client.get(page_path(token, 1)).text)
        assert client.post(page_path(token, 1), data={"csrf": csrf, "basics.level": "2", "go": "next"}
                           ).headers["location"] == page_path(token, 2)
        assert len(writes) == 1  # one atomic write (two fsyncs), not one for the answers and one for the progress
        path = setup.dir / "responses" / "company-001.yaml"
        first = path.read_text().splitlines()[0]
        assert first.startswith("# crmcheck collect: resume at page 2; not finished; saved ")
        progress = setup.collection.read_progress("company-001")
        assert progress["page"] == 2 and progress["finished"] is False
        saved = dt.datetime.fromisoformat(str(progress["saved_at"]).replace("Z", "+00:00"))
        assert abs((dt.datetime.now(dt.UTC) - saved).total_seconds()) < 120
        assert not (setup.dir / "progress" / "company-001.json").exists()
        client.post(page_path(token, 2), data={"csrf": csrf, "details.days": "3", "go": "finish"})
        assert setup.collection.read_progress("company-001")["finished"] is True
        assert client.get(f"/r/{token}").headers["location"] == f"/r/{token}/done"
    # the comment is no part of the answers: the file loads as any answers file
    answers = load_answers(str(path)).answers.questionnaires["kinds"].answers
    assert answers["basics.level"].value == 2 and answers["details.days"].value == 3


def test_progress_written_by_earlier_versions_is_still_read(tmp_path: Path) -> None:
    setup = make_collection(tmp_path)
    (setup.dir / "progress").mkdir(exist_ok=True)
    (setup.dir / "progress" / "customer-001.json").write_text(
        json.dumps({"page": 2, "finished": False, "saved_at": "2026-11-01T10:00:00Z"}))
    (setup.dir / "responses" / "customer-001.yaml").write_text("format: 1\ncompany: Acme\n")  # no progress line
    assert saved_progress(setup.dir / "responses" / "customer-001.yaml") is None
    assert setup.collection.read_progress("customer-001") == {"page": 2, "finished": False,
                                                              "saved_at": "2026-11-01T10:00:00Z"}


def test_the_whole_text_is_checked_once_then_only_the_lines_rendered_anew(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    setup = make_collection(tmp_path)
    token = setup.tokens["customer-001"]
    whole = _calls(monkeypatch, store_module, "verify")
    lines = _calls(monkeypatch, store_module, "verify_entries")
    client, server = _client(setup.dir)
    with client:
        csrf = csrf_of(client.get(page_path(token, 1)).text)
        client.post(page_path(token, 1), data={"csrf": csrf, "basics.level": "2", "basics.agreed": "yes",
                                               "go": "next"})
        assert len(whole) == 1 and lines == []
        client.post(page_path(token, 2), data={"csrf": csrf, "details.days": "4", "go": "back"})
        assert [[entry[:3] for entry in line[1]] for line in lines] == [[("kinds", "details.days", "4")]]  # new only
        assert len(whole) == 1  # the rest of the text was verified whole before: not parsed again
        client.post(page_path(token, 1), data={"csrf": csrf, "basics.level": "2", "basics.agreed": "yes",
                                               "go": "next"})  # the same answers again: nothing new to check
        assert len(lines) == 1
        # the text written is what the store renders for these answers (the layout is only a faster way)
        store = server.store
        who = server.who(server.invite_for(token))  # type: ignore[arg-type]
        contents = store.contents(setup.dir / "responses" / "customer-001.yaml", who)
        assert contents.states["kinds"].answers["details.days"].value == 4
        text = (setup.dir / "responses" / "customer-001.yaml").read_text()
        assert text.split("\n", 1)[1] == render(contents, schema_comment=False)


def test_an_answer_rendered_wrong_after_the_first_save_is_refused(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The lines checked anew are checked for real: an answer whose line would read back as another answer
    is never written, after the first save as at it."""
    setup = make_collection(tmp_path)
    token = setup.tokens["company-001"]
    client, server = _client(setup.dir)
    path = setup.dir / "responses" / "company-001.yaml"
    with client:
        csrf = csrf_of(client.get(page_path(token, 1)).text)
        client.post(page_path(token, 1), data={"csrf": csrf, "basics.level": "2", "go": "next"})
        before = path.read_bytes()
        real = reconcile_module.answer_entry
        monkeypatch.setattr(reconcile_module, "answer_entry",
                            lambda value, *rest: "3" if value == 4 else real(value, *rest))
        who = server.who(server.invite_for(token))  # type: ignore[arg-type]
        questionnaire = server.pages[0].questionnaire
        with pytest.raises(SaveError, match="would not be written as given"):
            server.store.save_page(path, who, questionnaire, {"basics.level": Answer(value=4)}, progress=(1, False))
        assert path.read_bytes() == before


def test_one_layout_serves_every_respondent_of_a_lens_and_gives_the_text_render_gives(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The text after the header is laid out once per lens (not once per respondent); every respondent's file,
    whatever their name, is byte for byte what a whole render of their answers gives."""
    setup = make_collection(tmp_path)
    questionnaires = setup.collection.questionnaires(setup.catalog)
    store = ResponseStore(questionnaires)
    made = _calls(monkeypatch, responses_module, "slots_of")
    for n, name in enumerate(["Sam", 'Zoë "Z" Ortiz: #1 {x}', None, "  spaced\tname  "]):
        for lens in ("company", "customer"):
            who = Respondent(f"{lens}-{n:03}", lens, name, "Acme <Corp>", dt.date(2026, 11, 1))
            path = setup.dir / "responses" / f"{who.id}.yaml"
            store.save_page(path, who, questionnaires[0], {"basics.level": Answer(value=2)}, progress=(2, False))
            store.save_page(path, who, questionnaires[0], {"details.days": Answer(value=n + 3, note=f"n {n}")},
                            progress=(3, n == 2))
            contents = ResponseStore(questionnaires).contents(path, who)  # read back from the disk, not the cache
            text = path.read_text("utf-8")
            assert text.split("\n", 1)[1] == render(contents, schema_comment=False)
            loaded = load_answers(str(path)).answers
            assert loaded.respondent is not None and loaded.respondent.name == (name or who.id)
            assert loaded.questionnaires["kinds"].answers["details.days"].note == f"n {n}"
    assert len(made) == 2  # one layout per lens, for all four respondents of it


def test_a_later_respondent_has_the_header_checked_alone_and_a_wrong_header_is_still_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The text after the header was checked whole at the lens's first save: a second respondent's first save
    reads back their header lines alone and the new answer lines; a header that would not read back as meant
    has the whole text checked, which refuses it, and nothing is written."""
    setup = make_collection(tmp_path, company_invites=3)
    questionnaires = setup.collection.questionnaires(setup.catalog)
    store = ResponseStore(questionnaires)
    whole = _calls(monkeypatch, store_module, "verify")
    heads = _calls(monkeypatch, store_module, "header_reads_back")

    def who(n: int, name: str | None = None) -> tuple[Respondent, Path]:
        person = Respondent(f"company-00{n}", "company", name, "Acme <Corp>", dt.date(2026, 11, 1))
        return person, setup.dir / "responses" / f"{person.id}.yaml"

    first, first_path = who(1)
    store.save_page(first_path, first, questionnaires[0], {"basics.level": Answer(value=2)}, progress=(2, False))
    assert len(whole) == 1 and heads == []
    second, second_path = who(2, 'Ana "the second" Lima')
    store.save_page(second_path, second, questionnaires[0], {"basics.level": Answer(value=3)}, progress=(2, False))
    assert len(whole) == 1 and len(heads) == 1  # the header alone, not the whole text again
    loaded = load_answers(str(second_path)).answers
    assert loaded.respondent is not None and loaded.respondent.name == 'Ana "the second" Lima'
    assert loaded.company == "Acme <Corp>" and loaded.questionnaires["kinds"].answers["basics.level"].value == 3
    store.save_page(second_path, second, questionnaires[0], {"details.days": Answer(value=5)}, progress=(3, False))
    assert len(whole) == 1 and len(heads) == 1  # this file's header was checked already

    real = slots_module.header_lines
    monkeypatch.setattr(slots_module, "header_lines", lambda header, **kw: [
        line.replace("Acme", "Acne") for line in real(header, **kw)])
    third, third_path = who(3)
    with pytest.raises(SaveError, match="header of the answers file would not be written as given"):
        store.save_page(third_path, third, questionnaires[0], {"basics.level": Answer(value=1)}, progress=(2, False))
    assert len(whole) == 2 and not third_path.exists()


def _first_company_respondent(tmp_path: Path) -> tuple[Setup, TestClient, str, Path]:
    """A collection, a client of its server, and the first staff respondent's link token and answers file."""
    setup = make_collection(tmp_path)
    client, _ = _client(setup.dir)
    return setup, client, setup.tokens["company-001"], setup.dir / "responses" / "company-001.yaml"


def test_a_finished_respondent_stays_finished_when_they_change_an_answer(tmp_path: Path) -> None:
    """After Finish, a save of any page keeps `finished`: from the file's progress line (known from the last save,
    or read when the file changed), or, for a file without one, from progress/ID.json of earlier versions."""
    setup, client, token, path = _first_company_respondent(tmp_path)
    with client:
        csrf = csrf_of(client.get(page_path(token, 1)).text)
        client.post(page_path(token, 2), data={"csrf": csrf, "details.days": "3", "go": "finish"})
        assert setup.collection.read_progress("company-001")["finished"] is True
        client.post(page_path(token, 1), data={"csrf": csrf, "basics.level": "2", "go": "next"})
        assert setup.collection.read_progress("company-001") | {"saved_at": None} == {
            "page": 2, "finished": True, "saved_at": None}
        # a file changed outside the server (here: its progress line says not finished) is read again
        path.write_text(path.read_text().replace("; finished;", "; not finished;", 1))
        client.post(page_path(token, 1), data={"csrf": csrf, "basics.level": "3", "go": "next"})
        assert setup.collection.read_progress("company-001")["finished"] is False
        # a file without the line, from an earlier version that kept the progress in progress/ID.json
        path.write_text(path.read_text().split("\n", 1)[1])
        (setup.dir / "progress").mkdir(exist_ok=True)
        (setup.dir / "progress" / "company-001.json").write_text(
            json.dumps({"page": 1, "finished": True, "saved_at": "2026-11-01T10:00:00Z"}))
        client.post(page_path(token, 1), data={"csrf": csrf, "basics.level": "4", "go": "next"})
        assert saved_progress(path) is not None and saved_progress(path)["finished"] is True  # type: ignore[index]


def test_a_file_changed_behind_the_servers_back_is_read_again_not_taken_from_memory(tmp_path: Path) -> None:
    """What the server wrote last is used only while the file is still that file (inode, mtime, size): an
    answer changed by hand is kept by the next save, and a hand edit that broke the file is a 409 that writes
    nothing, as when the server had never read it."""
    setup, client, token, path = _first_company_respondent(tmp_path)
    with client:
        csrf = csrf_of(client.get(page_path(token, 1)).text)
        assert client.post(page_path(token, 1), data={"csrf": csrf, "basics.level": "2", "go": "next"}
                           ).status_code == 303
        saved = path.stat()
        path.write_text(path.read_text().replace("basics.level: 2", "basics.level: 3"))  # the same size, inode
        # a hand edit comes later than the save (the file system's clock may not tick between the two writes here)
        os.utime(path, ns=(saved.st_atime_ns, saved.st_mtime_ns + 1_000_000_000))
        assert (path.stat().st_ino, path.stat().st_size) == (saved.st_ino, saved.st_size)
        assert client.post(page_path(token, 2), data={"csrf": csrf, "details.days": "4", "go": "next"}
                           ).status_code == 303
        answers = load_answers(str(path)).answers.questionnaires["kinds"].answers
        assert answers["basics.level"].value == 3 and answers["details.days"].value == 4
        broken = path.read_text().replace("format: 1", "format: [1", 1)
        path.write_text(broken)
        response = client.post(page_path(token, 2), data={"csrf": csrf, "details.days": "5", "go": "next"})
        assert response.status_code == 409 and "changed by hand" in response.text
        assert path.read_text() == broken


def test_saves_of_one_respondent_sent_at_once_are_made_one_after_the_other(tmp_path: Path) -> None:
    """Pages of one respondent posted at the same time (two tabs): each save merges into what the one before
    wrote (the text is prepared on the event loop, the write waits on the disk in a thread, and the
    respondent's lock is held across both), so no page's answers are lost."""
    import asyncio

    import httpx

    setup = make_collection(tmp_path, company_invites=4)
    collection = Collection(setup.dir)
    server = CollectServer(collection, collection.catalog(), "admin-token-for-the-responses-test",
                           RateLimits.per_minute(0))
    app = build_app(server)

    async def answer_both_pages(token: str, level: int) -> list[int]:
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as client:
            csrf = csrf_of((await client.get(page_path(token, 1))).text)
            sent = await asyncio.gather(
                client.post(page_path(token, 1), data={"csrf": csrf, "basics.level": str(level), "go": "next"}),
                client.post(page_path(token, 2), data={"csrf": csrf, "details.days": str(level + 1), "go": "next"}),
                client.post(page_path(token, 1), data={"csrf": csrf, "basics.agreed": "yes",
                                                       "basics.level": str(level), "go": "next"}))
            return [r.status_code for r in sent]

    for n, (respondent, token) in enumerate(sorted(setup.tokens.items())):
        assert asyncio.run(answer_both_pages(token, n % 4 + 1)) == [303, 303, 303]
        answers = load_answers(str(setup.dir / "responses" / f"{respondent}.yaml")).answers
        given = answers.questionnaires["kinds"].answers
        assert given["basics.level"].value == n % 4 + 1 and given["details.days"].value == n % 4 + 2, respondent
        assert given["basics.agreed"].value in (True, "yes")
