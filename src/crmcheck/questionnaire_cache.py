"""A cache of checked questionnaires, keyed by file content, so each run need not re-parse and re-check them.

Like Python's .pyc files: a questionnaire file that passed every load-time check is stored as JSON under the
user's cache directory (XDG_CACHE_HOME or ~/.cache, then crmcheck/), named by a hash of the file's bytes, the
crmcheck version, the entry format and the source of the questionnaire model. A changed file or model has
another hash, so a stale entry is never used. An entry holds the fields as the file gave them (written names,
`exclude_unset`), so the questionnaire read back is the one validated, with the same fields set.

An entry is data, never code (JSON, never unpickled). It was validated before it was written, so it is read
back without validating again (`models.trusted.rebuild`: the models are constructed, their shapes checked, not
their bounds): damage (not JSON, not the shape of a questionnaire) makes the entry a miss, and it is written
anew. Whoever can write the cache directory (a shared CI cache) cannot make crmcheck run code, but can change
what a questionnaire says (as they could when entries were validated, by planting a valid one) or plant
values out of bounds: share a cache directory only with people you would let edit your questionnaires.
CRMCHECK_NO_CACHE=1 turns it off.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crmcheck import __version__

if TYPE_CHECKING:
    from crmcheck.models.questionnaire import Questionnaire
    from crmcheck.yamlio import Position

MAX_ENTRY_BYTES = 4 * 1024 * 1024  # a questionnaire's JSON is tens of kilobytes; anything larger is not ours
# Part of every entry's key: bump it when what an entry holds changes (format 2: written names, only set fields).
ENTRY_FORMAT = b"entry-format-2"


def cache_dir() -> Path | None:
    if os.environ.get("CRMCHECK_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "crmcheck"


@functools.cache
def _model_source() -> bytes:
    """The source of the questionnaire model, so that a changed model (a new field) never meets an old pickle,
    even when the version number did not change (a development install)."""
    models = Path(__file__).parent / "models"
    sources = [*sorted((models / "questionnaire").glob("*.py")), models / "base.py"]
    return b"".join(path.read_bytes() for path in sources)


def _read_json(entry: Path) -> Any:
    """The JSON data in `entry`, or None when it is missing, too large or not a regular file (a pipe planted as
    an entry is never opened for reading in a way that blocks)."""
    try:
        fd = os.open(entry, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_ENTRY_BYTES:
            return None
        data = handle.read(info.st_size + 1)  # sized by fstat (one byte more sees a file that grew), never the cap
    if len(data) > MAX_ENTRY_BYTES:
        return None
    return json.loads(data)


def _write_entry(directory: Path, entry: Path, text: str) -> None:
    from crmcheck.yamlio import write_atomic

    directory.mkdir(parents=True, exist_ok=True)
    if os.path.lexists(entry) and not stat.S_ISREG(os.lstat(entry).st_mode):
        os.unlink(entry)  # a pipe or link planted as an entry: writing would block or go elsewhere
    write_atomic(entry, text)


def _read_entry(entry: Path) -> Questionnaire | None:
    """The questionnaire stored in `entry`, or None when it is missing, damaged or not a regular file."""
    from crmcheck.models.questionnaire import Questionnaire
    from crmcheck.models.trusted import rebuild

    with contextlib.suppress(Exception):  # any damage: not an entry
        data = _read_json(entry)
        if data is not None:
            return rebuild(Questionnaire, data)
    return None


def cached_questionnaire(path: Path, load: Callable[[], Questionnaire]) -> Questionnaire:
    """The questionnaire in `path`: from the cache when its exact content was checked before, else `load()`."""
    directory = cache_dir()
    if directory is None:
        return load()
    try:
        digest = hashlib.sha256(path.read_bytes() + __version__.encode() + ENTRY_FORMAT + _model_source()).hexdigest()
    except OSError:
        return load()
    entry = directory / f"{digest}.json"
    cached = _read_entry(entry)
    if cached is not None:
        return cached
    questionnaire = load()  # errors propagate: only checked questionnaires are cached
    with contextlib.suppress(Exception):  # the cache is an optimisation: never a reason to fail
        _write_entry(directory, entry, questionnaire.model_dump_json(by_alias=True, exclude_unset=True))
    return questionnaire


@functools.cache
def _yamlio_source() -> bytes:
    """The reader's source: a changed reader (how a value is typed) never meets an old header entry."""
    package = Path(__file__).parent / "yamlio"
    return b"".join(path.read_bytes() for path in sorted(package.glob("*.py")))


_HEADER_VALUES = (str, int, bool, type(None))  # what JSON gives back as it was (a float may be DecimalText)


def cached_header(path: Path, fields: frozenset[str]) -> tuple[dict[str, Any], dict[str, Position]]:
    """`yamlio.read_header(path, fields)`, from the cache when this exact content was read before.

    Listing the questionnaires reads the top-level fields of every questionnaire file, which for a file without
    `replaces` means reading its whole event stream; an entry holds what that reading gave (fields typed as
    text, whole numbers or booleans only: anything else is read from the file each time)."""
    from crmcheck.yamlio import Position, read_header

    directory = cache_dir()
    try:
        raw = path.read_bytes() if directory is not None else b""
    except OSError:
        directory = None
    if directory is None:
        return read_header(path, fields)
    wanted = ",".join(sorted(fields)).encode()
    digest = hashlib.sha256(raw + __version__.encode() + ENTRY_FORMAT + b"header:" + wanted
                            + _yamlio_source()).hexdigest()
    directory = directory / "headers"
    entry = directory / f"{digest}.json"
    with contextlib.suppress(Exception):  # any damage: not an entry
        data = _read_json(entry)
        if data is not None:
            values, marks = data["fields"], data["positions"]
            if (isinstance(values, dict) and isinstance(marks, dict) and values.keys() <= fields
                    and all(v.__class__ in _HEADER_VALUES for v in values.values())
                    and all(isinstance(m, list) and len(m) == 2 and all(n.__class__ is int for n in m)
                            for m in marks.values())):
                return values, {key: Position(m[0], m[1]) for key, m in marks.items()}
    values, positions = read_header(path, fields)  # errors propagate: nothing is cached for a broken file
    if all(v.__class__ in _HEADER_VALUES for v in values.values()):
        with contextlib.suppress(Exception):  # the cache is an optimisation: never a reason to fail
            _write_entry(directory, entry, json.dumps(
                {"fields": values, "positions": {k: [p.line, p.column] for k, p in positions.items()}}))
    return values, positions
