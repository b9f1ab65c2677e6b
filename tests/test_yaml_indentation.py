"""A YAML indentation error points at the line that is wrong, or names it: libyaml stops where the structure
breaks, which can be far below the line that is out of line, so the message says which block it was reading."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crmcheck.errors import CrmcheckError
from crmcheck.yamlio import parse
from tests.conftest import EXAMPLES, ROOT, run_cli


def _error(text: str) -> tuple[int, str]:
    with pytest.raises(CrmcheckError) as caught:
        parse(text, "a.yaml")
    line = caught.value.lines()[0]
    match = re.match(r"a\.yaml:(\d+):\d+: (.*)", line)
    assert match, line
    return int(match.group(1)), match.group(2)


def test_a_line_of_text_indented_too_little_is_pointed_at(tmp_path: Path) -> None:
    text = (ROOT / "questionnaires" / "crm-mistakes.yaml").read_text().splitlines()
    start = next(i for i, line in enumerate(text) if line.startswith("description: >-"))
    wrong = start + 2  # the second line of the description, moved to the left edge
    text[wrong] = text[wrong].lstrip()
    path = tmp_path / "q.yaml"
    path.write_text("\n".join(text) + "\n")
    run = run_cli("validate", str(path))
    assert run.code == 2
    [line] = run.err.splitlines()
    assert line.startswith(f"{path}:{wrong + 1}:1: invalid YAML: this line is read as a key without ':'")
    assert "check its indentation" in line


def test_a_key_out_of_line_far_above_is_named(tmp_path: Path) -> None:
    lines = (EXAMPLES / "assessment-2026.yaml").read_text().splitlines()
    key = lines.index("  crm-mistakes:")
    following = next(i for i in range(key + 1, len(lines)) if re.match(r"  [a-z]", lines[i]))  # the next questionnaire
    assert following - key > 10  # the case the issue saw: the error far below the wrong line
    lines[key] = " " + lines[key]
    at, message = _error("\n".join(lines))
    assert at == following + 1
    assert (f"the block of 'questionnaires' (line {key}) above it runs from line {key + 1} to line {following}, "
            f"indented 3 spaces: if line {key + 1} or line {key} is the one out of line, fix that one") in message


CASES = [EXAMPLES / "assessment-2026.yaml", EXAMPLES / "policy.yaml", EXAMPLES / "selection" / "selection.yaml",
         ROOT / "questionnaires" / "revenue-marketing.yaml"]


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_every_line_moved_one_or_two_spaces_is_found(path: Path) -> None:
    """Move each line of a real file one or two spaces left or right: where that breaks the YAML, the error is on
    that line or the next, or the message names the line (a moved key makes its whole block fit no mapping)."""
    lines = path.read_text().splitlines()
    checked = missed = 0
    for i, line in enumerate(lines):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        for delta in (-2, -1, 1, 2):
            if delta < 0 and not line.startswith(" " * -delta):
                continue
            moved = line[-delta:] if delta < 0 else " " * delta + line
            try:
                parse("\n".join([*lines[:i], moved, *lines[i + 1:]]), "a.yaml")
                continue
            except CrmcheckError as exc:
                first = exc.lines()[0]
            checked += 1
            at = int(first.split(":")[1])
            if not (i + 1 <= at <= i + 2 or re.search(rf"\bline {i + 1}\b", first)):
                missed += 1
    assert checked > 100
    # a line of folded text moved left so that it reads as the start of a key with ': ' further on is the one
    # case left: the message there says to check the indentation, at the line holding the ':'
    assert missed <= checked // 200, (missed, checked)
