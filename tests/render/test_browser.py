"""The HTML report in a real browser (headless Chromium): loads clean and offline, draws, and prints to A4 as designed.

Set CRMCHECK_SCREENSHOTS=DIR to keep the screenshots and the printed PDF for a person to look at.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from crmcheck.assessment import assess_file
from crmcheck.catalog import Catalog
from tests.conftest import EXAMPLES, run_cli
from tests.render.chromium import Chromium, find_chromium
from tests.render.report_inputs import HOSTILE_ANSWERS, PLAIN_ANSWERS, write_answers, write_small_questionnaires

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium browser here (looked for /usr/bin/chromium): install Debian's `chromium` package, as .ci/run "
           "does when it can; the browser checks of the HTML report did not run",
)
FOOTER = re.compile(r"^Page (\d+) of (\d+)$")


def render_html(tmp_path: Path, answers: Path, *extra: str) -> Path:
    out = tmp_path / "report.html"
    run = run_cli("report", str(answers), "--format", "html", "-o", str(out), *extra)
    assert run.code == 0, run.err
    return out


def keep(name: str, data: bytes) -> None:
    directory = os.environ.get("CRMCHECK_SCREENSHOTS")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        (Path(directory) / name).write_bytes(data)


def assert_not_blank(png: bytes) -> None:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    grey = image.convert("L")
    low, high = grey.getextrema()
    assert high - low > 150, "the screenshot has no contrast"
    colours = image.getcolors(maxcolors=1 << 20) or []
    assert len(colours) > 50, f"the screenshot has only {len(colours)} colours"
    inked = sum(count for count, value in grey.getcolors(maxcolors=256) or [] if value < 200)
    assert inked / (image.width * image.height) > 0.01, "the screenshot is almost empty"


def pdf_pages(pdf: bytes) -> list[list[str]]:
    """Each page's text lines, with the running footer ("Page N of M") taken out and checked."""
    pages = []
    reader = PdfReader(io.BytesIO(pdf))
    for number, page in enumerate(reader.pages, start=1):
        lines = [line.strip() for line in page.extract_text().splitlines() if line.strip()]
        footers = [m for m in map(FOOTER.match, lines) if m]
        if number == 1:
            assert footers == [], "the cover has no page number"
        else:
            assert [(int(m.group(1)), int(m.group(2))) for m in footers] == [(number, len(reader.pages))]
        pages.append([line for line in lines if not FOOTER.match(line)])
    return pages


def flat(lines: list[str]) -> str:
    return " ".join(" ".join(lines).split())


def test_example_report_loads_offline_draws_and_prints(tmp_path: Path) -> None:
    assert CHROMIUM is not None
    html = render_html(tmp_path, EXAMPLES / "assessment-2026.yaml")
    result = assess_file(str(EXAMPLES / "assessment-2026.yaml"), Catalog.from_options())
    with Chromium(CHROMIUM) as browser:
        browser.open(html)
        assert browser.report.console_errors == []
        assert browser.report.network_requests == []
        assert browser.report.local_requests == [html.resolve().as_uri()]
        assert browser.evaluate("document.scripts.length") == 0
        assert browser.evaluate("document.querySelectorAll('svg.chart').length") == 5
        cover = browser.screenshot()
        assert_not_blank(cover)
        keep("cover.png", cover)
        for index, q in enumerate(result.questionnaires, start=1):
            shot = browser.screenshot(browser.element_clip(f"#q-{q.id}", 1500))
            assert_not_blank(shot)
            keep(f"part-{index}-{q.id}.png", shot)
        pdf = browser.pdf()
        assert browser.report.console_errors == [] and browser.report.network_requests == []
    keep("report.pdf", pdf)
    pages = pdf_pages(pdf)
    cover_text = flat(pages[0])
    assert "Brightwater Field Systems" in cover_text and "Top 5 priorities" in cover_text
    assert "How to read this report" in cover_text and "PART 1 OF 3" not in cover_text
    # a page break before each questionnaire: its chapter heading opens a page
    starts = [i for i, lines in enumerate(pages) if lines and re.fullmatch(r"PART \d OF 3", lines[0])]
    assert [pages[i][0] for i in starts] == ["PART 1 OF 3", "PART 2 OF 3", "PART 3 OF 3"]
    assert starts[0] == 1 and [pages[i][1] for i in starts] == [q.title for q in result.questionnaires]
    # no cut tables: each section's answers table has its caption and its last question on one page
    chapters = [*starts, len(pages)]
    for q, begin, end in zip(result.questionnaires, chapters, chapters[1:], strict=False):
        texts = [flat(lines) for lines in pages[begin:end]]
        for section in q.sections:
            caption = f"{section.title} · {section.score:.1f}"
            last = " ".join(section.questions[-1].text.split()[:6])
            holding = [i for i, text in enumerate(texts) if caption in text]
            assert len(holding) == 1, caption
            assert last in texts[holding[0]], f"the table of '{section.title}' is cut across pages"


def test_small_report_prints_the_cover_and_two_pages_per_questionnaire(tmp_path: Path) -> None:
    assert CHROMIUM is not None
    questionnaires = write_small_questionnaires(tmp_path / "q")
    answers = write_answers(tmp_path / "answers.yaml", PLAIN_ANSWERS)
    html = render_html(tmp_path, answers, "--questionnaires", str(questionnaires))
    with Chromium(CHROMIUM) as browser:
        browser.open(html)
        pdf = browser.pdf()
        assert browser.report.console_errors == [] and browser.report.network_requests == []
    pages = pdf_pages(pdf)
    # the cover; then per questionnaire a page of charts, and a page of recommendations and answers
    assert len(pages) == 5
    assert [lines[:2] for lines in pages[1::2]] == [["PART 1 OF 2", "Small-A"], ["PART 2 OF 2", "Small-B"]]
    assert [lines[0] for lines in pages[2::2]] == ["Recommendations", "Recommendations"]


def test_hostile_report_stays_inert_in_the_browser(tmp_path: Path) -> None:
    assert CHROMIUM is not None
    questionnaires = write_small_questionnaires(tmp_path / "q")
    answers = write_answers(tmp_path / "answers.yaml", HOSTILE_ANSWERS)
    html = render_html(tmp_path, answers, "--questionnaires", str(questionnaires),
                       "--title", '</title><script>alert("title")</script>')
    with Chromium(CHROMIUM) as browser:
        browser.open(html)
        shot = browser.screenshot()
        assert browser.report.console_errors == []
        assert browser.report.network_requests == []
        assert browser.evaluate("document.scripts.length") == 0
        assert browser.evaluate("document.images.length") == 0
        assert browser.evaluate("document.querySelectorAll('style').length") == 1
        assert browser.evaluate("getComputedStyle(document.body).display") == "block"
        assert browser.evaluate("document.title") == (
            '</title><script>alert("title")</script> · <script>alert("company")</script> & Sons =cmd|\' /C calc\'!A0')
        assert browser.evaluate("document.querySelector('h1').textContent") == (
            '<script>alert("company")</script> & Sons =cmd|\' /C calc\'!A0')
    assert_not_blank(shot)
    keep("hostile.png", shot)


# --- WCAG 2.1 AA: axe-core, from the locked npm package (tests/js), injected into each report ------------------

SELECTION = EXAMPLES / "selection"
ACCESSIBILITY_CASES = {
    "report": ("report", str(EXAMPLES / "assessment-2026.yaml")),
    "report-with-baseline": ("report", str(EXAMPLES / "assessment-2026.yaml"), "--baseline",
                             str(EXAMPLES / "assessment-2025.yaml")),
    "perception": ("report", str(EXAMPLES / "perception")),
    "vendors": ("vendors", "report", str(SELECTION / "selection.yaml"), str(SELECTION / "cards")),
    "report-with-plan": ("report", str(EXAMPLES / "assessment-2026.yaml"), "--baseline",
                         str(EXAMPLES / "assessment-2025.yaml"), "--plan", str(EXAMPLES / "plan-2025.yaml"),
                         "--today", "2026-11-20"),
    "plan": ("plan", "show", str(EXAMPLES / "plan-2025.yaml"), "--today", "2026-11-20"),
}


@pytest.mark.parametrize("case", sorted(ACCESSIBILITY_CASES))
def test_every_html_report_has_no_wcag_aa_violations(case: str, tmp_path: Path) -> None:
    from tests.render.axe import require_axe, summary, violations

    assert CHROMIUM is not None
    require_axe()
    out = tmp_path / f"{case}.html"
    run = run_cli(*ACCESSIBILITY_CASES[case], "--format", "html", "-o", str(out))
    assert run.code == 0, run.err
    with Chromium(CHROMIUM) as browser:
        browser.open(out)
        found = violations(browser)
        # axe ran: it found the page's text to check (a failed injection would find nothing at all)
        assert browser.evaluate("typeof axe.version") == "string"
        assert browser.report.network_requests == []
    assert found == [], f"{case}:\n{summary(found)}"


def test_axe_finds_what_it_should(tmp_path: Path) -> None:
    """The check can fail: the report's old grey on white is a contrast violation axe reports."""
    from tests.render.axe import require_axe, violations

    assert CHROMIUM is not None
    require_axe()
    page = tmp_path / "grey.html"
    page.write_text('<!doctype html><html lang="en"><head><title>t</title></head><body><main>'
                    '<p style="color:#8a97a3;background:#fff;font-size:10px">faint text</p></main></body></html>')
    with Chromium(CHROMIUM) as browser:
        browser.open(page)
        found = violations(browser)
    assert [v["id"] for v in found] == ["color-contrast"]
