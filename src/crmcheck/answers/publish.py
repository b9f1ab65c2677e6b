"""The all-or-nothing batch publisher: many rendered answers files into one folder, every one of them or none.

The API, in the order a batch uses it:

- `Spool`: the batch's records held until every one is known to be good (in memory while small, then in a
  temp file with no name), so a large batch is read once and memory does not grow with it.
- `check_folder(folder, names, force=...)`: refuse a folder that is a file, or (without --force) one that
  already holds a file of the batch; create the folder.
- `publish(folder, names, texts, force=..., progress=...)`: write each text under its name, all or nothing.

A file is never half-written under an answers file's name, never overwritten without --force (a file that
appears while the batch is written is refused), and under --force a replaced file keeps its mode. Temp files
are fsynced in batches and the folder once at the end. Whatever stops the batch (a full disk, Ctrl-C, a
SIGTERM or SIGHUP, a text that cannot be made) removes every temp file and every file published.
"""

from __future__ import annotations

import contextlib
import errno
import itertools
import marshal
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Protocol

from crmcheck.answers.signals import Stopping
from crmcheck.errors import InputError, UsageError
from crmcheck.wording import plural


class Progress(Protocol):
    """Where the publisher reports each file written, then each file named."""

    def start(self, description: str, total: int) -> None: ...

    def advance(self, count: int = 1) -> None: ...


class Spool:
    """Records (anything `marshal` can write: tuples, strings, numbers, dicts) in the order added, read back once
    every one is in. A temp file that has no name holds them (in memory while small)."""

    def __init__(self) -> None:
        self._file = tempfile.SpooledTemporaryFile(max_size=256 * 1024)  # noqa: SIM115 - closed by close()
        self.count = 0

    def add(self, record: Any) -> None:
        data = marshal.dumps(record)
        try:
            self._file.write(len(data).to_bytes(4, "little"))
            self._file.write(data)
        except OSError as exc:
            raise InputError(f"cannot write a temporary file: {exc.strerror or exc}; no answers file was written",
                             file=tempfile.gettempdir()) from None
        self.count += 1

    def __iter__(self) -> Iterator[Any]:
        handle = self._file
        handle.seek(0)
        for _ in range(self.count):
            size = int.from_bytes(handle.read(4), "little")
            yield marshal.loads(handle.read(size))

    def close(self) -> None:
        self._file.close()


_NOT_THERE = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)


def _exists(path: str) -> bool:
    """`Path.exists()` for a path given as text (the same errors mean "not there"; others are raised)."""
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno in _NOT_THERE:
            return False
        raise
    except ValueError:
        return False
    return True


def check_folder(folder: Path, names: Iterable[str], *, force: bool) -> None:
    """Make `folder` ready for a batch: not a file, holding none of `names` unless `force`; created if missing."""
    if folder.exists() and not folder.is_dir():
        raise UsageError(f"{folder} is a file; -o takes a directory for the answers files")
    if not force and folder.is_dir():  # with --force, files found there as they are written are replaced
        existing = (name for name in names if _exists(os.path.join(folder, name)))
        first = next(existing, None)
        if first is not None:
            count = 1 + sum(1 for _ in existing)
            more = f" and {count - 1} more" if count > 1 else ""
            raise UsageError(f"{folder / first}{more} already {plural(count, 'exists')}; nothing written "
                             "(use --force to overwrite)")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"cannot create directory: {exc.strerror}", file=str(folder)) from None


class _Silent:
    def start(self, description: str, total: int) -> None:
        pass

    def advance(self, count: int = 1) -> None:
        pass


_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
_SYNC_BATCH = 256


def publish(folder: Path, names: Iterable[str], texts: Iterable[str], *, force: bool,
            progress: Progress | None = None) -> None:
    """Write every file or none, and never a half-written one under an answers file's name.

    `names` are the files' names, iterated more than once and always in the same order; `texts` gives each
    one's text in that order, made one at a time as it is written (an error raised while making one stops the
    batch as a full disk would). Each file is written to a temp file beside it (`.NAME.TOKEN.tmp`, one random
    token per batch, so no temp name is kept in memory), with the mode of the file it replaces under --force.
    Temp files are fsynced in batches (fsyncs one after another let the disk group them); once every file is
    on disk, each is published under its name: hard-linked (which refuses a file that appeared meanwhile:
    never overwritten without --force) and its temp name removed, or under --force renamed over the old file.
    Then the folder is fsynced. `progress` advances once per file written, then starts "Naming answers files"
    and advances once per file named. An OSError becomes an InputError naming the file; anything else that
    stops the batch (Ctrl-C; SIGTERM and SIGHUP, which stop it as Ctrl-C does) is raised again once every
    file written is removed.
    """
    with Stopping(_interrupted, ("SIGTERM", "SIGHUP"), keep_ignored=True):
        _write_each(folder, names, texts, progress or _Silent(), force)


def _write_each(out: Path, names: Iterable[str], texts: Iterable[str], progress: Progress, force: bool) -> None:
    token = os.urandom(6).hex()
    folder = str(out)  # names joined as text: a Path per file would intern each name for good
    existed: set[str] = set()  # --force: names of files that were there before (only these are not removed)
    unsynced: list[int] = []  # open temp files, fsynced in batches
    written = 0  # files whose temp file exists
    published = 0  # files that have their name
    started: str | None = None  # a temp file being created
    current: str | None = None
    try:
        try:
            text_of = iter(texts)
            for name in names:
                current = os.path.join(folder, name)
                data = next(text_of).encode("utf-8")
                started = _temp_name(folder, name, token)  # before the call: a signal can come once it exists
                fd = os.open(started, _NEW_FILE, 0o666)  # the umask applies, as for a file written plainly
                try:
                    if force and (mode := _mode_of(current)) is not None:
                        existed.add(name)
                        os.chmod(started, mode)  # the replaced file's mode
                    _write_fd(fd, data)
                finally:
                    unsynced.append(fd)
                started = None
                written += 1
                if len(unsynced) >= _SYNC_BATCH:
                    _sync_and_close(unsynced)
                progress.advance()
            _sync_and_close(unsynced)
        finally:
            for fd in unsynced:
                with contextlib.suppress(OSError):
                    os.close(fd)
        progress.start("Naming answers files", written)
        for name in names:
            current = os.path.join(folder, name)
            tmp = _temp_name(folder, name, token)
            if force:
                os.replace(tmp, current)
                published += 1
            else:
                linked = _publish_new(tmp, current)
                published += 1
                if linked:
                    os.unlink(tmp)
            progress.advance()
    except BaseException as exc:  # whatever stopped it (a full disk, Ctrl-C, a refused value): no file is left
        _remove_written(folder, names, token, written, published, started, existed)
        if isinstance(exc, OSError):
            raise InputError(f"cannot write: {exc.strerror or exc}; no answers file was written",
                             file=current) from None
        raise
    with contextlib.suppress(OSError):
        directory = os.open(out, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)


_NO_HARD_LINKS = {getattr(errno, name) for name in ("EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS", "EMLINK", "EXDEV")
                  if hasattr(errno, name)}


def _publish_new(tmp: str, target: str) -> bool:
    """Give the written temp file its answers-file name, refusing a file of that name that appeared since the
    directory was checked (FileExistsError). Usually a hard link (True: the temp name is still to remove); a
    file system without hard links (exFAT, some network shares) gets a check and a rename instead (False):
    the same result, with a moment in which a file appearing would be replaced."""
    try:
        os.link(tmp, target, follow_symlinks=False)
        return True
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            raise
    if os.path.lexists(target):
        raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), target)
    os.replace(tmp, target)
    return False


def _mode_of(path: str) -> int | None:
    """The permission bits of an existing file, or None when there is none."""
    try:
        return os.stat(path).st_mode & 0o777
    except FileNotFoundError:
        return None


def _temp_name(folder: str, name: str, token: str) -> str:
    return f"{folder}{os.sep}.{name}.{token}.tmp"


def _interrupted(signum: int) -> BaseException:
    """While files are written, a hang-up or `kill` stops the batch as Ctrl-C does: the files written go.

    (Answers files get their final names only once all are written; only a kill that cannot be caught, or a
    crash, can leave some of them.) A signal someone chose to ignore (nohup) stays ignored.
    """
    return KeyboardInterrupt()


def _write_fd(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _remove_written(folder: str, names: Iterable[str], token: str, written: int, published: int,
                    started: str | None, existed: set[str]) -> None:
    """Remove the temp files of the first `written` names, the one being created, and the files of the first
    `published` (but not a file that was there before, which --force replaced)."""
    if started is not None:
        with contextlib.suppress(OSError):
            os.unlink(started)
    for index, name in enumerate(itertools.islice(names, written)):
        with contextlib.suppress(OSError):
            os.unlink(_temp_name(folder, name, token))
        if index < published and name not in existed:
            with contextlib.suppress(OSError):
                os.unlink(os.path.join(folder, name))


def _sync_and_close(fds: list[int]) -> None:
    while fds:
        os.fsync(fds[-1])
        os.close(fds.pop())
