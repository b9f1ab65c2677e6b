"""`plan --update`: a plan brought up to a newer assessment by editing its text, so every human edit, comment and
layout choice stays byte for byte: new gaps are appended, closed ones marked `gap_closed`, reopened ones unmarked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import yaml

from crmcheck.answers.layout import scalar
from crmcheck.models.plan import Action, PlanDocument
from crmcheck.models.result import AssessmentResult
from crmcheck.plan.drafts import Draft, action_id, drafts_of
from crmcheck.plan.layout import action_lines
from crmcheck.plan.progress import CurrentId, plan_summary


@dataclass
class UpdateOutcome:
    text: str
    added: list[str] = field(default_factory=list)
    closed: list[str] = field(default_factory=list)
    reopened: list[str] = field(default_factory=list)


@dataclass(order=True)
class _Edit:
    start: int
    end: int
    text: str


def _entry(node: yaml.MappingNode, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    return next(((k, v) for k, v in node.value if getattr(k, "value", None) == key), None)


def _line_end(text: str, index: int) -> int:
    end = text.find("\n", index)
    return len(text) if end < 0 else end


def _insert_after(text: str, item: yaml.Node, lines: list[str]) -> _Edit:
    """New lines right after an item (an action's last field, or the last action), ahead of any comment lines."""
    last = item.value[-1][1] if isinstance(item, yaml.MappingNode) and not item.flow_style else item
    if isinstance(last, yaml.ScalarNode) and last.style in ("|", ">"):
        at = last.end_mark.index  # a block scalar ends at the start of the line after it
        return _Edit(at, at, "\n".join(lines) + "\n")
    at = _line_end(text, last.end_mark.index)
    return _Edit(at, at, "\n" + "\n".join(lines))


def _mark_closed(text: str, item: yaml.MappingNode, day: dt.date) -> _Edit:
    """Add `gap_closed: DAY` as the action's last field, in its own style."""
    if item.flow_style:
        close = item.end_mark.index - 1  # the closing brace
        return _Edit(close, close, f", gap_closed: {day.isoformat()}")
    indent = " " * item.value[0][0].start_mark.column
    return _insert_after(text, item, [f"{indent}gap_closed: {day.isoformat()}"])


def _unmark(text: str, item: yaml.MappingNode) -> _Edit | None:
    """Remove the `gap_closed` field the tool wrote: its line in block style, its entry in flow style."""
    index = next((i for i, (k, _) in enumerate(item.value) if k.value == "gap_closed"), None)
    if not index:  # absent (or, hand-placed, first: left as it is)
        return None
    key, value = item.value[index]
    if item.flow_style:
        return _Edit(item.value[index - 1][1].end_mark.index, value.end_mark.index, "")
    start = text.rfind("\n", 0, key.start_mark.index) + 1
    return _Edit(start, min(len(text), _line_end(text, value.end_mark.index) + 1), "")


def _covered(action: Action, current_id: CurrentId) -> set[str]:
    """The draft ids an existing action stands for: its own id and each of its questions' current ids."""
    return {action.id} | {action_id(action.questionnaire, current_id(action.questionnaire, q))
                          for q in action.questions}


def _append(text: str, actions_node: yaml.Node, key: yaml.Node, drafts: list[Draft], note: str) -> _Edit:
    if isinstance(actions_node, yaml.SequenceNode) and not actions_node.flow_style and actions_node.value:
        indent = " " * max(0, actions_node.value[0].start_mark.column - 2)
        lines = [f"{indent}# {note}"] + [line for d in drafts for line in action_lines(d, indent)]
        return _insert_after(text, actions_node.value[-1], lines)
    # `actions: []`, `actions:` or a flow list: the value is written anew as a block list
    existing = actions_node.value if isinstance(actions_node, yaml.SequenceNode) else []
    lines = [f"  - {text[n.start_mark.index:n.end_mark.index]}" for n in existing]
    lines += [f"  # {note}"] + [line for d in drafts for line in action_lines(d)]
    return _Edit(key.end_mark.index, _line_end(text, actions_node.end_mark.index), ":\n" + "\n".join(lines))


def update_plan(
    source: PlanDocument, result: AssessmentResult, file: str, current_id: CurrentId,
) -> UpdateOutcome:
    """The plan's new text after the assessment in `file` (scored as `result`)."""
    text = source.text
    root = source.doc.root
    assert isinstance(root, yaml.MappingNode)
    summary = plan_summary(source, result, result.assessed_on, current_id)
    outcome = UpdateOutcome(text)
    edits: list[_Edit] = []
    entry = _entry(root, "actions")
    items = entry[1].value if entry and isinstance(entry[1], yaml.SequenceNode) else []
    for action, view, item in zip(source.plan.actions, summary.actions, items, strict=False):
        if not isinstance(item, yaml.MappingNode):
            continue
        if view.gap == "closed" and action.gap_closed is None:
            edits.append(_mark_closed(text, item, result.assessed_on))
            outcome.closed.append(action.id)
        elif view.gap == "open" and action.gap_closed is not None:
            unmark = _unmark(text, item)
            if unmark is not None:
                edits.append(unmark)
                outcome.reopened.append(action.id)
    covered = set().union(*(_covered(a, current_id) for a in source.plan.actions)) if source.plan.actions else set()
    new = [d for d in drafts_of(result) if d.id not in covered]
    if new:
        note = f"added by `crmcheck plan --update` from {file} (assessed on {result.assessed_on.isoformat()})"
        if entry is None:
            edits.append(_Edit(len(text), len(text), ("" if text.endswith("\n") else "\n") + "actions:\n" + "\n".join(
                [f"  # {note}"] + [line for d in new for line in action_lines(d)]) + "\n"))
        else:
            edits.append(_append(text, entry[1], entry[0], new, note))
        outcome.added = [d.id for d in new]
    assessment = _entry(root, "assessment")
    if assessment is not None and isinstance(assessment[1], yaml.MappingNode):
        for name, value in (("file", scalar(file)), ("assessed_on", result.assessed_on.isoformat())):
            found = _entry(assessment[1], name)
            if found is not None:
                edits.append(_Edit(found[1].start_mark.index, found[1].end_mark.index, value))
    for edit in sorted(edits, reverse=True):
        text = text[:edit.start] + edit.text + text[edit.end:]
    outcome.text = text
    return outcome
