"""The collect pages a respondent sees pass axe-core's WCAG 2.1 A and AA rules, at desktop and phone widths, as
the reports do (tests/render/test_browser.py): axe from the locked npm package, injected, no network."""

from __future__ import annotations

import pytest

pytest.importorskip("uvicorn", reason="the collect extra (uvicorn) is not installed")

from tests.collect.fixtures import Setup  # noqa: E402
from tests.collect.test_browser import CHROMIUM, Browser, served  # noqa: E402, F401
from tests.render.axe import require_axe, summary, violations  # noqa: E402

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium browser here (looked for /usr/bin/chromium); "
                                "the accessibility check of the collect pages did not run")


def test_collect_pages_have_no_wcag_aa_violations(served: tuple[Setup, str]) -> None:  # noqa: F811
    setup, base = served
    assert CHROMIUM is not None
    require_axe()
    with Browser(CHROMIUM) as browser:
        for width, height, mobile in ((1280, 1000, False), (390, 844, True)):
            browser.goto(f"{base}/r/{setup.tokens['customer-001']}", width, height, mobile=mobile)
            for page in ("first page", "second page"):
                found = violations(browser)
                assert found == [], f"{page} at {width}px:\n{summary(found)}"
                if page == "first page":
                    browser.click("button[value=next]", navigates=True)
            browser.click("button[value=back]", navigates=True)
