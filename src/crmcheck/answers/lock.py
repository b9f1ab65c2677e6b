"""The lock file beside an answers file, so that only one interview at a time writes it."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from types import TracebackType

from crmcheck.errors import CrmcheckError, InputError, UsageError

try:  # POSIX: the kernel drops an flock when its process ends, even on SIGKILL
    import fcntl
except ImportError:  # pragma: no cover - not POSIX; fall back to asking whether the pid still runs
    fcntl = None  # type: ignore[assignment]

_ATTEMPTS = 5


def lock_path(target: Path) -> Path:
    """Where the lock for an answers file lives: `FILE.lock` in the same directory."""
    return target.with_name(target.name + ".lock")


def _pid_in(fd: int) -> int | None:
    try:
        text = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def _pid_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    except OSError:
        return False
    return True


def _hold(fd: int, created: bool) -> bool:
    """Take the lock on an open lock file; False when a running process holds it."""
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True
    if created:  # pragma: no cover - non-POSIX only
        return True
    pid = _pid_in(fd)  # pragma: no cover - non-POSIX only
    return pid is None or pid == os.getpid() or not _pid_running(pid)  # pragma: no cover


def _same_file(fd: int, path: Path) -> bool:
    try:
        now = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (mine.st_dev, mine.st_ino) == (now.st_dev, now.st_ino)


class AnswersLock:
    """`FILE.lock`, created with O_CREAT|O_EXCL and holding the interview's process id.

    A lock file whose process has ended (killed, or the machine went down) is stale and is taken
    over: on POSIX the interview also holds an flock on the file for as long as it runs, and the
    kernel drops that when the process ends, so "stale" never depends on guessing from a pid that
    may have been reused. `taken_over_from` then tells which process left it (None if unknown).
    """

    def __init__(self, target: Path) -> None:
        self.target = target
        self.path = lock_path(target)
        self.taken_over = False
        self.taken_over_from: int | None = None
        self.hard_linked = False  # the file has other names: saves must write into it, never replace it
        self._fd: int | None = None
        self._file_fd: int | None = None

    def acquire(self) -> None:
        for _ in range(_ATTEMPTS):
            created = True
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o644)
            except FileExistsError:
                created = False
                try:
                    fd = os.open(self.path, os.O_RDWR)
                except FileNotFoundError:
                    continue  # the other interview just ended: try again
                except OSError as exc:
                    raise InputError(f"cannot open the lock file: {exc.strerror}", file=str(self.path)) from None
            except OSError as exc:
                raise InputError(f"cannot create the lock file: {exc.strerror}", file=str(self.path)) from None
            if not _hold(fd, created):
                holder = _pid_in(fd)
                os.close(fd)
                who = f"process {holder}" if holder else "another process"
                raise UsageError(
                    f"another interview ({who}) is writing this file; finish that one first "
                    f"(the lock is {self.path.name})",
                    file=str(self.target),
                )
            if not _same_file(fd, self.path):  # it was released and replaced while we waited: start again
                os.close(fd)
                continue
            if not created:
                self.taken_over = True
                self.taken_over_from = _pid_in(fd)
            try:
                os.ftruncate(fd, 0)
                os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
            except OSError as exc:
                os.close(fd)
                raise InputError(f"cannot write the lock file: {exc.strerror}", file=str(self.path)) from None
            self._fd = fd
            try:
                self._lock_the_file_itself()
            except BaseException:
                self.release()
                raise
            return
        raise UsageError("could not take the interview lock; another interview keeps starting and stopping",
                         file=str(self.target))

    def _lock_the_file_itself(self) -> None:
        """Lock the answers file's inode too, not only its path: a hard link made at any time (before this
        interview or during it) gives the file another name with its own FILE.lock, and an flock on the
        file conflicts with one taken through any of its names. Saves that replace the file take the lock
        again on the new file (`relock`); a file with other names is written into (see `hard_linked`).
        """
        try:
            info = os.stat(self.target)
        except OSError:
            return  # not there yet: the first save creates it, and `relock` locks it then
        self.hard_linked = info.st_nlink > 1
        self._file_fd = self._flock_target(info.st_nlink)

    def _flock_target(self, names: int) -> int | None:
        if fcntl is None:
            return None
        try:
            fd = os.open(self.target, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except OSError as exc:
            raise InputError(f"cannot open: {exc.strerror}", file=str(self.target)) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            how = (f"through another of its {names} names (a hard link)" if names > 1
                   else "under another name (it was renamed, or a hard link was removed)")
            raise UsageError(f"another interview is writing this file {how}; finish that one first",
                             file=str(self.target)) from None
        return fd

    def relock(self) -> None:
        """After a save replaced the file (a new inode): lock the new file, then let go of the old one."""
        if self._fd is None:
            return
        old, self._file_fd = self._file_fd, None
        try:
            self._file_fd = self._flock_target(1)
        except CrmcheckError:
            self._file_fd = old  # keep what we hold; the path lock still stands
            return
        if old is not None:
            os.close(old)

    @staticmethod
    def has_other_names(target: Path) -> bool:
        """Whether the file has hard links now: a save must then write into it, or it would split in two."""
        try:
            return os.stat(target).st_nlink > 1
        except OSError:
            return False

    def release(self) -> None:
        if self._file_fd is not None:
            os.close(self._file_fd)
            self._file_fd = None
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        # unlink while still holding the lock, so that nobody can take a lock on the file being removed
        with contextlib.suppress(OSError):
            if _same_file(fd, self.path):
                os.unlink(self.path)
        os.close(fd)

    def __enter__(self) -> AnswersLock:
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.release()
