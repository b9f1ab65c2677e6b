"""Writing plan files: a new one only where none is, an update only over the text it was computed from."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from crmcheck.errors import InputError, UsageError
from crmcheck.models.plan import PlanDocument, plan_from_text
from crmcheck.plan.update import UpdateOutcome
from crmcheck.yamlio import read_text, write_atomic

ATTEMPTS = 5


def write_new(path: str, text: str, *, force: bool) -> None:
    """A new plan; an existing file is kept unless --force (it holds people's edits: --update is the way)."""
    if Path(path).exists() and not force:
        raise UsageError(f"{path} exists; bring it up to date with `crmcheck plan NEW.yaml --update {path}`, or "
                         "use --force to replace it")
    write_atomic(path, text)


def update_file(path: str, compute: Callable[[PlanDocument], UpdateOutcome]) -> UpdateOutcome:
    """Load, update and save a plan without losing an edit made meanwhile (the interview's rule): the file is read
    again just before it is replaced, and when someone changed it in between, the update starts again from their
    version. A plan that fails to load is never written over (its error is raised before anything is written)."""
    for _ in range(ATTEMPTS):
        text = read_text(path)
        outcome = compute(plan_from_text(text, path))
        if read_text(path) != text:
            continue
        if outcome.text != text:
            write_atomic(path, outcome.text)
        return outcome
    raise InputError(f"the plan changed {ATTEMPTS} times while it was being updated; try again when nobody is "
                     "editing it", file=path)
