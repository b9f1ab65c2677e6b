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
    assert not list((tmp_path / "cache").rglob("*.json"))


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
