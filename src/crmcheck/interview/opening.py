"""Opening an interview: the details asked for a new file, or an existing file resumed (its header and answers)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from crmcheck.answers.layout import Header
from crmcheck.answers.reconcile import QuestionnaireState, change_notice
from crmcheck.answers.store import in_catalog, render
from crmcheck.errors import CrmcheckError, InputError, Problem, UsageError
from crmcheck.interview.replies import clean_text
from crmcheck.interview.saving import SavingSteps


class OpeningSteps(SavingSteps):
    """The start of an interview: a new file's header asked for, or an existing file read and carried forward."""

    def _start_new(self) -> None:
        r = self.request
        names = ", ".join(f"{q.title} ({q.id})" for q in self.asked)
        self.say(f"New interview: {names}.", "heading")
        to_ask = None in (r.assessor, r.respondent, r.role, r.assessed_on) or not r.company or (
            r.lens is None and any(q.lenses for q in self.asked))
        self.say(f"The answers will be saved to {self.target} after every answer."
                 + (" A few details first; press Enter to leave out an optional one." if to_ask else ""), "dim")
        company = r.company or self._ask_text("Company being assessed", required=True)
        assessor = r.assessor if r.assessor is not None else self._ask_text("Assessor (who runs the interview)")
        respondent = r.respondent if r.respondent is not None else self._ask_text("Respondent's name")
        role = r.role if r.role is not None else self._ask_text("Respondent's role")
        lens = r.lens or self._ask_lens()
        assessed_on = r.assessed_on or self._ask_date()
        self.header = Header(company=company, assessed_on=assessed_on, assessor=assessor or None)
        if respondent or role or lens != "company":
            self.header.respondent = {"name": respondent or "", "role": role or "", "lens": lens}
        self.states = {q.id: QuestionnaireState(q) for q in self.asked}
        self._save_or_stop()

    def _ask_text(self, label: str, required: bool = False) -> str:
        while True:
            text = clean_text(self.ask(f"{label}{'' if required else ' (optional)'}: "))
            if text or not required:
                return text
            self.say(f"{label} is needed.", "error")

    def _ask_lens(self) -> Literal["company", "customer"]:
        if not any(q.lenses for q in self.asked):
            return "company"
        while True:
            text = clean_text(self.ask("Whose view do the answers give? 1 the company's own, 2 a customer's [1]: "))
            if text.lower() in ("", "1", "company"):
                return "company"
            if text.lower() in ("2", "customer"):
                return "customer"
            self.say("Type 1 for the company's own view or 2 for a customer's.", "error")

    def _ask_date(self) -> dt.date:
        today = dt.date.today()
        while True:
            text = clean_text(self.ask(f"Date of the assessment [{today.isoformat()}]: "))
            if not text:
                return today
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                try:
                    return dt.date.fromisoformat(text)
                except ValueError:
                    pass
            self.say(f"'{text}' is not a date; write it as YYYY-MM-DD, for example {today.isoformat()}.", "error")


    def _resume(self) -> list[str]:
        path = str(self.target)
        self.resumed = True
        try:
            loaded = self.store.load(in_catalog(self.catalog))
        except UsageError:
            raise
        except CrmcheckError as exc:
            raise InputError(exc.problems[0].message, problems=[
                *exc.problems,
                Problem(f"the interview did not change {path}; fix it (crmcheck validate {path} shows every "
                        "problem) and run the command again"),
            ]) from None
        self.header = self._resume_header(loaded.file)
        self.states = {r.state.questionnaire.id: r.state for r in loaded.reconciled}
        for q in self.asked:
            self.states.setdefault(q.id, QuestionnaireState(q))
        next(iter(self.states.values())).kept.extend(loaded.orphans)
        self.saved_count = self._count_in_file()
        self._remember_base()
        notices = [line for r in loaded.reconciled for line in change_notice(r, path)]
        text = render(self._contents())
        if text != loaded.text:
            lost, backup = self.store.backup_if_comments_lost(loaded.text, text)
            if backup is not None:
                notices.append(f"{path} had {lost} line{'s' if lost != 1 else ''} of its own comments; the interview "
                               f"writes the standard layout, so the file as it was is kept in {backup}.")
            self._save_or_stop()
        return notices
