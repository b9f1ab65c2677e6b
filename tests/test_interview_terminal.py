"""`crmcheck interview` run for real in a pseudo-terminal (pexpect): keys, Ctrl-C, kills, failed saves, locks."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sys
import time
from collections import Counter
from pathlib import Path

import pexpect
import pytest

from crmcheck.answers.layout import KeptLine, read_kept
from tests.conftest import ROOT, questions_of, run_cli
from tests.interview_fixtures import TINY_V2, answers_of, write_questionnaire

PROMPT = "q quit\r\n> "  # the last line shown for every question, then the answer prompt
HEADER = ["--company", "Acme Corp", "--assessor", "Dana Lee", "--respondent", "Sam Ortiz", "--role",
          "Head of Marketing", "--date", "2026-11-02"]
FAULTS = str(ROOT / "tests" / "crmcheck_with_faults.py")
KILL_RUNS = int(os.environ.get("CRMCHECK_KILL_RUNS", "50"))  # raise it for a longer soak
TINY_V1_PRACTICE_WORDS = (
    "How well do sales, marketing and service keep the same customer record up to date, so that anyone who opens "
    "it sees the last conversation, the open problems and the agreed next step, without asking a colleague or "
    "searching their mailbox first?"
)


def spawn(cwd: Path, *args: str, out: str = "answers.yaml", header: bool = True, faults: dict[str, str] | None = None,
          color: bool = False) -> pexpect.spawn:
    """The real command in a pseudo-terminal of 80 columns, NO_COLOR set unless `color`."""
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    env.update({"TERM": "xterm", **(faults or {})})
    if not color:
        env["NO_COLOR"] = "1"
    program = [FAULTS] if faults else ["-m", "crmcheck"]
    argv = [*program, "interview", "tiny", "-o", out, "--questionnaires", "qs", *(HEADER if header else []), *args]
    return pexpect.spawn(sys.executable, argv, cwd=str(cwd), env=env, dimensions=(40, 80), encoding="utf-8",
                         timeout=30)


def finish(child: pexpect.spawn) -> tuple[str, int]:
    child.expect(pexpect.EOF)
    output = child.before
    child.close()
    return output, child.exitstatus if child.exitstatus is not None else -child.signalstatus


def reply(child: pexpect.spawn, text: str, expect: str = PROMPT) -> str:
    child.sendline(text)
    child.expect_exact(expect)
    return str(child.before)



def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def work(tmp_path: Path) -> Path:
    write_questionnaire(tmp_path / "qs")
    return tmp_path


def test_full_interview_with_every_key_then_the_report(work: Path) -> None:
    child = spawn(work, header=False)
    child.expect_exact("Company being assessed: ")
    reply(child, "Acme Corp", "(optional): ")
    reply(child, "Dana Lee", "(optional): ")
    reply(child, "", "(optional): ")
    reply(child, "Head of Marketing", "]: ")
    shown = reply(child, "2026-11-02")
    assert "question 1 of 6, section 1 of 2 · 0 answered" in shown
    assert "Is there a named person who answers for the quality of the customer database?" in shown
    assert "   1  Yes\r\n   2  No\r\n" in shown
    assert "One person, named in writing" in reply(child, "?", "> ")
    assert "'maybe' is not an answer here; type 1 for yes or 2 for no" in reply(child, "maybe", "> ")
    assert "✓ saved: yes" in reply(child, "1")
    reply(child, "n", ": ")
    assert "✓ note saved." in reply(child, "Sales and service only", "> ")
    assert "'9' is not one of the choices; type a number from 0 to 4" in reply(child, "9", "> ")
    shown = reply(child, "3")
    assert "   0  none of these" in shown
    shown = reply(child, "b")
    assert "Current answer: 3 Practised (Enter keeps it)" in shown
    assert "Note: Sales and service only" in shown
    shown = reply(child, "")
    assert "Which channels are logged on the customer record?" in shown
    assert "✓ saved: Email, Phone calls" in reply(child, "1 2")
    reply(child, "e", ": ")
    reply(child, "ticket-report-2026.pdf", "> ")
    assert "✓ saved: 4 days" in reply(child, "4")
    assert "Saved and stopped; 4 answers are saved in answers.yaml." in flat(reply(child, "q", pexpect.EOF))
    child.close()
    assert child.exitstatus == 0

    child = spawn(work)
    child.expect_exact(PROMPT)
    assert "Resuming answers.yaml: 4 of 6 questions already answered; going on at question 5." in flat(child.before)
    reply(child, "x", "(optional): ")
    assert "✓ saved: not applicable (no review yet)" in reply(child, "no review yet")
    child.sendline("s")
    output, code = finish(child)
    assert code == 0
    assert "Tiny check (tiny v1): score 66.7, level 3 Defined, 100% complete" in output
    assert "1 question is not answered yet; to answer it:" in output
    assert "crmcheck report answers.yaml --questionnaires qs" in output

    report = run_cli("report", str(work / "answers.yaml"), "--format", "json", "--questionnaires", str(work / "qs"))
    assert report.code == 0, report.err
    data = json.loads(report.out)
    tiny = data["questionnaires"][0]
    assert (data["company"], tiny["score"], tiny["level"]) == ("Acme Corp", 66.7, 3)
    assert [(s["id"], s["score"]) for s in tiny["sections"]] == [("basics", 83.3), ("results", 50.0)]
    questions = questions_of(tiny)
    assert questions["basics.practice"]["note"] == "Sales and service only"
    assert questions["results.speed"]["evidence"] == "ticket-report-2026.pdf"
    assert questions["results.review"]["status"] == "n/a"
    assert questions["results.review"]["reason"] == "no review yet"
    assert questions["results.comment"]["status"] == "unanswered"


def test_ctrl_c_saves_and_resume_goes_on_where_it_stopped(work: Path) -> None:
    child = spawn(work)
    child.expect_exact(PROMPT)
    reply(child, "2")
    reply(child, "1")
    child.sendcontrol("c")
    output, code = finish(child)
    assert code == 130
    assert flat(output) == ("Interrupted; 2 answers are saved in answers.yaml. To go on: crmcheck interview tiny "
                            "-o answers.yaml --questionnaires qs")
    assert answers_of(work / "answers.yaml", work / "qs") == {"basics.owner": False, "basics.practice": 1}
    assert not (work / "answers.yaml.lock").exists()

    child = spawn(work, "--section", "basics")
    child.expect_exact(PROMPT)
    shown = flat(child.before)
    assert "Resuming answers.yaml: 2 of 3 questions already answered; going on at question 3." in shown
    assert "Which channels are logged on the customer record?" in shown
    child.sendcontrol("d")
    output, code = finish(child)
    assert code == 130
    assert ("To go on: crmcheck interview tiny -o answers.yaml --section basics --questionnaires qs"
            in flat(output))


def test_sigterm_is_an_interruption_too(work: Path) -> None:
    child = spawn(work)
    child.expect_exact(PROMPT)
    reply(child, "1")
    child.kill(signal.SIGTERM)
    output, code = finish(child)
    assert code == 130
    assert "Interrupted; 1 answer is saved in answers.yaml." in flat(output)
    assert answers_of(work / "answers.yaml", work / "qs") == {"basics.owner": True}


REPLIES: dict[str, list[tuple[str, object]]] = {
    "basics.owner": [("1", True), ("2", False)],
    "basics.practice": [(str(v), v) for v in range(5)],
    "basics.channels": [("1 3", ["email", "chat"]), ("2", ["phone"]), ("0", []), ("3 2 1", ["chat", "phone", "email"])],
    "results.speed": [("4", 4), ("12", 12), ("0.5", "0.5"), ("3", 3)],
    "results.review": [("1", "never"), ("2", "yearly"), ("3", "monthly")],
    "results.comment": [("kill test", "kill test"), ("all fine", "all fine")],
}


def test_sigkill_at_random_moments_never_loses_a_confirmed_answer(work: Path) -> None:
    """Kill -9 at random moments, over and over: the file is always absent or valid, with every confirmed answer.

    A run starts (or resumes) an interview, answers a few questions, waiting for each "✓ saved", then kills
    the process: while it starts, while it waits at a prompt, right after an answer is typed, or while a save
    is under way (seen by its temp file; half the runs slow fsync down to widen that window). The next run
    on the same file takes over the stale lock and goes on.
    """
    rng = random.Random(20261102)
    qdir = work / "qs"
    stats: Counter[str] = Counter()
    chain = 0
    out: Path | None = None
    confirmed: dict[str, object] = {}
    for run in range(KILL_RUNS):
        if out is None or len(confirmed) >= len(REPLIES) - 1 or run % 4 == 0:
            chain += 1
            out, confirmed = work / f"kill-{chain}.yaml", {}
        stale_lock = (work / f"{out.name}.lock").exists()
        temp_before = set(work.glob(f".{out.name}.*.tmp"))
        slow = run % 2 == 1
        child = spawn(work, out=out.name, faults={"FAULT_SLOW_FSYNC": "0.02"} if slow else None)
        in_flight: tuple[str, object] | None = None
        moment = rng.choice(["starting", "at a prompt", "just typed", "while saving"])
        if moment == "starting":
            time.sleep(rng.uniform(0.0, 0.4))
        else:
            child.expect_exact(PROMPT)
            if stale_lock:
                assert "its lock file was taken over" in flat(child.before)
                stats["stale lock taken over"] += 1
            todo = [q for q in REPLIES if q not in confirmed]
            for question in todo[: rng.randint(0, min(2, len(todo) - 1))]:
                typed, value = rng.choice(REPLIES[question])
                reply(child, typed, "✓ saved")
                confirmed[question] = value
                child.expect_exact(PROMPT)
            question = [q for q in REPLIES if q not in confirmed][0]
            typed, value = rng.choice(REPLIES[question])
            if moment != "at a prompt":
                in_flight = (question, value)
                child.sendline(typed)
                if moment == "just typed":
                    time.sleep(rng.uniform(0.0, 0.05))
                else:
                    deadline = time.monotonic() + 5
                    while not list(work.glob(f".{out.name}.*.tmp")) and time.monotonic() < deadline:
                        time.sleep(0.0005)
        child.kill(signal.SIGKILL)
        child.close(force=True)
        stats[f"killed {moment}"] += 1
        if set(work.glob(f".{out.name}.*.tmp")) - temp_before:
            stats["mid-save: a temp file was left, the target untouched by it"] += 1
        if not out.exists():
            assert confirmed == {}, f"run {run}: file gone but answers were confirmed"
            stats["file absent (killed before the first save)"] += 1
            continue
        got = answers_of(out, qdir)  # raises if the file does not load strictly
        for question, value in confirmed.items():
            assert got.get(question) == value, f"run {run}: confirmed answer {question}={value!r} lost: {got}"
        extra = {k: v for k, v in got.items() if k not in confirmed}
        if in_flight is not None and extra:
            assert extra == {in_flight[0]: in_flight[1]}, f"run {run}: unexpected answers {extra}"
            stats["in-flight answer was saved"] += 1
        else:
            assert extra == {}, f"run {run}: unexpected answers {extra}"
            if in_flight is not None:
                stats["in-flight answer was not saved"] += 1
        stats["file valid with every confirmed answer"] += 1
        confirmed = got
    print(f"\n{KILL_RUNS} SIGKILL runs:", json.dumps(dict(sorted(stats.items())), indent=2))
    assert sum(v for k, v in stats.items() if k.startswith("killed ")) == KILL_RUNS
    assert stats["file valid with every confirmed answer"] + stats["file absent (killed before the first save)"] \
        == KILL_RUNS
    assert stats["killed while saving"] > 5
    assert stats["mid-save: a temp file was left, the target untouched by it"] > 5
    assert stats["stale lock taken over"] > 0


def test_a_failed_save_leaves_the_previous_file_intact(work: Path) -> None:
    # saves onto answers.yaml: 1 = the new file, 2 = first answer, 3 = second answer (fails twice)
    child = spawn(work, faults={"FAULT_FAIL_REPLACE": "answers.yaml:3:2"})
    child.expect_exact(PROMPT)
    reply(child, "1")
    before = (work / "answers.yaml").read_text()
    shown = flat(reply(child, "4", "Press Enter to try again, or type q to stop: "))
    assert "Could not save: answers.yaml: cannot write: No space left on device" in shown
    assert "answers.yaml still holds what was saved before (1 answer); nothing in it was changed." in shown
    assert (work / "answers.yaml").read_text() == before
    assert list(work.glob(".answers.yaml.*.tmp")) == []
    reply(child, "", "Press Enter to try again, or type q to stop: ")  # fails again
    assert (work / "answers.yaml").read_text() == before
    assert "✓ saved: 4 Measured and improved" in reply(child, "")  # the third try works
    assert answers_of(work / "answers.yaml", work / "qs") == {"basics.owner": True, "basics.practice": 4}
    child.sendcontrol("c")
    assert finish(child)[1] == 130

    child = spawn(work, faults={"FAULT_FAIL_REPLACE": "answers.yaml:1:99"})
    child.expect_exact(PROMPT)
    reply(child, "1 2", "Press Enter to try again, or type q to stop: ")
    child.sendline("q")
    output, code = finish(child)
    assert code == 2
    assert flat(output).endswith("answers.yaml: cannot write: No space left on device Stopped: the last change could "
                                 "not be saved; 2 answers are saved in answers.yaml. To go on: crmcheck interview "
                                 "tiny -o answers.yaml --questionnaires qs")
    assert answers_of(work / "answers.yaml", work / "qs") == {"basics.owner": True, "basics.practice": 4}


def test_resume_after_the_questionnaire_changed(work: Path) -> None:
    child = spawn(work)
    child.expect_exact(PROMPT)
    for typed in ("1", "3", "1 2", "4", "3"):
        reply(child, typed)
    child.sendcontrol("c")
    assert finish(child)[1] == 130
    write_questionnaire(work / "qs", TINY_V2)
    child = spawn(work, header=False)
    child.expect_exact(PROMPT)
    shown = flat(child.before)
    assert "tiny has changed from version 1 to 2 since answers.yaml was saved." in shown
    assert ("1 answer to questions that are no longer in tiny v2 is kept in the file as comments (not scored): "
            "results.review.") in shown
    assert ("1 question changed and will be asked again (the earlier answers are kept as comments): "
            "basics.practice.") in shown
    assert "Resuming answers.yaml: 3 of 6 questions already answered; going on at question 2." in shown
    assert "Answered for version 1 of the questionnaire, before this question changed: 3" in shown
    reply(child, "1")
    child.sendcontrol("c")
    assert finish(child)[1] == 130
    body = (work / "answers.yaml").read_text()
    assert read_kept(body) == [KeptLine("tiny", 1, "answer", "basics.practice", "3"),
                               KeptLine("tiny", 1, "answer", "results.review", "monthly")]
    assert answers_of(work / "answers.yaml", work / "qs") == {
        "basics.data-owner": True, "basics.practice": True, "basics.channels": ["email", "phone"],
        "results.speed": 4}
    check = run_cli("validate", str(work / "answers.yaml"), "--questionnaires", str(work / "qs"))
    assert check.code == 0, check.err


def test_a_second_interview_on_the_same_file_is_refused(work: Path) -> None:
    first = spawn(work)
    first.expect_exact(PROMPT)
    second = spawn(work)
    output, code = finish(second)
    assert code == 2
    assert flat(output) == (f"answers.yaml: another interview (process {first.pid}) is writing this file; finish "
                            "that one first (the lock is answers.yaml.lock)")
    assert "✓ saved: yes" in reply(first, "1")  # the first goes on undisturbed
    first.kill(signal.SIGKILL)
    first.close(force=True)
    third = spawn(work)
    third.expect_exact(PROMPT)
    assert (f"An earlier interview on this file (process {first.pid}) ended without closing it; its lock file was "
            "taken over.") in flat(third.before)
    third.sendline("q")
    assert finish(third)[1] == 0


def test_standard_input_that_is_not_a_terminal_is_refused(work: Path) -> None:
    result = run_cli("interview", "tiny", "-o", str(work / "answers.yaml"), "--questionnaires", str(work / "qs"),
                     stdin="1\n")
    assert result.code == 2
    assert result.err == ("the interview needs a person at a terminal, and standard input is not one. To fill in "
                          "answers without a terminal, write a blank answers file with `crmcheck new QUESTIONNAIRE "
                          "-o FILE`, edit it, then check it with `crmcheck validate FILE`\n")
    assert not (work / "answers.yaml").exists()


def test_no_color_and_80_columns(work: Path) -> None:
    child = spawn(work)
    child.expect_exact(PROMPT)
    shown = str(child.before) + reply(child, "1")
    child.sendcontrol("c")
    finish(child)
    assert "\x1b[" not in shown
    lines = shown.split("\r\n")
    assert max(len(line) for line in lines) <= 80
    question = [line for line in lines if line and line in TINY_V1_PRACTICE_WORDS]
    assert len(question) == 4  # the long question wraps at words onto four lines
    assert " ".join(question) == TINY_V1_PRACTICE_WORDS

    coloured = spawn(work, color=True)
    coloured.expect_exact("> ")
    assert re.search(r"\x1b\[[0-9;]*m", str(coloured.before))
    coloured.sendcontrol("c")
    finish(coloured)
