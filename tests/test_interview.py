"""The interview's logic, driven in-process through an injected terminal: replies, saving, resuming, changes."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from crmcheck.answers.layout import KeptLine, read_kept
from crmcheck.answers.lock import AnswersLock, lock_path
from crmcheck.answers.model import load_answers
from crmcheck.assessment import assess_file
from crmcheck.catalog import Catalog
from crmcheck.errors import CrmcheckError, InputError, Interrupted, UsageError
from crmcheck.interview import InterviewRequest, Terminal, clean_text, read_reply, run_interview
from tests.interview_fixtures import TINY_V1, TINY_V2, answers_of, write_questionnaire

WIDTH = 80


class Script:
    """A terminal that types the given replies, records every line shown, and raises EOFError when out."""

    def __init__(self, *replies: str | BaseException) -> None:
        self.replies = list(replies)
        self.lines: list[str] = []
        self.prompts: list[str] = []

    def read(self, prompt: str) -> str:
        self.prompts.append(prompt)
        self.lines.append(prompt)
        if not self.replies:
            raise EOFError
        reply = self.replies.pop(0)
        if isinstance(reply, BaseException):
            raise reply
        self.lines.append(f"<{reply}>")
        return reply

    def write(self, text: str, style: str) -> None:
        self.lines.append(text)

    @property
    def terminal(self) -> Terminal:
        return Terminal(self.read, self.write, WIDTH)  # type: ignore[arg-type]

    @property
    def text(self) -> str:
        """Everything shown, with the line wrapping undone (see the short tmp_path below)."""
        return " ".join(" ".join(self.lines).split())


@pytest.fixture
def tmp_path() -> Iterator[Path]:
    """A short folder of its own: messages quote whole paths, and the interview folds lines at 80 columns.

    pytest's own tmp paths grow with the run number and xdist's worker folders, and a fold inside a quoted
    path cannot be undone reliably, so these tests keep their paths short enough never to be folded.
    """
    folder = Path(tempfile.mkdtemp(prefix="iv-"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def qdir(tmp_path: Path) -> Path:
    write_questionnaire(tmp_path / "qs")
    return tmp_path / "qs"


def request(tmp_path: Path, qdir: Path, **fields: object) -> InterviewRequest:
    base: dict[str, object] = {"questionnaire_ids": ["tiny"], "output": tmp_path / "answers.yaml",
                               "company": "Acme Corp", "assessor": "Dana Lee", "respondent": "Sam Ortiz",
                               "role": "Head of Marketing", "assessed_on": dt.date(2026, 11, 2),
                               "questionnaire_dirs": [qdir]}
    base.update(fields)
    return InterviewRequest(**base)  # type: ignore[arg-type]


def run(tmp_path: Path, qdir: Path, *replies: str | BaseException, **fields: object) -> tuple[str, Script]:
    script = Script(*replies)
    text = run_interview(request(tmp_path, qdir, **fields), Catalog([qdir]), script.terminal)
    return text, script



# ------------------------------------------------------------------ reading replies


def test_replies_are_read_as_the_answers_file_holds_them(qdir: Path) -> None:
    q = Catalog([qdir]).get("tiny")
    owner, practice, channels = (q.questions[f"basics.{i}"][1] for i in ("owner", "practice", "channels"))
    speed, review, comment = (q.questions[f"results.{i}"][1] for i in ("speed", "review", "comment"))
    assert read_reply(owner, q, "1") is True
    assert read_reply(owner, q, "No") is False
    assert read_reply(practice, q, "3") == 3
    assert read_reply(practice, q, "  practised ") == 3
    assert read_reply(channels, q, "1 3") == ["email", "chat"]
    assert read_reply(channels, q, "3,1, 3") == ["chat", "email"]
    assert read_reply(channels, q, "phone") == ["phone"]
    assert read_reply(channels, q, "0") == []
    assert read_reply(review, q, "2") == "yearly"
    assert read_reply(review, q, "monthly") == "monthly"
    assert read_reply(speed, q, "12") == 12
    decimal = read_reply(speed, q, "2.50")
    assert decimal == 2.5 and decimal.text == "2.50"
    assert read_reply(comment, q, "Nothing\x1b[2J more\u2028here") == "Nothing [2J more here"


@pytest.mark.parametrize(("question", "typed", "message"), [
    ("basics.owner", "maybe", "'maybe' is not an answer here; type 1 for yes or 2 for no"),
    ("basics.practice", "7", "'7' is not one of the choices; type a number from 0 to 4"),
    ("basics.channels", "1 9",
     "'9' is not one of the choices; type the numbers that apply (1 to 3), like 1 3, or 0 for none"),
    ("results.review", "weekly", "'weekly' is not one of the choices; type a number from 1 to 3"),
    ("results.speed", "ten", "'ten' is not a number; type digits, like 12 or 2.5"),
    ("results.speed", "-1", "-1 is below the lowest band (0)"),
    ("results.speed", "1" * 50, "cannot be used: a number written with 50 characters is too long (at most 40)"),
])
def test_a_wrong_reply_is_explained(qdir: Path, question: str, typed: str, message: str) -> None:
    q = Catalog([qdir]).get("tiny")
    with pytest.raises(ValueError) as caught:
        read_reply(q.questions[question][1], q, typed)
    assert message in str(caught.value)


def test_clean_text_drops_control_characters() -> None:
    assert clean_text(" a\tb\x00c\u0085d\u2029e ") == "a b c d e"


# ------------------------------------------------------------------ a whole interview


def test_whole_interview_saves_every_answer_and_ends_with_a_summary(tmp_path: Path, qdir: Path) -> None:
    text, script = run(
        tmp_path, qdir,
        "7", "maybe", "?", "1",           # owner: wrong twice, help, then yes
        "n", "Only the sales team", "3",  # practice: a note, then Practised
        "b", "", "1 2",                   # back to owner, keep it, channels
        "e", "crm-audit.pdf", "4",        # speed: evidence, then 4 days
        "x", "Reviews start next year",   # review: not applicable, with a reason
        "s",                              # comment: skipped
    )
    assert answers_of(tmp_path / "answers.yaml", qdir) == {
        "basics.owner": True, "basics.practice": 3, "basics.channels": ["email", "phone"],
        "results.speed": 4, "results.review": "n/a",
    }
    body = (tmp_path / "answers.yaml").read_text()
    assert "      basics.practice: {value: 3, note: \"Only the sales team\"}\n" in body
    assert "      results.speed: {value: 4, evidence: crm-audit.pdf}\n" in body
    assert "      results.review: {value: n/a, reason: \"Reviews start next year\"}\n" in body
    assert "      basics.owner: yes\n" in body
    assert "One person, named in writing, who fixes duplicates and chases missing fields." in script.text
    assert "'7' is not one of the choices; type 1 for yes or 2 for no" not in script.text
    assert "'7' is not an answer here; type 1 for yes or 2 for no" in script.text
    assert "This is the first question." not in script.text
    assert "question 3 of 6, section 1 of 2 · 2 answered" in script.text
    # the summary: basics = (1 + 0.75 + 3/4)/3 = 83.3; results = 0.5 (4 days) = 50.0 -> mean 66.7
    assert "Tiny check (tiny v1): score 66.7, level 3 Defined, 100% complete" in text
    assert "  Results                                                 50.0  3 Defined" in text
    assert "crmcheck report " + str(tmp_path / "answers.yaml") in text
    result = assess_file(str(tmp_path / "answers.yaml"), Catalog([qdir]))
    assert [s.score for s in result.questionnaires[0].sections] == [83.3, 50.0]


def test_lines_fit_80_columns(tmp_path: Path, qdir: Path) -> None:
    text, script = run(tmp_path, qdir, "1", "3", "1 2 3", "2.5", "3", "A long answer " * 20)
    shown = [line for line in script.lines if not line.startswith("<")]  # not the replies typed
    assert max(len(line) for line in shown + text.splitlines() if str(tmp_path) not in line) <= 80
    assert "without asking a colleague or searching their mailbox first?" in script.text


def test_header_is_asked_when_not_given(tmp_path: Path, qdir: Path) -> None:
    _, script = run(tmp_path, qdir, "", "Acme Corp", "", "Sam", "", "2026-13-01", "2026-11-02", "q",
                    company=None, assessor=None, respondent=None, role=None, assessed_on=None)
    assert "Company being assessed is needed." in script.text
    assert "'2026-13-01' is not a date; write it as YYYY-MM-DD" in script.text
    source = load_answers(str(tmp_path / "answers.yaml"))
    assert source.answers.company == "Acme Corp"
    assert source.answers.assessor is None
    assert source.answers.respondent is not None and source.answers.respondent.name == "Sam"
    assert source.answers.assessed_on == dt.date(2026, 11, 2)


def test_quit_saves_and_prints_the_resume_command(tmp_path: Path, qdir: Path) -> None:
    text, _ = run(tmp_path, qdir, "1", "q")
    out = tmp_path / "answers.yaml"
    assert text == (f"Saved and stopped; 1 answer is saved in {out}.\n"
                    f"To go on: crmcheck interview tiny -o {out} --questionnaires {qdir}\n")


def test_end_of_input_is_an_interruption_with_the_resume_command(tmp_path: Path, qdir: Path) -> None:
    with pytest.raises(Interrupted) as caught:
        run(tmp_path, qdir, "1", "2")
    out = tmp_path / "answers.yaml"
    assert caught.value.exit_code == 130
    assert caught.value.lines() == [f"Interrupted; 2 answers are saved in {out}.",
                                    f"To go on: crmcheck interview tiny -o {out} --questionnaires {qdir}"]
    assert not lock_path(out).exists()


def test_ctrl_c_before_the_file_exists_creates_nothing(tmp_path: Path, qdir: Path) -> None:
    with pytest.raises(Interrupted) as caught:
        run(tmp_path, qdir, KeyboardInterrupt(), company=None)
    assert caught.value.lines()[0].startswith("Interrupted; nothing was saved and ")
    assert not (tmp_path / "answers.yaml").exists()


def test_resume_starts_at_the_first_unanswered_question(tmp_path: Path, qdir: Path) -> None:
    with pytest.raises(Interrupted):
        run(tmp_path, qdir, "1", "s", "1")
    _, script = run(tmp_path, qdir, "q", company=None, assessor=None, respondent=None, role=None,
                    assessed_on=None)
    assert (f"Resuming {tmp_path / 'answers.yaml'}: 2 of 6 questions already answered; going on at "
            "question 2.") in script.text
    assert "How well do sales, marketing and service keep the same customer record up to date" in script.text


def test_section_option_asks_only_that_section(tmp_path: Path, qdir: Path) -> None:
    text, script = run(tmp_path, qdir, "4", "monthly", "fine", sections=["results"])
    assert "question 1 of 3, section 1 of 1 · 0 answered" in script.text
    assert answers_of(tmp_path / "answers.yaml", qdir) == {"results.speed": 4, "results.review": "monthly",
                                                           "results.comment": "fine"}
    assert "Keeping every customer record" in text  # the summary shows every section
    with pytest.raises(UsageError, match="--section: no section 'nope'"):
        run(tmp_path, qdir, sections=["nope"])


def test_everything_answered_says_so_and_summarises(tmp_path: Path, qdir: Path) -> None:
    run(tmp_path, qdir, "1", "4", "1 2 3", "1", "3", "none")
    text, script = run(tmp_path, qdir)
    assert "Every one of the 6 questions in this interview is answered." in script.text
    assert "score 100.0, level 5 Leading" in text


# ------------------------------------------------------------------ resuming a file that changed


def test_a_file_that_does_not_load_is_never_overwritten(tmp_path: Path, qdir: Path) -> None:
    out = tmp_path / "answers.yaml"
    broken = "format: 1\ncompany: Acme\nassessed_on: 2026-11-02\nquestionnaires:\n  tiny:\n    answers:\n" \
             "      basics.practice: 9\n"
    out.write_text(broken)
    with pytest.raises(InputError) as caught:
        run(tmp_path, qdir, "1", company=None)
    assert caught.value.lines() == [
        f"{out}:7:24: basics.practice: '9' is not on the practice scale; use one of 0 (Not done), 1 (Ad hoc), "
        "2 (Defined), 3 (Practised), 4 (Measured and improved), or n/a",
        f"the interview did not change {out}; fix it (crmcheck validate {out} shows every problem) and run the "
        "command again",
    ]
    assert out.read_text() == broken
    out.write_text("format: 1\ncompany: [oops\n")
    with pytest.raises(InputError, match="invalid YAML"):
        run(tmp_path, qdir, company=None)
    assert out.read_text() == "format: 1\ncompany: [oops\n"


def test_header_options_that_contradict_the_file_are_refused(tmp_path: Path, qdir: Path) -> None:
    run(tmp_path, qdir, "q")
    with pytest.raises(UsageError, match="this file holds company 'Acme Corp' but --company says 'Other'"):
        run(tmp_path, qdir, "q", company="Other")


def test_resume_after_the_questionnaire_changed(tmp_path: Path, qdir: Path) -> None:
    run(tmp_path, qdir, "1", "3", "1 2", "12", "3", "none")
    write_questionnaire(qdir, TINY_V2)
    out = tmp_path / "answers.yaml"
    _, script = run(tmp_path, qdir, "2", "q", company=None)
    text = script.text
    assert "tiny has changed from version 1 to 2 since " in text
    assert "1 answer to questions that are no longer in tiny v2 is kept in the file as comments (not scored): " \
           "results.review." in text
    assert "1 question changed and will be asked again (the earlier answers are kept as comments): " \
           "basics.practice." in text
    assert "Renamed questions, answers carried over: basics.owner → basics.data-owner." in text
    assert "Answered for version 1 of the questionnaire, before this question changed: 3" in text
    body = out.read_text()
    assert "      #~ tiny v1 answer results.review: monthly\n" in body
    assert "      #~ tiny v1 answer basics.practice: 3\n" in body
    assert "      basics.data-owner: yes\n" in body
    assert "      basics.practice: no\n" in body
    assert read_kept(body) == [KeptLine("tiny", 1, "answer", "basics.practice", "3"),
                               KeptLine("tiny", 1, "answer", "results.review", "monthly")]
    assert answers_of(out, qdir) == {"basics.data-owner": True, "basics.practice": False,
                                     "basics.channels": ["email", "phone"], "results.speed": 12,
                                     "results.comment": "none"}
    # the kept lines survive every later save, and a kept answer comes back when its question does
    run(tmp_path, qdir, "s", "q", company=None)
    assert read_kept(out.read_text()) == [KeptLine("tiny", 1, "answer", "basics.practice", "3"),
                                          KeptLine("tiny", 1, "answer", "results.review", "monthly")]
    write_questionnaire(qdir, TINY_V2.replace("version: 2", "version: 3") + TINY_V1[TINY_V1.index(
        "      - id: review"):TINY_V1.index("      - id: comment")])
    _, script = run(tmp_path, qdir, "q", company=None)
    assert "Kept answers whose questions are back, restored: results.review." in script.text
    assert read_kept(out.read_text()) == [KeptLine("tiny", 1, "answer", "basics.practice", "3")]
    assert answers_of(out, qdir)["results.review"] == "monthly"


def test_hand_written_comments_are_kept_in_a_backup(tmp_path: Path, qdir: Path) -> None:
    out = tmp_path / "answers.yaml"
    original = ("# Our notes from the March workshop\nformat: 1\ncompany: Acme Corp\nassessed_on: 2026-11-02\n"
                "questionnaires:\n  tiny:\n    answers:\n      basics.owner: yes  # checked with Sam\n")
    out.write_text(original)
    _, script = run(tmp_path, qdir, "q", company=None, assessor=None, respondent=None, role=None)
    assert (f"{out} had 2 lines of its own comments; the interview writes the standard layout, so the file as "
            f"it was is kept in {out}.bak.") in script.text
    assert (tmp_path / "answers.yaml.bak").read_text() == original
    assert answers_of(out, qdir) == {"basics.owner": True}


# ------------------------------------------------------------------ saving


def test_a_failed_save_keeps_the_previous_file_and_can_be_retried(
        tmp_path: Path, qdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "answers.yaml"
    real_replace = os.replace
    failures = {"left": 0}

    def replace(src: str, dst: str) -> None:
        if str(dst) == str(out) and failures["left"]:
            failures["left"] -= 1
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)

    script = Script("1")
    terminal = script.terminal

    seen_while_failing = []

    def read(prompt: str) -> str:  # typing 3 for the second question makes the next save fail once
        if "try again" in prompt:
            seen_while_failing.append(answers_of(out, qdir))
        reply = script.read(prompt)
        if reply == "3":
            failures["left"] = 1
        return reply

    script.replies += ["3", "", "q"]  # Enter at "try again"
    run_interview(request(tmp_path, qdir), Catalog([qdir]), Terminal(read, terminal.write, 80))
    assert f"Could not save: {out}: cannot write: No space left on device" in script.text
    assert f"{out} still holds what was saved before (1 answer); nothing in it was changed." in script.text
    assert seen_while_failing == [{"basics.owner": True}]
    assert answers_of(out, qdir) == {"basics.owner": True, "basics.practice": 3}
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []

    failures["left"] = 5
    script = Script("1 2", "q")
    with pytest.raises(InputError) as caught:
        run_interview(request(tmp_path, qdir), Catalog([qdir]), script.terminal)
    assert caught.value.lines() == [
        f"{out}: cannot write: No space left on device",
        f"Stopped: the last change could not be saved; 2 answers are saved in {out}.",
        f"To go on: crmcheck interview tiny -o {out} --questionnaires {qdir}",
    ]
    assert answers_of(out, qdir) == {"basics.owner": True, "basics.practice": 3}
    assert not lock_path(out).exists()


def test_saved_text_is_the_layout_of_crmcheck_new(tmp_path: Path, qdir: Path) -> None:
    from crmcheck.answers.layout import Header, dump_answers

    run(tmp_path, qdir, "q")
    q = Catalog([qdir]).get("tiny")
    header = Header(company="Acme Corp", assessed_on=dt.date(2026, 11, 2), assessor="Dana Lee",
                    respondent={"name": "Sam Ortiz", "role": "Head of Marketing", "lens": "company"})
    assert (tmp_path / "answers.yaml").read_text() == dump_answers(header, [q], lens="company")
    assert (tmp_path / "answers.schema.json").is_file()


def test_other_questionnaires_in_the_file_are_kept(tmp_path: Path, qdir: Path) -> None:
    run(tmp_path, qdir, "1", "q", questionnaire_ids=["tiny", "crm-mistakes"])
    run(tmp_path, qdir, "q", company=None)
    source = load_answers(str(tmp_path / "answers.yaml"))
    assert list(source.answers.questionnaires) == ["tiny", "crm-mistakes"]


# ------------------------------------------------------------------ the lock


def test_a_second_lock_on_the_same_file_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "answers.yaml"
    with AnswersLock(target):
        assert lock_path(target).read_text() == f"{os.getpid()}\n"
        with pytest.raises(UsageError, match=rf"another interview \(process {os.getpid()}\) is writing this file"):
            AnswersLock(target).acquire()
    assert not lock_path(target).exists()


def test_a_stale_lock_is_taken_over(tmp_path: Path) -> None:
    target = tmp_path / "answers.yaml"
    lock_path(target).write_text("999999999\n")
    lock = AnswersLock(target)
    with lock:
        assert lock.taken_over and lock.taken_over_from == 999999999
        assert lock_path(target).read_text() == f"{os.getpid()}\n"


def test_interview_refuses_a_file_another_interview_holds(tmp_path: Path, qdir: Path) -> None:
    with AnswersLock(tmp_path / "answers.yaml"), pytest.raises(UsageError, match="another interview"):
        run(tmp_path, qdir, "1")
    assert not (tmp_path / "answers.yaml").exists()


def test_tiny_v2_really_changes_what_the_tests_say() -> None:
    assert "renamed_from: [basics.owner]" in TINY_V2 and "id: target" in TINY_V2
    assert "id: review" not in TINY_V2 and TINY_V2.count("type: yes_no") == 3
    assert TINY_V1.count("type: yes_no") == 1


def test_a_target_that_is_not_a_regular_file_is_refused(tmp_path: Path, qdir: Path) -> None:
    os.mkfifo(tmp_path / "answers.yaml")
    with pytest.raises(UsageError, match="is not a regular file"):
        run(tmp_path, qdir, "1")
    assert not (tmp_path / "answers.yaml").is_file()


def test_answers_are_described_with_labels_and_units(qdir: Path) -> None:
    from crmcheck.answers.model import Answer
    from crmcheck.interview import describe

    q = Catalog([qdir]).get("tiny")
    question = q.questions
    assert describe(question["basics.practice"][1], q, Answer(value=3)) == "3 Practised"
    assert describe(question["basics.owner"][1], q, Answer(value="no")) == "no"
    assert describe(question["basics.channels"][1], q, Answer(value=[])) == "none of these"
    assert describe(question["results.speed"][1], q, Answer(value=4)) == "4 days"
    assert describe(question["results.review"][1], q, Answer(value="n/a", reason="new team")) == \
        "not applicable (new team)"
    assert describe(question["results.review"][1], q, None) == "not answered"


# ------------------------------------------------------------------ moving between questions


def _asked_numbers(script: Script) -> list[int]:
    """The question numbers shown, in order ('question 4 of 6, ...')."""
    return [int(line.split()[1]) for line in script.lines if line.startswith("question ") and " of " in line]


def test_after_a_resume_the_interview_goes_from_one_unanswered_question_to_the_next(
        tmp_path: Path, qdir: Path) -> None:
    with pytest.raises(Interrupted):  # owner and channels and review answered; practice and speed skipped
        run(tmp_path, qdir, "1", "s", "1", "s", "2")
    _, script = run(tmp_path, qdir, "3", "4", "q", company=None)
    assert _asked_numbers(script) == [2, 4, 6]  # never channels (3) nor review (5)
    assert "Current answer" not in script.text
    assert answers_of(tmp_path / "answers.yaml", qdir) == {
        "basics.owner": True, "basics.practice": 3, "basics.channels": ["email"], "results.speed": 4,
        "results.review": "yearly"}


def test_back_and_go_to_still_reach_answered_questions(tmp_path: Path, qdir: Path) -> None:
    with pytest.raises(Interrupted):
        run(tmp_path, qdir, "1", "s", "1", "s", "2")
    _, script = run(tmp_path, qdir,
                    "b",               # at practice (2): back to owner (1), answered
                    "",                # Enter keeps it and goes on to the next unanswered one: practice (2)
                    "g results",       # a section by id: its first question, speed (4)
                    "g basics.channels",  # a question by id (3), answered
                    "2 3",             # a new answer, then on to the next unanswered after it: speed (4)
                    "g 1",             # a section by number: owner (1)
                    "g nope",          # explained, stays
                    "g", "results",    # g alone lists the sections, then asks which
                    "q", company=None)
    assert _asked_numbers(script) == [2, 1, 2, 4, 3, 4, 1, 4]
    assert "Current answer: yes (Enter keeps it)" in script.text
    assert "Current answer: Email (Enter keeps it)" in script.text
    assert ("'nope' is not a section or question of this interview; type g alone to list the sections."
            in script.text)
    assert "1 basics · Keeping every customer record in one place that the whole company can see and trust " \
           "(2 of 3 answered)" in script.text
    assert "2 results · Results (1 of 3 answered)" in script.text
    assert answers_of(tmp_path / "answers.yaml", qdir)["basics.channels"] == ["phone", "chat"]


def test_g_with_words_is_a_text_answer_when_it_names_no_section(tmp_path: Path, qdir: Path) -> None:
    with pytest.raises(Interrupted):
        run(tmp_path, qdir, "1", "3", "1", "4", "2")
    _, script = run(tmp_path, qdir, "g basics", "", "g good work", company=None)
    assert _asked_numbers(script) == [6, 1, 6]  # g basics went to owner; Enter came back to the open question
    assert answers_of(tmp_path / "answers.yaml", qdir)["results.comment"] == "g good work"


# ------------------------------------------------------------------ where the answers file goes


def test_missing_folders_above_the_answers_file_are_created(tmp_path: Path, qdir: Path) -> None:
    out = tmp_path / "clients" / "acme" / "b.yaml"
    text, _ = run(tmp_path, qdir, "1", "q", output=out)
    assert answers_of(out, qdir) == {"basics.owner": True}
    assert (out.parent / "answers.schema.json").is_file()
    assert not lock_path(out).exists()
    assert f"1 answer is saved in {out}" in text


def test_folders_made_for_an_interview_that_saved_nothing_are_removed(tmp_path: Path, qdir: Path) -> None:
    out = tmp_path / "clients" / "acme" / "b.yaml"
    with pytest.raises(Interrupted):
        run(tmp_path, qdir, KeyboardInterrupt(), output=out, company=None)
    assert not (tmp_path / "clients").exists()


def test_a_file_in_the_way_of_a_folder_is_explained(tmp_path: Path, qdir: Path) -> None:
    (tmp_path / "clients").write_text("not a folder\n")
    with pytest.raises(InputError) as caught:
        run(tmp_path, qdir, "1", output=tmp_path / "clients" / "acme" / "b.yaml")
    assert caught.value.lines() == [f"{tmp_path / 'clients' / 'acme' / 'b.yaml'}: cannot create the folder "
                                    f"{tmp_path / 'clients'}: a file of that name is in the way"]
    assert (tmp_path / "clients").read_text() == "not a folder\n"


@pytest.mark.parametrize("mode", [0o444, 0o400, 0o555])
def test_a_read_only_answers_file_is_refused_before_anything_is_asked(
        tmp_path: Path, qdir: Path, mode: int) -> None:
    out = tmp_path / "answers.yaml"
    run(tmp_path, qdir, "1", "q")
    before = out.read_bytes()
    out.chmod(mode)  # the tests may run as root, who could write it anyway: the mode bits must decide
    script = Script("2", "q")
    with pytest.raises(UsageError) as caught:
        run_interview(request(tmp_path, qdir, company=None), Catalog([qdir]), script.terminal)
    assert caught.value.exit_code == 2
    assert caught.value.lines() == [
        f"{out}: the file is read-only (mode {mode:04o}), and the interview saves after every answer; make it "
        "writable (chmod u+w) or give another -o FILE"]
    assert script.prompts == []  # refused up front: not a question asked
    assert out.read_bytes() == before and not lock_path(out).exists()
    assert stat_mode(out) == mode


def stat_mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


# ------------------------------------------------------------------ the file changed while the interview waited


def run_with_edit(tmp_path: Path, qdir: Path, edit_before: str, edit: object, *replies: str,
                  **fields: object) -> Script:
    """Run an interview whose file is changed by `edit(path)` just before the reply `edit_before` is typed."""
    script = Script(*replies)
    done = {"edited": False}

    def read(prompt: str) -> str:
        if not done["edited"] and script.replies and script.replies[0] == edit_before and prompt == "> ":
            done["edited"] = True
            edit(tmp_path / "answers.yaml")  # type: ignore[operator]
        return script.read(prompt)

    run_interview(request(tmp_path, qdir, **fields), Catalog([qdir]), Terminal(read, script.write, WIDTH))
    assert done["edited"]
    return script


def test_a_hand_edit_while_the_interview_waits_is_merged_not_overwritten(tmp_path: Path, qdir: Path) -> None:
    out = tmp_path / "answers.yaml"

    def edit(path: Path) -> None:  # another editor: a new answer with a comment, and a change to owner
        body = path.read_text()
        body = body.replace("      basics.owner: yes\n", "      basics.owner: no\n")
        body = body.replace("      results.speed:\n", "      results.speed: 7  # from the March audit\n")
        path.write_text(body)

    script = run_with_edit(tmp_path, qdir, "3", edit, "1", "3", "q")
    # this interview's answers kept (owner yes, practice 3); the file's own new answer taken in (speed 7)
    assert answers_of(out, qdir) == {"basics.owner": True, "basics.practice": 3, "results.speed": 7}
    assert "was changed by another program at " in script.text
    assert "From the file: results.speed." in script.text
    assert "Changed in the file and in this interview, this interview's answer kept: basics.owner." in script.text
    backup = tmp_path / "answers.yaml.bak"
    assert (f"The file as it was changed is kept in {backup} (its 1 line of comments and the answers it gave "
            "would otherwise be lost).") in script.text
    held = backup.read_text()
    assert "results.speed: 7  # from the March audit\n" in held and "basics.owner: no\n" in held
    # nothing more is merged at the next save: the file is as this interview wrote it
    _, again = run(tmp_path, qdir, "1 2", "q", company=None)
    assert "changed by another program" not in again.text


def test_an_unchanged_file_with_a_new_mtime_is_not_a_change(tmp_path: Path, qdir: Path) -> None:
    def touch(path: Path) -> None:
        os.utime(path, (1_000_000_000, 1_000_000_000))

    script = run_with_edit(tmp_path, qdir, "3", touch, "1", "3", "q")
    assert "changed by another program" not in script.text
    assert not (tmp_path / "answers.yaml.bak").exists()


def test_a_removed_hand_answer_is_removed_and_a_removed_file_is_written_again(tmp_path: Path, qdir: Path) -> None:
    with pytest.raises(Interrupted):
        run(tmp_path, qdir, "1", "3")

    def unanswer(path: Path) -> None:
        path.write_text(path.read_text().replace("      basics.practice: 3\n", "      basics.practice:\n"))

    script = run_with_edit(tmp_path, qdir, "4", unanswer, "1 2", "4", "q", company=None)
    assert answers_of(tmp_path / "answers.yaml", qdir) == {"basics.owner": True, "basics.channels": ["email", "phone"],
                                                           "results.speed": 4}
    assert "From the file: basics.practice." in script.text

    script = run_with_edit(tmp_path, qdir, "3", Path.unlink, "3", "q", company=None)
    assert "was removed while the interview waited; it is written again" in script.text
    assert answers_of(tmp_path / "answers.yaml", qdir) == {"basics.owner": True, "basics.practice": 3,
                                                           "basics.channels": ["email", "phone"], "results.speed": 4}


def test_a_hand_edit_that_breaks_the_file_stops_the_interview_and_loses_nothing(tmp_path: Path, qdir: Path) -> None:
    out = tmp_path / "answers.yaml"
    broken: dict[str, str] = {}

    def breaks(path: Path) -> None:
        broken["text"] = path.read_text().replace("\nformat: 1\n", "\nformat: [1\n")
        assert broken["text"] != path.read_text()
        path.write_text(broken["text"])

    with pytest.raises(CrmcheckError) as caught:
        run_with_edit(tmp_path, qdir, "3", breaks, "1", "3", "q")
    assert caught.value.exit_code == 2
    lines = caught.value.lines()
    rescue = tmp_path / "answers.yaml.interview"
    assert lines[0].startswith(f"{out}:6:8: invalid YAML: ")
    assert lines[1:] == [
        f"{out} was changed by another program while the interview waited, and it no longer loads; the interview "
        "left it as it is",
        f"the answers of this interview (the file as it would have saved it) are in {rescue}",
        f"fix {out} (crmcheck validate {out} shows every problem), then go on: crmcheck interview tiny -o {out} "
        f"--questionnaires {qdir}",
    ]
    assert out.read_text() == broken["text"]  # the hand edit, untouched
    assert answers_of(rescue, qdir) == {"basics.owner": True, "basics.practice": 3}
    assert not lock_path(out).exists()


# ------------------------------------------------------------------ links to the answers file


def test_a_symlink_to_a_file_being_interviewed_hits_the_same_lock(tmp_path: Path, qdir: Path) -> None:
    (tmp_path / "real").mkdir()
    real = tmp_path / "real" / "answers.yaml"
    run(tmp_path, qdir, "1", "q", output=real)
    link = tmp_path / "answers.yaml"
    link.symlink_to(real)
    with AnswersLock(real), pytest.raises(UsageError, match="another interview"):
        run(tmp_path, qdir, "2", output=link, company=None)
    assert answers_of(real, qdir) == {"basics.owner": True}


def test_saves_through_a_symlink_write_the_real_file_and_keep_the_link(tmp_path: Path, qdir: Path) -> None:
    (tmp_path / "real").mkdir()
    real = tmp_path / "real" / "answers.yaml"
    run(tmp_path, qdir, "1", "q", output=real)
    link = tmp_path / "answers.yaml"
    link.symlink_to(Path("real") / "answers.yaml")  # relative, as `ln -s` often makes them
    text, _ = run(tmp_path, qdir, "3", "q", output=link, company=None)
    assert link.is_symlink() and os.readlink(link) == str(Path("real") / "answers.yaml")
    assert answers_of(real, qdir) == {"basics.owner": True, "basics.practice": 3}
    assert f"2 answers are saved in {link}" in text  # messages say the name given
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith((".lock", ".tmp"))] == []


def test_a_hard_link_to_a_file_being_interviewed_hits_the_same_lock(tmp_path: Path, qdir: Path) -> None:
    first = tmp_path / "answers.yaml"
    run(tmp_path, qdir, "1", "q")
    (tmp_path / "other").mkdir()
    second = tmp_path / "other" / "same.yaml"
    os.link(first, second)
    with AnswersLock(first), pytest.raises(UsageError) as caught:
        run(tmp_path, qdir, "2", output=second, company=None)
    assert caught.value.lines() == [f"{second}: another interview is writing this file through another of its 2 "
                                    "names (a hard link); finish that one first"]
    assert not lock_path(second).exists()


def test_saves_through_a_hard_link_reach_every_name(tmp_path: Path, qdir: Path) -> None:
    first = tmp_path / "answers.yaml"
    run(tmp_path, qdir, "1", "q")
    second = tmp_path / "same.yaml"
    os.link(first, second)
    inode = first.stat().st_ino
    run(tmp_path, qdir, "3", "1 2", "q", output=second, company=None)
    assert first.stat().st_ino == second.stat().st_ino == inode and first.stat().st_nlink == 2
    assert answers_of(first, qdir) == {"basics.owner": True, "basics.practice": 3,
                                       "basics.channels": ["email", "phone"]}
    assert not (tmp_path / "same.yaml.saving").exists()


def test_a_save_into_a_hard_linked_file_cut_short_is_completed(tmp_path: Path, qdir: Path) -> None:
    first = tmp_path / "answers.yaml"
    run(tmp_path, qdir, "1", "3", "q")
    complete = first.read_text()
    os.link(first, tmp_path / "same.yaml")
    run(tmp_path, qdir, "s", "q", company=None)
    # what a kill in the middle of writing into the file leaves: the whole new text beside it, half of it inside
    (tmp_path / "answers.yaml.saving").write_text(complete)
    with open(first, "r+") as handle:
        handle.truncate(len(complete) // 2)
    _, script = run(tmp_path, qdir, "q", company=None)
    assert (f"An earlier save into {first} was cut short; it was completed from answers.yaml.saving."
            in script.text)
    assert answers_of(tmp_path / "same.yaml", qdir) == {"basics.owner": True, "basics.practice": 3}
    assert not (tmp_path / "answers.yaml.saving").exists()


def test_after_a_jump_ahead_the_questions_left_open_before_it_come_next(tmp_path: Path, qdir: Path) -> None:
    run(tmp_path, qdir, "1", "3", "q")  # owner and practice; q at channels
    text, script = run(tmp_path, qdir,
                    "g results.review",  # at channels (3), open: jump ahead to review (5)
                    "2",                 # answered: comment (6) is the next open one after it
                    "s",                 # skipped: nothing open after it, so channels (3), left open before
                    "s",                 # skipped too: then speed (4)
                    "s",                 # skipped: every open question was skipped in this session, the end
                    company=None)
    assert _asked_numbers(script) == [3, 5, 6, 3, 4]
    assert "3 questions are not answered yet; to answer them:" in " ".join(text.split())
    assert answers_of(tmp_path / "answers.yaml", qdir) == {"basics.owner": True, "basics.practice": 3,
                                                           "results.review": "yearly"}
