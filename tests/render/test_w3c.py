"""Every HTML report passes the W3C Nu HTML checker (vnu.jar, from the locked npm package in tests/js; run
offline with the local Java): no `figcaption` outside its `figure`, no `aria-label` on an element without a role."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, ROOT, run_cli
from tests.render.report_inputs import HOSTILE_ANSWERS, write_answers, write_small_questionnaires

VNU = ROOT / "tests" / "js" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
JAVA = shutil.which("java")
pytestmark = pytest.mark.skipif(
    JAVA is None or not VNU.is_file(),
    reason=f"the W3C checker needs java and {VNU} (`make test` runs `npm ci` in tests/js when npm is there); "
           "the HTML reports were not checked against it",
)
SELECTION = EXAMPLES / "selection"


def _check(*pages: Path) -> list[dict[str, object]]:
    assert JAVA is not None
    done = subprocess.run([JAVA, "-Xss4m", "-jar", str(VNU), "--format", "json", "--errors-only", *map(str, pages)],
                          capture_output=True, text=True, timeout=300)
    messages: list[dict[str, object]] = json.loads(done.stderr or done.stdout)["messages"]
    return messages


def test_every_html_report_passes_the_w3c_checker(tmp_path: Path) -> None:
    small = write_small_questionnaires(tmp_path / "q")
    hostile = write_answers(tmp_path / "hostile.yaml", HOSTILE_ANSWERS)
    cases = {
        "report": ("report", str(EXAMPLES / "assessment-2026.yaml")),
        "baseline": ("report", str(EXAMPLES / "assessment-2026.yaml"), "--baseline",
                     str(EXAMPLES / "assessment-2025.yaml")),
        "perception": ("report", str(EXAMPLES / "perception")),
        "hostile": ("report", str(hostile), "--questionnaires", str(small)),
        "vendors": ("vendors", "report", str(SELECTION / "selection.yaml"), str(SELECTION / "cards")),
        "plan": ("plan", "show", str(EXAMPLES / "plan-2025.yaml"), "--today", "2026-11-20"),
        "report-with-plan": ("report", str(EXAMPLES / "assessment-2026.yaml"), "--plan",
                             str(EXAMPLES / "plan-2025.yaml"), "--today", "2026-11-20"),
    }
    pages = []
    for name, args in cases.items():
        out = tmp_path / f"{name}.html"
        run = run_cli(*args, "--format", "html", "-o", str(out))
        assert run.code == 0, run.err
        pages.append(out)
    errors = _check(*pages)
    assert errors == [], "\n".join(f"{m.get('url')}:{m.get('lastLine')}: {m.get('message')}" for m in errors)


def test_the_checker_finds_what_it_should(tmp_path: Path) -> None:
    """The check can fail: the two mistakes the reports used to make are errors to it."""
    page = tmp_path / "bad.html"
    page.write_text('<!doctype html><html lang="en"><head><title>t</title></head><body>'
                    '<figure><div><svg></svg><figcaption>Figure 1</figcaption></div></figure>'
                    '<div aria-label="Maturity levels">x</div></body></html>')
    messages = [str(m["message"]) for m in _check(page)]
    assert any("figcaption" in m for m in messages), messages
    assert any("aria-label" in m for m in messages), messages
