"""How fast, and in how much memory, `crmcheck import` writes a large survey, against writing the same files plainly.

    python benchmarks/import_speed.py [--rows 10000] [--small 1000] [--pairs 3]

A survey of N rows is built from the Google Forms customer export in tests/data (its valid rows,
repeated, each with its own respondent id). Each pair runs, side by side and interleaved (which one
goes first alternates):

- `crmcheck import` in a child process (CPU = the child's user + system time, from wait4), and
- the plain-write floor: a child that starts the same interpreter, imports nothing of crmcheck, reads
  the survey's bytes, and writes the same answers files (their exact text, streamed from a listing
  made from the import's output beforehand) with open()/write() into a fresh directory, plus one fsync
  of the directory.

A third child, the durable floor, writes the same files and also fsyncs every one (in batches of 256,
as the import does): what durability alone costs, printed for information.

The CPU ratio is import / plain floor, the median of the pairs' ratios; the machine is shared, so only
ratios measured in the same run mean anything. Peak memory is the import child's max RSS at --small
and at --rows rows (medians). Before every child the parent removes the last child's files and calls
sync, so that no child pays for writing back another's data.

PYTHONDONTWRITEBYTECODE is set in this environment: the script compiles src first
(`python -m compileall -q src`) and runs every child with that variable unset, so no run pays for
compiling crmcheck.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "tests" / "data" / "surveys" / "google-forms-customers.csv"
CPU_TARGET = 2.0
MEMORY_TARGET = 1.2
FLOOR = r"""
import os, sys
survey, listing, out = sys.argv[1:4]
durable = sys.argv[4:] == ["durable"]
with open(survey, "rb") as handle:
    handle.read()
os.mkdir(out)
unsynced = []
with open(listing, "rb") as source:
    while header := source.read(8):
        name = source.read(int.from_bytes(header[:4], "little")).decode("utf-8")
        data = source.read(int.from_bytes(header[4:], "little"))
        with open(os.path.join(out, name), "wb") as handle:
            handle.write(data)
            if durable:
                handle.flush()
                unsynced.append(os.dup(handle.fileno()))
        if len(unsynced) >= 256:
            for fd in unsynced:
                os.fsync(fd)
                os.close(fd)
            unsynced = []
for fd in unsynced:
    os.fsync(fd)
    os.close(fd)
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
    """(CPU seconds, user CPU seconds, max RSS in KiB) of one child, started with no dirty data about."""
    os.sync()
    child = subprocess.Popen(argv, env=child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    if status != 0:
        raise SystemExit(f"{argv[:3]} failed: {child.stderr.read().decode() if child.stderr else status}")
    return usage.ru_utime + usage.ru_stime, usage.ru_utime, usage.ru_maxrss


def import_argv(survey: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "crmcheck", "import", str(survey), "-q", "perception-gap", "--lens", "customer",
            "--company", "Brightwater", "--date", "2026-10-27", "-o", str(out)]


def write_listing(files: Path, listing: Path) -> None:
    """Every file's name and bytes, one after another, for the floor to read as a stream."""
    with listing.open("wb") as handle:
        for path in sorted(files.iterdir()):
            name, data = path.name.encode(), path.read_bytes()
            handle.write(len(name).to_bytes(4, "little") + len(data).to_bytes(4, "little") + name + data)


def verdict(value: float, target: float) -> str:
    return f"target <= {target:g}x  {'ok' if value <= target else 'MISSED'}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--pairs", type=int, default=3)
    args = parser.parse_args(argv)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True)
    load_before = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="crmcheck-import-bench-"))
    try:
        big, small = work / "big.csv", work / "small.csv"
        build_survey(args.rows, big)
        build_survey(args.small, small)
        # the exact files the import writes, for the floors to write plainly
        timed(import_argv(big, work / "reference"))
        listing = work / "listing.bin"
        write_listing(work / "reference", listing)
        shutil.rmtree(work / "reference")
        floor = [sys.executable, "-S", "-c", FLOOR, str(big), str(listing)]
        imports: list[tuple[float, float, int]] = []
        floors: list[tuple[float, float, int]] = []
        durables: list[float] = []
        smalls: list[int] = []
        out = work / "out"
        for n in range(args.pairs):
            for which in ("import", "floor") if n % 2 == 0 else ("floor", "import"):
                if which == "import":
                    imports.append(timed(import_argv(big, out)))
                else:
                    floors.append(timed([*floor, str(out)]))
                shutil.rmtree(out)
            durables.append(timed([*floor, str(out), "durable"])[0])
            shutil.rmtree(out)
            smalls.append(timed(import_argv(small, out))[2])
            shutil.rmtree(out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    load_after = os.getloadavg()
    ratios = [i[0] / f[0] for i, f in zip(imports, floors, strict=True)]
    cpu_import = statistics.median(i[0] for i in imports)
    cpu_floor = statistics.median(f[0] for f in floors)
    durable = statistics.median(durables)
    rss_small = statistics.median(smalls) / 1024
    rss_big = statistics.median(i[2] for i in imports) / 1024
    ratio = statistics.median(ratios)
    print(f"import of a {args.rows:,}-row survey ({args.pairs} interleaved pairs; src compiled, children run without "
          f"PYTHONDONTWRITEBYTECODE; load average {load_before[0]:.1f} before, {load_after[0]:.1f} after)")
    print(f"  CPU (user + system)   import {cpu_import:.2f} s, plain-write floor {cpu_floor:.2f} s (medians)")
    print(f"  CPU vs the floor      {ratio:.2f}x median of the pairs ({', '.join(f'{r:.2f}' for r in ratios)})  "
          f"{verdict(ratio, CPU_TARGET)}")
    print(f"  user CPU only         import {statistics.median(i[1] for i in imports):.2f} s, floor "
          f"{statistics.median(f[1] for f in floors):.2f} s")
    print(f"  durable floor         {durable:.2f} s (the floor plus an fsync of every file); import / durable floor "
          f"{cpu_import / durable:.2f}x (information)")
    print(f"  peak memory           {rss_small:.1f} MiB at {args.small:,} rows, {rss_big:.1f} MiB at {args.rows:,} "
          f"rows: {rss_big / rss_small:.2f}x  {verdict(rss_big / rss_small, MEMORY_TARGET)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
