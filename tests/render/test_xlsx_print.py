"""The xlsx report prints: print areas, landscape pages fitted to width, row heights for wrapped text, frozen
header panes; checked in the file and, when LibreOffice is installed, on the PDF it prints."""

from __future__ import annotations

import math
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from crmcheck.render.xlsx_report import LINE_HEIGHT, PRINT_WIDTH
from tests.conftest import EXAMPLES, run_cli
from tests.render.report_inputs import write_partial_example

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
KEY_COLUMNS = {"Summary": 1, "Sections": 2, "Questions": 3, "Recommendations": 1, "Stages": 3, "Profile": 3,
               "Profile both views": 2, "Changes": 2, "Steps back": 2, "How to read": 0}


@pytest.fixture(scope="module")
def example_xlsx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("xlsx-print") / "report.xlsx"
    run = run_cli("report", str(EXAMPLES / "assessment-2026.yaml"), "--baseline",
                  str(EXAMPLES / "assessment-2025.yaml"), "--format", "xlsx", "-o", str(out))
    assert run.code == 0, run.err
    return out


def test_every_sheet_has_a_print_setup(example_xlsx: Path) -> None:
    wb = load_workbook(example_xlsx)
    assert wb.sheetnames == ["Summary", "Sections", "Questions", "Recommendations", "Stages", "Profile", "Changes",
                             "Steps back", "How to read"]
    for ws in wb.worksheets:
        keys = KEY_COLUMNS[ws.title]
        printed = 12 if ws.title == "Summary" else ws.max_column
        assert ws.print_area == f"'{ws.title}'!$A$1:${get_column_letter(printed)}${ws.max_row}"
        assert ws.page_setup.orientation == "landscape"
        assert ws.sheet_properties.pageSetUpPr.fitToPage is True
        width = sum(ws.column_dimensions[get_column_letter(c)].width for c in range(1, printed + 1))
        assert ws.page_setup.fitToWidth == math.ceil(width / PRINT_WIDTH)
        assert ws.page_setup.fitToHeight == 0
        assert ws.print_title_rows == "$1:$1"
        assert ws.freeze_panes == f"{get_column_letter(keys + 1)}2"
        assert "Brightwater Field Systems" in ws.oddHeader.left.text
    # the Summary's columns beyond the print area repeat the company on every row: the page header says it once
    summary = wb["Summary"]
    assert [summary.cell(1, c).value for c in (13, 14)] == ["Company", "Assessed on"]


def test_rows_are_tall_enough_for_their_wrapped_text(example_xlsx: Path) -> None:
    ws = load_workbook(example_xlsx)["Questions"]
    text_column = next(c for c in range(1, ws.max_column + 1) if ws.cell(1, c).value == "Recommendation")
    width = ws.column_dimensions[get_column_letter(text_column)].width
    checked = 0
    for row in range(2, ws.max_row + 1):
        text = ws.cell(row, text_column).value
        if not text:
            continue
        # characters per line at about 1.1 a width unit, rounded up; every row at least as tall as that
        needed = math.ceil(len(text) / int(width * 1.1))
        assert ws.row_dimensions[row].height >= LINE_HEIGHT * needed, (row, text)
        checked += 1
    assert checked > 50
    assert max(ws.row_dimensions[r].height for r in range(2, ws.max_row + 1)) >= 3 * LINE_HEIGHT


def test_not_assessed_sections_say_so_and_leave_numbers_blank(tmp_path: Path) -> None:
    answers = write_partial_example(tmp_path / "partial.yaml")
    out = tmp_path / "partial.xlsx"
    assert run_cli("report", str(answers), "--format", "xlsx", "-o", str(out)).code == 0
    ws = load_workbook(out)["Sections"]
    head = [c.value for c in ws[1]]
    by_section = {row[1]: dict(zip(head, row, strict=True)) for row in ws.iter_rows(min_row=2, values_only=True)}
    for section in ("innovation", "strengths"):
        row = by_section[section]
        assert (row["Score"], row["Level"], row["Gap"]) == (None, None, None)
        assert (row["Level name"], row["Risk"]) == ("not assessed", "not assessed")
    assert by_section["relevance"]["Level name"] != "not assessed" and by_section["relevance"]["Score"] > 0


def _pdf_of(xlsx: Path, tmp_path: Path) -> Path:
    assert SOFFICE is not None
    # a profile of its own, so a LibreOffice the user has open (or another test) does not get in the way
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run([SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir",
                    str(tmp_path), str(xlsx)], check=True, capture_output=True, timeout=180)
    return tmp_path / (xlsx.stem + ".pdf")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed: cannot print the xlsx to PDF")
def test_libreoffice_prints_a_sane_number_of_landscape_pages(example_xlsx: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader

    reader = PdfReader(_pdf_of(example_xlsx, tmp_path))
    pages = [(page.mediabox.width, page.mediabox.height, page.extract_text()) for page in reader.pages]
    wb = load_workbook(example_xlsx)
    assert all(width > height for width, height, _ in pages), "every page is landscape"
    # each page says which sheet it is (page header); sheets print in workbook order
    sheets = [next(name for name in wb.sheetnames if name in text.splitlines()[0]) for _, _, text in pages]
    assert sheets == sorted(sheets, key=wb.sheetnames.index) and set(sheets) == set(wb.sheetnames)
    for ws in wb.worksheets:
        # as many pages wide as set, and at least 8 rows a page (38 pages of 3 columns each was the old state)
        wide = ws.page_setup.fitToWidth
        assert wide <= sheets.count(ws.title) <= wide * math.ceil(ws.max_row / 8), ws.title
    summary = pages[0][2]
    # the whole Summary table is on its first page: every printed header and every questionnaire's score
    for title in ("Questionnaire", "Title", "Score", "Level name", "Stage name", "Completeness"):
        assert title in summary
    for row in wb["Summary"].iter_rows(min_row=2, values_only=True):
        assert row[0] in summary and f"{row[4]:.1f}" in summary
    assert "Page 1 of" in summary and "Brightwater Field Systems" in summary
