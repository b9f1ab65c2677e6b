"""Nobody gets in where they don't belong: every rule of the issue's item 4, against the app in-process."""

from __future__ import annotations

import base64
import os
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("starlette", reason="the collect extra (starlette) is not installed")
with warnings.catch_warnings():  # starlette 1.x would rather have httpx2; httpx works the same here
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from crmcheck.answers.model import load_answers  # noqa: E402
from crmcheck.collect.access import CSP  # noqa: E402
from crmcheck.collect.folder import hash_token  # noqa: E402
from crmcheck.collect.ratelimit import RateLimits  # noqa: E402
from crmcheck.collect.server import CollectServer, build_app  # noqa: E402
from tests.collect.fixtures import Setup, csrf_of, make_collection, page_path  # noqa: E402

ADMIN = "the-admin-token-for-tests-0123456789"


def client_for(setup: Setup, rate: int = 0, misses: int = 0) -> TestClient:
    server = CollectServer(setup.collection, setup.catalog, ADMIN, RateLimits.per_minute(rate, misses))
    return TestClient(build_app(server), follow_redirects=False)


@pytest.fixture
def setup(tmp_path: Path) -> Setup:
    return make_collection(tmp_path, company_invites=1, customer_invites=2)


@pytest.fixture
def client(setup: Setup) -> Iterator[TestClient]:
    with client_for(setup) as c:
        yield c


def good_form(csrf: str, **extra: str) -> dict[str, object]:
    return {"csrf": csrf, "basics.level": "3", "basics.agreed": "yes", "basics.pick": "phone", "go": "next", **extra}


def files(setup: Setup) -> list[str]:
    return sorted(p.name for p in (setup.dir / "responses").iterdir())


def test_tokens_are_long_random_and_kept_only_as_hashes(setup: Setup) -> None:
    invites = (setup.dir / "invites.yaml").read_text()
    assert len(set(setup.tokens.values())) == 3
    for token in setup.tokens.values():
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        assert len(raw) * 8 >= 128
        assert token not in invites
        assert hash_token(token) in invites
    for path in setup.dir.rglob("*"):
        if path.is_file():
            assert not any(t.encode() in path.read_bytes() for t in setup.tokens.values()), path
    assert os.stat(setup.dir / "secret").st_mode & 0o077 == 0


def test_missing_wrong_and_revoked_links_are_the_same_404(setup: Setup, client: TestClient) -> None:
    good = setup.tokens["customer-001"]
    assert client.get(page_path(good, 1)).status_code == 200
    setup.collection.revoke("customer-001")
    answers = []
    for path in ("/r/", "/r", "/r/" + "x" * len(good), page_path("x" * len(good), 1), page_path(good, 1), f"/r/{good}",
                 f"/r/{good}/done", page_path(setup.tokens["company-001"], 99), page_path(good[:-1], 1), "/admin/",
                 "/admin/nope", "/anything"):
        response = client.get(path)
        assert response.status_code == 404, path
        answers.append(response.text)
    assert len(set(answers)) == 1  # nothing tells a revoked link from one that never existed
    assert "revoked" not in answers[0].lower() and "token" not in answers[0].lower()
    posted = client.post(page_path(good, 1), data=good_form("0" * 64))
    assert posted.status_code == 404
    assert files(setup) == []


def test_a_respondent_cannot_read_or_change_another_respondents_answers(setup: Setup, client: TestClient) -> None:
    one, two = setup.tokens["customer-001"], setup.tokens["customer-002"]
    page = client.get(page_path(one, 1)).text
    secret_note = "only-for-customer-one"
    saved = client.post(page_path(one, 1), data=good_form(csrf_of(page), **{"note:basics.level": secret_note}))
    assert saved.status_code == 303
    assert files(setup) == ["customer-001.yaml"]
    other = client.get(page_path(two, 1)).text
    assert secret_note not in other and 'value="3" checked' not in other
    # the other's CSRF token does not let one post into the other's page, and no field names another file
    assert csrf_of(other) != csrf_of(page)
    assert client.post(page_path(two, 1), data=good_form(csrf_of(page))).status_code == 403
    crossing = client.post(page_path(two, 1), data=good_form(csrf_of(other), respondent="customer-001",
                                                             **{"../customer-001": "4"}))
    assert crossing.status_code == 422
    assert files(setup) == ["customer-001.yaml"]
    first = load_answers(str(setup.dir / "responses" / "customer-001.yaml")).answers
    assert first.questionnaires["kinds"].answers["basics.level"].note == secret_note


@pytest.mark.parametrize("csrf", [None, "", "0" * 64, "not-hex"])
def test_a_post_without_the_right_csrf_token_is_403_and_saves_nothing(setup: Setup, client: TestClient,
                                                                      csrf: str | None) -> None:
    token = setup.tokens["company-001"]
    form = good_form("")
    if csrf is None:
        del form["csrf"]
    else:
        form["csrf"] = csrf
    response = client.post(page_path(token, 1), data=form)
    assert response.status_code == 403
    assert files(setup) == []


def test_a_body_over_one_mebibyte_is_413_and_saves_nothing(setup: Setup, client: TestClient) -> None:
    token = setup.tokens["company-001"]
    csrf = csrf_of(client.get(page_path(token, 1)).text)
    big = good_form(csrf, **{"note:basics.level": "x" * (1 << 20)})
    assert client.post(page_path(token, 1), data=big).status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: the server counts as it reads
        yield f"csrf={csrf}&basics.level=3&note:basics.level=".encode()
        for _ in range(130):
            yield b"y" * 8192

    assert client.post(page_path(token, 1), content=chunks(),
                       headers={"content-type": "application/x-www-form-urlencoded"}).status_code == 413
    just_under = good_form(csrf, **{"note:basics.agreed": "z" * 5000})
    assert client.post(page_path(token, 1), data=just_under).status_code == 422  # read, and the note is too long
    assert files(setup) == []


@pytest.mark.parametrize(("field", "value", "message"), [
    ("basics.level", "9", "not on the practice scale"),
    ("basics.level", "three", "not one of this question"),
    ("basics.pick", "fax", "not an option"),
    ("basics.agreed", "maybe", "not yes or no"),
    ("basics.stray", "1", "not on this page"),
    ("details.days", "4", "not on this page"),
])
def test_invalid_values_re_render_the_page_with_the_error_and_save_nothing(
        setup: Setup, client: TestClient, field: str, value: str, message: str) -> None:
    token = setup.tokens["company-001"]
    csrf = csrf_of(client.get(page_path(token, 1)).text)
    form = good_form(csrf, **{"note:basics.agreed": "kept on the page"})
    form[field] = value
    response = client.post(page_path(token, 1), data=form)
    assert response.status_code == 422
    assert message in response.text
    assert "Nothing on this page was saved" in response.text
    assert "kept on the page" in response.text  # what the respondent typed is shown again
    assert files(setup) == []


def test_two_answers_to_one_question_or_an_answer_with_n_a_are_errors(setup: Setup, client: TestClient) -> None:
    token = setup.tokens["company-001"]
    csrf = csrf_of(client.get(page_path(token, 1)).text)
    twice = client.post(page_path(token, 1), data={"csrf": csrf, "basics.level": ["1", "2"]})
    assert twice.status_code == 422 and "choose one answer" in twice.text
    both = client.post(page_path(token, 1), data={"csrf": csrf, "basics.level": ["n/a", "2"]})
    assert both.status_code == 422 and "not both" in both.text
    bad = client.post(page_path(token, 1), content=b"csrf=" + csrf.encode() + b"&basics.level=%ff",
                      headers={"content-type": "application/x-www-form-urlencoded"})
    assert bad.status_code == 400
    json_body = client.post(page_path(token, 1), json={"csrf": csrf})
    assert json_body.status_code == 415
    assert files(setup) == []


def test_rate_limit_per_client(setup: Setup) -> None:
    token = setup.tokens["company-001"]
    with client_for(setup, rate=20) as limited:  # a burst of 10, then 20 a minute
        codes = [limited.get(page_path(token, 1)).status_code for _ in range(14)]
    assert codes[:10] == [200] * 10 and set(codes[10:]) == {429}


def test_guessing_links_locks_the_client_out(setup: Setup) -> None:
    token = setup.tokens["company-001"]
    with client_for(setup, rate=0, misses=5) as limited:
        wrong = [limited.get(f"/r/guess{i:040d}").status_code for i in range(7)]
        assert wrong[:5] == [404] * 5 and set(wrong[5:]) == {429}
        assert limited.get(page_path(token, 1)).status_code == 429  # even a right link, for a while


def test_the_status_page_needs_the_admin_token(setup: Setup, client: TestClient) -> None:
    token = setup.tokens["company-001"]
    csrf = csrf_of(client.get(page_path(token, 1)).text)
    client.post(page_path(token, 1), data=good_form(csrf, **{"note:basics.level": "private note"}))
    assert client.get("/admin/" + ADMIN[:-1]).status_code == 404
    assert client.get("/admin/" + token).status_code == 404
    assert client.get("/admin").status_code == 404  # no session yet
    assert client.get("/admin/" + ADMIN).status_code == 303  # the one-time link sets the session cookie
    page = client.get("/admin")
    assert page.status_code == 200
    assert "company-001" in page.text and "customer-002" in page.text and "started" in page.text
    assert "private note" not in page.text
    assert "Acme &lt;Corp&gt;" in page.text


def test_every_response_carries_a_strict_content_security_policy(setup: Setup, client: TestClient) -> None:
    token = setup.tokens["company-001"]
    for response in (client.get(page_path(token, 1)), client.get("/nope"), client.get("/assets/collect.css"),
                     client.post(page_path(token, 1), data={"csrf": "x"}), client.get(f"/r/{token}")):
        assert response.headers["content-security-policy"] == CSP
        assert response.headers["referrer-policy"] == "no-referrer"  # links carry tokens: never sent on
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["cache-control"] == "no-store"
    assert "script-src" not in CSP and "default-src 'none'" in CSP and "'unsafe-inline'" not in CSP
    html = client.get(page_path(token, 1)).text
    assert "<script" not in html and "style=" not in html and "http://" not in html and "https://" not in html
    assert "Basics &amp; &lt;b&gt;more&lt;/b&gt;" in html  # questionnaire text is escaped


def test_a_closed_collection_takes_no_more_answers(setup: Setup, client: TestClient) -> None:
    token = setup.tokens["company-001"]
    csrf = csrf_of(client.get(page_path(token, 1)).text)
    assert setup.collection.close() is True
    assert client.post(page_path(token, 1), data=good_form(csrf)).status_code == 410
    assert client.get(page_path(token, 1)).status_code == 410
    assert client.get(f"/r/{token}").headers["location"].endswith("/done")
    assert files(setup) == []


def test_a_broken_invites_file_makes_every_link_stop_until_it_reads_again(
        setup: Setup, client: TestClient, capsys: pytest.CaptureFixture[str]) -> None:
    token = setup.tokens["company-001"]
    assert client.get(page_path(token, 1)).status_code == 200
    good = (setup.dir / "invites.yaml").read_text()
    (setup.dir / "invites.yaml").write_text("format: 1\ninvites: [{respondent: bad\n")
    assert client.get(page_path(token, 1)).status_code == 404  # fails closed: a revoked link must not work
    assert client.get(page_path("x" * 32, 1)).status_code == 404
    assert "no link works until they read again" in capsys.readouterr().err
    (setup.dir / "invites.yaml").write_text(good)
    assert client.get(page_path(token, 1)).status_code == 200


def test_respondent_ids_cannot_name_a_path_outside_responses(setup: Setup) -> None:
    from crmcheck.errors import InputError

    text = (setup.dir / "invites.yaml").read_text().replace("respondent: customer-002", "respondent: ../../evil")
    (setup.dir / "invites.yaml").write_text(text)
    with pytest.raises(InputError, match="respondent"):
        setup.collection.invites()


def test_two_invites_can_never_share_a_respondent_file(setup: Setup) -> None:
    from crmcheck.errors import InputError

    lines = (setup.dir / "invites.yaml").read_text().splitlines()
    copy = next(line for line in lines if "customer-001" in line)
    twin = copy.replace(copy.split("token_sha256: ")[1].split(",")[0], "f" * 64)
    (setup.dir / "invites.yaml").write_text("\n".join([*lines, twin]) + "\n")
    with pytest.raises(InputError, match="'customer-001' appears twice"):
        setup.collection.invites()
