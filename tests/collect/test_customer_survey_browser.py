"""The perception-gap survey a customer is sent, in headless Chromium at 1280 and 390 px: every page carries the
customer's wording and respondent help and none of the assessor's text. CRMCHECK_SCREENSHOTS=DIR keeps the
screenshots (docs/img/collect-respondent.png and collect-respondent-phone.png are these, retaken)."""

from __future__ import annotations

import datetime as dt
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("uvicorn", reason="the collect extra (uvicorn) is not installed")

from benchmarks.collect_load import start_server  # noqa: E402
from crmcheck.catalog import Catalog  # noqa: E402
from crmcheck.collect.folder import Collection  # noqa: E402
from tests.collect.test_browser import CHROMIUM, Browser  # noqa: E402
from tests.render import chromium  # noqa: E402
from tests.render.test_browser import assert_not_blank, keep  # noqa: E402

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium browser here (looked for /usr/bin/chromium)")
COMPANY = "Brightwater Field Systems"


@pytest.fixture
def customer_link(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    swap = {"--proxy-bypass-list": "--proxy-bypass-list=127.0.0.1",
            "--host-resolver-rules": "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"}
    monkeypatch.setattr(chromium, "FLAGS", tuple(swap.get(f.split("=", 1)[0], f) for f in chromium.FLAGS))
    q = Catalog.from_options().get("perception-gap")
    collection = Collection.create(tmp_path / "survey", [q], COMPANY, dt.date(2026, 11, 2), [])
    token = collection.invite("customer", [q])[0].link.rsplit("/", 1)[1]
    proc, base = start_server(tmp_path / "survey")
    try:
        yield f"{base}/r/{token}"
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(20)


def test_the_customer_survey_shows_only_customer_words(customer_link: str) -> None:
    q = Catalog.from_options().get("perception-gap")
    assessor = [" ".join(t.split()) for t in [*(x.help for _, x in q.questions.values()),
                                               *(s.summary for s in q.sections)] if t]
    assert CHROMIUM is not None
    with Browser(CHROMIUM) as browser:
        for width, height, name in ((1280, 1000, "respondent"), (390, 844, "respondent-phone")):
            browser.goto(customer_link, width, height, mobile=width < 500)
            assert browser.js("document.documentElement.scrollWidth") <= width
            text = " ".join(browser.js("document.body.innerText").split())
            assert not [t for t in assessor if t[:60] in text]
            first = q.sections[0]
            assert f"about why you keep doing business with {COMPANY}".lower() in text.lower()
            for question in first.questions_in("customer"):
                assert question.wording("customer", COMPANY) in text
            assert "{company}" not in text and "Good:" not in text
            png = browser.screenshot()
            assert_not_blank(png)
            keep(f"collect-{name}.png", png)
        # every page through the customer's eyes: nothing of the assessor's, 23 questions in all
        seen = 0
        for number in range(1, len(q.sections) + 1):
            browser.goto(customer_link.replace("/r/", "/r/") + f"/page/{number}", 1280, 1000)
            text = " ".join(browser.js("document.body.innerText").split())
            assert not [t for t in assessor if t[:60] in text], number
            seen += browser.js("document.querySelectorAll('fieldset.question').length")
        assert seen == 23
        assert not browser.report.console_errors
