"""Hostile .xlsx workbooks built in tests: a decompression bomb, truncated and DOCTYPE sheets, billion laughs."""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path

from tests.survey_exports import microsoft_forms_xlsx

SHEET = "xl/worksheets/sheet1.xml"
_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
_TAIL = b"</sheetData></worksheet>"
_HEADER_ROW = (b'<row r="1"><c r="A1" t="inlineStr"><is><t>ID</t></is></c>'
               b'<c r="B1" t="inlineStr"><is><t>best-customers.defined</t></is></c></row>')


def _with_sheet(path: Path, chunks: Iterable[bytes]) -> Path:
    """A real workbook whose first sheet's XML is replaced by `chunks` (streamed, so a bomb costs no memory)."""
    template = path.with_name(path.name + ".template.xlsx")
    microsoft_forms_xlsx(template, ["How well is the CRM kept up to date?"], [[3]])
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED,
                                                              compresslevel=9) as target:
        for item in source.infolist():
            if item.filename == SHEET:
                with target.open(SHEET, "w", force_zip64=True) as sheet:
                    for chunk in chunks:
                        sheet.write(chunk)
            else:
                target.writestr(item, source.read(item.filename))
    template.unlink()
    return path


def bomb(path: Path, megabytes: int = 300) -> Path:
    """A few hundred kilobytes that inflate to `megabytes` of sheet XML: rows of long, identical text cells."""
    cell = b'<c t="inlineStr"><is><t>' + b"A" * 2000 + b"</t></is></c>"
    row = b"<row>" + cell * 50 + b"</row>"
    rows_per_chunk = 10
    chunk = row * rows_per_chunk
    count = megabytes * 1024 * 1024 // len(chunk)

    def chunks() -> Iterable[bytes]:
        yield _HEAD + _HEADER_ROW
        for _ in range(count):
            yield chunk
        yield _TAIL

    return _with_sheet(path, chunks())


def huge_cell(path: Path, characters: int = 100_000) -> Path:
    """A small, honest-looking sheet with one cell longer than Excel allows (32,767 characters)."""
    cell = (b'<row r="2"><c r="A2"><v>1</v></c><c r="B2" t="inlineStr"><is><t>' + b"x" * characters
            + b"</t></is></c></row>")
    return _with_sheet(path, [_HEAD, _HEADER_ROW, cell, _TAIL])


def _rows(count: int) -> bytes:
    return b"".join(b'<row r="%d"><c r="A%d"><v>%d</v></c><c r="B%d"><v>3</v></c></row>' % (n, n, n, n)
                    for n in range(2, count + 2))


def truncated(path: Path) -> Path:
    """A sheet cut off in the middle of a row after thousands of good ones, as a failed download leaves it."""
    whole = _HEAD + _HEADER_ROW + _rows(5000) + _TAIL
    return _with_sheet(path, [whole[: len(whole) - 60]])


def doctype(path: Path) -> Path:
    """A sheet with a DOCTYPE declaring an entity, which an XML parser would quietly expand."""
    head = _HEAD.replace(b"<worksheet", b'<!DOCTYPE worksheet [<!ENTITY e "4">]>\n<worksheet')
    return _with_sheet(path, [head, _HEADER_ROW, b'<row r="2"><c r="A2"><v>1</v></c>'
                              b'<c r="B2" t="inlineStr"><is><t>&e;</t></is></c></row>', _TAIL])


def billion_laughs(path: Path) -> Path:
    """Nested entities that expand to gigabytes, used after thousands of good rows."""
    entities = b'<!ENTITY lol0 "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, b"&lol%d;" % (i - 1) * 10) for i in range(1, 10))
    head = _HEAD.replace(b"<worksheet", b"<!DOCTYPE worksheet [" + entities + b"]>\n<worksheet")
    return _with_sheet(path, [head, _HEADER_ROW, _rows(5000),
                              b'<row r="9000"><c r="A9000" t="inlineStr"><is><t>&lol9;</t></is></c></row>', _TAIL])
