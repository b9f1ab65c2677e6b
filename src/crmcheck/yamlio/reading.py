"""Reading a file's bytes within the size cap (regular files only) and decoding them as UTF-8 YAML text."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import BinaryIO

from crmcheck.errors import InputError
from crmcheck.yamlio.messages import error_at_index

MAX_BYTES = 8 * 1024 * 1024


# Characters YAML does not allow in a stream (libyaml's reader rejects them with a message that
# has no usable position); we find them first so that the error points at the character.
NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _utf16_without_bom(raw: bytes) -> bool:
    """Whether the bytes look like UTF-16 text with no byte-order mark: NUL in every other byte."""
    sample = raw[:256]
    high, low = sample[1::2], sample[0::2]
    for zeros, others in ((high, low), (low, high)):
        if len(zeros) >= 2 and zeros.count(0) * 2 >= len(zeros) and others.count(0) == 0:
            return True
    return False


def _decode(path: str, raw: bytes) -> str:
    """UTF-8 text (a leading BOM is dropped); any other encoding is an error naming the byte offset."""
    bom = 0
    if raw.startswith(b"\xef\xbb\xbf"):
        bom = 3
    elif raw.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise InputError("file is UTF-32 encoded (byte-order mark at offset 0); save it as UTF-8",
                         file=path, line=1, column=1)
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError("file is UTF-16 encoded (byte-order mark at offset 0); save it as UTF-8",
                         file=path, line=1, column=1)
    if _utf16_without_bom(raw[bom:]):
        offset = raw.index(b"\x00", bom)
        raise InputError(f"file looks UTF-16 encoded (NUL bytes between the characters, the first at offset {offset}); "
                         "save it as UTF-8", file=path, line=1, column=1)
    try:
        text = raw[bom:].decode("utf-8")
    except UnicodeDecodeError as exc:
        good = raw[bom : bom + exc.start].decode("utf-8")
        return_error = error_at_index(
            path, good + "?", len(good),
            f"not valid UTF-8: byte 0x{raw[bom + exc.start]:02x} at offset {bom + exc.start} "
            "(the file may be Latin-1 or Windows-1252); save it as UTF-8",
        )
        raise return_error from None
    bad = NOT_PRINTABLE.search(text)
    if bad is not None:
        index = bad.start()
        offset = bom + len(text[:index].encode("utf-8"))
        if bad.group() == "\x00":
            message = f"NUL byte at offset {offset}; this is not a text file"
        else:
            message = f"control character U+{ord(bad.group()):04X} at offset {offset} is not allowed in YAML"
        raise error_at_index(path, text, index, message)
    return text


def special_kind(path: Path | str) -> str | None:
    """What a path is when it exists but is not a regular file (or a link to one): reading a named pipe blocks
    until someone writes, and a device may never end. None for a regular file, a directory or nothing there."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device"


def open_regular(path: Path | str) -> BinaryIO:
    """The file open for reading, refused (OSError, or InputError naming what it is) unless it is a regular file.

    It is opened without blocking, so that a named pipe nobody writes to opens at once and is refused
    instead of waiting for ever; a device (/dev/zero, a terminal) is refused before a byte is read.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
                 | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise IsADirectoryError(21, "Is a directory", str(path))
        if not stat.S_ISREG(mode):
            kind = ("a named pipe" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device")
            raise InputError(f"not a regular file ({kind}); give a file", file=str(path), line=1, column=1)
        return os.fdopen(fd, "rb")  # O_NONBLOCK changes nothing for a regular file: it may stay set
    except BaseException:
        os.close(fd)
        raise


def read_capped(handle: BinaryIO) -> bytes:
    """A whole open file's bytes, up to one byte past MAX_BYTES (which tells a file that is too large).

    The read is sized by fstat, plus one byte: asking for the cap itself made every read allocate 8 MiB. When
    that byte comes back the file holds more than fstat said (it grew, or it is a pipe or a /proc file, which
    say 0): the rest is read, up to the cap, as before."""
    try:
        size = os.fstat(handle.fileno()).st_size
    except (OSError, ValueError):
        size = 0
    want = min(size, MAX_BYTES) + 1
    raw = handle.read(want)
    if len(raw) == want and want <= MAX_BYTES:
        raw += handle.read(MAX_BYTES + 1 - len(raw))
    return raw


def read_text(path: Path | str) -> str:
    """Read a UTF-8 text file within the size cap, as an InputError on any failure.

    Reading stops one byte past the cap, so a huge file (or an endless device) costs no more.
    """
    name = str(path)
    try:
        with open_regular(path) as handle:  # never a pipe or device: reading one could block for ever
            raw = read_capped(handle)
    except FileNotFoundError:
        raise InputError("no such file", file=name, line=1, column=1) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", file=name, line=1, column=1) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=name, line=1, column=1) from None
    if len(raw) > MAX_BYTES:
        raise InputError(f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB; this is not a questionnaire or "
                         "answers file", file=name, line=1, column=1)
    return _decode(name, raw)
