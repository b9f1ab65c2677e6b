"""Reconciling an existing answers file with the current questionnaires: carried over, renamed, kept, restored."""

from __future__ import annotations

from dataclasses import dataclass, field

from crmcheck.answers.layout import KeptLine, answer_entry
from crmcheck.answers.model import Answer, AnswersDocument, QuestionnaireAnswers
from crmcheck.errors import CrmcheckError
from crmcheck.models.questionnaire import Question, Questionnaire
from crmcheck.resolve import is_not_applicable, resolve, score_value
from crmcheck.yamlio import parse

# How yes and no may be written (typed at the interview, or in a file by hand)
YES = frozenset({"yes", "y", "true"})
NO = frozenset({"no", "false"})


@dataclass
class QuestionnaireState:
    """One questionnaire's part of the answers file, as the interview holds it between saves."""

    questionnaire: Questionnaire
    answers: dict[str, Answer] = field(default_factory=dict)  # current full question id -> answer
    targets: dict[str, int] = field(default_factory=dict)
    kept: list[KeptLine] = field(default_factory=list)

    def answered(self, full_id: str) -> bool:
        answer = self.answers.get(full_id)
        return answer is not None and answer.value is not None


@dataclass
class Reconciled:
    """What loading an existing file did to one questionnaire's answers (for the resume notice)."""

    state: QuestionnaireState
    from_version: int | None = None
    removed: list[str] = field(default_factory=list)  # kept: their question is gone
    changed: list[str] = field(default_factory=list)  # kept and asked again: the answer no longer fits
    renamed: list[tuple[str, str]] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)  # kept answers whose question is back


def _normalised(question: Question, answer: Answer) -> Answer:
    """Yes/no answers as booleans, so that they are written back as yes/no, not as quoted text."""
    value = answer.value
    if question.type == "yes_no" and isinstance(value, str) and value.strip().lower() in YES | NO | {"n"}:
        return answer.model_copy(update={"value": value.strip().lower() in YES})
    return answer


def _fits(question: Question, questionnaire: Questionnaire, answer: Answer) -> bool:
    if answer.value is None or is_not_applicable(answer.value):
        return True
    try:
        score_value(question, questionnaire, answer.value)
    except ValueError:
        return False
    return True


def answer_text(answer: Answer) -> str:
    measured = (answer.measured.value, answer.measured.source) if answer.measured else None
    return answer_entry(answer.value, answer.note, answer.evidence, answer.reason, measured)


def _kept_answer(line: KeptLine) -> Answer | None:
    """The answer a kept line holds, or None when it cannot be read back."""
    try:
        data = parse(f"kept: {line.entry or 'null'}", "<kept>").data["kept"]
        return Answer.model_validate(data if isinstance(data, dict) else {"value": data})
    except (CrmcheckError, ValueError):
        return None


def reconcile(questionnaire: Questionnaire, given: QuestionnaireAnswers | None, kept: list[KeptLine],
              source: AnswersDocument | None, key: str) -> Reconciled:
    """Carry a file's answers into the current questionnaire version, losing none of them.

    When the file was answered for the current version (or names none), it must be valid: errors
    are raised with their file positions. When it was answered for an older version, answers to
    removed questions, and answers that no longer fit a changed question, become kept lines (the
    question is then asked again). A kept answer whose question exists again, unanswered, and fits it
    comes back.
    """
    q = questionnaire
    state = QuestionnaireState(q)
    result = Reconciled(state)
    given = given or QuestionnaireAnswers()
    older = given.version is not None and given.version < q.version
    if not older and source is not None:
        resolve(q, given, source, key)  # raises the file's errors with positions
    result.from_version = given.version if older else None
    old_version = given.version or q.version
    for answer_id, answer in given.answers.items():
        full = q.current_id(answer_id)
        if full is None or full in state.answers:
            result.removed.append(answer_id)
            state.kept.append(KeptLine(q.id, old_version, "answer", answer_id, answer_text(answer)))
            continue
        question = q.questions[full][1]
        if not _fits(question, q, answer):
            result.changed.append(full)
            state.kept.append(KeptLine(q.id, old_version, "answer", answer_id, answer_text(answer)))
            continue
        if full != answer_id:
            result.renamed.append((answer_id, full))
        if answer.value is not None or answer.note or answer.evidence or answer.reason:
            state.answers[full] = _normalised(question, answer)
    sections = {s.id for s in q.sections}
    allowed = {s.number for s in q.stages} if q.kind == "staged" else {lv.level for lv in q.levels}
    for section_id, target in given.targets.items():
        if section_id in sections and target in allowed:
            state.targets[section_id] = target
        else:
            state.kept.append(KeptLine(q.id, old_version, "target", section_id, str(target)))
    for line in kept:
        if line.kind == "answer":
            full = q.current_id(line.id)
            back = _kept_answer(line) if full is not None and not state.answered(full) else None
            if full is not None and back is not None and back.value is not None and _fits(
                    q.questions[full][1], q, back):
                state.answers[full] = _normalised(q.questions[full][1], back)
                result.restored.append(full)
                continue
        elif line.id in sections and line.id not in state.targets and line.entry.isdigit() and \
                int(line.entry) in allowed:
            state.targets[line.id] = int(line.entry)
            continue
        state.kept.append(line)
    state.kept = list(dict.fromkeys(state.kept))
    return result


def change_notice(r: Reconciled, path: str) -> list[str]:
    q = r.state.questionnaire
    notices = []
    if r.from_version is not None:
        notices.append(f"{q.id} has changed from version {r.from_version} to {q.version} since {path} was saved.")
    if r.removed:
        notices.append(f"{len(r.removed)} answer{'s' if len(r.removed) != 1 else ''} to questions that are no longer "
                       f"in {q.id} v{q.version} {'are' if len(r.removed) != 1 else 'is'} kept in the file as comments "
                       f"(not scored): {', '.join(r.removed)}.")
    if r.changed:
        notices.append(f"{len(r.changed)} question{'s' if len(r.changed) != 1 else ''} changed and will be asked "
                       f"again (the earlier answers are kept as comments): {', '.join(r.changed)}.")
    if r.renamed:
        notices.append("Renamed questions, answers carried over: "
                       + ", ".join(f"{old} → {new}" for old, new in r.renamed) + ".")
    if r.restored:
        notices.append(f"Kept answers whose questions are back, restored: {', '.join(r.restored)}.")
    return notices
