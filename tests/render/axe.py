"""axe-core (WCAG 2.1 AA) run inside headless Chromium on a page already open: the npm package's script from
tests/js/node_modules (installed from the committed lock by `make test`), injected through DevTools, no network."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.render.chromium import Chromium

AXE_SCRIPT = ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")


def require_axe() -> None:
    if not AXE_SCRIPT.is_file():
        pytest.skip(f"axe-core is not installed ({AXE_SCRIPT} is missing): `make test` runs `npm ci` in tests/js "
                    "when npm is there; the accessibility checks did not run")


def violations(browser: Chromium) -> list[dict[str, Any]]:
    """Every WCAG 2.1 A and AA rule that fails on the open page: rule id, impact, and each failing element's
    selector with axe's summary of why."""
    require_axe()
    if not browser.evaluate("typeof window.axe === 'object'"):
        browser.call("Runtime.evaluate", expression=AXE_SCRIPT.read_text(encoding="utf-8"), returnByValue=True)
    options = json.dumps({"runOnly": {"type": "tag", "values": list(WCAG_AA)}, "resultTypes": ["violations"]})
    expression = (f"axe.run(document, {options}).then(r => r.violations.map(v => ({{id: v.id, impact: v.impact, "
                  "nodes: v.nodes.map(n => ({target: n.target.join(' '), why: n.failureSummary}))})))")
    reply = browser.call("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True,
                         timeout=120)
    if "exceptionDetails" in reply:
        raise AssertionError(f"axe-core failed to run: {reply['exceptionDetails']}")
    found: list[dict[str, Any]] = reply["result"]["value"]
    return found


def summary(found: list[dict[str, Any]]) -> str:
    """The violations, readable in a failed assertion: each rule with its element count and first elements."""
    lines = []
    for v in found:
        lines.append(f"{v['id']} ({v['impact']}): {len(v['nodes'])} elements")
        lines.extend(f"  {n['target']}: {(n['why'] or '').splitlines()[-1].strip()}" for n in v["nodes"][:8])
    return "\n".join(lines)
