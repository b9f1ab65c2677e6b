"""Atomic file writing: a crash at any moment leaves the old file or the new one, never a mix."""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from crmcheck.errors import InputError


def _create_temp(target: Path, mode: int) -> tuple[int, str]:
    """A new temp file beside `target`, created with `mode` less the umask by the kernel itself.

    The process umask is never read by setting it (os.umask(0) and back): threads write files too (the
    collect server saves from a thread pool), and a file created by one while another had it at 0 would be
    world-writable.
    """
    import secrets  # here, not at the top: most runs write nothing

    for _ in range(100):
        tmp = str(target.parent / f".{target.name}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
                           | getattr(os, "O_BINARY", 0), mode), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temp file name beside {target}")


@contextlib.contextmanager
def _temp_beside(target: Path, mode: int = 0o600) -> Iterator[tuple[int, str]]:
    fd, tmp = _create_temp(target, mode)
    try:
        yield fd, tmp
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _write_all(fd: int, data: bytes) -> None:
    """Every byte to the file descriptor (a write may take fewer than it is given); no buffer object."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _set_mode(fd: int, tmp: str, mode: int) -> None:
    if hasattr(os, "fchmod"):
        os.fchmod(fd, mode)  # by the open file: no second look-up of the name
    else:  # pragma: no cover - Windows
        os.chmod(tmp, mode)


def _write_in_place(target: Path, data: bytes) -> None:
    try:
        with open(target, "wb") as handle:
            handle.write(data)
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror or exc}", file=str(target)) from None


def _refuse_read_only(target: Path, mode: int) -> None:
    """Refuse a file the shell's `>` would refuse. Root may write anything, so its mode bits decide too:
    a file without any write bit was made read-only on purpose."""
    if not mode & 0o222 or not os.access(target, os.W_OK):
        raise InputError(f"cannot write: the file is read-only (mode {mode:04o}); make it writable (chmod u+w) "
                         "or write to another file", file=str(target))


def _make_parents(target: Path) -> None:
    """Create the missing folders above a new file, as `-o reports/2026/crm.md` asks."""
    parent = target.parent
    if parent.is_dir():
        return
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise InputError(f"cannot create the folder {parent}: a file of that name is in the way",
                         file=str(target)) from None
    except OSError as exc:
        raise InputError(f"cannot create the folder {parent}: {exc.strerror or exc}", file=str(target)) from None


def write_atomic(path: Path | str, content: str | bytes) -> None:
    """Write a file so that a crash at any moment leaves the old or the new file, never a mix.

    The temp file lives in the target's directory (so rename is atomic), is fsynced before the
    rename, and takes the permissions of the file it replaces. A read-only file is refused, as the shell's `>`
    refuses it; missing parent folders of a new file are created.
    """
    target = Path(path)
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        info = os.stat(target)
        if stat.S_ISDIR(info.st_mode):
            raise InputError("is a directory, not a file", file=str(target))
        if not stat.S_ISREG(info.st_mode):
            # a device or pipe (/dev/null, /dev/stdout, a FIFO): renaming over it would replace it
            _write_in_place(target, data)
            return
        mode: int | None = stat.S_IMODE(info.st_mode)
        _refuse_read_only(target, stat.S_IMODE(info.st_mode))
    except FileNotFoundError:
        mode = None  # a new file: created 0666 less the umask, as `open(..., "w")` makes it
        _make_parents(target)
    except NotADirectoryError:
        raise InputError("cannot write: a part of the path is a file, not a folder", file=str(target)) from None
    try:
        with _temp_beside(target, 0o600 if mode is not None else 0o666) as (fd, tmp):
            try:
                _write_all(fd, data)
                if mode is not None:  # the permissions of the file replaced
                    _set_mode(fd, tmp, mode)
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, target)
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror or exc}", file=str(target)) from None
    with contextlib.suppress(OSError):
        dir_fd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
