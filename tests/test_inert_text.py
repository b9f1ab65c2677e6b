"""Terminal escape sequences and control characters from files never reach a terminal, and one problem is
one line that starts with the file's own path."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmcheck.inert import has_visible_text, inert_text, one_line
from tests.conftest import SMALL, run_cli

ESC = "\x1b"
HOSTILE = r'"Acme \e]8;;https://evil.example/\e\\click\e]8;;\e\\ \e[2J\x07\x9b31m"'


def test_inert_text_shows_control_characters_and_keeps_layout() -> None:
    assert inert_text("a\x1b[2Jb\x07\x9b") == "a\\x1b[2Jb\\x07\\x9b"
    assert inert_text("line\n\tindented") == "line\n\tindented"
    assert inert_text("a\rb") == "a\\rb"
    assert one_line("one\ntwo\u2028three") == "one\\ntwo\\u2028three"
    assert one_line("plain text, é ü 東京") == "plain text, é ü 東京"


@pytest.mark.parametrize("blank", ["", " ", "\t \n", "\u200b", "\u00a0\u200b\ufeff", "\u3164", "\u2060\u200d"])
def test_blank_text_is_not_visible(blank: str) -> None:
    assert not has_visible_text(blank)


@pytest.mark.parametrize("text", ["x", " report.pdf ", "\u200bA", "東", "—"])
def test_text_with_a_glyph_is_visible(text: str) -> None:
    assert has_visible_text(text)


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    custom = tmp_path / "custom"
    custom.mkdir()
    (custom / "small.yaml").write_text(SMALL.replace("title: Small", f"title: {HOSTILE}", 1), encoding="utf-8")
    for name, year in (("old.yaml", 2025), ("new.yaml", 2026)):
        (tmp_path / name).write_text(
            f"format: 1\ncompany: {HOSTILE}\nassessed_on: {year}-11-01\nassessor: {HOSTILE}\n"
            "questionnaires:\n  small:\n    answers:\n"
            f"      alpha.one: {{value: {year - 2023}, note: {HOSTILE}, evidence: {HOSTILE}}}\n"
            "      alpha.two: yes\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("args", [
    ["validate", "new.yaml", "custom/small.yaml"],
    ["report", "new.yaml"],
    ["report", "new.yaml", "--format", "markdown"],
    ["report", "new.yaml", "--format", "json"],
    ["report", "new.yaml", "--format", "junit"],
    ["check", "new.yaml", "--baseline", "old.yaml", "--today", "2026-11-02"],
    ["check", "new.yaml", "--baseline", "old.yaml", "--today", "2026-11-02", "--format", "markdown"],
    ["compare", "old.yaml", "new.yaml"],
    ["compare", "old.yaml", "new.yaml", "--format", "markdown"],
    ["show", "small"],
    ["list"],
])
def test_no_escape_sequence_from_a_file_reaches_the_terminal(hostile: Path, args: list[str]) -> None:
    run = run_cli(*args, "--questionnaires", "custom", cwd=hostile)
    assert run.code in (0, 1), run.err
    assert ESC not in run.out + run.err
    assert "\x07" not in run.out + run.err and "\x9b" not in run.out + run.err
    if "junit" not in args:  # XML 1.0 cannot hold a control character at all: JUnit drops it (tests/test_junit.py)
        assert "\\x1b" in run.out or "\\u001b" in run.out  # shown, visibly (JSON as its own \\u escape)


def test_a_problem_with_a_newline_in_its_value_stays_one_line(hostile: Path) -> None:
    bad = hostile / "bad.yaml"
    bad.write_text('format: 1\ncompany: Acme\nassessed_on: 2026-11-01\nquestionnaires:\n  small:\n    answers:\n'
                   '      "nope\\nother.yaml:1:1: forged error\\e[2J": 3\n'
                   '      alpha.one: "3\\nother.yaml:2:2: forged too"\n', encoding="utf-8")
    run = run_cli("validate", "bad.yaml", "--questionnaires", "custom", cwd=hostile)
    assert run.code == 2
    lines = run.err.splitlines()
    assert len(lines) == 2, run.err
    assert all(line.startswith("bad.yaml:") for line in lines)
    assert not any(line.startswith("other.yaml") for line in lines)
    assert ESC not in run.err
    assert "nope\\nother.yaml:1:1: forged error\\x1b[2J" in lines[0]


def test_an_error_message_quoting_file_text_is_inert(hostile: Path) -> None:
    bad = hostile / "bad.yaml"
    bad.write_text(f"format: 1\ncompany: Acme\nassessed_on: 2026-11-01\nquestionnaires:\n  small:\n"
                   f"    answers:\n      alpha.one: {HOSTILE}\n", encoding="utf-8")
    for command in ("report", "validate", "check"):
        run = run_cli(command, "bad.yaml", "--questionnaires", "custom", cwd=hostile)
        assert run.code == 2
        assert ESC not in run.err and "\\x1b" in run.err
        assert len(run.err.splitlines()) == 1


def test_file_text_is_inert_in_colour_on_a_real_terminal(hostile: Path) -> None:
    """On a terminal, rich's own colour sequences pass; the file's escape sequences must not."""
    import os
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    env = {key: value for key, value in os.environ.items() if key != "NO_COLOR"}
    proc = subprocess.run([sys.executable, "-m", "crmcheck", "report", "new.yaml", "--questionnaires", "custom"],
                          stdout=follower, stderr=subprocess.PIPE, cwd=hostile, env={**env, "COLUMNS": "100"},
                          timeout=60, check=False)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    out = b"".join(chunks).decode("utf-8", "replace")
    assert proc.returncode == 0, proc.stderr
    assert "\x1b[" in out  # colour is on
    assert "\\x1b]8;;https://evil.example/" in out
    assert "\x1b]8" not in out and "\x1b[2J" not in out and "\x07" not in out


def test_the_last_filter_on_stdout_keeps_json_valid() -> None:
    import json

    text = json.dumps({"file": "a\x85b\x9b.yaml"}, ensure_ascii=False)  # json.dumps leaves C1 characters raw
    filtered = inert_text(text, json_escapes=True)
    assert "\x85" not in filtered and "\x9b" not in filtered
    assert json.loads(filtered) == {"file": "a\x85b\x9b.yaml"}


@pytest.mark.parametrize("fmt", ["markdown", "html", "terminal", "json"])
def test_no_escape_sequence_reaches_a_report_file(hostile: Path, fmt: str) -> None:
    """A report written with -o is read with `cat` too: control characters in it are shown, never written raw."""
    run = run_cli("report", "new.yaml", "--format", fmt, "-o", f"report.{fmt}", "--questionnaires", "custom",
                  cwd=hostile)
    assert run.code == 0, run.err
    written = (hostile / f"report.{fmt}").read_text(encoding="utf-8")
    assert ESC not in written and "\x07" not in written
    assert "\\x1b" in written or "\\u001b" in written
