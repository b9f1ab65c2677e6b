"""Interview keys in a pseudo-terminal of 80x24: `n` is no on a yes/no question (the note is `t`), a percent
question takes "50%" and asks about 0.5, and `g` lists many sections a screen at a time."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pexpect
import yaml

from crmcheck.catalog import Catalog
from crmcheck.interview.replies import read_reply
from tests.conftest import STANDARD_LEVELS

PROMPT = "q quit\r\n> "
SECTIONS = 30
KEYS = ("format: 1\nid: keys\ntitle: Keys\nversion: 1\nkind: scored\nsource: Test source\n" + STANDARD_LEVELS
        + "default_target: 4\nsections:\n  - id: first\n    title: First\n    questions:\n"
        "      - {id: owner, text: Is there an owner?, type: yes_no}\n"
        "      - {id: share, text: What share of leads is closed?, type: number, unit: '%', "
        "bands: [{min: 0, score: 0}, {min: 10, score: 1}]}\n"
        + "".join(f"  - id: s{n:02d}\n    title: Section number {n}\n    questions:\n"
                  f"      - {{id: q, text: Question of section {n}?, type: yes_no}}\n" for n in range(2, SECTIONS + 1)))


def test_n_is_no_t_is_the_note_percent_answers_and_g_pages_at_24_rows(tmp_path: Path) -> None:
    (tmp_path / "qs").mkdir()
    (tmp_path / "qs" / "keys.yaml").write_text(KEYS, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env.update({"TERM": "xterm", "NO_COLOR": "1"})
    child = pexpect.spawn(sys.executable, ["-m", "crmcheck", "interview", "keys", "-o", "a.yaml", "--questionnaires",
                                           "qs", "--company", "Acme", "--assessor", "", "--respondent", "",
                                           "--role", "", "--date", "2026-11-02"],
                          cwd=str(tmp_path), env=env, dimensions=(24, 80), encoding="utf-8", timeout=30)
    child.expect_exact(PROMPT)
    shown = " ".join(str(child.before).split())
    # on a yes/no question the key line offers t for the note, and n or 2 answers no
    key_line = shown[shown.rindex("keys:"):]
    assert "Type y or 1 for yes, n or 2 for no." in shown and "t note" in key_line and "n note" not in key_line
    child.sendline("t")
    child.expect_exact("Enter to cancel): ")
    child.sendline("asked the team")
    child.expect_exact("> ")
    child.sendline("n")
    child.expect_exact(PROMPT)
    assert "✓ saved: no" in str(child.before)
    # 0.5 on a percent question is asked about; y takes 50
    child.sendline("0.5")
    child.expect_exact("did you mean 50 %? (y: 50 %, n: keep 0.5 %, Enter: type it again) ")
    child.sendline("y")
    child.expect_exact(PROMPT)
    assert "✓ saved: 50%" in str(child.before)
    # g lists the sections a screen at a time: a first page that fits 24 rows with its prompt, then the rest
    child.sendline("g")
    child.expect_exact("- stays here): ")
    first = [line for line in str(child.before).split("\r\n") if line.strip()]
    listed = [line for line in first if re.match(r"\s+\d+\s+\S", line)]
    assert len(first) + 1 <= 24 and listed[0].split()[0] == "1" and len(listed) == 20
    assert "Enter shows 10 more" in child.after or "Enter shows 10 more" in first[-1] + str(child.after)
    child.sendline("")
    child.expect_exact("Enter stays here): ")
    rest = [line for line in str(child.before).split("\r\n") if re.match(r"\s+\d+\s+\S", line)]
    assert [line.split()[0] for line in rest] == [str(n) for n in range(21, SECTIONS + 1)]
    child.sendline("25")
    child.expect_exact(PROMPT)
    assert "Question of section 25?" in str(child.before)
    child.sendline("q")
    child.expect(pexpect.EOF)
    child.close()
    saved = yaml.safe_load((tmp_path / "a.yaml").read_text())["questionnaires"]["keys"]["answers"]
    assert saved["first.owner"] == {"value": False, "note": "asked the team"} and saved["first.share"] == 50


def test_a_percent_sign_is_read_on_a_percent_question_only(tmp_path: Path) -> None:
    (tmp_path / "qs").mkdir()
    (tmp_path / "qs" / "keys.yaml").write_text(KEYS, encoding="utf-8")
    q = Catalog.from_options([tmp_path / "qs"]).get("keys")
    share, owner = q.questions["first.share"][1], q.questions["first.owner"][1]
    assert [read_reply(share, q, typed) for typed in ("50%", "50 %", "12.5%")] == [50, 50, 12.5]
    assert read_reply(owner, q, "n") is False and read_reply(owner, q, "y") is True
