"""The questionnaire cache: used only for the exact content checked before, never trusted when broken."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from crmcheck.catalog import Catalog
from tests.conftest import ROOT, run_cli


def test_cache_is_keyed_by_content_and_survives_corruption(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("CRMCHECK_NO_CACHE", raising=False)
    custom = tmp_path / "qs"
    custom.mkdir()
    source = (ROOT / "questionnaires" / "crm-mistakes.yaml").read_text().replace("id: crm-mistakes", "id: ours", 1)
    (custom / "ours.yaml").write_text(source)
    first = Catalog.from_options([custom]).get("ours")
    entries = list((tmp_path / "cache" / "crmcheck").glob("*.json"))
    assert len(entries) == 1
    assert Catalog.from_options([custom]).get("ours") == first
    # a changed file is checked again, never answered from the old entry
    (custom / "ours.yaml").write_text(source.replace("title: The nine CRM mistakes", "title: Changed", 1))
    assert Catalog.from_options([custom]).get("ours").title == "Changed"
    # a corrupt entry is ignored, and written anew
    for entry in (tmp_path / "cache" / "crmcheck").glob("*.json"):
        entry.write_bytes(b"{not json")
    assert Catalog.from_options([custom]).get("ours").title == "Changed"
    rewritten = [entry for entry in (tmp_path / "cache" / "crmcheck").glob("*.json")
                 if entry.read_bytes() != b"{not json"]
    assert len(rewritten) == 1 and json.loads(rewritten[0].read_bytes())["title"] == "Changed"


def test_an_invalid_questionnaire_is_never_cached(tmp_path: Path) -> None:
    custom = tmp_path / "qs"
    custom.mkdir()
    (custom / "bad.yaml").write_text("format: 1\nid: bad\ntitle: Bad\nversion: 1\nkind: scored\nsource: S\n"
                                     "levels: [{level: 1, name: I, min: 0}]\ndefault_target: 1\nsections: []\n")
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    for _ in range(2):
        run = run_cli("show", "bad", "--questionnaires", str(custom), env=env)
        assert run.code == 2 and "sections: must not be empty" in run.err
    assert not list((tmp_path / "cache" / "crmcheck").glob("*.json"))  # (headers/ holds what listing read)


class _Payload:
    """Unpickling this runs code: it creates the marker file."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (Path.write_text, (str(self.marker), "code ran"))  # type: ignore[return-value]


def _entry_of_crm_mistakes(cache: Path) -> Path:
    """The cache entry `show crm-mistakes` writes (found, not computed: the key is the cache's business)."""
    run = run_cli("show", "crm-mistakes", env={"XDG_CACHE_HOME": str(cache)})
    assert run.code == 0, run.err
    entries = list((cache / "crmcheck").glob("*.json"))
    assert len(entries) == 1
    return entries[0]


def test_a_planted_entry_never_runs_code(tmp_path: Path) -> None:
    """Anyone who can write the cache (a shared CI cache) must not run code in crmcheck: entries are data."""
    entry = _entry_of_crm_mistakes(tmp_path / "cache")
    marker = tmp_path / "pwned"
    bomb = pickle.dumps(_Payload(marker))
    entry.write_bytes(bomb)
    entry.with_suffix(".pickle").write_bytes(bomb)  # where the pickle cache looked for it
    run = run_cli("show", "crm-mistakes", env={"XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert run.code == 0, run.err
    assert "crm-mistakes" in run.out
    assert not marker.exists()
    # the damaged entry was replaced by a good one
    assert json.loads(entry.read_text())["id"] == "crm-mistakes"


def test_an_entry_that_is_a_fifo_is_not_read_and_is_replaced(tmp_path: Path) -> None:
    import os

    entry = _entry_of_crm_mistakes(tmp_path / "cache")
    entry.unlink()
    os.mkfifo(entry)
    run = run_cli("show", "crm-mistakes", env={"XDG_CACHE_HOME": str(tmp_path / "cache")}, timeout=30)
    assert run.code == 0, run.err
    assert entry.is_file() and json.loads(entry.read_text())["id"] == "crm-mistakes"


def _parses_counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every questionnaire parsed from YAML from now on, by id (the cache's misses)."""
    import crmcheck.models.questionnaire as module

    parsed: list[str] = []
    real = module.parse_questionnaire

    def counting(doc):  # type: ignore[no-untyped-def]
        questionnaire = real(doc)
        parsed.append(questionnaire.id)
        return questionnaire

    monkeypatch.setattr(module, "parse_questionnaire", counting)
    return parsed


def test_a_second_run_reads_the_cache_and_rewrites_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The entry written by the first run is what the second run uses: no parse, no write. (Entries were once
    written under one field name and read back under another, so every run missed and rewrote them.)"""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("CRMCHECK_NO_CACHE", raising=False)
    parsed = _parses_counted(monkeypatch)
    catalog = Catalog.from_options(None)
    first = {qid: catalog.get(qid) for qid in sorted(catalog.entries)}
    assert sorted(parsed) == sorted(first)  # nothing cached yet: each parsed once
    entries = sorted((tmp_path / "cache" / "crmcheck").glob("*.json"))
    assert len(entries) == len(first)
    written = {entry: (entry.stat().st_ino, entry.stat().st_mtime_ns) for entry in entries}
    parsed.clear()
    catalog = Catalog.from_options(None)
    second = {qid: catalog.get(qid) for qid in sorted(catalog.entries)}
    assert parsed == []
    assert {entry: (entry.stat().st_ino, entry.stat().st_mtime_ns) for entry in entries} == written
    for qid, questionnaire in first.items():
        again = second[qid]
        assert again is not questionnaire and again == questionnaire
        # the same fields set, down to each question (the load-time checks look at which were written)
        for (_, a), (_, b) in zip(questionnaire.questions.values(), again.questions.values(), strict=True):
            assert a.model_fields_set == b.model_fields_set
        assert again.questions.keys() == questionnaire.questions.keys() and again.renamed == questionnaire.renamed


def test_an_entry_of_another_shape_is_a_miss_and_is_written_anew(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Entries are read back without validation: one whose data is not shaped as a questionnaire (a list where
    the sections are, an unknown field, text where a number is) is damage, never a questionnaire."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("CRMCHECK_NO_CACHE", raising=False)
    expected = Catalog.from_options(None).get("crm-mistakes")
    entry = next(e for e in (tmp_path / "cache" / "crmcheck").glob("*.json")
                 if json.loads(e.read_bytes())["id"] == "crm-mistakes")
    good = json.loads(entry.read_bytes())
    parsed = _parses_counted(monkeypatch)
    damaged = [
        {**good, "sections": {"not": "a list"}},
        {**good, "colour": "red"},
        {**good, "version": "1"},
        {**good, "sections": [{**good["sections"][0], "questions": [{"id": "x"}]}]},  # required fields missing
    ]
    for data in damaged:
        entry.write_text(json.dumps(data))
        parsed.clear()
        assert Catalog.from_options(None).get("crm-mistakes") == expected
        assert parsed == ["crm-mistakes"]
        assert json.loads(entry.read_bytes()) == good


def test_listing_reads_each_questionnaire_header_once_per_content(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The top-level fields the catalog lists come from the cache after the first run; a changed file, or one
    whose header holds a number written as text (kept as the text it was written as), is read again."""
    import crmcheck.yamlio as yamlio

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("CRMCHECK_NO_CACHE", raising=False)
    read: list[str] = []
    real = yamlio.read_header

    def counting(path, fields):  # type: ignore[no-untyped-def]
        read.append(Path(path).name)
        return real(path, fields)

    monkeypatch.setattr(yamlio, "read_header", counting)
    custom = tmp_path / "qs"
    custom.mkdir()
    source = (ROOT / "questionnaires" / "crm-mistakes.yaml").read_text().replace("id: crm-mistakes", "id: ours", 1)
    (custom / "ours.yaml").write_text(source)
    (custom / "dated.yaml").write_text(source.replace("id: ours", "id: dated", 1).replace(
        "title: The nine CRM mistakes", "title: 2.5", 1))
    first = Catalog.from_options([custom]).entries
    assert "ours.yaml" in read and "dated.yaml" in read and len(read) == len(first)
    read.clear()
    again = Catalog.from_options([custom]).entries
    assert read == ["dated.yaml"]  # its title is DecimalText: JSON would not give it back as written
    assert {k: (e.fields, e.positions) for k, e in again.items()} == {k: (e.fields, e.positions)
                                                                      for k, e in first.items()}
    assert again["dated"].fields["title"].text == "2.5"  # type: ignore[attr-defined]
    (custom / "ours.yaml").write_text(source.replace("title: The nine CRM mistakes", "title: Changed", 1))
    read.clear()
    assert Catalog.from_options([custom]).entries["ours"].fields["title"] == "Changed"
    assert sorted(read) == ["dated.yaml", "ours.yaml"]
