"""Jinja environments for the markdown and HTML templates in `reports/` (or a user's template)."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crmcheck.catalog import data_dir
from crmcheck.errors import InputError
from crmcheck.inert import markdown_inline, mermaid_text, template_finalize
from crmcheck.wording import counted

if TYPE_CHECKING:  # jinja2 is imported where a template is rendered: terminal views use only the helpers here
    from collections.abc import Sequence

    import jinja2

    from crmcheck.models.result import LevelBand


def fmt_score(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def fmt_percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def fmt_change(change: float | None) -> str:
    """A score change as +12.5 / -3.0 / 0.0; a dash when there is nothing to compare."""
    if change is None:
        return "—"
    return "0.0" if change == 0 else f"{change:+.1f}"


def target_score(levels: Sequence[LevelBand], target: int | None) -> float | None:
    """The lowest score at which a section reaches the target level (None when the level is unknown)."""
    if target is None:
        return None
    return next((band.min for band in levels if band.level == target), None)


def fmt_level(level: int | None, name: str | None) -> str:
    return "—" if level is None else f"{level} {name or ''}".strip()


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")  # not strftime("%B"): the report must not change with the machine's locale


def fmt_long_date(value: dt.date) -> str:
    """2 November 2026: unambiguous for readers on both sides of the Atlantic."""
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


def _safe_dir(path: Path) -> bool:
    """A real directory of ours that no one else can write to (else a planted cache entry could run)."""
    info = os.lstat(path)
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o022


def bytecode_cache(*, autoescape: bool) -> jinja2.BytecodeCache | None:
    """Compiled templates kept in $XDG_CACHE_HOME/crmcheck/jinja (or ~/.cache/...), so a report need not
    compile its template again; None (no cache, templates compiled as before) when that directory cannot
    be made, is not writable, or is not safe: not ours, group- or world-writable, or a symlink.

    Jinja loads cache entries with `marshal`, so the check matters: only a directory that no one but
    this user can write to is trusted. Entries are keyed by the template's file and a hash of its
    source; a stale, damaged or truncated entry is ignored by Jinja and the template is compiled again.
    """
    if not hasattr(os, "getuid"):
        return None
    base = os.environ.get("XDG_CACHE_HOME", "")
    root = Path(base) if os.path.isabs(base) else Path.home() / ".cache"
    directory = root / "crmcheck" / "jinja"
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        if not (_safe_dir(directory.parent) and _safe_dir(directory) and os.access(directory, os.W_OK)):
            return None
    except (OSError, RuntimeError):  # RuntimeError: no home directory to find
        return None
    import jinja2

    # the same template compiles differently with and without autoescaping, and with the inert finalize (entries
    # compiled before it would print values raw): separate entries
    return jinja2.FileSystemBytecodeCache(str(directory), f"{'html' if autoescape else 'text'}-inert-%s.cache")


def environment(template: Path | None, *, autoescape: bool) -> jinja2.Environment:
    import jinja2

    search = [str(data_dir("reports"))]
    if template is not None:
        search.insert(0, str(template.parent))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(search), undefined=jinja2.StrictUndefined, autoescape=autoescape,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        bytecode_cache=bytecode_cache(autoescape=autoescape), finalize=template_finalize,
    )
    env.filters.update(md=markdown_inline, score=fmt_score, percent=fmt_percent, change=fmt_change,
                       longdate=fmt_long_date, mermaid=mermaid_text, counted=counted)
    from crmcheck.render.reading import provisional_sentence, respondents_sentence

    env.globals.update(level=fmt_level, target_score=target_score, provisional_sentence=provisional_sentence,
                       respondents_sentence=respondents_sentence)
    return env


def render_template(default: str, template: Path | None, context: dict[str, Any], *, autoescape: bool) -> str:
    """Render the built-in template `default`, or the user's `template` file, with StrictUndefined."""
    import jinja2

    env = environment(template, autoescape=autoescape)
    name = template.name if template is not None else default
    where = str(template) if template is not None else default
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        raise InputError(f"template error: {exc.message}", file=exc.filename or where, line=exc.lineno,
                         column=1) from None
    except jinja2.TemplateNotFound as exc:
        raise InputError(f"template not found: {exc.name}", file=where) from None
    except jinja2.UndefinedError as exc:
        raise InputError(f"template uses an undefined value: {exc.message}", file=where) from None
