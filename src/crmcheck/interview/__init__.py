"""The interview: ask a questionnaire's questions at a terminal, saving the answers file after every answer.

Where things are:
- replies.py      what a person types, read into an answer value (and an answer shown back in words)
- reconciling.py  an existing answers file carried into the current questionnaires (renamed, kept, restored)
- session.py      the session itself: header, resume, the questions in turn, the keys, saving, stopping
- disk.py         the answers file on disk: links, folders, read-only files, outside changes, copies beside it
- terminal.py     the injectable Terminal and the real console; summary.py the closing summary
"""

from __future__ import annotations

from crmcheck.interview.disk import FileChangedError, real_path
from crmcheck.interview.reconciling import QuestionnaireState, Reconciled, reconcile
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
