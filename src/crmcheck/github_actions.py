"""GitHub Actions conventions for `check`: the job's markdown step summary and error annotations."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from crmcheck.inert import github_command_data, github_command_property
from crmcheck.models.check import CheckResult
from crmcheck.wording import counted, plural

SUMMARY_LIMIT = 1024 * 1024  # GitHub refuses a step summary over 1 MiB
ANNOTATION_LIMIT = 10  # GitHub shows at most 10 error annotations per step
_TRUNCATED = "\n\n_The summary was cut here to stay within GitHub's 1 MiB limit; run `crmcheck check` locally " \
    "for the full list._\n"


def fit_summary(markdown: str, room: int) -> str:
    """The summary cut at a line boundary so that it takes at most `room` bytes; empty if nothing fits."""
    data = markdown.encode("utf-8")
    if len(data) <= room:
        return markdown
    marker = _TRUNCATED.encode("utf-8")
    if room <= len(marker):
        return ""
    cut = data[: room - len(marker)]
    cut = cut[: cut.rfind(b"\n") + 1] if b"\n" in cut else b""
    return cut.decode("utf-8", errors="ignore") + _TRUNCATED


def append_step_summary(path: str, markdown: str) -> str | None:
    """Append to the step summary file, keeping it within 1 MiB; returns a warning for stderr, or None."""
    try:
        used = os.path.getsize(path)
    except FileNotFoundError:
        used = 0
    except OSError as exc:
        return f"{path}: cannot read the step summary ({exc.strerror}); no summary written"
    text = fit_summary(markdown, SUMMARY_LIMIT - used)
    if not text:
        return f"{path}: the step summary is already near GitHub's 1 MiB limit; no summary written"
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        return f"{path}: cannot write the step summary ({exc.strerror}); no summary written"
    return None


def _relative(path: str, workspace: str | None) -> str:
    """A path as GitHub wants it in annotations: relative to the workspace, with forward slashes."""
    resolved = Path(path).resolve()
    if workspace:
        try:
            return resolved.relative_to(Path(workspace).resolve()).as_posix()
        except ValueError:
            pass
    return Path(path).as_posix()


def error_annotations(result: CheckResult, environ: Mapping[str, str], limit: int = ANNOTATION_LIMIT) -> list[str]:
    """`::error` workflow commands for the broken rules, each at the answers-file line behind it."""
    lines = []
    broken = [o for o in result.outcomes if o.status == "broken"]
    for outcome in broken[:limit]:
        where = []
        if outcome.file:
            where.append(f"file={github_command_property(_relative(outcome.file, environ.get('GITHUB_WORKSPACE')))}")
            if outcome.line:
                where.append(f"line={outcome.line}")
        where.append(f"title={github_command_property(f'crmcheck {outcome.rule}: {outcome.scope}')}")
        lines.append(f"::error {','.join(where)}::{github_command_data(outcome.message)}")
    return lines


def running_in_github(environ: Mapping[str, str]) -> bool:
    return environ.get("GITHUB_ACTIONS") == "true"


def publish(result: CheckResult, environ: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """Write the step summary when GitHub asks for one; returns (workflow commands, warnings) to print."""
    from crmcheck.render import RenderOptions
    from crmcheck.render.check_view import render_markdown

    warnings = []
    summary = environ.get("GITHUB_STEP_SUMMARY")
    if summary:
        warning = append_step_summary(summary, render_markdown(result, RenderOptions()))
        if warning:
            warnings.append(f"crmcheck: {warning}")
    commands: list[str] = []
    if running_in_github(environ):
        commands = error_annotations(result, environ)
        if result.broken > ANNOTATION_LIMIT:
            more = result.broken - ANNOTATION_LIMIT
            warnings.append(f"crmcheck: {counted(more, 'more broken rule')} {plural(more, 'is')} not annotated "
                            f"(GitHub shows {ANNOTATION_LIMIT} per step); the summary and the log list them all")
    return commands, warnings
