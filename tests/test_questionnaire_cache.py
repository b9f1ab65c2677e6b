"""The questionnaire cache: used only for the exact content checked before, never trusted when broken."""

from __future__ import annotations

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
    entries = list((tmp_path / "cache" / "crmcheck").glob("*.pickle"))
    assert len(entries) == 1
    assert Catalog.from_options([custom]).get("ours") == first
    # a changed file is checked again, never answered from the old entry
    (custom / "ours.yaml").write_text(source.replace("title: The nine CRM mistakes", "title: Changed", 1))
    assert Catalog.from_options([custom]).get("ours").title == "Changed"
    # a corrupt entry is ignored
    for entry in (tmp_path / "cache" / "crmcheck").glob("*.pickle"):
        entry.write_bytes(b"not a pickle")
    assert Catalog.from_options([custom]).get("ours").title == "Changed"


def test_an_invalid_questionnaire_is_never_cached(tmp_path: Path) -> None:
    custom = tmp_path / "qs"
    custom.mkdir()
    (custom / "bad.yaml").write_text("format: 1\nid: bad\ntitle: Bad\nversion: 1\nkind: scored\nsource: S\n"
                                     "levels: [{level: 1, name: I, min: 0}]\ndefault_target: 1\nsections: []\n")
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache")}
    for _ in range(2):
        run = run_cli("show", "bad", "--questionnaires", str(custom), env=env)
        assert run.code == 2 and "sections: must not be empty" in run.err
    assert not list((tmp_path / "cache").rglob("*.pickle"))
