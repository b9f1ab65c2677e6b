"""The collect server's CPU per saved page: a real server, one client at a time, CPU read from /proc.

    python benchmarks/collect_post.py [--respondents 30] [--repeat 3]

Starts `crmcheck collect serve` (as benchmarks/collect_load.py does), opens every page of every respondent
first (GET, to read the forms), then posts every page (one answer per question, as a browser sends it)
and divides the server process's CPU time (user + system, /proc/PID/stat) over the posts by their number.
So only the POSTs are counted: parsing the form, merging, rendering and checking the file, writing it
with its fsyncs, noting the progress, the redirect. A starlette hello-world served by uvicorn the same way
(it reads the form body and redirects) is measured beside it, as the floor. Runs alternate, `--repeat` times;
medians. Linux only (/proc).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from collect_load import _cpu_seconds, _Form, _plan, make_collection, start_server  # noqa: E402

TARGET_MS = 2.5
HELLO = '''
import socket
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.responses import RedirectResponse
from starlette.routing import Route


async def post(request):
    parse_qsl((await request.body()).decode())  # the form read, as the server reads it
    return RedirectResponse("/next", status_code=303)


app = Starlette(routes=[Route("/r/{token}/page/{number:int}", post, methods=["POST"])])
sock = socket.socket()
sock.bind(("127.0.0.1", 0))
sock.listen(128)  # before saying so: a client connecting at once must not be refused
print(f"listening on http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
uvicorn.Server(uvicorn.Config(app, log_level="error")).run(sockets=[sock])
'''


def _posts(base: str, tokens: dict[str, str]) -> list[tuple[str, dict[str, object]]]:
    """Every page's URL and the form a browser would post there, read with GETs first."""
    import random

    import httpx

    posts: list[tuple[str, dict[str, object]]] = []
    with httpx.Client(base_url=base, follow_redirects=False, timeout=30) as client:
        for respondent, token in tokens.items():
            rng = random.Random(respondent)
            number = 1
            while True:
                page = client.get(f"/r/{token}/page/{number}")
                if page.status_code != 200:
                    break
                form = _Form()
                form.feed(page.text)
                last = 'value="finish"' in page.text
                posts.append((f"/r/{token}/page/{number}",
                              {"csrf": form.csrf, "go": "finish" if last else "next", **_plan(form, rng, respondent)}))
                if last:
                    break
                number += 1
    return posts


def _cpu_per_post(proc: subprocess.Popen[str], base: str, posts: list[tuple[str, dict[str, object]]]) -> float:
    import httpx

    with httpx.Client(base_url=base, follow_redirects=False, timeout=30) as client:
        client.post(*posts[0][:1], data=posts[0][1])  # a first request: connection and lazy imports
        before = _cpu_seconds(proc.pid)
        for url, data in posts:
            response = client.post(url, data=data)
            if response.status_code != 303:
                raise SystemExit(f"POST {url}: {response.status_code}")
        after = _cpu_seconds(proc.pid)
    assert before is not None and after is not None
    return (after - before) / len(posts)


def _stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def measure(respondents: int, repeat: int) -> tuple[list[float], list[float], int]:
    crm: list[float] = []
    floor: list[float] = []
    count = 0
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            folder, tokens = make_collection(Path(tmp), respondents, "perception-gap")
            proc, base = start_server(folder)
            try:
                posts = _posts(base, tokens)
                count = len(posts)
                crm.append(_cpu_per_post(proc, base, posts))
            finally:
                _stop(proc)
            hello = Path(tmp) / "hello.py"
            hello.write_text(HELLO)
            proc = subprocess.Popen([sys.executable, str(hello)], stdout=subprocess.PIPE, text=True)
            assert proc.stdout is not None
            line = proc.stdout.readline()
            try:
                floor.append(_cpu_per_post(proc, line.strip().rsplit(" ", 1)[1], posts))
            finally:
                _stop(proc)
    return crm, floor, count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--respondents", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    load = os.getloadavg()[0]
    start = time.perf_counter()
    crm, floor, count = measure(args.respondents, args.repeat)
    ms, floor_ms = statistics.median(crm) * 1000, statistics.median(floor) * 1000
    verdict = "ok" if ms <= TARGET_MS else "MISSED"
    print(f"collect POST: {count} pages posted per run, {args.repeat} runs, load average {load:.2f} before, "
          f"{os.getloadavg()[0]:.2f} after, {time.perf_counter() - start:.0f} s")
    print(f"{'collect POST CPU (server, per page saved)':<42} {ms:7.2f} ms   target <= {TARGET_MS} ms {verdict}   "
          f"(runs: {', '.join(f'{x * 1000:.2f}' for x in crm)})")
    print(f"{'floor: starlette hello-world POST CPU':<42} {floor_ms:7.2f} ms   "
          f"(runs: {', '.join(f'{x * 1000:.2f}' for x in floor)})")
    return 0 if verdict == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())
