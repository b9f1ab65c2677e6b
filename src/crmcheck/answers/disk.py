"""The answers file on disk: where it really is, its folders, outside changes, copies beside it, saves into links."""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from crmcheck.errors import CrmcheckError, InputError, UsageError
from crmcheck.yamlio import read_text, write_atomic


def real_path(output: Path) -> Path:
    """The file an answers path names once symbolic links are followed; the path as given when none is involved
    (so that messages quote it as the user typed it)."""
    real = Path(os.path.realpath(output))
    return output if real == Path(os.path.abspath(output)) else real


def check_target(target: Path) -> None:
    """Refuse, before anything is asked, an answers file the interview could not save to."""
    name = str(target)
    if target.is_dir():
        raise UsageError("is a directory; give the answers file to write with -o FILE", file=name)
    try:
        info = os.stat(target)  # through a symlink: the real file decides
    except FileNotFoundError:
        return
    except NotADirectoryError:
        in_the_way = next((f for f in reversed(target.parents) if f.exists() and not f.is_dir()), target.parent)
        raise InputError(f"cannot create the folder {in_the_way}: a file of that name is in the way",
                         file=name) from None
    except OSError as exc:
        raise InputError(f"cannot use this file: {exc.strerror or exc}", file=name) from None
    if not stat.S_ISREG(info.st_mode):
        raise UsageError("is not a regular file (a device or a pipe?); give an answers file with -o FILE", file=name)
    mode = stat.S_IMODE(info.st_mode)
    # the shell's `>` refuses a read-only file; root may write anything, so the mode bits decide for root too
    if not mode & 0o222 or not os.access(target, os.W_OK):
        raise UsageError(f"the file is read-only (mode {mode:04o}), and the interview saves after every answer; "
                         "make it writable (chmod u+w) or give another -o FILE", file=name)


def make_folders(target: Path) -> list[Path]:
    """Create the missing folders above the answers file (`-o clients/acme/2026.yaml`); returns those made."""
    missing: list[Path] = []
    folder = target.parent
    while not folder.exists() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for made, folder in enumerate(reversed(missing)):
        try:
            folder.mkdir()
        except FileExistsError:
            if not folder.is_dir():
                remove_folders(missing[len(missing) - made:])
                raise InputError(f"cannot create the folder {folder}: a file of that name is in the way",
                                 file=str(target)) from None
        except OSError as exc:
            remove_folders(missing[len(missing) - made:])
            raise InputError(f"cannot create the folder {folder}: {exc.strerror or exc}", file=str(target)) from None
    if not target.parent.is_dir():
        raise InputError(f"cannot write here: {target.parent} is not a folder", file=str(target))
    return missing


def remove_folders(folders: list[Path]) -> None:
    """Remove folders made for a file that was never written (deepest first; only while empty)."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            return


@dataclass(frozen=True)
class Fingerprint:
    """What the file held when the interview last read or wrote it: a SHA-256 of its bytes."""

    sha256: str


def fingerprint(path: Path) -> Fingerprint | None:
    """The file's fingerprint now, or None when it is gone.

    Its content decides, not its modification time: a `touch` or a checkout of the same text is no change,
    and an edit within the same clock tick is still one.
    """
    try:
        with open(path, "rb") as handle:
            return Fingerprint(hashlib.sha256(handle.read()).hexdigest())
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=str(path)) from None


class FileChangedError(CrmcheckError):
    """Another program changed the answers file during the interview, and it no longer loads (exit 2)."""


def lost_comment_lines(before: str, after: str) -> int:
    """How many lines with comments the rewrite would drop (a '#' on a line the new text lacks)."""
    kept = {line.strip() for line in after.splitlines()}
    return sum(1 for line in before.splitlines() if "#" in line and line.strip() not in kept)


def backup_copy(target: Path, text: str) -> Path:
    return copy_beside(target, text, ".bak")


def copy_beside(target: Path, text: str, suffix: str) -> Path:
    """Write `text` to FILE.bak (or FILE.bak2, ...: the first name that is free or already holds it)."""
    for n in range(1, 1000):
        backup = target.with_name(target.name + (suffix if n == 1 else f"{suffix}{n}"))
        try:
            if not backup.exists():
                write_atomic(backup, text)
                return backup
            if read_text(backup) == text:
                return backup
        except CrmcheckError:
            continue
    raise InputError("cannot find a free name for a backup copy", file=str(target))


def saving_path(target: Path) -> Path:
    return target.with_name(target.name + ".saving")


def write_into(target: Path, text: str) -> None:
    """Save a file that has other names (hard links) by writing into it, so that every name sees the save.

    Replacing it, as other saves do, would leave the other names with the old text. Writing into a file
    is not atomic, so the complete new text is first written (atomically) to FILE.saving, and removed
    once the file holds it: a save cut short is finished from there by the next interview.
    """
    saving = saving_path(target)
    write_atomic(saving, text)
    try:
        with open(target, "r+b") as handle:
            handle.write(text.encode("utf-8"))
            handle.truncate()
            handle.flush()
            os.fsync(handle.fileno())
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror or exc}", file=str(target)) from None
    with contextlib.suppress(OSError):
        os.unlink(saving)


def finish_interrupted_save(target: Path, hard_linked: bool) -> list[str]:
    """Complete a save into a hard-linked file that a kill cut short (FILE.saving is left behind)."""
    saving = saving_path(target)
    try:
        text = read_text(saving)
    except CrmcheckError:
        return []
    try:
        current = read_text(target) if target.exists() else None
    except CrmcheckError:
        current = None
    if current == text:  # the save got through; only the clean-up was cut short
        with contextlib.suppress(OSError):
            os.unlink(saving)
        return []
    if hard_linked and target.exists():
        write_into(target, text)
    else:
        write_atomic(target, text)
    with contextlib.suppress(OSError):
        os.unlink(saving)
    return [f"An earlier save into {target} was cut short; it was completed from {saving.name}."]


def remove_stale_temp_files(target: Path) -> None:
    """Temp files a killed save left behind (we hold the lock, so no save of ours is running)."""
    pattern = re.compile(rf"\.{re.escape(target.name)}\.[A-Za-z0-9_]+\.tmp\Z")
    try:
        names = os.listdir(target.parent)
    except OSError:
        return
    for name in names:
        if pattern.match(name):
            try:
                os.unlink(target.parent / name)
            except OSError:
                continue


def write_schema_beside(target: Path) -> None:
    """The JSON Schema the file's first comment points editors at, as `crmcheck new` writes it."""
    from crmcheck.answers.layout import SCHEMA_FILE, schema_json

    path = target.parent / SCHEMA_FILE
    if not path.exists():
        try:
            write_atomic(path, schema_json())
        except CrmcheckError:
            return  # only a convenience for editors
