"""Hostile .xlsx survey exports: refused with exit 2 naming the file, quickly, and nothing written."""

from __future__ import annotations

import re
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from crmcheck.importers import xlsx_guard
from tests import hostile_xlsx
from tests.conftest import run_cli


def _import(workbook: Path, out: Path) -> tuple[int, str, float]:
    started = time.monotonic()
    run = run_cli("import", str(workbook), "-q", "crm-mistakes", "--lens", "company", "--company", "Acme",
                  "-o", str(out), timeout=120)
    return run.code, run.err, time.monotonic() - started


@pytest.mark.parametrize(("make", "message"), [
    (hostile_xlsx.truncated, "cannot read this workbook (ParseError: unclosed token"),
    (hostile_xlsx.doctype, "xl/worksheets/sheet1.xml declares a DOCTYPE or entities"),
    (hostile_xlsx.billion_laughs, "xl/worksheets/sheet1.xml declares a DOCTYPE or entities"),
    (hostile_xlsx.huge_cell, "cell B2 holds 100,000 characters, more than a spreadsheet cell can (32,767)"),
])
def test_a_broken_or_hostile_sheet_is_bad_input(tmp_path: Path, make: Callable[[Path], Path], message: str) -> None:
    workbook = make(tmp_path / "survey.xlsx")
    code, err, _ = _import(workbook, tmp_path / "out")
    assert code == 2, err
    assert err.startswith(str(workbook)), err
    assert message in err
    assert len(err.splitlines()) == 1
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_a_decompression_bomb_is_refused_from_the_zip_directory(tmp_path: Path) -> None:
    workbook = hostile_xlsx.bomb(tmp_path / "bomb.xlsx", megabytes=80)
    assert workbook.stat().st_size < 200_000
    code, err, seconds = _import(workbook, tmp_path / "out")
    assert code == 2
    expected = (rf"{re.escape(str(workbook))}: xl/worksheets/sheet1.xml would unpack to (79|80) MiB \(at most 64 MiB "
                r"per part\); this is not a survey export \(it may be a decompression bomb\)\n")
    assert re.fullmatch(expected, err), err
    assert seconds < 30  # in fact well under a second of work: nothing is inflated (see docs/bad-input.md)
    assert not (tmp_path / "out").exists()


def test_a_small_bomb_is_refused_by_its_packing_ratio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workbook = hostile_xlsx.bomb(tmp_path / "bomb.xlsx", megabytes=12)
    with pytest.raises(xlsx_guard.InputError, match="would unpack .* times its packed size"):
        xlsx_guard.check_workbook(str(workbook))


def test_a_workbook_whose_parts_together_are_too_large_is_refused(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    workbook = hostile_xlsx.truncated(tmp_path / "w.xlsx")
    monkeypatch.setattr(xlsx_guard, "MAX_TOTAL_BYTES", 1000)
    with pytest.raises(xlsx_guard.InputError, match="the workbook would unpack to"):
        xlsx_guard.check_workbook(str(workbook))


def test_a_damaged_zip_stream_is_bad_input(tmp_path: Path) -> None:
    workbook = hostile_xlsx.truncated(tmp_path / "w.xlsx")
    with zipfile.ZipFile(workbook) as archive:
        info = archive.getinfo(hostile_xlsx.SHEET)
    data = bytearray(workbook.read_bytes())
    middle = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    data[middle:middle + 64] = bytes(64)
    workbook.write_bytes(bytes(data))
    code, err, _ = _import(workbook, tmp_path / "out")
    assert code == 2
    assert err.startswith(f"{workbook}: the workbook is damaged"), err


def test_an_honest_workbook_still_imports(tmp_path: Path) -> None:
    from tests.survey_exports import microsoft_forms_xlsx

    workbook = tmp_path / "ok.xlsx"
    microsoft_forms_xlsx(workbook, ["best-customers.defined"], [[3], [4]])
    xlsx_guard.check_workbook(str(workbook))
    code, err, _ = _import(workbook, tmp_path / "out")
    assert code == 0, err
    assert len(list((tmp_path / "out").glob("*.yaml"))) == 2
