"""Checks on an .xlsx workbook before any XML in it is parsed: bounded sizes, no DTDs, an intact zip.

An .xlsx file is a zip of XML parts. A few hundred kilobytes can declare hundreds of megabytes of sheet XML (a
decompression bomb), and a part can carry a DOCTYPE whose entities an XML parser expands (billion laughs) or
uses to pull in other files. Office never writes a DOCTYPE, and a survey export is a few megabytes, so both are
refused here, from the zip's directory and one streamed pass over the XML parts, before openpyxl reads a byte.
zipfile never inflates a member past the size its directory declares, so the declared sizes are a real cap.
"""

from __future__ import annotations

import zipfile
import zlib

from crmcheck.errors import InputError

MAX_PART_BYTES = 64 * 1024 * 1024  # one XML part (a sheet, the shared strings) unpacked
MAX_TOTAL_BYTES = 256 * 1024 * 1024  # every part together
MAX_RATIO = 200  # unpacked / packed, for parts over RATIO_FROM: real sheets pack 5 to 50 times
RATIO_FROM = 4 * 1024 * 1024
MAX_CELL_CHARS = 32_767  # the most Excel lets a cell hold
_CHUNK = 1024 * 1024
_FORBIDDEN = (b"<!DOCTYPE", b"<!ENTITY")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _mib(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MiB"


def check_workbook(path: str) -> None:
    """Refuse a workbook that would unpack too large, carries a DTD, or is damaged; read nothing else."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            _check_sizes(path, parts)
            for part in parts:
                if part.filename.endswith((".xml", ".rels")):
                    _scan_part(path, archive, part)
    except zipfile.BadZipFile as exc:
        raise InputError(f"the workbook is damaged ({exc}); open it in a spreadsheet and save it again",
                         file=path) from None
    except (zlib.error, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise InputError(f"the workbook is damaged ({type(exc).__name__}: {exc}); open it in a spreadsheet and "
                         "save it again", file=path) from None


def _check_sizes(path: str, parts: list[zipfile.ZipInfo]) -> None:
    total = 0
    for part in parts:
        size = part.file_size
        total += size
        if size > MAX_PART_BYTES:
            raise InputError(f"{part.filename} would unpack to {_mib(size)} (at most {_mib(MAX_PART_BYTES)} per "
                             "part); this is not a survey export (it may be a decompression bomb)", file=path)
        if size > RATIO_FROM and size > MAX_RATIO * max(part.compress_size, 1):
            raise InputError(f"{part.filename} would unpack {size // max(part.compress_size, 1):,} times its packed "
                             f"size, to {_mib(size)}; real sheets pack far less tightly (it may be a decompression "
                             "bomb)", file=path)
    if total > MAX_TOTAL_BYTES:
        raise InputError(f"the workbook would unpack to {_mib(total)} (at most {_mib(MAX_TOTAL_BYTES)}); this is not "
                         "a survey export", file=path)


def _scan_part(path: str, archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> None:
    """Stream one XML part, looking for a DOCTYPE or entity declaration (and reading it to the end checks its
    CRC, so a damaged part is found here, not halfway through the import)."""
    tail = b""
    first = True
    with archive.open(part) as stream:
        while chunk := stream.read(_CHUNK):
            if first and chunk.startswith(_UTF16_BOMS):
                raise InputError(f"{part.filename} is UTF-16 encoded; save the workbook from a spreadsheet as "
                                 ".xlsx again", file=path)
            first = False
            window = tail + chunk
            if any(marker in window for marker in _FORBIDDEN):
                raise InputError(f"{part.filename} declares a DOCTYPE or entities, which spreadsheets never write "
                                 "(an entity can expand to gigabytes or read other files); refused", file=path)
            tail = window[-(len(_FORBIDDEN[0]) - 1):]
