"""Saving an interview after every answer through the answers store, taking in another program's changes first."""

from __future__ import annotations

import datetime as dt
import os

from crmcheck.answers.disk import FileChangedError, copy_beside, fingerprint, lost_comment_lines, write_schema_beside
from crmcheck.answers.layout import Header
from crmcheck.answers.model import AnswersFile
from crmcheck.answers.reconcile import QuestionnaireState
from crmcheck.answers.store import Contents, in_catalog, render
from crmcheck.errors import CrmcheckError, InputError, Problem, UsageError
from crmcheck.interview.base import InterviewRequest, SessionBase
from crmcheck.interview.replies import clean_text


def count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


class SavingSteps(SessionBase):
    """The interview's saves: its contents, the file's header on resume, merging outside changes, retrying."""

    def _contents(self) -> Contents:
        return Contents(self.header, self.states)

    def _resume_header(self, file: AnswersFile, check: bool = True) -> Header:
        """The file's header; an option that contradicts it is refused, one that fills a gap is used."""
        r = self.request
        held = file.respondent
        if not check:
            r = InterviewRequest(r.questionnaire_ids, r.output)
        pairs = [("company", r.company, file.company), ("assessor", r.assessor, file.assessor),
                 ("respondent", r.respondent, held.name if held else None),
                 ("role", r.role, held.role if held else None),
                 ("lens", r.lens, held.lens if held else "company"),
                 ("date", r.assessed_on.isoformat() if r.assessed_on else None, file.assessed_on.isoformat())]
        for name, asked, value in pairs:
            if check and asked and value and asked != value:
                raise UsageError(
                    f"this file holds {name} '{value}' but --{name} says '{asked}'; to go on with this file leave "
                    f"--{name} out, or give another -o FILE for a new interview", file=str(self.target))
        respondent = {k: v for k, v in held.model_dump().items() if v} if held else {}
        if r.respondent and not respondent.get("name"):
            respondent["name"] = r.respondent
        if r.role and not respondent.get("role"):
            respondent["role"] = r.role
        if respondent:
            respondent.setdefault("lens", "company")
        return Header(
            company=file.company, assessed_on=file.assessed_on, assessor=file.assessor or r.assessor or None,
            respondent={k: respondent[k] for k in ("name", "role", "lens") if k in respondent} or None,
            segment={k: v for k, v in file.segment.model_dump().items() if v} if file.segment else None,
        )

    def _save(self) -> None:
        self._take_in_outside_changes()

        def saved() -> None:  # within the save: a signal waits until the interview knows what the file holds
            self.saved_count = self._count_in_file()
            self._remember_base()
            write_schema_beside(self.path)

        self.store.save(self._contents(), then=saved)

    def _remember_base(self) -> None:
        """The answers as the file on disk holds them now: what an outside change is measured against."""
        self.base = {qid: dict(state.answers) for qid, state in self.states.items()}

    # -- the file changed by someone else while the interview waited

    def _take_in_outside_changes(self) -> None:
        """Before a save: if another program changed the file since the interview last read or wrote it,
        merge. The file's answers win for questions this session did not change; this session's own answers
        win where it did. A file that no longer loads is left alone and the interview stops, its answers
        saved beside it."""
        now = fingerprint(self.path)
        if now == self.store.disk:
            return
        path = str(self.target)
        if now is None:
            self.say(f"{path} was removed while the interview waited; it is written again with the answers this "
                     "interview holds.", "heading")
            return
        try:
            loaded = self.store.load_again(in_catalog(self.catalog))
        except CrmcheckError as exc:
            rescue = copy_beside(self.path, render(self._contents()), ".interview")
            raise FileChangedError(exc.problems[0].message, problems=[
                *exc.problems,
                Problem(f"{path} was changed by another program while the interview waited, and it no longer "
                        "loads; the interview left it as it is"),
                Problem(f"the answers of this interview (the file as it would have saved it) are in {rescue}"),
                Problem(f"fix {path} (crmcheck validate {path} shows every problem), then go on: "
                        f"{self.request.resume_command()}"),
            ]) from None
        original = loaded.text
        fresh = {r.state.questionnaire.id: r.state for r in loaded.reconciled}
        taken: list[str] = []
        both: list[str] = []
        asked = {q.id for q in self.asked}
        for qid in list(self.states):
            state, base = self.states[qid], self.base.get(qid, {})
            mine = self.changed.get(qid, set())
            if qid not in fresh and qid not in asked:
                del self.states[qid]  # removed from the file by hand, and not asked: the file decides
                continue
            theirs = fresh.get(qid) or QuestionnaireState(state.questionnaire)
            merged = dict(theirs.answers)
            for full in mine:
                if full in state.answers:
                    merged[full] = state.answers[full]
                else:
                    merged.pop(full, None)
                if theirs.answers.get(full) != base.get(full) and theirs.answers.get(full) != state.answers.get(full):
                    both.append(full)
            taken += [full for full in set(theirs.answers) | set(base)
                      if full not in mine and theirs.answers.get(full) != base.get(full)]
            state.answers.clear()
            state.answers.update(merged)
            state.targets, state.kept = theirs.targets, theirs.kept
        for qid, state in fresh.items():
            self.states.setdefault(qid, state)
        next(iter(self.states.values())).kept.extend(loaded.orphans)
        self.header = self._resume_header(loaded.file, check=False)
        lost = lost_comment_lines(original, render(self._contents()))
        mtime = dt.datetime.fromtimestamp(os.stat(self.path).st_mtime).strftime("%H:%M:%S")
        self.say(f"{path} was changed by another program at {mtime}, while the interview waited; its changes are "
                 "taken in before this save.", "heading")
        if taken:
            self.say(f"From the file: {', '.join(sorted(taken))}.", "dim")
        if both:
            self.say(f"Changed in the file and in this interview, this interview's answer kept: "
                     f"{', '.join(sorted(both))}.", "dim")
        if lost or both:
            backup = copy_beside(self.path, original, ".bak")
            why = f"its {count(lost, 'line')} of comments" if lost else "the answers it gave"
            if lost and both:
                why += " and the answers it gave"
            self.say(f"The file as it was changed is kept in {backup} ({why} would otherwise be lost).", "dim")

    def _save_or_stop(self) -> None:
        """Save; when the disk refuses, say so and offer to try again (the file keeps its last good state)."""
        while True:
            try:
                self._save()
                return
            except InputError as exc:
                self.say(f"Could not save: {exc}", "error")
                held = "does not exist yet" if self.saved_count is None else \
                    f"still holds what was saved before ({count(self.saved_count, 'answer')})"
                self.say(f"{self.target} {held}; nothing in it was changed.", "dim")
                reply = clean_text(self.ask("Press Enter to try again, or type q to stop: ")).lower()
                if reply == "q":
                    lines = self.stopped_lines("Stopped: the last change could not be saved")
                    raise InputError(str(exc), problems=[*exc.problems, *(Problem(line) for line in lines)]) from None
