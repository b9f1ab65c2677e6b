"""A cache of checked questionnaires, keyed by file content, so each run need not re-parse and re-check them.

Like Python's .pyc files: a questionnaire file that passed every load-time check is pickled under the user's
cache directory (XDG_CACHE_HOME or ~/.cache, then crmcheck/), named by a hash of the file's bytes, the
crmcheck version and the source of the questionnaire model. A changed file or model has another hash, so a
stale entry is never used. Any problem with the cache (unwritable, corrupt, from another Python) falls back
to loading the file. CRMCHECK_NO_CACHE=1 turns it off.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from crmcheck import __version__

if TYPE_CHECKING:
    from crmcheck.models.questionnaire import Questionnaire


def cache_dir() -> Path | None:
    if os.environ.get("CRMCHECK_NO_CACHE"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "crmcheck"


def _model_source() -> bytes:
    """The source of the questionnaire model, so that a changed model (a new field) never meets an old pickle,
    even when the version number did not change (a development install)."""
    models = Path(__file__).parent / "models"
    return b"".join((models / name).read_bytes() for name in ("questionnaire.py", "base.py"))


def cached_questionnaire(path: Path, load: Callable[[], Questionnaire]) -> Questionnaire:
    """The questionnaire in `path`: from the cache when its exact content was checked before, else `load()`."""
    directory = cache_dir()
    if directory is None:
        return load()
    try:
        digest = hashlib.sha256(path.read_bytes() + __version__.encode() + _model_source()).hexdigest()
    except OSError:
        return load()
    entry = directory / f"{digest}.pickle"
    with contextlib.suppress(Exception):  # a missing, corrupt or foreign entry: load the file instead
        with open(entry, "rb") as handle:
            cached = pickle.load(handle)
        from crmcheck.models.questionnaire import Questionnaire

        if isinstance(cached, Questionnaire):
            return cached
    questionnaire = load()  # errors propagate: only checked questionnaires are cached
    with contextlib.suppress(OSError, pickle.PicklingError):
        from crmcheck.yamlio import write_atomic

        directory.mkdir(parents=True, exist_ok=True)
        write_atomic(entry, pickle.dumps(questionnaire, protocol=pickle.HIGHEST_PROTOCOL))
    return questionnaire
