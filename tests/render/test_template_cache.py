"""The compiled-template cache: used only in a directory of ours that no one else can write to."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from crmcheck.render import templating


@pytest.fixture
def cache_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return tmp_path / "cache" / "crmcheck" / "jinja"


def _render(template: Path, autoescape: bool) -> str:
    return templating.render_template("unused", template, {"name": "<b>"}, autoescape=autoescape)


def test_entries_are_written_private_and_give_the_same_output(cache_home: Path, tmp_path: Path) -> None:
    template = tmp_path / "t.j2"
    template.write_text("Hello {{ name }}\n", encoding="utf-8")
    first = _render(template, True)
    assert first == "Hello &lt;b&gt;\n"
    assert (cache_home.stat().st_mode & 0o777) == 0o700
    entries = list(cache_home.iterdir())
    assert len(entries) == 1 and entries[0].name.startswith("html-")
    assert _render(template, True) == first
    # the same file without autoescaping is a different compiled template, not the cached one
    assert _render(template, False) == "Hello <b>\n"


def test_a_damaged_entry_is_compiled_again(cache_home: Path, tmp_path: Path) -> None:
    template = tmp_path / "t.j2"
    template.write_text("{{ name }}!\n", encoding="utf-8")
    _render(template, False)
    [entry] = cache_home.iterdir()
    entry.write_bytes(b"garbage, not marshal data")
    assert _render(template, False) == "<b>!\n"


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="ownership checks are POSIX only")
def test_a_directory_others_can_write_to_is_not_used(cache_home: Path) -> None:
    assert templating.bytecode_cache(autoescape=True) is not None
    cache_home.chmod(0o777)
    assert templating.bytecode_cache(autoescape=True) is None
    cache_home.chmod(0o700)
    cache_home.parent.chmod(0o777)
    assert templating.bytecode_cache(autoescape=True) is None


def test_a_symlinked_directory_is_not_used(cache_home: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    cache_home.parent.mkdir(parents=True)
    cache_home.symlink_to(elsewhere)
    assert templating.bytecode_cache(autoescape=True) is None


def test_an_unwritable_cache_home_means_no_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    assert templating.bytecode_cache(autoescape=False) is None
    template = tmp_path / "t.j2"
    template.write_text("ok {{ name }}\n", encoding="utf-8")
    assert _render(template, False) == "ok <b>\n"
