"""Where a command may write: never over one of its own inputs, however the path to it is spelt."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path

from crmcheck.errors import UsageError

# the files a directory argument stands for (report, benchmark, --questionnaires)
DIRECTORY_SUFFIXES = (".yaml", ".yml")


def _identity(info: os.stat_result) -> tuple[int, int]:
    return info.st_dev, info.st_ino


def _stat(path: str | Path) -> os.stat_result | None:
    try:
        return os.stat(path)
    except (OSError, ValueError):
        return None


def _inside(path: str, directory: str) -> bool:
    return path.startswith(directory.rstrip(os.sep) + os.sep)


def _linked_inside(target: tuple[int, int], directory: str) -> bool:
    """Whether a file with several names has one of them among a directory's answers files."""
    for top, _dirs, files in os.walk(directory):
        for name in files:
            if name.endswith(DIRECTORY_SUFFIXES):
                info = _stat(os.path.join(top, name))
                if info is not None and _identity(info) == target:
                    return True
    return False


def _input_overwritten(output: str, inputs: Iterable[str | Path | None]) -> str | None:
    """The input that writing `output` would replace, if any: the same file by resolved path or by
    device and inode (a symbolic or hard link), or an answers file inside an input directory."""
    out_info = _stat(output)
    if out_info is None or not stat.S_ISREG(out_info.st_mode):
        return None  # a new file, or a device or pipe written in place (-o /dev/null): no input is lost
    out_real = os.path.realpath(output)
    out_id = _identity(out_info)
    for given in inputs:
        if given is None or str(given) == "-":
            continue
        info = _stat(given)
        if info is None:
            continue
        if stat.S_ISDIR(info.st_mode):
            directory = os.path.realpath(given)
            if out_real.endswith(DIRECTORY_SUFFIXES) and _inside(out_real, directory):
                return f"an answers file in the input folder {given}"
            if out_info.st_nlink > 1 and _linked_inside(out_id, directory):
                return f"a link to an answers file in the input folder {given}"
        elif _identity(info) == out_id or os.path.realpath(given) == out_real:
            return str(given)
    return None


def guard_outputs(outputs: Mapping[str, str | None], inputs: Iterable[str | Path | None]) -> None:
    """Refuse, before any work, a command whose output file (by option: `-o`, `--junit`) is one of its inputs,
    or two outputs that are one file. Nothing is read or written when it refuses."""
    named = [(flag, path) for flag, path in outputs.items() if path not in (None, "-")]
    inputs = list(inputs)
    for flag, path in named:
        assert path is not None
        overwritten = _input_overwritten(path, inputs)
        if overwritten is not None:
            same = "" if overwritten == path else f" ({overwritten})"
            raise UsageError(f"{flag} {path}: this file is an input of the command{same}; writing the output there "
                             "would destroy it: choose another output file")
    for i, (flag, path) in enumerate(named):
        for other_flag, other in named[i + 1:]:
            assert path is not None and other is not None
            if os.path.realpath(path) == os.path.realpath(other):
                raise UsageError(f"{flag} and {other_flag} name the same file ({path}): give each its own file")
