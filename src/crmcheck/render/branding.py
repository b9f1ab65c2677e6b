"""A consultancy's logo for the HTML report: read once, checked to be an image, embedded as a data URI."""

from __future__ import annotations

import base64
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from crmcheck.errors import InputError

MAX_LOGO_BYTES = 2 * 1024 * 1024
_SVG_START = re.compile(rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!DOCTYPE[^>]*>\s*)?<svg[\s>]",
                        re.DOTALL | re.IGNORECASE)


@dataclass(frozen=True)
class Logo:
    media_type: str
    data: bytes

    @property
    def data_uri(self) -> str:
        return f"data:{self.media_type};base64,{base64.b64encode(self.data).decode('ascii')}"


def media_type_of(data: bytes) -> str | None:
    """The image type a file's content shows (by its first bytes, never by its name), or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if _SVG_START.match(data[:4096]):
        return "image/svg+xml"
    return None


def _read_regular(path: Path, limit: int) -> bytes:
    """At most `limit` + 1 bytes of a regular file. A device (/dev/zero) or a pipe is refused before reading: it
    could be endless, or block for ever; opening without blocking makes even a FIFO's open return at once."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError
        if not stat.S_ISREG(info.st_mode):
            raise InputError("logo is not a regular file (a device, pipe or socket); give an image file",
                             file=str(path))
        return handle.read(limit + 1)


def load_logo(path: Path) -> Logo:
    """Read a PNG, JPEG, GIF, WebP or SVG logo; anything else is an input error naming the file."""
    try:
        data = _read_regular(path, MAX_LOGO_BYTES)
    except IsADirectoryError:
        raise InputError("logo is a directory, not an image file", file=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read logo: {exc.strerror or exc}", file=str(path)) from None
    if len(data) > MAX_LOGO_BYTES:
        raise InputError(f"logo is larger than {MAX_LOGO_BYTES} bytes (2 MiB), the limit", file=str(path))
    media_type = media_type_of(data)
    if media_type is None:
        raise InputError("logo is not a PNG, JPEG, GIF, WebP or SVG image", file=str(path))
    return Logo(media_type, data)
