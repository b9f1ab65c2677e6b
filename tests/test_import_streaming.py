"""`crmcheck import` reads a survey row by row and writes each file once: still all or nothing, never overwriting."""

from __future__ import annotations

import errno
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from crmcheck.catalog import Catalog
from crmcheck.importers import survey as survey_module
from crmcheck.importers.survey import ImportRequest, import_survey
from crmcheck.importers.table import read_table
from tests.conftest import ROOT, run_cli
from tests.inprocess import invoke

SURVEYS = ROOT / "tests" / "data" / "surveys"
TOOLING = SURVEYS / "questionnaires"
HEADER = "tools.upkeep,tools.owner\n"


def _rows(count: int, first: int = 0) -> str:
    return "".join(f"{n % 5},{'yes' if n % 2 else 'no'}\n" for n in range(first, first + count))


def _survey(tmp_path: Path, rows: int) -> Path:
    """survey.csv: the header and `rows` good rows."""
    survey = tmp_path / "survey.csv"
    survey.write_text(HEADER + _rows(rows))
    return survey


def _import(survey: Path, out: Path, *args: str) -> Any:
    return invoke("import", survey, "--questionnaire", "tooling", "--lens", "company", "--company", "Acme",
                  "--date", "2026-11-02", "--questionnaires", TOOLING, "-o", out, *args)


def _request(survey: Path, out: Path, **options: Any) -> ImportRequest:
    tooling = Catalog.from_options([TOOLING]).get("tooling")
    return ImportRequest(survey=str(survey), questionnaire=tooling, lens="company", company="Acme", out_dir=out,
                         assessed_on=__import__("datetime").date(2026, 11, 2), **options)


def test_a_bad_row_at_the_very_end_of_a_large_survey_writes_nothing(tmp_path: Path) -> None:
    survey = tmp_path / "big.csv"
    survey.write_text(HEADER + _rows(3000) + "banana,yes\n")
    out = tmp_path / "out"
    run = _import(survey, out)
    assert run.code == 2
    lines = run.err.splitlines()
    assert lines[1].startswith(f"{survey}:3002:1: row 3002, column A ('tools.upkeep'): 'banana' is not on the ")
    assert lines[-1] == f"{survey}: nothing written: 1 unreadable cell in 1 row; fix them, or write the good rows " \
                        "with --skip-invalid"
    assert not out.exists()
    out.mkdir()
    (out / "keep.txt").write_text("x")
    assert _import(survey, out).code == 2
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    # with --skip-invalid the 3,000 good rows are written, the last one left out
    run = _import(survey, out, "--skip-invalid")
    assert run.code == 0, run.err
    assert len(list(out.glob("company-row-*.yaml"))) == 3000
    assert not (out / "company-row-3002.yaml").exists()


def _fail_at(monkeypatch: pytest.MonkeyPatch, nth: int, error: BaseException) -> None:
    """The nth file's text cannot be made: as if the disk filled up (or the import was stopped) right there."""
    calls = []
    original = survey_module._answers_text

    def failing(*args: Any) -> str:
        calls.append(1)
        if len(calls) == nth:
            raise error
        return original(*args)

    monkeypatch.setattr(survey_module, "_answers_text", failing)


def test_a_failure_midway_through_writing_removes_every_file_written(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    survey = _survey(tmp_path, 600)
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("x")
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real_fsync(fd))[1])
    # the 400th file: past the first batch of 256, which is already synced and closed
    _fail_at(monkeypatch, 400, OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)))
    run = _import(survey, out)
    assert (run.code, run.err) == (2, f"{out / 'company-row-401.yaml'}: cannot write: No space left on device; no "
                                      "answers file was written\n")
    assert len(synced) >= 256
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_a_failure_midway_with_force_keeps_the_old_files_as_they_were(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    survey = _survey(tmp_path, 300)
    out = tmp_path / "out"
    out.mkdir()
    old = {out / f"company-row-{n:03d}.yaml": f"# old {n}\n" for n in (2, 150, 301)}
    for path, text in old.items():
        path.write_text(text)
    (out / "company-row-150.yaml").chmod(0o600)
    _fail_at(monkeypatch, 290, KeyboardInterrupt())
    run = _import(survey, out, "--force")
    assert (run.code, run.err) == (130, "crmcheck: interrupted\n")
    assert sorted(out.iterdir()) == sorted(old)  # no new file, no temp file
    assert {path: path.read_text() for path in old} == old
    monkeypatch.undo()
    run = _import(survey, out, "--force")
    assert run.code == 0, run.err
    assert len(list(out.glob("*.yaml"))) == 300 and not list(out.glob(".*"))
    assert "# Imported by crmcheck" in (out / "company-row-150.yaml").read_text()
    assert stat.S_IMODE((out / "company-row-150.yaml").stat().st_mode) == 0o600  # a replaced file keeps its mode
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE((out / "company-row-003.yaml").stat().st_mode) == 0o666 & ~umask


def test_a_file_that_appears_while_writing_is_not_overwritten(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    survey = _survey(tmp_path, 10)
    out = tmp_path / "out"
    calls = []
    original = survey_module._answers_text

    def meanwhile(*args: Any) -> str:
        calls.append(1)
        if len(calls) == 5:  # someone writes the 5th file after the import looked for it
            (out / "company-row-006.yaml").write_text("# theirs\n")
        return original(*args)

    monkeypatch.setattr(survey_module, "_answers_text", meanwhile)
    run = _import(survey, out)
    assert (run.code, run.err) == (2, f"{out / 'company-row-006.yaml'}: cannot write: File exists; no answers file "
                                      "was written\n")
    assert [p.name for p in out.iterdir()] == ["company-row-006.yaml"]
    assert (out / "company-row-006.yaml").read_text() == "# theirs\n"


def test_a_kill_while_writing_removes_every_file_written(tmp_path: Path) -> None:
    survey = _survey(tmp_path, 600)
    out = tmp_path / "out"
    faults = str(ROOT / "tests" / "crmcheck_with_faults.py")
    child = subprocess.Popen(
        [sys.executable, faults, "import", str(survey), "-q", "tooling", "--questionnaires", str(TOOLING), "--lens",
         "company", "--company", "Acme", "-o", str(out)],
        env={**os.environ, "FAULT_SLOW_FSYNC": "0.02", "NO_COLOR": "1"}, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (out.is_dir() and any(out.iterdir())):  # the first files are written, not yet all
        assert child.poll() is None and time.monotonic() < deadline
        time.sleep(0.01)
    child.send_signal(signal.SIGTERM)
    _, err = child.communicate(timeout=60)
    assert (child.returncode, err) == (130, "crmcheck: interrupted\n")
    assert list(out.iterdir()) == []


def test_repeated_or_missing_ids_found_at_the_end_name_files_by_row(tmp_path: Path) -> None:
    rows = "".join(f"r{n},{n % 5}\n" for n in range(700))
    for last, by_row in (("r700", False), ("r7", True), ("", True), ("r#7", False)):
        survey = tmp_path / "ids.csv"
        survey.write_text("ID,tools.upkeep\n" + rows + f"{last},3\n")
        out = tmp_path / f"out-{by_row}-{last.replace('#', '_')}"
        run = _import(survey, out)
        assert run.code == 0, run.err
        names = sorted(p.name for p in out.iterdir())
        assert len(names) == 701
        if by_row:
            assert names[0] == "company-row-002.yaml" and names[-1] == "company-row-702.yaml"
        else:
            assert "company-r0.yaml" in names and f"company-{last.replace('#', '-')}.yaml" in names


def test_the_outcome_lists_the_files_written_and_the_others(tmp_path: Path) -> None:
    survey = tmp_path / "survey.csv"
    survey.write_text(HEADER + _rows(3) + ",\n" + _rows(2))  # a blank row 5
    out = tmp_path / "out"
    out.mkdir()
    for name in ("company-row-005.yaml", "company-row-006.yaml", "company-row-0002.yaml", "company-row-abc.yaml",
                 "other.yml"):
        (out / name).write_text("x: 1\n")
    with pytest.raises(survey_module.UsageError, match="company-row-006.yaml already exists"):
        import_survey(_request(survey, out))
    (out / "company-row-006.yaml").unlink()
    outcome = import_survey(_request(survey, out))
    expected = [out / f"company-row-00{n}.yaml" for n in (2, 3, 4, 6, 7)]
    assert list(outcome.written) == expected
    assert (len(outcome.written), outcome.written[-1], outcome.written[1:3]) == (5, expected[-1], expected[1:3])
    assert all(path in outcome.written for path in expected)
    assert out / "company-row-005.yaml" not in outcome.written
    assert outcome.other_files == sorted(out / n for n in ("company-row-005.yaml", "company-row-0002.yaml",
                                                           "company-row-abc.yaml", "other.yml"))


def test_problems_found_further_down_come_first_as_when_the_file_was_read_whole(tmp_path: Path) -> None:
    # a broken quote at the end of the file is reported rather than the header's or a cell's problem
    broken = '3,"never closed\n'
    for head in ("tools.upkeep,How well is the CRM kept up to date?\n", "Colour,Size\n", HEADER + "banana,yes\n"):
        survey = tmp_path / "broken.csv"
        survey.write_text(head + _rows(2000) + broken)
        rows = (head + _rows(2000)).count("\n")
        run = _import(survey, tmp_path / "out")
        assert (run.code, run.err) == (2, f"{survey}:{rows + 1}:1: row {rows + 1}: broken CSV (unexpected end of "
                                          "data)\n")
    assert not (tmp_path / "out").exists()


def test_bad_text_far_into_a_large_file_is_placed_exactly(tmp_path: Path) -> None:
    body = (HEADER + _rows(60_000)).encode()
    assert len(body) > 300_000  # past the first chunk the file is checked in
    survey = tmp_path / "late.csv"
    survey.write_bytes(body + b"2,\xe9\n")
    line = body.count(b"\n") + 1
    run = _import(survey, tmp_path / "out")
    assert (run.code, run.err) == (2, f"{survey}:{line}:3: not valid utf-8 (byte 0xe9 at offset {len(body) + 2}) "
                                      "(Excel's plain 'CSV' is often cp1252: try --encoding cp1252)\n")
    survey.write_bytes(b"\xef\xbb\xbf" + body + b"2,\xe9\n")  # the byte order mark is not counted
    run = _import(survey, tmp_path / "out")
    assert f"(byte 0xe9 at offset {len(body) + 2})" in run.err
    survey.write_bytes(body + b"2,\x00\n" + b"3,\xff\n")  # bad text anywhere comes before a NUL byte
    assert "not valid utf-8 (byte 0xff" in _import(survey, tmp_path / "out").err
    survey.write_bytes(body + b"2,\x00\n")
    run = _import(survey, tmp_path / "out")
    assert (run.code, run.err) == (2, f"{survey}:{line}:1: NUL byte in file; this is not a CSV text file\n")
    survey.write_bytes(body.replace(b"\n", b"\r\n") + "2,é\r\n".encode("cp1252"))
    run = _import(survey, tmp_path / "out", "--encoding", "cp1252")  # a cell no number: one unreadable cell
    assert run.code == 2 and f"{survey}:{line}:2: row {line}, column B ('tools.owner'): 'é' is not yes or no" \
        in run.err
    assert not (tmp_path / "out").exists()


def test_a_table_is_read_again_from_the_start_each_time(tmp_path: Path) -> None:
    survey = tmp_path / "t.csv"
    survey.write_text(HEADER + _rows(5))
    with read_table(str(survey)) as table:
        assert [r.cells for r in table.head] == [["tools.upkeep", "tools.owner"], ["0", "no"]]
        first = [r.number for r in table.rows(1)]
        assert first == [r.number for r in table.rows(1)] == [2, 3, 4, 5, 6]
        assert table.count_filled(1) == 5


def test_a_survey_piped_in_is_imported(tmp_path: Path) -> None:
    """/dev/stdin is the real standard input: a real process."""
    run = run_cli("import", "/dev/stdin", "-q", "tooling", "--questionnaires", str(TOOLING), "--lens", "company",
                  "--company", "Acme", "-o", str(tmp_path / "out"), stdin=HEADER + _rows(3), process=True)
    assert run.code == 0, run.err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [f"company-row-00{n}.yaml" for n in (2, 3, 4)]


@pytest.mark.parametrize("encoding", ["nonsense", "rot13", "hex"])
def test_an_encoding_that_is_no_text_encoding_is_unknown(tmp_path: Path, encoding: str) -> None:
    survey = tmp_path / "s.csv"
    survey.write_text(HEADER + _rows(2))
    run = _import(survey, tmp_path / "out", "--encoding", encoding)
    assert (run.code, run.err) == (2, f"unknown encoding '{encoding}' (for example utf-8, cp1252, latin-1)\n")


def test_a_kill_that_cannot_be_caught_leaves_no_half_written_answers_file(tmp_path: Path) -> None:
    """SIGKILL while files are written, and again while they are being given their names: whatever is left
    under an answers file's name is the whole file (temp files, hidden, may stay: nothing can remove them)."""
    survey = _survey(tmp_path, 300)
    complete = tmp_path / "complete"
    assert _import(survey, complete).code == 0
    faults = str(ROOT / "tests" / "crmcheck_with_faults.py")
    for moment, visible in (("writing", False), ("naming", True)):
        out = tmp_path / moment
        child = subprocess.Popen(
            [sys.executable, faults, "import", str(survey), "-q", "tooling", "--questionnaires", str(TOOLING),
             "--lens", "company", "--company", "Acme", "--date", "2026-11-02", "-o", str(out)],
            env={**os.environ, "FAULT_SLOW_FSYNC": "0.01", "NO_COLOR": "1"}, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while not (out.is_dir() and any(p.name.startswith(".") != visible for p in out.iterdir())):
            assert child.poll() is None and time.monotonic() < deadline, moment
            time.sleep(0.002)
        child.kill()
        child.wait(timeout=60)
        named = [p for p in out.iterdir() if not p.name.startswith(".")]
        assert visible or named == []
        for path in named:
            assert path.read_bytes() == (complete / path.name).read_bytes(), (moment, path.name)


def test_without_hard_links_files_are_named_by_a_rename_that_still_refuses_a_newcomer(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """exFAT and some network shares have no hard links: the same files, and a file that appeared meanwhile is
    still not overwritten."""
    survey = _survey(tmp_path, 10)
    complete = tmp_path / "complete"
    assert _import(survey, complete).code == 0

    def no_links(*args: Any, **kwargs: Any) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    out = tmp_path / "out"
    assert _import(survey, out).code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in complete.iterdir())
    assert all((out / p.name).read_bytes() == p.read_bytes() for p in complete.iterdir())
    calls = []
    original = survey_module._answers_text

    def meanwhile(*args: Any) -> str:
        calls.append(1)
        if len(calls) == 5:
            (tmp_path / "again" / "company-row-006.yaml").write_text("# theirs\n")
        return original(*args)

    monkeypatch.setattr(survey_module, "_answers_text", meanwhile)
    again = tmp_path / "again"
    run = _import(survey, again)
    assert run.code == 2 and "cannot write: File exists; no answers file was written" in run.err
    assert [p.name for p in again.iterdir()] == ["company-row-006.yaml"]
