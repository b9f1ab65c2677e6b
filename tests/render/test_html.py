"""The HTML report: self-contained, escaped, with every chart described and tabled; chart geometry hand-worked."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from crmcheck.assessment import assess_file
from crmcheck.catalog import Catalog
from crmcheck.models.result import AssessmentResult, LevelBand
from crmcheck.render import RenderOptions
from crmcheck.render.branding import Logo, media_type_of
from crmcheck.render.charts import StageInput, gap_bars, radar, stage_ladder, wrap_label
from crmcheck.render.html_report import render, render_with
from crmcheck.render.report_parts import Changes, OptionalParts, PerceptionGap, QuestionnaireChange, SectionChange
from crmcheck.render.templating import target_score
from tests.conftest import EXAMPLES, run_cli
from tests.render.report_inputs import (
    HOSTILE_ANSWERS,
    HOSTILE_ASSESSOR,
    HOSTILE_COMPANY,
    HOSTILE_EVIDENCE,
    HOSTILE_NOTE,
    HOSTILE_REASON,
    HOSTILE_TEXT,
    HOSTILE_TITLE,
    PLAIN_ANSWERS,
    write_answers,
    write_small_questionnaires,
)

LEVELS = [LevelBand(level=n, name=name, min=m) for n, name, m in
          ((1, "Initial", 0), (2, "Developing", 25), (3, "Defined", 50), (4, "Managed", 70), (5, "Leading", 90))]
PNG_1X1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c6360f8cfc0f01f0005000201a5e1b8f40000000049454e44ae426082"
)


class Page(HTMLParser):
    """Everything a browser could act on: elements, attributes, and the text of <style> and <script>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self._in: list[str] = []
        self.style = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self._in and self._in[-1] == tag:
            self._in.pop()

    def handle_data(self, data: str) -> None:
        if self._in and self._in[-1] == "style":
            self.style += data
        else:
            self.text.append(data)

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for t, attrs in self.tags if t == tag]

    @property
    def plain(self) -> str:
        return " ".join(" ".join(self.text).split())


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def assert_inert(page: Page) -> None:
    """No script, no event handler, no link or resource that leaves the file."""
    assert page.all("script") == []
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name == "src":
                assert (value or "").startswith("data:image/"), (tag, value)
            if name == "href":
                assert (value or "").startswith("#"), (tag, value)
    assert "url(" not in page.style and "@import" not in page.style


@pytest.fixture(scope="module")
def example_html(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("html") / "report.html"
    run = run_cli("report", str(EXAMPLES / "assessment-2026.yaml"), "--format", "html", "-o", str(out))
    assert (run.code, run.out, run.err) == (0, "", "")
    return out.read_text(encoding="utf-8")


@pytest.fixture
def small_dir(tmp_path: Path) -> Path:
    return write_small_questionnaires(tmp_path / "questionnaires")


# --- the example company ------------------------------------------------------------------------------------------


def test_example_is_one_self_contained_file(example_html: str) -> None:
    page = parse(example_html)
    assert example_html.startswith("<!DOCTYPE html>\n<html lang=\"en\">")
    csp = [a for a in page.all("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and csp[0]["content"] == ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
                                         "base-uri 'none'; form-action 'none'")
    assert_inert(page)
    assert page.all("link") == [] and page.all("img") == []  # no logo asked for
    # the only absolute URL is the SVG namespace name, which is never fetched
    assert set(re.findall(r"https?://[^\s\"'<>)]+", example_html)) == {"http://www.w3.org/2000/svg"}


def test_example_cover_summary(example_html: str) -> None:
    page = parse(example_html)
    text = page.plain
    assert "<title>CRM practice assessment · Brightwater Field Systems</title>" in example_html
    assert "Brightwater Field Systems" in text and "2 November 2026" in text and "Dana Lee" in text
    cover = text[: text.index("Part 1 of 3")]
    for expected in ("The nine CRM mistakes 57.1 / 100 Level 3 Defined",
                     "The eight CRM pitfalls, seen from the customer's side 62.0 / 100 Level 3 Defined",
                     # version 3: five sections weighted 1, 1, 0.2, 1 and 0.5 (worked out in test_xlsx.py)
                     "Revenue marketing readiness 54.7 / 100 Level 3 Defined Stage 2 of 4 reached: Lead Generation",
                     "Top 5 priorities"):
        assert expected in cover
    priorities = re.findall(r"<li><span class=\"prio-text\">(.*?)</span>", example_html)
    assert len(priorities) == 5
    assert priorities[0].startswith("Ask a sample of customers to score each strength you claim")
    assert priorities[1].startswith("Give partners a portal or automated feed")


def test_example_charts_each_have_a_text_alternative_and_a_table(example_html: str) -> None:
    page = parse(example_html)
    svgs = page.all("svg")
    # two scored questionnaires: radar and gap bars each; revenue marketing: the stage ladder
    assert [a["class"] for a in svgs] == ["chart radar", "chart bars", "chart radar", "chart bars", "chart bars"]
    for attrs in svgs:
        assert attrs["role"] == "img"
        title_id, desc_id = (attrs["aria-labelledby"] or "").split()
        assert re.search(rf'<title id="{title_id}">[^<]+</title>', example_html)
        assert re.search(rf'<desc id="{desc_id}">[^<]+</desc>', example_html)
    # the radar's description reads out every section's score and target
    desc = re.search(r'<desc id="q-crm-mistakes-radar-desc">([^<]+)</desc>', example_html)
    assert desc is not None
    assert "6. Checking your strengths honestly: 28.6, target 70." in desc.group(1)
    assert "5. Measuring the customer experience: 68.8, target 90." in desc.group(1)
    # each figure holds its chart and a table, or is followed by one
    # (a chart, its legend and its caption are a figure of their own inside, so that the caption belongs to it)
    figures = re.findall(r"<figure class=\"(pair|pair wide|stack)\">((?:\s*<figure class=\"chart-box\">.*?</figure>)?"
                         r".*?)</figure>", example_html, re.S)
    assert len(figures) == 6
    assert all("<table" in body for _, body in figures)


def test_example_radar_points_and_gap_bars(example_html: str) -> None:
    # crm-mistakes section 1 scores 67.9 against a target of level 4 (70): the first radar point and target vertex
    # centre 170, radius 136: 170 - 136 × 0.679 = 77.66 and 170 - 136 × 0.70 = 74.8
    assert '<polygon class="score-area" points="170,77.66 ' in example_html
    assert '<polygon class="target-line" points="170,74.8 ' in example_html
    # "Checking your strengths honestly": 28.6, high risk, two levels short of 4 (which starts at 70)
    bar = re.search(r'<rect class="fill risk-high" x="272" y="[\d.]+" width="([\d.]+)"', example_html)
    assert bar is not None and bar.group(1) == "93.24"  # 326 px for 100 points × 0.286
    assert '<text class="bar-gap" x="680"' in example_html and ">+2</text>" in example_html


def test_example_stage_matrix_coloured_by_stage(example_html: str) -> None:
    matrix = re.search(r'<table class="matrix keep".*?</table>', example_html, re.S)
    assert matrix is not None
    rows = re.findall(r'<tr><td class="dimension">(\w+)</td>(.*?)</tr>', matrix.group(0), re.S)
    cells = {dim: re.findall(r'<td class="cell ([\w-]+)">([^<]+)</td>', body) for dim, body in rows}
    # the baseline stage (Traditional) has no questions, so no column; reached cells carry their stage's colour
    # revenue-marketing v3, worked out from the YAML by hand (section weight x question weight per dimension):
    # technology passes every stage; people passes 2 and 3; strategy fails stage 2 (58.3), so 3 is not reached
    assert cells["technology"] == [("st-2", "100.0"), ("st-3", "100.0"), ("st-4", "76.9")]
    assert cells["people"] == [("st-2", "87.5"), ("st-3", "78.6"), ("open", "25.0")]
    assert cells["strategy"] == [("open", "58.3"), ("open", "70.5"), ("open", "25.0")]
    assert "Stage 1, Traditional, is the starting point and has no questions." in example_html


def test_example_print_css(example_html: str) -> None:
    style = parse(example_html).style
    assert "@page { size: A4;" in style
    assert re.search(r"@media print \{.*?\.questionnaire \{ break-before: page; \}", style, re.S)
    assert "tr, th, td { break-inside: avoid; }" in style
    assert "table.keep { break-inside: avoid; }" in style
    assert "thead { display: table-header-group; }" in style
    # one chapter per questionnaire, each a page-break target
    assert len(re.findall(r'<section class="page questionnaire" id="q-[\w-]+"', example_html)) == 3


# --- branding -----------------------------------------------------------------------------------------------------


def test_title_and_logo_are_embedded(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(PNG_1X1)
    out = tmp_path / "r.html"
    run = run_cli("report", str(EXAMPLES / "assessment-2026.yaml"), "--format", "html", "--title", "CRM health check",
                  "--logo", str(logo), "-o", str(out))
    assert run.code == 0, run.err
    html = out.read_text(encoding="utf-8")
    imgs = parse(html).all("img")
    assert imgs == [{"class": "logo", "alt": "Logo", "src": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB"
                     "CAYAAAAfFcSJAAAADUlEQVR4nGNg+M/A8B8ABQACAaXhuPQAAAAASUVORK5CYII="}]
    assert "<title>CRM health check · Brightwater Field Systems</title>" in html
    assert '<p class="eyebrow">CRM health check</p>' in html


@pytest.mark.parametrize(("content", "expected"), [
    (PNG_1X1, "image/png"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
    (b"GIF89a\x01\x00", "image/gif"),
    (b"RIFF\x10\x00\x00\x00WEBPVP8 ", "image/webp"),
    (b'<?xml version="1.0"?>\n<!-- logo -->\n<svg xmlns="http://www.w3.org/2000/svg"/>', "image/svg+xml"),
    (b"\xef\xbb\xbf<svg viewBox='0 0 1 1'></svg>", "image/svg+xml"),
    (b"<html><svg></svg></html>", None),
    (b"%PDF-1.7", None),
    (b"", None),
])
def test_logo_type_is_read_from_content(content: bytes, expected: str | None) -> None:
    assert media_type_of(content) == expected


def test_logo_that_is_no_image_is_an_input_error(tmp_path: Path) -> None:
    fake = tmp_path / "logo.png"
    fake.write_text("<script>alert(1)</script>", encoding="utf-8")
    answers = str(EXAMPLES / "assessment-2026.yaml")
    run = run_cli("report", answers, "--format", "html", "--logo", str(fake), "-o", str(tmp_path / "r.html"))
    assert (run.code, run.out, run.err) == (2, "", f"{fake}: logo is not a PNG, JPEG, GIF, WebP or SVG image\n")
    assert not (tmp_path / "r.html").exists()
    missing = tmp_path / "none.png"
    run = run_cli("report", answers, "--format", "html", "--logo", str(missing))
    assert (run.code, run.err) == (2, f"{missing}: cannot read logo: No such file or directory\n")
    run = run_cli("report", answers, "--format", "html", "--logo", str(tmp_path))
    assert (run.code, run.err) == (2, f"{tmp_path}: logo is a directory, not an image file\n")


# --- hostile text -------------------------------------------------------------------------------------------------


def test_hostile_text_stays_inert(tmp_path: Path, small_dir: Path) -> None:
    answers = write_answers(tmp_path / "hostile.yaml", HOSTILE_ANSWERS)
    out = tmp_path / "r.html"
    run = run_cli("report", str(answers), "--questionnaires", str(small_dir), "--format", "html",
                  "--title", HOSTILE_TITLE, "-o", str(out))
    assert run.code == 0, run.err
    html = out.read_text(encoding="utf-8")
    page = parse(html)
    assert_inert(page)
    assert [t for t, _ in page.tags].count("title") == 1 + len(page.all("svg"))  # the page's, and one per chart
    assert page.all("img") == [] and page.all("a") == [{"class": "kpi", "href": "#q-small-a"},
                                                          {"class": "kpi", "href": "#q-small-b"}]
    text = page.plain
    for hostile in (HOSTILE_COMPANY, HOSTILE_ASSESSOR, HOSTILE_NOTE, HOSTILE_EVIDENCE, HOSTILE_REASON, HOSTILE_TEXT,
                    HOSTILE_TITLE):
        assert " ".join(hostile.split()) in text  # shown as the text it is
    assert "&lt;script&gt;alert(&#34;company&#34;)&lt;/script&gt; &amp; Sons" in html
    assert "&lt;style&gt;body{display:none}&lt;/style&gt;" in html


def test_user_template_is_autoescaped(tmp_path: Path, small_dir: Path) -> None:
    # small-a: alpha (25.0, weight 2) and beta (46.7) -> 32.2; small-b: alpha 100, beta 85 -> 95.0
    template = tmp_path / "mine.html.j2"
    template.write_text("<h1>{{ result.company }}</h1>{% for v in views %}<p>{{ v.q.score|score }}</p>{% endfor %}\n",
                        encoding="utf-8")
    answers = write_answers(tmp_path / "hostile.yaml", HOSTILE_ANSWERS)
    run = run_cli("report", str(answers), "--questionnaires", str(small_dir), "--format", "html",
                  "--template", str(template))
    assert run.code == 0, run.err
    assert run.out == ("<h1>&lt;script&gt;alert(&#34;company&#34;)&lt;/script&gt; &amp; Sons =cmd|&#39; /C "
                       "calc&#39;!A0</h1><p>32.2</p><p>95.0</p>")


# --- optional parts and edge cases --------------------------------------------------------------------------------


def small_result(tmp_path: Path, small_dir: Path, text: str = PLAIN_ANSWERS) -> AssessmentResult:
    answers = write_answers(tmp_path / "answers.yaml", text)
    return assess_file(str(answers), Catalog.from_options([small_dir]))


def test_no_optional_parts_without_their_data(tmp_path: Path, small_dir: Path) -> None:
    html = render(small_result(tmp_path, small_dir), RenderOptions())
    assert '<section class="changes"' not in html and '<section class="perception"' not in html
    assert "Since last time" not in html and "Compared with" not in html


def test_change_and_perception_parts_render_when_present(tmp_path: Path, small_dir: Path) -> None:
    result = small_result(tmp_path, small_dir)
    parts = OptionalParts(
        changes=Changes(baseline_on=dt.date(2025, 3, 1), questionnaires=[QuestionnaireChange(
            questionnaire="small-a", before=70.0, after=77.5, sections=[
                SectionChange("alpha", "Alpha <b>", 75.0, 81.3, 4, 4), SectionChange("beta", "Beta", 72.5, 70.0, 4, 4),
                SectionChange("gamma", "Gamma", None, None)])]),
        perception=[PerceptionGap("small-a", "alpha", "Alpha", company=81.3, customer=50.0),
                    PerceptionGap("small-a", "beta", "Beta", company=70.0, customer=75.0)],
    )
    html = render_with(result, RenderOptions(), parts)
    text = parse(html).plain
    assert "Compared with the assessment of 1 March 2025" in text
    assert "Since last time: ▲ +7.5" in text
    assert "Since the last assessment (1 March 2025)" in text
    assert "Alpha <b> 75.0 81.3 ▲ +6.3 4 Beta 72.5 70.0 ▼ -2.5 4 Gamma — — — —" in text
    # the parts carry no regression: the chapter says there was no step back
    assert "No step back: no level or stage fell and no section became high risk." in text
    assert "How the company sees itself, and how its customers see it" in text
    # largest gap first: alpha (+31.3) before beta (-5.0)
    assert "Alpha 81.3 50.0 +31.3 Beta 70.0 75.0 -5.0" in text
    # the cover's "rates itself above its customers" lists the positive gap only
    cover = parse(html[:html.index('class="priorities"')]).plain
    assert "Where the company rates itself above its customers" in cover
    assert "Alpha 81.3 50.0 +31.3" in cover and "-5.0" not in cover
    assert 'aria-labelledby="q-small-a-change-title q-small-a-change-desc"' in html
    assert "1. Alpha: customers 50.0, company 81.3. 2. Beta: customers 75.0, company 70.0." in html
    # only small-a has these parts
    chapter_b = html[html.index('id="q-small-b"'):]
    assert "Since the last assessment" not in chapter_b and "sees itself" not in chapter_b
    assert_inert(parse(html))


def test_not_assessed_section_and_logo_option(tmp_path: Path, small_dir: Path) -> None:
    result = small_result(tmp_path, small_dir)
    options = RenderOptions(title="Review", extra=(("logo", Logo("image/svg+xml", b"<svg/>")),))
    html = render_with(result, options, OptionalParts())
    assert '<img class="logo" src="data:image/svg+xml;base64,PHN2Zy8+" alt="Logo">' in html
    # gamma is unanswered: no radar dot (not drawn at 0), a dashed spoke and hollow badge, and the table says so
    assessed = sum(s.score is not None for q in result.questionnaires for s in q.sections)
    assert html.count('<circle class="score-dot"') == assessed < 6 and "score-dot not-assessed" not in html
    assert '<line class="spoke not-assessed"' in html and '<circle class="axis-badge not-assessed"' in html
    assert ('<td class="section-title"><span class="n">3</span>Gamma</td><td class="num">—</td>'
            '<td class="level"><span class="muted">not assessed</span></td>') in html


# --- chart geometry -----------------------------------------------------------------------------------------------


def test_radar_geometry_hand_worked() -> None:
    chart = radar(["A", "B", "C"], [81.3, 70.0, None], [90.0, 50.0, 70.0], LEVELS)
    # centre 170, radius 136; axes at -90, 30 and 150 degrees
    # C is not assessed: the score polygon joins A and B only, and C has no point (never one at the centre)
    assert chart.score_points == "170,59.43 252.45,217.6"
    assert [a.assessed for a in chart.axes] == [True, True, False] and chart.axes[2].point_x is None
    assert [a.number for a in chart.not_assessed] == [3]
    assert chart.target_points == "170,47.6 228.89,204 87.55,217.6"
    assert [(a.number, a.label_x, a.label_y) for a in chart.axes] == [
        (1, "170", "21"), (2, "302.5", "250.5"), (3, "37.5", "250.5")]  # radius 136 + 17, 4 px baseline
    assert [(r.level, r.name) for r in chart.rings] == [(2, "Developing"), (3, "Defined"), (4, "Managed"),
                                                         (5, "Leading"), (None, "")]
    assert radar(["A", "B", "C"], [1, 2, 3], [None, 50, 50], LEVELS).target_points is None


def test_gap_bars_geometry_hand_worked() -> None:
    chart = gap_bars(["Alpha", "Beta"], [81.3, 100.0], [90.0, 70.0], [1, 0], ["low", "low"], LEVELS)
    alpha, beta = chart.bars
    # 326 px for 100 points from x=272: 81.3 -> 265.04 px; the target level 5 starts at 90 -> x=565.4
    assert (alpha.score_width, alpha.target_x, alpha.shortfall_x, alpha.shortfall_width) == (
        "265.04", "565.4", "537.04", "28.36")
    assert (beta.score_width, beta.shortfall_width) == ("326", "0")  # above target: no shortfall
    assert [g.caption for g in chart.gridlines] == ["L1", "L2", "L3", "L4", "L5", ""]
    assert chart.height == 26 + 2 * 34 + 8


def test_stage_ladder_marks_the_gap() -> None:
    stages = [StageInput(1, "One", None, False, False), StageInput(2, "Two", 84.4, True, True),
              StageInput(3, "Three", 58.3, True, False), StageInput(4, "Four", 30.7, True, False)]
    chart = stage_ladder(stages, reached=2, target=4, pass_mark=70)
    assert [(b.reached, b.in_target) for b in chart.bars] == [(True, False), (True, False), (False, True),
                                                               (False, True)]
    assert chart.pass_x == "325"  # 150 + 250 × 0.7


def test_target_score_and_labels() -> None:
    assert (target_score(LEVELS, 4), target_score(LEVELS, 9), target_score(LEVELS, None)) == (70, None, None)
    assert wrap_label("Putting off integration across touchpoints and systems", 22, 2) == [
        "Putting off", "integration across…"]
    assert wrap_label("Short", 22, 2) == ["Short"]


def test_logo_only_with_html(tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(PNG_1X1)
    run = run_cli("report", str(EXAMPLES / "assessment-2026.yaml"), "--format", "markdown", "--logo", str(logo))
    assert (run.code, run.out, run.err) == (2, "", "--logo is for the HTML report: add --format html\n")


def test_demo_writes_the_html_report(tmp_path: Path) -> None:
    run = run_cli("demo", "--out", str(tmp_path / "out"))
    assert run.code == 0, run.err
    assert f"wrote {tmp_path / 'out' / 'report.html'}" in run.err.splitlines()
    html = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "<h1 id=\"cover-title\">Brightwater Field Systems</h1>" in html


def test_baseline_and_perception_parts_reach_the_html_and_xlsx(tmp_path: Path) -> None:
    """The comparison (report --baseline) and the perception gap (several respondents) are drawn when present."""
    from tests.conftest import EXAMPLES, run_cli

    html = tmp_path / "changes.html"
    run = run_cli("report", str(EXAMPLES / "assessment-2026.yaml"), "--baseline",
                  str(EXAMPLES / "assessment-2025.yaml"),
                  "--format", "html", "-o", str(html))
    assert run.code == 0, run.err
    changed = html.read_text()
    plain = run_cli("report", str(EXAMPLES / "assessment-2026.yaml"), "--format", "html").out
    assert "Since the last assessment (4 November 2025)" in changed
    assert "Since the last assessment" not in plain
    perception = run_cli("report", str(EXAMPLES / "perception"), "--format", "html")
    assert perception.code == 0, perception.err
    assert "Treat" in perception.out or "person" in perception.out
    xlsx = tmp_path / "p.xlsx"
    assert run_cli("report", str(EXAMPLES / "perception"), "--format", "xlsx", "-o", str(xlsx)).code == 0
    import openpyxl

    assert "Perception gap" in openpyxl.load_workbook(xlsx).sheetnames
    xlsx2 = tmp_path / "c.xlsx"
    assert run_cli("report", str(EXAMPLES / "assessment-2026.yaml"), "--baseline",
                   str(EXAMPLES / "assessment-2025.yaml"), "--format", "xlsx", "-o", str(xlsx2)).code == 0
    assert "Changes" in openpyxl.load_workbook(xlsx2).sheetnames
