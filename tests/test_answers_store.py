"""The answers store: a merge keeps what the writer does not change, verify refuses a wrong render, an outside
change is seen, a signal never cuts a save in half; interview and collect saves keep a `measure --write` block."""

from __future__ import annotations

import datetime as dt
import os
import signal
import threading
from pathlib import Path

import pytest

import crmcheck.answers.store as store_module
from crmcheck.answers.layout import KeptLine, read_kept
from crmcheck.answers.model import Answer, Measured, load_answers
from crmcheck.answers.signals import Stopping
from crmcheck.answers.store import (
    AnswersStore,
    NotAsMeant,
    fixed,
    in_catalog,
    load_text,
    render,
    verify,
    verify_entries,
)
from crmcheck.catalog import Catalog
from crmcheck.interview import InterviewRequest, Terminal, run_interview
from tests.interview_fixtures import write_questionnaire

# A hand-written file: an assessor and segment the interview never asks, a target, a measured block (as
# `measure --write` leaves it), a kept line from version 1 and a kept line of a questionnaire no longer in the file.
ORIGINAL = """format: 1
company: Acme Corp
assessed_on: 2026-11-02
assessor: Dana Lee
segment: {industry: Field services, size: 50-249}
questionnaires:
  tiny:
    version: 1
    targets: {basics: 3}
    answers:
      basics.owner: yes
      results.speed: {value: 4, note: From the ticket log, measured: {value: 4.25, source: "measure, tickets.csv"}}
      #~ tiny v1 answer basics.gone: 2
      #~ other v3 answer a.b: yes
"""


class _Stopped(BaseException):
    pass


@pytest.fixture
def qdir(tmp_path: Path) -> Path:
    write_questionnaire(tmp_path / "qs")
    return tmp_path / "qs"


def _store(tmp_path: Path, text: str = ORIGINAL) -> tuple[AnswersStore, Path]:
    path = tmp_path / "answers.yaml"
    path.write_text(text, encoding="utf-8")
    return AnswersStore(path), path


def test_a_merge_keeps_every_field_and_kept_line_the_writer_does_not_change(tmp_path: Path, qdir: Path) -> None:
    store, path = _store(tmp_path)
    loaded = store.load(in_catalog(Catalog([qdir])))
    contents = loaded.contents()
    contents.states["tiny"].answers["results.review"] = Answer(value="monthly")  # the writer's one change
    store.save(contents)
    back = load_answers(str(path)).answers
    tiny = back.questionnaires["tiny"]
    assert tiny.answers["results.review"].value == "monthly"
    assert tiny.answers["basics.owner"].value == "yes"  # as written (the loader reads yes/no words as text)
    speed = tiny.answers["results.speed"]
    assert (speed.value, speed.note) == (4, "From the ticket log")
    assert speed.measured == Measured(value=4.25, source="measure, tickets.csv")
    assert tiny.targets == {"basics": 3}
    assert back.assessor == "Dana Lee" and back.segment is not None
    assert (back.segment.industry, back.segment.size) == ("Field services", "50-249")
    assert set(read_kept(path.read_text())) == {KeptLine("tiny", 1, "answer", "basics.gone", "2"),
                                                KeptLine("other", 3, "answer", "a.b", "yes")}


def test_verify_refuses_a_render_that_does_not_read_back_as_meant(tmp_path: Path, qdir: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    store, path = _store(tmp_path)
    contents = store.load(in_catalog(Catalog([qdir]))).contents()
    contents.states["tiny"].answers["basics.practice"] = Answer(value=3)
    good = render(contents)
    verify(good, str(path), contents)  # the true render passes
    faults = {
        "a value changed": good.replace("basics.practice: 3", "basics.practice: 2"),
        "the measured block dropped": good.replace(
            ', measured: {value: 4.25, source: "measure, tickets.csv"}', ""),
        "a target lost": good.replace("targets: {basics: 3}", "targets: {}"),
        "a kept line lost": good.replace("#~ other v3 answer a.b: yes", "# other v3 answer a.b: yes"),
        "not YAML": good.replace("basics.practice: 3", "basics.practice: [3"),
    }
    for why, text in faults.items():
        assert text != good, why
        with pytest.raises(NotAsMeant):
            verify(text, str(path), contents)
    # a faulty renderer injected into the save: refused, and the file on disk is left exactly as it was
    monkeypatch.setattr(store_module, "render", lambda c, **kw: faults["a value changed"])
    with pytest.raises(NotAsMeant, match="basics.practice"):
        store.save(contents)
    assert path.read_text() == ORIGINAL


def test_entries_checked_alone_must_read_back_as_the_answers_meant(tmp_path: Path, qdir: Path) -> None:
    q = Catalog([qdir]).get("tiny")
    path = str(tmp_path / "a.yaml")
    measured = Measured(value=4.25, source="tickets")
    verify_entries(path, [("tiny", "basics.owner", "yes", Answer(value="yes")),
                          ("tiny", "results.speed", '{value: 4, measured: {value: 4.25, source: "tickets"}}',
                           Answer(value=4, measured=measured))], {"tiny": q})
    for entry, meant in (("3", Answer(value=4)), ("4", Answer(value=4, measured=measured)),
                         ("[email, fax]", Answer(value=["email", "fax"]))):
        with pytest.raises(NotAsMeant):
            verify_entries(path, [("tiny", "results.speed" if "fax" not in entry else "basics.channels", entry,
                                   meant)], {"tiny": q})


def test_an_outside_change_between_load_and_write_is_seen(tmp_path: Path, qdir: Path) -> None:
    store, path = _store(tmp_path)
    loaded = store.load(in_catalog(Catalog([qdir])))
    assert not store.changed_outside()
    path.write_text(ORIGINAL.replace("basics.owner: yes", "basics.owner: no"), encoding="utf-8")
    assert store.changed_outside()
    os.utime(path)  # a touch alone is no change: the content decides
    store.save(load_text(path.read_text(), str(path), in_catalog(Catalog([qdir]))).contents())
    assert not store.changed_outside()  # what it wrote is what it holds now
    path.unlink()
    assert store.changed_outside()
    assert loaded.text == ORIGINAL


def test_measure_write_refuses_a_file_changed_since_it_was_read(tmp_path: Path, qdir: Path) -> None:
    from crmcheck.measure.answers import Checked, write_answers
    from crmcheck.measure.result import AnswersCheck

    store, path = _store(tmp_path)
    contents = store.load(in_catalog(Catalog([qdir]))).contents()
    checked = Checked(AnswersCheck(file=str(path), written=False, checks=[]), render(contents), store=store,
                      contents=contents)
    path.write_text(ORIGINAL.replace("basics.owner: yes", "basics.owner: no"), encoding="utf-8")
    with pytest.raises(Exception, match="changed by another program"):
        write_answers(str(path), checked)
    assert "basics.owner: no" in path.read_text()


@pytest.mark.skipif(threading.current_thread() is not threading.main_thread(), reason="signals need the main thread")
def test_a_signal_during_the_write_waits_for_it_and_never_leaves_half_a_file(
        tmp_path: Path, qdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = store_module.write_atomic
    seen: list[str] = []

    def write_then_signal(target: Path, text: str) -> None:
        os.kill(os.getpid(), signal.SIGTERM)  # arrives while the save is under way
        seen.append("signalled")
        real(target, text)
        seen.append("written")

    monkeypatch.setattr(store_module, "write_atomic", write_then_signal)
    with Stopping(lambda signum: _Stopped(signum), ("SIGTERM",)) as signals:
        store, path = _store(tmp_path)
        store.signals = signals
        contents = store.load(in_catalog(Catalog([qdir]))).contents()
        contents.states["tiny"].answers["results.review"] = Answer(value="yearly")
        with pytest.raises(_Stopped):
            store.save(contents)
    assert seen == ["signalled", "written"]  # the signal waited for the whole write
    assert load_answers(str(path)).answers.questionnaires["tiny"].answers["results.review"].value == "yearly"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []

    # a write that fails leaves the old file whole (the temp file is removed)
    monkeypatch.setattr(store_module, "write_atomic", real)
    monkeypatch.setattr(os, "replace", lambda *a: (_ for _ in ()).throw(OSError(28, "No space left on device")))
    before = path.read_text()
    contents.states["tiny"].answers["results.review"] = Answer(value="never")
    with pytest.raises(Exception, match="No space left"):
        AnswersStore(path).save(contents)
    assert path.read_text() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_an_interview_save_keeps_a_measured_block(tmp_path: Path, qdir: Path) -> None:
    path = tmp_path / "answers.yaml"
    path.write_text(ORIGINAL.replace("#~ other v3 answer a.b: yes\n", ""), encoding="utf-8")
    replies = iter(["monthly", "q"])  # in the results section, review is the first question left open

    def read(prompt: str) -> str:
        return next(replies, "q")

    request = InterviewRequest(["tiny"], path, questionnaire_dirs=[qdir], sections=["results"])
    run_interview(request, Catalog([qdir]), Terminal(read, lambda text, style: None, 80))  # type: ignore[arg-type]
    tiny = load_answers(str(path)).answers.questionnaires["tiny"]
    assert tiny.answers["results.review"].value == "monthly"
    assert tiny.answers["results.speed"].measured == Measured(
        value=4.25, source="measure, tickets.csv")


def test_a_collect_save_keeps_a_measured_block_and_the_files_header(tmp_path: Path) -> None:
    pytest.importorskip("starlette", reason="the collect extra (starlette) is not installed")
    from crmcheck.collect.responses import Respondent, ResponseStore
    from tests.collect.fixtures import make_collection

    setup = make_collection(tmp_path)
    q = setup.catalog.get("kinds")
    path = setup.dir / "responses" / "company-001.yaml"
    path.write_text("format: 1\ncompany: Acme <Corp>\nassessed_on: 2026-11-01\nassessor: Dana Lee\n"
                    "respondent: {name: company-001, lens: company}\nquestionnaires:\n  kinds:\n    answers:\n"
                    "      details.days: {value: 3, measured: {value: 2.5, source: from the ticket export}}\n",
                    encoding="utf-8")
    who = Respondent("company-001", "company", None, "Acme <Corp>", dt.date(2026, 11, 1))
    store = ResponseStore([q])
    store.save_page(path, who, q, {"basics.level": Answer(value=2)}, progress=(2, False))
    store.save_page(path, who, q, {"basics.agreed": Answer(value=True)}, progress=(2, False))  # entries path
    back = load_answers(str(path)).answers
    answers = back.questionnaires["kinds"].answers
    assert (answers["basics.level"].value, answers["basics.agreed"].value) == (2, "yes")
    assert answers["details.days"].measured == Measured(value=2.5, source="from the ticket export")
    assert back.assessor == "Dana Lee"
    # a fixed list of questionnaires reads the same file (collect's questionnaires, answered or not)
    loaded = load_text(path.read_text(), str(path), fixed([q]))
    assert loaded.contents().states["kinds"].answers["details.days"].value == 3
