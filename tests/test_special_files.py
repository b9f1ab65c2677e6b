"""Named pipes, devices and endless files: never read where a regular file is expected, never a hang."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, run_cli

PNG = b"\x89PNG\r\n\x1a\n" + bytes(64)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    survey = tmp_path / "survey"
    survey.mkdir()
    shutil.copy(EXAMPLES / "assessment-2026.yaml", survey / "a.yaml")
    os.mkfifo(survey / "x.yaml")  # nobody ever writes to it: reading it would wait for ever
    return tmp_path


def test_report_of_a_folder_skips_and_names_a_fifo(folder: Path) -> None:
    run = run_cli("report", "survey", "--format", "json", cwd=folder, timeout=30)
    assert run.code == 0, run.err
    assert run.err == "survey/x.yaml: not a regular file (a named pipe); skipped\n"
    assert json.loads(run.out)["company"] == "Brightwater Field Systems"


def test_report_strict_makes_a_fifo_an_error(folder: Path) -> None:
    run = run_cli("report", "survey", "--format", "json", "--strict", cwd=folder, timeout=30)
    assert run.code == 2
    assert run.out == ""
    assert run.err.splitlines() == ["survey/x.yaml: not a regular file (a named pipe); skipped",
                                    "1 special file in the directories given (--strict)"]


def test_benchmark_of_a_folder_skips_a_fifo_and_strict_fails(folder: Path) -> None:
    run = run_cli("benchmark", "survey", "--format", "json", cwd=folder, timeout=30)
    assert run.code == 0, run.err
    assert "survey/x.yaml: not a regular file (a named pipe); skipped" in run.err
    assert json.loads(run.out)["files"] == 2
    strict = run_cli("benchmark", "survey", "--strict", cwd=folder, timeout=30)
    assert strict.code == 2
    assert "survey/x.yaml: not a regular file (a named pipe); skipped" in strict.err


def test_a_fifo_in_a_questionnaire_folder_is_bad_input(tmp_path: Path) -> None:
    (tmp_path / "qs").mkdir()
    os.mkfifo(tmp_path / "qs" / "ours.yaml")
    run = run_cli("list", "--questionnaires", "qs", cwd=tmp_path, timeout=30)
    assert (run.code, run.err) == (2, "qs/ours.yaml:1:1: not a regular file (a named pipe); a questionnaire "
                                      "directory holds questionnaire files\n")


@pytest.mark.parametrize("logo", ["/dev/zero", "pipe.png", "/dev/urandom"])
def test_a_logo_that_is_no_regular_file_is_refused_at_once(tmp_path: Path, logo: str) -> None:
    os.mkfifo(tmp_path / "pipe.png")
    out = tmp_path / "r.html"
    run = run_cli("report", str(EXAMPLES / "assessment-2026.yaml"), "--format", "html", "--logo", logo,
                  "-o", str(out), cwd=tmp_path, timeout=30)
    assert run.code == 2
    assert run.err == f"{logo}: logo is not a regular file (a device, pipe or socket); give an image file\n"
    assert not out.exists()


def test_a_logo_over_the_limit_is_refused_after_reading_only_the_limit(tmp_path: Path) -> None:
    big = tmp_path / "big.png"
    big.write_bytes(PNG + bytes(3 * 1024 * 1024))
    run = run_cli("report", str(EXAMPLES / "assessment-2026.yaml"), "--format", "html", "--logo", str(big),
                  "-o", str(tmp_path / "r.html"))
    assert (run.code, run.err) == (2, f"{big}: logo is larger than 2097152 bytes (2 MiB), the limit\n")
    ok = tmp_path / "ok.png"
    ok.write_bytes(PNG)
    run = run_cli("report", str(EXAMPLES / "assessment-2026.yaml"), "--format", "html", "--logo", str(ok),
                  "-o", str(tmp_path / "r.html"))
    assert run.code == 0, run.err
    assert "data:image/png;base64," in (tmp_path / "r.html").read_text()
