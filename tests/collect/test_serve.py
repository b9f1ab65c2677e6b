"""`crmcheck collect serve` as a process: where it listens, what it prints, the admin link, warnings, stopping."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("uvicorn", reason="the collect extra (uvicorn) is not installed")
import httpx  # noqa: E402

from crmcheck.collect.folder import Collection  # noqa: E402
from crmcheck.collect.listening import exposure_warning  # noqa: E402
from tests.collect.fixtures import make_collection  # noqa: E402
from tests.conftest import ROOT  # noqa: E402


def serve(*args: str) -> tuple[subprocess.Popen[str], list[str]]:
    proc = subprocess.Popen([sys.executable, "-m", "crmcheck", "collect", "serve", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT, env={**os.environ, "NO_COLOR": "1"})
    assert proc.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if line.startswith("respondents:"):
            return proc, lines
    proc.kill()
    raise AssertionError(f"serve did not start: {lines} {proc.stderr.read() if proc.stderr else ''}")


def stop(proc: subprocess.Popen[str]) -> tuple[int, str]:
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=20)
    return proc.returncode, err


def test_serve_binds_to_loopback_prints_the_admin_link_and_stops_cleanly(tmp_path: Path) -> None:
    setup = make_collection(tmp_path)
    proc, lines = serve(str(setup.dir), "--port", "0")
    try:
        listening = next(line for line in lines if line.startswith("listening on "))
        port = int(re.search(r"http://127\.0\.0\.1:(\d+)$", listening).group(1))  # type: ignore[union-attr]
        admin = next(line for line in lines if "/admin/" in line).rsplit(" ", 1)[1]
        token = admin.rsplit("/", 1)[1]
        assert len(token) >= 22
        with httpx.Client() as client:
            login = client.get(admin)  # one use: it sets a session cookie and leads to /admin, which holds no token
            assert login.status_code == 303 and login.headers["location"] == "/admin"
            assert "httponly" in login.headers["set-cookie"].lower()
            assert client.get(f"http://127.0.0.1:{port}/admin").status_code == 200
            assert client.get(admin).status_code == 404  # the URL in the browser's history opens nothing
            assert client.get(admin[:-2]).status_code == 404
            assert client.get(f"http://127.0.0.1:{port}/r/{setup.tokens['company-001']}").status_code == 303
        assert _listening_addresses(port) in ([], ["127.0.0.1"])  # [] where /proc/net/tcp cannot be read
    finally:
        code, err = stop(proc)
    assert code == 130 and "stopped; every answer sent before was saved" in err and "warning" not in err
    assert token not in (setup.dir / "collection.yaml").read_text()


def _listening_addresses(port: int) -> list[str]:
    """The IPv4 addresses a socket on this port listens on, from the kernel's own table (Linux)."""
    try:
        rows = Path("/proc/net/tcp").read_text().splitlines()[1:]
    except OSError:
        return []
    found = []
    for row in rows:
        local, state = row.split()[1], row.split()[3]
        address, hex_port = local.split(":")
        if int(hex_port, 16) == port and state == "0A":  # LISTEN
            found.append(socket.inet_ntoa(bytes.fromhex(address)[::-1]))
    return found


def test_public_url_is_remembered_for_invite_links(tmp_path: Path) -> None:
    setup = make_collection(tmp_path)
    proc, lines = serve(str(setup.dir), "--port", "0", "--public-url", "https://survey.example.com/acme/")
    try:
        assert any("/admin/" in line and line.split()[-1].startswith("https://survey.example.com/acme/admin/")
                   for line in lines)
    finally:
        stop(proc)
    later = Collection(setup.dir)  # as the next `collect invite` reads the folder
    link = later.invite("company", later.questionnaires(setup.catalog))[0].link
    assert link.startswith("https://survey.example.com/acme/r/")
    proc, lines = serve(str(setup.dir), "--port", "0")  # the remembered address, and its path, are used again
    try:
        port = next(line for line in lines if line.startswith("listening on ")).split(":")[2].split()[0]
        local = link.replace("https://survey.example.com", f"http://127.0.0.1:{port}")
        with httpx.Client() as client:
            assert client.get(local).headers["location"].startswith("/acme/r/")
            assert client.get(f"http://127.0.0.1:{port}/acme/assets/collect.css").status_code == 200
    finally:
        stop(proc)


@pytest.mark.parametrize(("host", "url", "warns"), [
    ("127.0.0.1", None, False), ("::1", None, False), ("localhost", None, False),
    ("0.0.0.0", None, True), ("192.168.1.5", "http://survey.example.com", True), ("::", None, True),
])
def test_listening_beyond_this_machine_without_https_warns(host: str, url: str | None, warns: bool) -> None:
    message = exposure_warning(host, url)
    assert (message is not None) is warns
    if message:
        assert "--public-url https://" in message and "docs/collect.md" in message


def test_listening_beyond_this_machine_beside_a_tls_proxy_warns_too() -> None:
    message = exposure_warning("0.0.0.0", "https://survey.example.com")  # the server answers plain http as well
    assert message is not None and "plain http" in message and "--host 127.0.0.1" in message


def test_serve_without_a_collection_or_on_a_taken_port_is_a_one_line_error(tmp_path: Path) -> None:
    nowhere = subprocess.run([sys.executable, "-m", "crmcheck", "collect", "serve", str(tmp_path)],
                             capture_output=True, text=True, timeout=30)
    assert nowhere.returncode == 2 and "not a collection folder" in nowhere.stderr
    setup = make_collection(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = subprocess.run([sys.executable, "-m", "crmcheck", "collect", "serve", str(setup.dir), "--port",
                               str(taken.getsockname()[1])], capture_output=True, text=True, timeout=30)
    assert busy.returncode == 2 and "cannot listen on 127.0.0.1" in busy.stderr
    assert len(busy.stderr.strip().splitlines()) == 1
