"""The interview: ask a questionnaire's questions at a terminal, saving the answers file after every answer.

Where things are:
- replies.py      what a person types, read into an answer value (and an answer shown back in words)
- session.py      the session itself: header, resume, the questions in turn, the keys, saving, stopping
(the answers file itself, its reconciling and its disk handling are in crmcheck.answers)
- terminal.py     the injectable Terminal and the real console; summary.py the closing summary
"""

from __future__ import annotations

from crmcheck.answers.disk import FileChangedError, real_path
from crmcheck.answers.reconcile import QuestionnaireState, Reconciled, reconcile
from crmcheck.interview.replies import choices, clean_text, describe, read_reply
from crmcheck.interview.session import Interview, InterviewRequest, run_interview
from crmcheck.interview.summary import closing_summary
from crmcheck.interview.terminal import Terminal, console_terminal

__all__ = [
    "FileChangedError",
    "Interview",
    "InterviewRequest",
    "QuestionnaireState",
    "Reconciled",
    "Terminal",
    "choices",
    "clean_text",
    "closing_summary",
    "console_terminal",
    "describe",
    "read_reply",
    "real_path",
    "reconcile",
    "run_interview",
]
