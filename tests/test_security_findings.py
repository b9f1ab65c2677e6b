"""Issue 21's findings outside the collect server, one regression test each (named after it): named pipes,
duplicate names, text answers "NA", hard-linked interviews, evidence placeholders, inert markdown."""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path

import pytest

from crmcheck.answers import fast as fastpath
from crmcheck.answers.lock import AnswersLock
from crmcheck.catalog import Catalog
from crmcheck.errors import UsageError
from crmcheck.inert import markdown_inline, name_key, names_evidence
from crmcheck.interview import run_interview
from crmcheck.yamlio import write_atomic
from tests.conftest import EXAMPLES, SMALL, run_cli
from tests.test_interview import Script, qdir, request  # noqa: F401 - qdir: the interview tests' fixture
from tests.test_policy import check, statuses  # noqa: F401 - the policy tests' fixture
from tests.vendors.test_vendors_cli import CARD, _plain

# ---------------------------------------------------------------- 8


def test_fifo_named_on_the_command_line_or_in_a_cards_folder_is_refused_not_waited_on(tmp_path: Path) -> None:
    """Finding 8: every command that reads a file opens only regular files."""
    os.mkfifo(tmp_path / "pipe.yaml")  # nobody ever writes to it: opening it to read would wait for ever
    for args in (("validate", "pipe.yaml"), ("report", "pipe.yaml"), ("compare", "pipe.yaml", "pipe.yaml")):
        run = run_cli(*args, cwd=tmp_path, timeout=30)
        assert run.code == 2, args
        assert "pipe.yaml:1:1: not a regular file (a named pipe)" in run.err
    selection, cards = _plain(tmp_path)
    os.mkfifo(cards / "stuck.yaml")
    run = run_cli("vendors", "report", str(selection), str(cards), timeout=30)
    assert run.code == 2 and "stuck.yaml:1:1: not a regular file (a named pipe)" in run.err
    found: list[object] = []  # the bulk reader hands it to the full one, at once: a thread, in case it waits
    reader = threading.Thread(target=lambda: found.append(fastpath.read_text(str(tmp_path / "pipe.yaml"))),
                              daemon=True)
    reader.start()
    reader.join(10)
    assert found == [None]


# ---------------------------------------------------------------- 9


def test_duplicate_evaluators_slip_through_no_more() -> None:
    """Finding 9: NFKC, format characters dropped, casefolded, spaces collapsed."""
    assert name_key("Ana Costa") == name_key("Ana\u200b Costa") == name_key("  ANA   costa ") == "ana costa"
    assert name_key("Jos\u00e9") == name_key("Jose\u0301") == name_key("JOS\u00c9")
    assert name_key("Ａｎａ") == name_key("Ana")  # full-width letters
    assert name_key("Stra\u00dfe") == name_key("STRASSE")
    assert name_key("Ana Costa") != name_key("Ana Costas")


@pytest.mark.parametrize("twin", ["Ann\u200b", "A\u200dnn", "ANN\u2060", "Ａｎｎ"])
def test_duplicate_evaluators_with_invisible_or_compatibility_characters_are_one_evaluator(
        tmp_path: Path, twin: str) -> None:
    selection, cards = _plain(tmp_path)
    (cards / "zed.yaml").write_text(CARD.format(evaluator=json.dumps(twin), note="again"))
    run = run_cli("vendors", "report", str(selection), str(cards))
    assert run.code == 2 and "a second card for evaluator" in run.err and "ann.yaml:2" in run.err


def test_duplicate_companies_are_one_company_in_a_report(tmp_path: Path) -> None:
    """Finding 9: the same rule for company names (a respondent file's company with a zero-width space)."""
    survey = tmp_path / "survey"
    survey.mkdir()
    source = (EXAMPLES / "assessment-2026.yaml").read_text()
    (survey / "a.yaml").write_text(source)
    (survey / "b.yaml").write_text(source.replace("company: Brightwater Field Systems",
                                                  'company: "Brightwater\\u200b Field Systems"'))
    assert "\\u200b" in (survey / "b.yaml").read_text()
    run = run_cli("report", str(survey), "--format", "json")
    assert run.code == 0, run.err
    assert json.loads(run.out)["company"] == "Brightwater Field Systems"


# ---------------------------------------------------------------- 10


def test_text_answer_na_is_kept_as_text(tmp_path: Path) -> None:
    """Finding 10: in a text question "NA", "Na" and "N/A" are answers; only `n/a` marks one n/a."""
    (tmp_path / "q").mkdir()
    (tmp_path / "q" / "small.yaml").write_text(SMALL)
    for typed, status in (("NA", "answered"), ("Na", "answered"), ('"N/A"', "answered"), ("n/a", "n/a")):
        answers = tmp_path / "a.yaml"
        answers.write_text("format: 1\ncompany: Small Co\nassessed_on: 2026-03-01\nquestionnaires:\n  small:\n"
                           f"    answers:\n      alpha.note: {typed}\n      alpha.two: NA\n")
        run = run_cli("report", str(answers), "--format", "json", "--questionnaires", str(tmp_path / "q"))
        assert run.code == 0, run.err
        questions = {q["id"]: q for s in json.loads(run.out)["questionnaires"][0]["sections"] for q in s["questions"]}
        assert questions["alpha.note"]["status"] == status, typed
        if status == "answered":
            assert questions["alpha.note"]["answer"] == typed.strip('"')
        assert questions["alpha.two"]["status"] == "n/a"  # any other question reads NA as n/a, as before


# ---------------------------------------------------------------- 12


def test_hard_link_interview_locks_the_inode(tmp_path: Path) -> None:
    """Finding 12: a second interview through a hard link made while the first runs is refused."""
    first, second = tmp_path / "answers.yaml", tmp_path / "other.yaml"
    first.write_text("format: 1\n")
    with AnswersLock(first) as lock:
        os.link(first, second)  # made after the first interview started: one name each, one file
        with pytest.raises(UsageError, match="another interview is writing this file through another of its 2"):
            AnswersLock(second).acquire()
        os.unlink(second)
        write_atomic(first, "format: 1\n# saved\n")  # a save replaced the file: a new inode
        lock.relock()
        os.link(first, second)
        with pytest.raises(UsageError, match="another interview"):
            AnswersLock(second).acquire()
    with AnswersLock(second):  # the first has ended: the other name may be interviewed
        pass


class LinkingScript(Script):
    """Types the replies, and makes a hard link to the answers file before the `at`-th reply."""

    def __init__(self, target: Path, link: Path, at: int, *replies: str) -> None:
        super().__init__(*replies)
        self.target, self.link, self.at, self.count = target, link, at, 0

    def read(self, prompt: str) -> str:
        self.count += 1
        if self.count == self.at:
            os.link(self.target, self.link)
        return super().read(prompt)


def test_hard_link_interview_save_never_splits_the_link(tmp_path: Path, qdir: Path) -> None:  # noqa: F811
    """Finding 12: a file hard-linked while its interview runs stays one file through the later saves."""
    first, second = tmp_path / "answers.yaml", tmp_path / "same.yaml"
    script = LinkingScript(first, second, 2, "1", "3", "q")
    run_interview(request(tmp_path, qdir), Catalog([qdir]), script.terminal)
    assert first.stat().st_ino == second.stat().st_ino and first.stat().st_nlink == 2
    assert second.read_text() == first.read_text() and "basics.practice: 3" in second.read_text()


def test_evidence_written_as_n_a_or_a_dash_is_no_evidence(check) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """Finding 12: "n/a", "-" and the like name no document."""
    for placeholder in ("n/a", "N/A", "-", "—", "none", " - "):
        assert not names_evidence(placeholder), placeholder
    assert names_evidence("audit.pdf") and names_evidence("n/a-report.pdf") and not names_evidence("\u200b")
    answers = ("alpha.one: {value: 3, evidence: audit.pdf}\nalpha.two: {value: yes, evidence: n/a}\n"
               "alpha.three: {value: [a, b, c], evidence: '-'}\n")
    result = check(answers, "- {rule: evidence, at_or_above: 75}")
    assert statuses(result) == [("small/alpha.one", "held"), ("small/alpha.two", "broken"),
                                ("small/alpha.three", "broken")]


# ---------------------------------------------------------------- 13


def test_bidi_controls_urls_and_mentions_in_notes_are_inert_in_markdown(tmp_path: Path) -> None:
    """Finding 13: a note cannot reorder a line, link somewhere or notify someone in a markdown report."""
    assert markdown_inline("invoice\u202egpj.exe") == "invoice\\\\u202egpj.exe"
    assert markdown_inline("see https://evil.example/x now") == "see `https://evil.example/x` now"
    assert markdown_inline("ask @octocat or www.evil.example") == "ask `@octocat` or `www.evil.example`"
    assert markdown_inline("mail bob@example.com") == "mail `bob@example.com`"
    # a link ends before a backtick (or a quote, bracket or pipe): what follows is escaped text, not code
    assert markdown_inline("a`b https://x`y") == "a\\`b `https://x`\\`y"
    assert markdown_inline("| https://x|y |") == "\\| `https://x`\\|y \\|"
    survey = tmp_path / "a.yaml"
    text = (EXAMPLES / "assessment-2026.yaml").read_text()
    shutil.copy(EXAMPLES / "assessment-2026.yaml", survey)
    marker = next(line for line in text.splitlines() if "note:" in line)
    hostile = marker.split("note:")[0] + 'note: "ping @octocat at https://evil.example \\u202eabc"'
    hostile += "}" if marker.rstrip().endswith("}") else ""
    survey.write_text(text.replace(marker, hostile, 1))
    run = run_cli("report", str(survey), "--format", "markdown")
    assert run.code == 0, run.err
    assert "`@octocat`" in run.out and "`https://evil.example`" in run.out and "\u202e" not in run.out
