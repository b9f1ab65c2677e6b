"""Issue 21's findings against the collect server and folder, one regression test each (named after it).

The slowloris test runs a real uvicorn server in a thread on 127.0.0.1 with small deadlines and caps, and
bounded loops that stop by themselves; every other test uses the app in-process.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import socket
import stat
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("uvicorn", reason="the collect extra (uvicorn) is not installed")
with warnings.catch_warnings():  # starlette 1.x would rather have httpx2; httpx works the same here
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

import uvicorn  # noqa: E402

from crmcheck import yamlio  # noqa: E402
from crmcheck.answers.model import load_answers  # noqa: E402
from crmcheck.collect.access import HSTS, SECURITY_HEADERS  # noqa: E402
from crmcheck.collect.connections import ConnectionLimits, guarded_protocol  # noqa: E402
from crmcheck.collect.events import EventLog  # noqa: E402
from crmcheck.collect.folder import Collection, parse_expires  # noqa: E402
from crmcheck.collect.form import read_page  # noqa: E402
from crmcheck.collect.ratelimit import Bucket, RateLimits, client_key, forwarded_for  # noqa: E402
from crmcheck.collect.server import CollectServer, build_app  # noqa: E402
from crmcheck.errors import UsageError  # noqa: E402
from crmcheck.yamlio import write_atomic  # noqa: E402
from tests.collect.fixtures import Setup, csrf_of, make_collection, page_path  # noqa: E402
from tests.conftest import run_cli  # noqa: E402

ADMIN = "the-admin-token-for-tests-0123456789"


@pytest.fixture
def setup(tmp_path: Path) -> Setup:
    return make_collection(tmp_path, company_invites=1, customer_invites=2)


def app_client(setup: Setup, *, rate: int = 0, misses: int = 0, log: EventLog | None = None,
               trust_proxy: bool = False, https: bool = False, peer: str = "testclient",
               limits: RateLimits | None = None) -> TestClient:
    server = CollectServer(setup.collection, setup.catalog, ADMIN, limits or RateLimits.per_minute(rate, misses),
                           log=log, trust_proxy=trust_proxy, https=https)
    return TestClient(build_app(server), follow_redirects=False, client=(peer, 50000))


def form(csrf: str, **extra: str) -> dict[str, str]:
    return {"csrf": csrf, "basics.level": "3", "basics.agreed": "yes", "basics.pick": "phone", "go": "next", **extra}


# ---------------------------------------------------------------- 1


def test_umask_probe_thread_safe(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Finding 1: saving never changes the process umask, so a concurrent first save is never 0666."""

    def no_umask(mask: int) -> int:
        raise AssertionError("os.umask called while threads may be creating files")

    monkeypatch.setattr(yamlio.writing.os, "umask", no_umask)
    paths = [tmp_path / f"r{i}" / "answers.yaml" for i in range(24)]
    errors: list[BaseException] = []

    def save(path: Path) -> None:
        try:
            write_atomic(path, "format: 1\n")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(p,)) for p in paths]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == []
    monkeypatch.undo()
    mask = os.umask(0o022)
    os.umask(mask)
    for path in paths:
        assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~mask  # 0644 under umask 022, never 0666
    survey = make_collection(tmp_path / "c")
    assert stat.S_IMODE((survey.dir / "responses").stat().st_mode) == 0o700
    assert stat.S_IMODE((survey.dir / "progress").stat().st_mode) == 0o700


# ---------------------------------------------------------------- 2 and 13 (uvicorn's own answers)


@contextlib.contextmanager
def running(setup: Setup, limits: ConnectionLimits) -> Iterator[int]:
    """The real server (uvicorn and the guarded protocol) on 127.0.0.1 in a thread; yields its port."""
    app = build_app(CollectServer(setup.collection, setup.catalog, ADMIN, RateLimits.per_minute(0, 0)))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(256)
    config = uvicorn.Config(app, http=guarded_protocol(limits), log_level="critical", access_log=False,
                            lifespan="off", timeout_keep_alive=5, limit_concurrency=None)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started
    try:
        yield sock.getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(20)
        sock.close()


def connect(port: int, source: str = "127.0.0.1") -> socket.socket:
    conn = socket.create_connection(("127.0.0.1", port), timeout=5, source_address=(source, 0))
    return conn


def read_all(conn: socket.socket, seconds: float) -> tuple[bytes, float]:
    """What the server sends until it closes the connection (or `seconds` pass), and how long that took."""
    start = time.monotonic()
    conn.settimeout(0.2)
    data = b""
    while time.monotonic() - start < seconds:
        try:
            chunk = conn.recv(4096)
        except TimeoutError:
            continue
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
    return data, time.monotonic() - start


def test_slowloris_headers_and_bodies_are_cut_off_and_one_address_cannot_hold_every_connection(
        setup: Setup) -> None:
    """Finding 2: deadlines for headers and bodies, and a per-address cap; finding 13: uvicorn's own answers
    carry the security headers."""
    limits = ConnectionLimits(header_timeout=1.0, body_timeout=1.0, per_address=8, total=200,
                              security_headers=SECURITY_HEADERS)
    with running(setup, limits) as port:
        # headers trickled a line at a time never complete: closed after the deadline, not held open
        trickle = connect(port)
        trickle.sendall(b"GET /assets/collect.css HTTP/1.1\r\nHost: x\r\n")
        start = time.monotonic()
        for i in range(12):  # bounded: at most 12 lines, 0.25 s apart
            try:
                trickle.sendall(b"X-Slow-%d: 1\r\n" % i)
            except OSError:
                break
            time.sleep(0.25)
        data, _ = read_all(trickle, 3)
        assert time.monotonic() - start < 5
        assert data.startswith(b"HTTP/1.1 408") and b"content-security-policy" in data
        trickle.close()
        # a body that stops half-way is cut off too
        stalled = connect(port)
        path = page_path(setup.tokens["company-001"], 1).encode()
        stalled.sendall(b"POST " + path + b" HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-"
                        b"urlencoded\r\nContent-Length: 100\r\n\r\ncsrf=")
        data, took = read_all(stalled, 4)
        assert took < 3.5 and data.startswith(b"HTTP/1.1 408")
        stalled.close()
        # one address opens many idle sockets: beyond its cap each is refused at once, with the headers
        idle = [connect(port) for _ in range(limits.per_address)]
        time.sleep(0.2)
        extra = [connect(port) for _ in range(4)]
        for conn in extra:
            data, _ = read_all(conn, 2)
            assert data.startswith(b"HTTP/1.1 503") and b"x-frame-options: DENY" in data
        # ...while a respondent from another address is served at once
        other = connect(port, "127.0.0.2")
        other.sendall(b"GET /assets/collect.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        data, _ = read_all(other, 3)
        assert data.startswith(b"HTTP/1.1 200")
        # the idle sockets themselves are closed by the header deadline
        closed = [read_all(conn, 3)[0] for conn in idle]
        assert all(d.startswith(b"HTTP/1.1 408") for d in closed)
        for conn in [*idle, *extra, other]:
            conn.close()
        # uvicorn's own 400 for a request that is not HTTP carries the security headers as well
        garbage = connect(port)
        garbage.sendall(b"NOT HTTP AT ALL\r\n\r\n")
        data, _ = read_all(garbage, 3)
        assert data.startswith(b"HTTP/1.1 400") and b"content-security-policy: default-src 'none'" in data
        garbage.close()


# ---------------------------------------------------------------- 3


def test_no_request_gets_a_500(setup: Setup) -> None:
    """Finding 3: huge numbers, a 4,301-digit page number, broken answers files, and a fuzzed handful."""
    token = setup.tokens["company-001"]
    with app_client(setup) as client:
        assert client.get(f"/r/{token}/page/{'9' * 4301}").status_code == 404
        assert client.get(f"/r/ANY/page/{'1' * 4301}").status_code == 404
        csrf = csrf_of(client.get(page_path(token, 1)).text)
        client.post(page_path(token, 1), data=form(csrf))
        for digits in (41, 308, 401, 5000):
            big = client.post(page_path(token, 2), data={"csrf": csrf, "details.days": "1" * digits})
            assert big.status_code == 422, digits
            assert "too long a number" in big.text
        codes = []
        for method in ("GET", "POST", "HEAD", "PUT", "DELETE", "OPTIONS", "PATCH"):
            for path in ("/", "/r/", f"/r/{token}", f"/r/{token}/done", page_path(token, 0), page_path(token, 1),
                         f"/r/{token}/page/-1", f"/r/{token}/page/%ff", f"/r/{token}/page/1.5", "/admin",
                         "/admin/" + "x" * 5000, "/assets/collect.css", "/r/%00/page/1", "/r/" + "é" * 300):
                for body in (b"", b"csrf=" + csrf.encode() + b"&details.days=" + b"9" * 500, b"\xff\xfe=\x00",
                             b"a=" * 5000):
                    response = client.request(method, path, content=body,
                                              headers={"content-type": "application/x-www-form-urlencoded"})
                    codes.append((response.status_code, method, path[:30]))
        assert [c for c in codes if c[0] >= 500] == []
        # a hand edit breaks the answers file: the thank-you page and the 422 path say so, in words, as a 409
        (setup.dir / "responses" / "company-001.yaml").write_text("format: 1\ncompany: [broken\n")
        done = client.get(f"/r/{token}/done")
        assert done.status_code == 409 and "changed by hand" in done.text
        wrong = client.post(page_path(token, 1), data=form(csrf, **{"basics.level": "99"}))
        assert wrong.status_code == 409 and "Traceback" not in wrong.text


def test_no_request_gets_a_500_even_for_an_open_ended_number(setup: Setup) -> None:
    """Finding 3: a number question with no upper bound (`crm-selection` `evaluation.long-list` was one, and a
    41-308-digit number escaped the form reader; version 3 gives it a range, so the case is built here)."""
    from crmcheck.collect.form import pages_of
    from tests.conftest import STANDARD_LEVELS, questionnaire_from

    questionnaire = questionnaire_from(
        "format: 1\nid: open-ended\ntitle: T\nversion: 1\nkind: scored\nsource: S\n" + STANDARD_LEVELS
        + "default_target: 4\nsections:\n  - id: evaluation\n    title: E\n    questions:\n"
        "      - {id: long-list, text: How many?, type: number, bands: [{min: 0, score: 0}, {min: 5, score: 1}]}\n")
    page = next(p for p in pages_of([questionnaire]) if "evaluation.long-list" in p.full_ids())
    for digits in (40, 41, 308, 401):
        posted = read_page(page, [("evaluation.long-list", "7" * digits)])
        if digits <= 40:
            assert "evaluation.long-list" not in posted.errors
        else:
            assert "too long a number" in posted.errors["evaluation.long-list"]


# ---------------------------------------------------------------- 4


def test_head_is_a_get_without_a_body_and_never_saves(setup: Setup) -> None:
    """Finding 4: a HEAD with a form body and the CSRF field saves nothing and finishes nothing."""
    token = setup.tokens["company-001"]
    with app_client(setup) as client:
        csrf = csrf_of(client.get(page_path(token, 3 - 1)).text)
        body = "&".join(f"{k}={v}" for k, v in form(csrf, go="finish").items())
        head = client.request("HEAD", page_path(token, 2), content=body,
                              headers={"content-type": "application/x-www-form-urlencoded"})
        assert head.status_code == 200 and head.content == b""
        assert head.headers["content-security-policy"].startswith("default-src 'none'")
    assert list((setup.dir / "responses").iterdir()) == []
    assert setup.collection.read_progress("company-001") == {}


# ---------------------------------------------------------------- 5


def test_respondent_ids_are_never_reused(setup: Setup) -> None:
    """Finding 5: removing the last invite, or the whole invites file, never hands its id to a newcomer."""
    qs = setup.collection.questionnaires(setup.catalog)
    invites = setup.dir / "invites.yaml"
    lines = invites.read_text().splitlines()
    invites.write_text("\n".join(line for line in lines if "customer-002" not in line) + "\n")
    assert [m.respondent for m in setup.collection.invite("customer", qs)] == ["customer-003"]
    invites.unlink()
    (setup.dir / "last_ids.json").unlink()  # both gone: the answers files still count
    (setup.dir / "responses" / "customer-007.yaml").write_text("format: 1\n")
    assert [m.respondent for m in setup.collection.invite("customer", qs)] == ["customer-008"]
    assert [m.respondent for m in setup.collection.invite("company", qs)] == ["company-001"]
    with pytest.raises(UsageError, match="does not list \\(customer-007\\)"):
        setup.collection.check_respondents()  # serve refuses: responses outnumber the invites


def test_serve_refuses_a_folder_whose_answers_outnumber_its_invites(setup: Setup) -> None:
    """Finding 5, through the command."""
    (setup.dir / "responses" / "customer-009.yaml").write_text("format: 1\n")
    run = run_cli("collect", "serve", str(setup.dir), "--port", "0", timeout=60)
    assert run.code == 2 and "does not list (customer-009)" in run.err
    assert len(run.err.strip().splitlines()) == 1


# ---------------------------------------------------------------- 6


def test_revocation_fails_closed(setup: Setup, capsys: pytest.CaptureFixture[str]) -> None:
    """Finding 6: while invites.yaml is unreadable or gone no link works, and stderr and the admin page say so."""
    token = setup.tokens["customer-001"]
    invites = setup.dir / "invites.yaml"
    with app_client(setup) as client:
        assert client.get(page_path(token, 1)).status_code == 200
        assert client.get("/admin/" + ADMIN).status_code == 303
        good = invites.read_text()
        # revoked by hand and broken in the same edit: the link must not go on working
        invites.write_text(good.replace("revoked: false", "revoked: true").replace("format: 1", "format: [1"))
        assert client.get(page_path(token, 1)).status_code == 404
        admin = client.get("/admin")
        assert admin.status_code == 503 and "no respondent&#39;s link works" in admin.text
        invites.unlink()
        assert client.get(page_path(token, 1)).status_code == 404
        invites.write_text(good)
        assert client.get(page_path(token, 1)).status_code == 200
        assert client.get("/admin").status_code == 200
    err = capsys.readouterr().err
    assert "no link works until they read again" in err and "links work again" in err


# ---------------------------------------------------------------- 7


@pytest.mark.parametrize("company", ["Acme\x7f", "Acme\x85Corp", "Acme\u2028Corp", "Acme\ufffe", "Acme\x9b",
                                     "Acme\tCorp", "Acme\nCorp"])
def test_collect_init_refuses_a_company_no_file_can_hold(tmp_path: Path, company: str) -> None:
    """Finding 7: refused at init (exit 2, one line), rather than every later command failing."""
    run = run_cli("collect", "init", "perception-gap", "--company", company, "-o", str(tmp_path / "s"))
    assert run.code == 2 and "--company: character 5 is U+" in run.err and len(run.err.splitlines()) == 1
    assert not (tmp_path / "s").exists()


def test_collect_init_writes_a_company_that_reads_back_byte_for_byte(tmp_path: Path) -> None:
    """Finding 7: what init accepts, every later command reads back exactly."""
    company = 'José "Ace" : #1 \\ {x} — 株式会社 \U0001f600'
    assert run_cli("collect", "init", "perception-gap", "--company", company, "-o", str(tmp_path / "s")).code == 0
    assert Collection(tmp_path / "s").settings.company == company
    run = run_cli("collect", "invite", str(tmp_path / "s"), "--lens", "company", "--name", "Ana\u2028Costa")
    assert run.code == 2 and "--name: character 4 is U+2028" in run.err
    assert run_cli("collect", "status", str(tmp_path / "s"), "--format", "json").code == 0


# ---------------------------------------------------------------- 10


def test_text_answer_na_is_kept_as_written(setup: Setup) -> None:
    """Finding 10: "NA", "Na" or "N/A" typed into a free-text question is stored and read back as text."""
    token = setup.tokens["company-001"]
    path = setup.dir / "responses" / "company-001.yaml"
    with app_client(setup) as client:
        csrf = csrf_of(client.get(page_path(token, 2)).text)
        for typed in ("NA", "Na", "N/A"):
            saved = client.post(page_path(token, 2), data={"csrf": csrf, "details.remark": typed, "go": "save"})
            assert saved.status_code == 303
            answer = load_answers(str(path)).answers.questionnaires["kinds"].answers["details.remark"]
            assert answer.value == typed
            page = client.get(page_path(token, 2)).text
            assert f">{typed}</textarea>" in page


# ---------------------------------------------------------------- 11


def test_x_forwarded_for_is_ignored_without_trust_proxy(setup: Setup) -> None:
    """Finding 11: a client on loopback cannot pick its rate-limit key by sending X-Forwarded-For."""
    with app_client(setup, misses=20, peer="127.0.0.1") as client:
        codes = [client.get(f"/r/guess{i:040d}", headers={"x-forwarded-for": f"10.0.{i // 250}.{i % 250}"})
                 .status_code for i in range(40)]
        admin = [client.get(f"/admin/guess{i:030d}", headers={"x-forwarded-for": f"10.1.0.{i}"}).status_code
                 for i in range(5)]
    assert codes[:20] == [404] * 20 and set(codes[20:]) == {429}
    assert set(admin) == {429}


def test_x_forwarded_for_is_ignored_by_the_running_server_without_trust_proxy(setup: Setup) -> None:
    """Finding 11, through `collect serve` itself (uvicorn used to take X-Forwarded-For from loopback)."""
    import httpx

    from tests.collect.test_serve import serve, stop

    proc, lines = serve(str(setup.dir), "--port", "0")
    try:
        port = next(line for line in lines if line.startswith("listening on ")).rsplit(":", 1)[1]
        with httpx.Client() as client:
            codes = [client.get(f"http://127.0.0.1:{port}/r/guess{i:040d}",
                                headers={"x-forwarded-for": f"10.2.{i // 250}.{i % 250}"}).status_code
                     for i in range(30)]
    finally:
        stop(proc)
    assert codes[:20] == [404] * 20 and set(codes[20:]) == {429}


def test_x_forwarded_for_with_trust_proxy_is_an_ip_address_and_ipv6_counts_by_64(setup: Setup) -> None:
    """Finding 11: parsed as an IP address (bounded), last entry, IPv6 keyed by /64."""
    assert forwarded_for("198.51.100.7") == "198.51.100.7"
    assert forwarded_for("6.6.6.6, 198.51.100.7") == "198.51.100.7"  # the proxy's own entry is the last
    assert forwarded_for("[2001:db8::1]:443") == "2001:db8::1"
    assert forwarded_for("x" * 15_000) is None and forwarded_for("not-an-address") is None
    assert client_key("2001:db8:1:2:aaaa::1") == client_key("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert client_key("2001:db8:1:3::1") != client_key("2001:db8:1:2::1")
    assert client_key("::ffff:198.51.100.7") == "198.51.100.7"
    with app_client(setup, misses=20, peer="127.0.0.1", trust_proxy=True) as client:
        one = [client.get(f"/r/guess{i:040d}", headers={"x-forwarded-for": f"2001:db8:0:1::{i:x}"}).status_code
               for i in range(25)]
        other = client.get("/r/guess", headers={"x-forwarded-for": "198.51.100.7"}).status_code
        junk = [client.get("/r/guess", headers={"x-forwarded-for": "x" * 15_000 + str(i)}).status_code
                for i in range(25)]
    assert one[:20] == [404] * 20 and set(one[20:]) == {429}  # one /64 is one client however many addresses
    assert other == 404  # another client is not blocked by the first
    assert 429 in junk  # junk is no key of its own: it counts as the proxy's address


def test_a_nat_office_is_slowed_not_locked_out_after_20_typos(setup: Setup) -> None:
    """Finding 11: 20 typos from one address slow new links down; links already working there keep working."""
    now = [1000.0]
    limits = RateLimits(Bucket(0, 0), Bucket(20 / 600, 20, clock=lambda: now[0]))
    working, new = setup.tokens["company-001"], setup.tokens["customer-001"]
    with app_client(setup, limits=limits) as client:
        assert client.get(page_path(working, 1)).status_code == 200
        typos = [client.get(f"/r/{working}x{i}").status_code for i in range(22)]  # never the real link
        assert typos[:20] == [404] * 20 and set(typos[20:]) == {429}
        assert client.get(page_path(working, 1)).status_code == 200  # a colleague already answering carries on
        waiting = client.get(page_path(new, 1))
        assert waiting.status_code == 429 and 1 <= int(waiting.headers["retry-after"]) <= 30
        assert client.get("/assets/collect.css").status_code == 200  # not a ban
        now[0] += 31  # one guess's worth of time later, a new link opens
        assert client.get(page_path(new, 1)).status_code == 200


# ---------------------------------------------------------------- 13


def test_headers_and_logs(setup: Setup) -> None:
    """Finding 13: Permissions-Policy everywhere, HSTS behind TLS, and the security event log."""
    stream = io.StringIO()
    log = EventLog(stream)
    token = setup.tokens["company-001"]
    with app_client(setup, misses=20, log=log, https=True) as client:
        page = client.get(page_path(token, 1))
        assert page.headers["permissions-policy"].startswith("camera=()")
        assert page.headers["strict-transport-security"] == HSTS[1].decode()
        client.get("/r/" + "g" * 32)
        csrf = csrf_of(page.text)
        client.post(page_path(token, 1), data=form(csrf))
        login = client.get("/admin/" + ADMIN)
        assert "; secure" in login.headers["set-cookie"].lower()
        assert "samesite=strict" in login.headers["set-cookie"].lower()
        setup.collection.revoke("customer-002")
        client.get(page_path(setup.tokens["customer-002"], 1))
        for i in range(25):
            client.get(f"/r/guess{i}")
    with app_client(setup) as plain:
        assert "strict-transport-security" not in plain.get(page_path(token, 1)).headers
    lines = stream.getvalue().splitlines()
    kinds = [line.split()[2] for line in lines]
    for kind in ("failed-link", "saved", "admin-login", "revoked", "too-many"):
        assert kind in kinds, kind
    assert all(line.split()[1] == "crmcheck-collect" for line in lines)
    text = stream.getvalue()
    assert not any(t in text for t in setup.tokens.values()) and ADMIN not in text
    assert "testclient" not in text  # the client address is a keyed hash
    saved = next(line for line in lines if " saved " in line)
    assert "respondent=company-001" in saved and "page=1" in saved


# ---------------------------------------------------------------- 14


def test_invite_links_expire(setup: Setup) -> None:
    """Finding 14: `collect invite --expires 30d`, shown in status; an expired link is a 404 like any other."""
    assert parse_expires("30d") == dt.timedelta(days=30) and parse_expires("2w") == dt.timedelta(days=14)
    assert parse_expires("12h") == dt.timedelta(hours=12)
    with pytest.raises(UsageError, match="not a lifetime"):
        parse_expires("soon")
    qs = setup.collection.questionnaires(setup.catalog)
    made = setup.collection.invite("customer", qs, expires=dt.timedelta(days=30))[0]
    token = made.link.rsplit("/", 1)[1]
    status = {r.respondent: r for r in setup.collection.status(setup.catalog).respondents}
    until = dt.datetime.fromisoformat(status[made.respondent].expires.replace("Z", "+00:00"))  # type: ignore[union-attr]
    assert dt.timedelta(days=29, hours=23) < until - dt.datetime.now(dt.UTC) <= dt.timedelta(days=30)
    assert status["customer-001"].expires is None
    with app_client(setup) as client:
        assert client.get(page_path(token, 1)).status_code == 200
        invites = setup.dir / "invites.yaml"
        invites.write_text(invites.read_text().replace(status[made.respondent].expires or "", "2020-01-01T00:00:00Z"))
        assert client.get(page_path(token, 1)).status_code == 404
    assert {r.respondent: r.state for r in setup.collection.status(setup.catalog).respondents}[made.respondent] \
        == "expired"
    run = run_cli("collect", "invite", str(setup.dir), "--lens", "company", "--expires", "3x")
    assert run.code == 2 and "--expires: '3x' is not a lifetime" in run.err
    run = run_cli("collect", "invite", str(setup.dir), "--lens", "company", "--expires", "2w")
    assert run.code == 0
    assert "expires (UTC)" in run_cli("collect", "status", str(setup.dir)).out


def test_the_admin_token_is_never_in_a_url_that_keeps_working(setup: Setup) -> None:
    """Finding 14: the printed URL works once and sets an HttpOnly cookie; /admin itself holds no secret."""
    with app_client(setup) as client:
        assert client.get("/admin").status_code == 404
        login = client.get("/admin/" + ADMIN)
        assert login.status_code == 303 and login.headers["location"] == "/admin"
        cookie = login.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and "path=/admin" in cookie
        assert ADMIN.lower() not in cookie
        assert client.get("/admin").status_code == 200
        client.cookies.clear()
        assert client.get("/admin/" + ADMIN).status_code == 404  # from the browser's history: nothing
        assert client.get("/admin").status_code == 404
