"""Markdown report: structure, escaping of hostile user text, golden output."""

from __future__ import annotations

import re
from pathlib import Path

from crmcheck.inert import markdown_inline
from tests.conftest import run_cli

HOSTILE = "Evil | Corp\n# Owned <script>alert(1)</script> [click](http://evil.test) **bold** `code` 1. <b>x</b> &amp;"


def hostile_answers(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.yaml"
    quoted = HOSTILE.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    path.write_text(
        f'format: 1\ncompany: "{quoted}"\nassessed_on: 2026-11-01\nassessor: "- [x] | ## nope"\n'
        "questionnaires:\n  crm-mistakes:\n    answers:\n"
        f'      best-customers.defined: {{value: 1, note: "{quoted}", evidence: "[e](javascript:alert(1)) |"}}\n'
        f'      relevance.segments: {{value: n/a, reason: "{quoted}"}}\n'
        f'      four-ps.first-change: "{quoted}"\n'
    )
    return path


def unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


def test_hostile_text_cannot_change_structure(tmp_path: Path) -> None:
    run = run_cli("report", str(hostile_answers(tmp_path)), "--format", "markdown")
    assert run.code == 0, run.err
    lines = run.out.splitlines()
    headings = [line for line in lines if line.startswith("#")]
    assert all(re.match(r"#{1,3} (CRM assessment: |Summary|The nine|Maturity|Recommendations|Unanswered|Not appl|"
                        r"Answers in detail|Profile|Appendix: what each answer looks like|Evidence checklist)", h)
               for h in headings), headings
    assert "<script" not in run.out and "<b>" not in run.out
    assert "](" not in run.out.replace("\\](", "")
    # every table row has as many cells as its header
    table: list[str] = []
    for line in [*lines, ""]:
        if line.startswith("|"):
            table.append(line)
            continue
        if table:
            width = unescaped_pipes(table[0])
            assert all(unescaped_pipes(row) == width for row in table), table
            table = []
    assert "Evil \\| Corp \\# Owned &lt;script&gt;" in run.out


def test_markdown_inline_escapes() -> None:
    assert markdown_inline("a|b") == "a\\|b"
    assert markdown_inline("line one\nline two") == "line one line two"
    assert markdown_inline("# title") == "\\# title"
    assert markdown_inline("- item") == "\\- item"
    assert markdown_inline("1. first") == "1\\. first"  # "\\1" would show its backslash
    assert markdown_inline("<img src=x>") == "&lt;img src=x&gt;"
    assert markdown_inline("[a](b)") == "\\[a\\](b)"
    assert markdown_inline(None) == ""
