"""A real browser (Debian's headless Chromium, driven over the DevTools pipe) answers across pages, goes back,
closes, and resumes from its link; screenshots at desktop and phone widths.

Set CRMCHECK_SCREENSHOTS=DIR to keep the screenshots for a person to look at.
"""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("uvicorn", reason="the collect extra (uvicorn) is not installed")

from benchmarks.collect_load import start_server  # noqa: E402
from crmcheck.answers.model import load_answers  # noqa: E402
from tests.collect.fixtures import Setup, make_collection  # noqa: E402
from tests.render import chromium  # noqa: E402
from tests.render.chromium import Chromium, find_chromium  # noqa: E402
from tests.render.test_browser import assert_not_blank, keep  # noqa: E402

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium browser here (looked for /usr/bin/chromium): install Debian's `chromium` package, as .ci/run "
           "does when it can; the browser test of `crmcheck collect` did not run",
)


class Browser(Chromium):
    """The report's headless Chromium, taught to visit a URL, click like a mouse and type like a keyboard."""

    def goto(self, url: str, width: int = 1280, height: int = 900, mobile: bool = False) -> None:
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=mobile)
        self.call("Page.navigate", url=url)
        self.wait_for("Page.loadEventFired")

    def js(self, expression: str) -> Any:
        reply = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        assert "exceptionDetails" not in reply, reply
        return reply["result"].get("value")

    def click(self, selector: str, navigates: bool = False) -> None:
        x, y = self.js(f"(() => {{ const e = document.querySelector({json.dumps(selector)}); e.scrollIntoView("
                       "{block: 'center'}); const r = e.getBoundingClientRect(); "
                       "return [r.left + Math.min(12, r.width / 2), r.top + r.height / 2]; })()")
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left", clickCount=1)
        if navigates:
            self.wait_for("Page.loadEventFired")

    def key(self, key: str, code: str, keycode: int, text: str = "") -> None:
        self.call("Input.dispatchKeyEvent", type="keyDown", key=key, code=code, windowsVirtualKeyCode=keycode,
                  text=text)
        self.call("Input.dispatchKeyEvent", type="keyUp", key=key, code=code, windowsVirtualKeyCode=keycode)

    def type_into(self, selector: str, text: str) -> None:
        self.js(f"document.querySelector({json.dumps(selector)}).focus()")
        self.js(f"document.querySelector({json.dumps(selector)}).select && "
                f"document.querySelector({json.dumps(selector)}).select()")
        self.call("Input.insertText", text=text)

    def checked(self) -> dict[str, list[str]]:
        return self.js("(() => { const o = {}; for (const e of document.querySelectorAll('input:checked')) "
                       "{ if (e.value) (o[e.name] = o[e.name] || []).push(e.value); } return o; })()")

    def path(self) -> str:
        return self.js("location.pathname")


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Setup, str]]:
    # the report's browser resolves no name and sends even loopback to a dead proxy; here 127.0.0.1 (only) is let
    # through, so the page can reach the server and nothing else
    swap = {"--proxy-bypass-list": "--proxy-bypass-list=127.0.0.1",
            "--host-resolver-rules": "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"}
    flags = tuple(swap.get(f.split("=", 1)[0], f) for f in chromium.FLAGS)
    monkeypatch.setattr(chromium, "FLAGS", flags)
    setup = make_collection(tmp_path, company="Acme Corp")
    proc, base = start_server(setup.dir)
    try:
        yield setup, base
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(20)


def saved(setup: Setup, respondent: str) -> dict[str, Any]:
    path = setup.dir / "responses" / f"{respondent}.yaml"
    if not path.exists():
        return {}
    part = load_answers(str(path)).answers.questionnaires["kinds"]
    return {k: (a.value, a.note, a.reason) for k, a in part.answers.items() if (a.value, a.note) != (None, None)}


def test_answer_across_pages_go_back_close_and_resume(served: tuple[Setup, str]) -> None:
    setup, base = served
    link = f"{base}/r/{setup.tokens['customer-001']}"
    token = setup.tokens["customer-001"]
    assert CHROMIUM is not None
    with Browser(CHROMIUM) as browser:
        browser.goto(link)
        assert browser.path() == f"/r/{token}/page/1"
        assert "How well do they follow up with you?" in browser.js("document.body.innerText")  # customer wording
        keep("collect-page-desktop-blank.png", browser.screenshot())
        browser.click('label[for="basics.level-3"]')  # a mouse click on the label text
        browser.js("document.getElementById('basics.agreed-0').focus()")  # the keyboard: focus, Space, arrow key
        browser.key(" ", "Space", 32, " ")
        browser.key("ArrowDown", "ArrowDown", 40)
        browser.click('label[for="basics.pick-na"]')
        browser.click('[id="q-basics.pick"] summary')
        browser.type_into('[id="reason-basics.pick"]', "We only meet in person")
        assert browser.checked() == {"basics.level": ["3"], "basics.agreed": ["no"], "basics.pick": ["n/a"]}
        keep("collect-page-desktop.png", browser.screenshot())
        browser.key("Enter", "Enter", 13, "\r")  # Enter in a text box sends the form with its first button: onward
        browser.wait_for("Page.loadEventFired")
        assert browser.path() == f"/r/{token}/page/2"
        assert saved(setup, "customer-001") == {"basics.level": (3, None, None), "basics.agreed": ("no", None, None),
                                                "basics.pick": ("n/a", None, "We only meet in person")}

        browser.click('label[for="details.tools-0"]')
        browser.click('label[for="details.tools-2"]')
        browser.type_into('[id="details.days-value"]', "two")
        browser.click("button[value=next], button[value=finish]", navigates=True)
        text = browser.js("document.body.innerText")
        assert "Nothing on this page was saved" in text and "'two' is not a number" in text
        assert browser.checked() == {"details.tools": ["notes", "owner"]}  # what was ticked is still ticked
        keep("collect-page-desktop-error.png", browser.screenshot())
        assert "details.tools" not in saved(setup, "customer-001")
        browser.type_into('[id="details.days-value"]', "2")
        browser.click("button[value=back]", navigates=True)
        assert browser.path() == f"/r/{token}/page/1"
        assert browser.checked() == {"basics.level": ["3"], "basics.agreed": ["no"], "basics.pick": ["n/a"]}
        browser.click("button[value=next]", navigates=True)
        assert browser.checked() == {"details.tools": ["notes", "owner"]}
        assert browser.js("document.getElementById('details.days-value').value") == "2"
        browser.type_into('[id="details.remark-value"]', "Half-way <b>done</b>")
        # the one error is the invalid page's own status; a blocked style or a CSP violation would show here
        assert browser.report.console_errors == [
            "Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"]
        assert all(url.startswith(base) for url in browser.report.network_requests), browser.report.network_requests
    # the browser is gone; the half-typed remark was never posted. The link resumes on page 2.
    with Browser(CHROMIUM) as again:
        again.goto(link)
        assert again.path() == f"/r/{token}/page/2"
        assert again.checked() == {"details.tools": ["notes", "owner"]}
        assert again.js("document.getElementById('details.remark-value').value") == ""
        again.type_into('[id="details.remark-value"]', "All <b>done</b>")
        again.click("button[value=finish]", navigates=True)
        assert again.path() == f"/r/{token}/done"
        assert "6 of 6 questions answered (1 of them marked as not applying)" in again.js("document.body.innerText")
        again.goto(link)
        assert again.path() == f"/r/{token}/done"  # a finished respondent lands on the thank-you page
    answers = saved(setup, "customer-001")
    assert answers["details.remark"] == ("All <b>done</b>", None, None)
    assert answers["details.tools"] == (["notes", "owner"], None, None) and answers["details.days"][0] == 2


CONTRAST = """(() => {
  const rgb = s => s.match(/[0-9.]+/g).map(Number);
  const lum = c => { const [r, g, b] = c.slice(0, 3).map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const background = e => { for (; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor);
    if (c.length < 4 || c[3] > 0) return c; } return [255, 255, 255]; };
  const out = {};
  for (const sel of SELECTORS) { const e = document.querySelector(sel); if (!e) continue;
    const a = lum(rgb(getComputedStyle(e).color)), b = lum(background(e));
    out[sel] = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05); }
  return out; })()"""
CONTRAST_OF = ["legend", ".help", ".who", ".questionnaire", ".progress label", ".choice span", ".choice.extra span",
               ".more summary", "button.primary", ".privacy", "h1"]


def contrast(browser: Browser) -> dict[str, float]:
    """The WCAG contrast ratio of each kind of text on the page against the background it sits on."""
    found: dict[str, float] = browser.js(CONTRAST.replace("SELECTORS", json.dumps(CONTRAST_OF)))
    assert set(found) == set(CONTRAST_OF), set(CONTRAST_OF) - set(found)
    return found


def test_screenshots_at_desktop_and_phone_widths(served: tuple[Setup, str]) -> None:
    setup, base = served
    assert CHROMIUM is not None
    with Browser(CHROMIUM) as browser:
        for width, height, name in ((1280, 1000, "desktop"), (390, 844, "phone")):
            browser.goto(f"{base}/r/{setup.tokens['company-001']}", width, height, mobile=name == "phone")
            assert browser.js("document.documentElement.scrollWidth") <= width  # nothing runs off the side
            smallest = browser.js("Math.min(...[...document.querySelectorAll('label.choice, button')].map("
                                  "e => e.getBoundingClientRect().height))")
            assert smallest >= 44  # touch targets
            ratios = contrast(browser)
            for selector, ratio in ratios.items():
                assert ratio >= 4.5, f"{selector}: text contrast {ratio:.2f} is below WCAG AA (4.5)"
            png = browser.screenshot()
            assert_not_blank(png)
            keep(f"collect-{name}.png", png)
            full = browser.screenshot(clip={"x": 0, "y": 0, "width": width,
                                            "height": browser.js("document.documentElement.scrollHeight")})
            keep(f"collect-{name}-full.png", full)
        assert not browser.report.console_errors
    time.sleep(0)
    assert os.environ.get("CRMCHECK_SCREENSHOTS") is None or Path(os.environ["CRMCHECK_SCREENSHOTS"]).is_dir()
