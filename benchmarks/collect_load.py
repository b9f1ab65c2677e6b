"""Load-test `crmcheck collect serve` on localhost: many respondents answer a whole questionnaire at once.

    python benchmarks/collect_load.py [--respondents 200] [--questionnaire perception-gap] [--timeout 300]
                                      [--kill-after 0.4]

A real server (`crmcheck collect serve --port 0`, a subprocess) and N concurrent respondents (asyncio +
httpx), half staff and half customers. Each opens its link, then on every page reads the form and
posts an answer to every question (chosen at random, seeded by the respondent, and with a text
answer that names the respondent, so that an answer landing in someone else's file shows). When all
are done, every answers file is read back with crmcheck's own loader and compared with what the
server acknowledged (303): an acknowledged answer that is missing or different is *lost*, an answer
in a file that its respondent never sent is *crossed*. Prints request latency (p50, p95, max).

With --kill-after F the server is SIGKILLed once a fraction F of all pages has been acknowledged;
then every acknowledged answer must still be on disk, and every file must load.

The run stops by itself: each request has a timeout and the whole run --timeout seconds. Exit 0
when nothing was lost or crossed, 1 otherwise. Localhost only.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from crmcheck.answers.model import load_answers  # noqa: E402
from crmcheck.catalog import Catalog  # noqa: E402
from crmcheck.collect.folder import Collection  # noqa: E402
from crmcheck.resolve import is_not_applicable  # noqa: E402

_LISTENING = re.compile(r"listening on (http://127\.0\.0\.1:\d+)")


@dataclass
class LoadResult:
    respondents: int
    pages_posted: int = 0
    answers_acknowledged: int = 0
    lost: list[str] = field(default_factory=list)
    crossed: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    killed: bool = False
    finished: int = 0
    server_cpu: float | None = None
    load: str = ""  # seconds of CPU the server used (Linux), to tell its cost from the machine's load

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    def summary(self) -> str:
        lines = [
            f"respondents {self.respondents}, finished {self.finished}, pages posted {self.pages_posted}, "
            f"answers acknowledged {self.answers_acknowledged}" + (" (server SIGKILLed during the run)"
                                                                  if self.killed else ""),
            f"lost {len(self.lost)}, crossed {len(self.crossed)}, unreadable files {len(self.unreadable)}, "
            f"client errors {len(self.errors)}",
            f"requests {len(self.latencies)} in {self.seconds:.1f} s; latency p50 {self.percentile(50) * 1000:.0f} ms, "
            f"p95 {self.percentile(95) * 1000:.0f} ms, max {max(self.latencies, default=0) * 1000:.0f} ms"
            + (f"; server CPU {self.server_cpu:.1f} s ({self.server_cpu / max(len(self.latencies), 1) * 1000:.1f} ms "
               "a request)" if self.server_cpu is not None else ""),
            f"load average before/after: {self.load}",
        ]
        lines += [f"  lost: {x}" for x in self.lost[:5]] + [f"  crossed: {x}" for x in self.crossed[:5]]
        lines += [f"  unreadable: {x}" for x in self.unreadable[:5]]
        if not self.killed:
            lines += [f"  error: {x}" for x in self.errors[:5]]
        return "\n".join(lines)


class _Form(HTMLParser):
    """The controls of one page: CSRF token, radio/checkbox values by name, text areas."""

    def __init__(self) -> None:
        super().__init__()
        self.csrf = ""
        self.choices: dict[str, list[str]] = {}
        self.boxes: dict[str, list[str]] = {}
        self.texts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        name, value = a.get("name") or "", a.get("value") or ""
        if tag == "input" and name == "csrf":
            self.csrf = value
        elif tag == "input" and a.get("type") == "radio" and value:
            self.choices.setdefault(name, []).append(value)
        elif tag == "input" and a.get("type") == "checkbox" and value:
            self.boxes.setdefault(name, []).append(value)
        elif tag == "textarea" and not name.startswith("note:"):
            self.texts.append(name)


def _plan(form: _Form, rng: random.Random, respondent: str) -> dict[str, str | list[str]]:
    """One answer per question of the page, as the form posts it."""
    answers: dict[str, str | list[str]] = {}
    for name, values in form.choices.items():
        answers[name] = rng.choice(values)
    for name, values in form.boxes.items():
        options = [v for v in values if v not in ("[]", "n/a")]
        answers[name] = rng.sample(options, rng.randint(1, len(options))) if options else ["n/a"]
    for name in form.texts:
        answers[name] = f"answered by {respondent}"
    return answers


def _shown(value: object) -> str | list[str]:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return [str(v) for v in value]
    if is_not_applicable(value):
        return "n/a"
    return str(getattr(value, "text", value))


def make_collection(parent: Path, respondents: int, questionnaire: str) -> tuple[Path, dict[str, str]]:
    catalog = Catalog.from_options()
    q = catalog.get(questionnaire)
    folder = parent / "load-survey"
    collection = Collection.create(folder, [q], "Load Test Ltd", dt.date(2026, 11, 1), [])
    tokens: dict[str, str] = {}
    lenses = q.lenses or ["company"]
    per_lens = [respondents // len(lenses) + (i < respondents % len(lenses)) for i in range(len(lenses))]
    for lens, count in zip(lenses, per_lens, strict=True):
        if count:
            for made in collection.invite(lens, [q], count=count):
                tokens[made.respondent] = made.link.rsplit("/", 1)[1]
    return folder, tokens


def start_server(folder: Path) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "crmcheck", "collect", "serve", str(folder), "--port", "0", "--rate-limit", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
    )
    assert proc.stdout is not None
    deadline = time.monotonic() + 60
    for line in proc.stdout:
        match = _LISTENING.search(line)
        if match:
            return proc, match.group(1)
        if time.monotonic() > deadline:
            break
    proc.kill()
    raise RuntimeError("the server did not start")


async def _respondent(client: object, base: str, respondent: str, token: str, acked: dict[str, dict[str, object]],
                      result: LoadResult, progress: dict[str, int]) -> None:
    import httpx

    assert isinstance(client, httpx.AsyncClient)
    rng = random.Random(respondent)

    async def timed(method: str, url: str, **kwargs: object) -> httpx.Response:
        start = time.perf_counter()
        response = await client.request(method, url, **kwargs)  # type: ignore[arg-type]
        result.latencies.append(time.perf_counter() - start)
        return response

    try:
        location = (await timed("GET", f"{base}/r/{token}")).headers["location"]
        while "/page/" in location:
            page = await timed("GET", base + location)
            if page.status_code != 200:
                raise RuntimeError(f"GET {location.split('/')[-1]}: {page.status_code}")
            form = _Form()
            form.feed(page.text)
            answers = _plan(form, rng, respondent)
            last = 'value="finish"' in page.text
            data = {"csrf": form.csrf, "go": "finish" if last else "next", **answers}
            posted = await timed("POST", base + location, data=data)
            if posted.status_code != 303:
                raise RuntimeError(f"POST: {posted.status_code}")
            acked[respondent].update(answers)
            result.pages_posted += 1
            progress["pages"] += 1
            location = posted.headers["location"]
        result.finished += 1
    except Exception as exc:  # noqa: BLE001 - counted and shown; a killed server makes every client fail
        result.errors.append(f"{respondent}: {type(exc).__name__}: {exc}")


async def _run(base: str, tokens: dict[str, str], result: LoadResult, acked: dict[str, dict[str, object]],
               timeout: float, kill: tuple[subprocess.Popen[str], int] | None) -> None:
    import httpx

    progress = {"pages": 0}
    limits = httpx.Limits(max_connections=len(tokens), max_keepalive_connections=len(tokens))
    async with httpx.AsyncClient(timeout=30, limits=limits, follow_redirects=False) as client:
        tasks = [asyncio.create_task(_respondent(client, base, r, t, acked, result, progress))
                 for r, t in tokens.items()]

        async def killer() -> None:
            if kill is None:
                return
            proc, after = kill
            while progress["pages"] < after:
                await asyncio.sleep(0.005)
            proc.send_signal(signal.SIGKILL)
            result.killed = True

        watcher = asyncio.create_task(killer())
        done, pending = await asyncio.wait(tasks, timeout=timeout)
        for task in pending:
            task.cancel()
            result.errors.append("timed out")
        watcher.cancel()


def check_files(folder: Path, acked: dict[str, dict[str, object]], result: LoadResult) -> None:
    for respondent, answers in acked.items():
        path = folder / "responses" / f"{respondent}.yaml"
        if not path.exists():
            result.lost += [f"{respondent} {full}" for full in answers]
            continue
        try:
            file = load_answers(str(path)).answers
        except Exception as exc:  # noqa: BLE001 - reported, never raised
            result.unreadable.append(f"{path.name}: {exc}")
            continue
        saved = {full: a for part in file.questionnaires.values() for full, a in part.answers.items()
                 if a.value is not None}
        for full, value in answers.items():
            have = saved.get(full)
            if have is None or _shown(have.value) != value:
                result.lost.append(f"{respondent} {full}: sent {value!r}, file has "
                                   f"{_shown(have.value) if have else None!r}")
        for full, have in saved.items():
            text = str(have.value)
            if text.startswith("answered by ") and text != f"answered by {respondent}":
                result.crossed.append(f"{respondent} {full}: {text}")
        if file.respondent is None or file.respondent.name != respondent:
            result.crossed.append(f"{respondent}: the file names {file.respondent}")


def _cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _load() -> str:
    try:
        return " ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "?"


def run_load(parent: Path, respondents: int = 200, questionnaire: str = "perception-gap", timeout: float = 300,
             kill_after: float | None = None) -> LoadResult:
    """Run one load test in `parent` (a scratch folder) and check every file; never raises on a bad result."""
    folder, tokens = make_collection(parent, respondents, questionnaire)
    pages = len(Catalog.from_options().get(questionnaire).sections) * respondents
    proc, base = start_server(folder)
    result = LoadResult(respondents, load=_load())
    acked: dict[str, dict[str, object]] = {r: {} for r in tokens}
    start = time.perf_counter()
    try:
        kill = (proc, max(1, int(pages * kill_after))) if kill_after is not None else None
        asyncio.run(_run(base, tokens, result, acked, timeout, kill))
    finally:
        result.seconds = time.perf_counter() - start
        result.server_cpu = _cpu_seconds(proc.pid) if proc.poll() is None else None
        result.load += f" / {_load()}"
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    result.answers_acknowledged = sum(len(a) for a in acked.values())
    check_files(folder, acked, result)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--respondents", type=int, default=200)
    parser.add_argument("--questionnaire", default="perception-gap")
    parser.add_argument("--timeout", type=float, default=300, help="stop the run after this many seconds")
    parser.add_argument("--kill-after", type=float, default=None, metavar="F",
                        help="SIGKILL the server once this fraction of all pages is acknowledged")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="crmcheck-collect-load-") as scratch:
        result = run_load(Path(scratch), args.respondents, args.questionnaire, args.timeout, args.kill_after)
    print(result.summary())
    ok = not (result.lost or result.crossed or result.unreadable) and (result.killed or not result.errors)
    print("OK: no answer lost or crossed" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
