"""cli.main maps every outcome to a documented exit code, and bugs never show a traceback by default."""

from __future__ import annotations

import sys

import pytest

from crmcheck import cli


def run_main(monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> int:
    monkeypatch.setattr(sys, "argv", ["crmcheck", *argv])
    with pytest.raises(SystemExit) as exc:
        cli.main()
    return int(exc.value.code or 0)


def boom(*args: object, **kwargs: object) -> str:
    raise RuntimeError("kaboom")


def test_internal_error_is_exit_3_with_one_line(monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("crmcheck.render.catalog_view.render_list", boom)
    assert run_main(monkeypatch, ["list"]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("crmcheck: internal error (RuntimeError: kaboom). This is a bug: please report it")
    assert "--debug shows the traceback" in err
    assert "Traceback" not in err


def test_debug_shows_traceback(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("crmcheck.render.catalog_view.render_list", boom)
    assert run_main(monkeypatch, ["--debug", "list"]) == 3
    err = capsys.readouterr().err
    assert "Traceback (most recent call last)" in err and "kaboom" in err


def test_keyboard_interrupt_is_130(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def interrupt(*args: object, **kwargs: object) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr("crmcheck.render.catalog_view.render_list", interrupt)
    assert run_main(monkeypatch, ["list"]) == 130
    assert capsys.readouterr().err == "crmcheck: interrupted\n"


def test_ok_is_0(monkeypatch: pytest.MonkeyPatch) -> None:
    assert run_main(monkeypatch, ["list"]) == 0
