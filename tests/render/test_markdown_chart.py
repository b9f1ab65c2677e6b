"""The markdown report's mermaid charts: exact for the example, unbreakable by odd titles, and the tables stay."""

from __future__ import annotations

import json
import re
from pathlib import Path

from crmcheck.inert import mermaid_text
from tests.conftest import EXAMPLES, run_cli
from tests.render.report_inputs import PLAIN_ANSWERS, write_answers, write_small_questionnaires

CRM_MISTAKES_CHART = """\
*Chart: score of each section (bars) against the score where its target level starts (line), from 0 to 100.*

```mermaid
%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#20639b, #d9822b"}}}}%%
xychart-beta horizontal
    title "The nine CRM mistakes"
    x-axis ["1. Building around your best…", "2. Putting a full value on…", "3. Staying relevant to each…", \
"4. Innovating for the customer", "5. Measuring the customer…", "6. Checking your strengths…", \
"7. Personalising service", "8. Putting customers ahead of…", "9. Planning around customers…", \
"10. CRM as part of the business…"]
    y-axis "Score" 0 --> 100
    bar [67.9, 61.2, 67.9, 46.4, 68.8, 28.6, 66.7, 58.3, 42.9, 62.5]
    line [70, 70, 70, 50, 90, 70, 70, 70, 50, 70]
```

| Section | Score | Level | Risk | Target | Gap | Completeness |
"""

STAGE_CHART = """\
```mermaid
%%{init: {"themeVariables": {"xyChart": {"plotColorPalette": "#20639b, #d9822b"}}}}%%
xychart-beta horizontal
    title "Revenue marketing readiness: stages"
    x-axis ["2. Lead Generation", "3. Demand Generation", "4. Revenue Marketing"]
    y-axis "Score" 0 --> 100
    bar [77.3, 59.4, 35.8]
    line [70, 70, 70]
```
"""


def test_example_chart_sits_before_its_table() -> None:
    run = run_cli("report", str(EXAMPLES / "assessment-2026.yaml"), "--format", "markdown")
    assert run.code == 0, run.err
    assert CRM_MISTAKES_CHART in run.out
    assert STAGE_CHART in run.out
    assert run.out.count("```mermaid\n") == 3
    # the table a renderer without mermaid shows is still complete
    assert "| Checking your strengths honestly | 28.6 | 2 Developing | high | 4 | 2 | 100% |" in run.out


def test_odd_titles_cannot_break_the_chart(tmp_path: Path) -> None:
    questionnaires = write_small_questionnaires(tmp_path / "q")
    hostile = 'Alpha "] ``` # <b>x</b> `code`\n%% comment [link](http://x)'
    path = questionnaires / "small-a.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("title: Alpha\n", f"title: {json.dumps(hostile)}\n"),
                    encoding="utf-8")
    answers = write_answers(tmp_path / "answers.yaml", PLAIN_ANSWERS)
    run = run_cli("report", str(answers), "--questionnaires", str(questionnaires), "--format", "markdown")
    assert run.code == 0, run.err
    block = re.search(r"```mermaid\n(.*?)\n```\n", run.out, re.S)
    assert block is not None
    lines = block.group(1).split("\n")
    assert len(lines) == 7 and lines[1] == "xychart-beta horizontal"
    # Gamma is unanswered in these answers: not drawn, and the caption names it (see test_not_assessed_...)
    assert lines[3] == '    x-axis ["1. Alpha b x /b code comment…", "2. Beta"]'
    assert run.out.count("```") == 4  # two blocks, each opened and closed once
    # the table beside it has the whole title, escaped for markdown
    assert sum(line.startswith("| Alpha ") for line in run.out.splitlines()) == 2


def test_mermaid_text() -> None:
    assert mermaid_text('a"b`c]d\n#e <script>', 60) == "a b c d e script"
    assert mermaid_text("Planning around customers, not the 4Ps", 28) == "Planning around customers…"
    assert mermaid_text("Zürich: 3/4 (done) & more!", 60) == "Zürich: 3/4 (done) & more!"
    assert mermaid_text(None) == ""
