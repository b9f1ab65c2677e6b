"""How fast `crmcheck import` writes a large survey, against writing the same files plainly.

    python benchmarks/import_speed.py [--rows 10000] [--small 1000] [--pairs 3]

A survey of N rows is built from the Google Forms customer export in tests/data (its valid rows,
repeated, each with its own respondent id). Each pair runs, side by side and interleaved:

- `crmcheck import` in a child process (CPU = the child's user + system time), and
- the plain-write floor: a child that starts the same interpreter, imports nothing of crmcheck, reads
  the survey's bytes, and writes the same answers files (their exact text, read from the import's
  output beforehand) with open()/write() into a fresh directory, plus one fsync of the directory.

The ratio is import CPU / floor CPU (median of the pairs); the machine is shared, so only the ratio
measured in the same run means anything. Peak memory is the child's max RSS at --small and --rows.

PYTHONDONTWRITEBYTECODE is set in this environment: the script compiles src first
(`python -m compileall -q src`) and runs every child with that variable unset, so no run pays for
compiling crmcheck.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "tests" / "data" / "surveys" / "google-forms-customers.csv"
FLOOR = r"""
import os, sys
survey, listing, out = sys.argv[1:4]
with open(survey, "rb") as handle:
    handle.read()
os.mkdir(out)
with open(listing, "rb") as handle:
    blob = handle.read().decode("utf-8")
for part in blob.split("\0\0")[:-1]:
    name, text = part.split("\0", 1)
    with open(os.path.join(out, name), "wb") as handle:
        handle.write(text.encode("utf-8"))
fd = os.open(out, os.O_RDONLY)
os.fsync(fd)
os.close(fd)
"""


def build_survey(rows: int, path: Path) -> None:
    with SOURCE.open(encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    header, body = table[0], table[1:3]  # the first rows read cleanly
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for n in range(rows):
        row = list(body[n % len(body)])
        row[1] = f"person{n}@example.org"
        writer.writerow(row)
    path.write_text(out.getvalue(), encoding="utf-8")


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def timed(argv: list[str]) -> tuple[float, float, int]:
    """(CPU seconds, user CPU seconds, max RSS in KiB) of one child."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    pid = subprocess.Popen(argv, env=child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(pid.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{argv[:3]} failed: {pid.stderr.read().decode() if pid.stderr else status}")
    del before
    del wall
    return usage.ru_utime + usage.ru_stime, usage.ru_utime, usage.ru_maxrss


def import_argv(survey: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "crmcheck", "import", str(survey), "-q", "perception-gap", "--lens", "customer",
            "--company", "Brightwater", "--date", "2026-10-27", "-o", str(out)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--pairs", type=int, default=3)
    args = parser.parse_args(argv)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True)
    work = Path(tempfile.mkdtemp(prefix="crmcheck-import-bench-"))
    try:
        big, small = work / "big.csv", work / "small.csv"
        build_survey(args.rows, big)
        build_survey(args.small, small)
        # the exact files the import writes, for the floor to write plainly
        timed(import_argv(big, work / "reference"))
        listing = work / "listing.bin"
        with listing.open("wb") as handle:
            for path in sorted((work / "reference").iterdir()):
                handle.write(path.name.encode() + b"\0" + path.read_bytes() + b"\0\0")
        floor = [sys.executable, "-S", "-c", FLOOR, str(big), str(listing)]
        ratios, imports, floors, user_ratios = [], [], [], []
        for n in range(args.pairs):
            cpu_i, user_i, _ = timed(import_argv(big, work / f"import{n}"))
            cpu_f, user_f, _ = timed([*floor, str(work / f"floor{n}")])
            user_ratios.append(user_i / max(user_f, 1e-3))
            imports.append(cpu_i)
            floors.append(cpu_f)
            ratios.append(cpu_i / cpu_f)
            shutil.rmtree(work / f"import{n}")
            shutil.rmtree(work / f"floor{n}")
        _, _, rss_small = timed(import_argv(small, work / "small-out"))
        _, _, rss_big = timed(import_argv(big, work / "big-out"))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"import of a {args.rows:,}-row survey ({args.pairs} interleaved pairs; src compiled, children run "
          "without PYTHONDONTWRITEBYTECODE)")
    print(f"  import CPU     median {statistics.median(imports):.2f} s")
    print(f"  plain writes   median {statistics.median(floors):.2f} s")
    print(f"  ratio          median {statistics.median(ratios):.2f}x  (pairs: "
          f"{', '.join(f'{r:.2f}' for r in ratios)}; target <= 2x)")
    print(f"  ratio of the medians {statistics.median(imports) / statistics.median(floors):.2f}x  (the floor's "
          "CPU swings more than the import's: read both)")
    print(f"  user CPU only  median {statistics.median(user_ratios):.2f}x  (the kernel's share of creating files "
          "swings with the machine's load)")
    print(f"  peak memory    {rss_small / 1024:.0f} MiB at {args.small:,} rows, {rss_big / 1024:.0f} MiB at "
          f"{args.rows:,} rows ({(rss_big - rss_small) * 1024 / (args.rows - args.small):,.0f} bytes per extra row)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
