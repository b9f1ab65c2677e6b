"""Measure `crmcheck benchmark` over 1,000 and 10,000 answers files against a parse-only loop.

    python benchmarks/portfolio.py [--sizes 1000 10000] [--repeat 3] [--dir /tmp/crmcheck-portfolio]

For each size, a synthetic portfolio is generated once (benchmarks/generate.py, fixed seed, 1% broken
files) and reused. Then, interleaved and repeated, each a fresh process:

- parse-only: one Python process, one core, walks the same files and runs
  `yaml.load(text, Loader=yaml.CSafeLoader)` on each (reading included);
- crmcheck: `crmcheck benchmark DIR --format json -o /dev/null`, as a user runs it (all cores);
- crmcheck -j 1: the same on one core, for reference.

Reported per run: wall time, CPU time (user + sys, the process and its workers), throughput in files
per second, and peak memory (the largest resident set of any process of the run, from wait4). The
best of the repeats is used. Targets (DESIGN.md): crmcheck throughput at least 0.8x parse-only, and
crmcheck peak memory at 10,000 files within 1.2x of that at 1,000. The machine's load average is
printed before and after: other work on the machine slows the multi-process run first.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

PARSE_ONLY = r"""
import os, sys, yaml
count = 0
for top, dirs, files in os.walk(sys.argv[1]):
    dirs[:] = sorted(d for d in dirs if not d.startswith("."))
    for name in sorted(files):
        if name.endswith((".yaml", ".yml")) and not name.startswith("."):
            with open(os.path.join(top, name), encoding="utf-8") as handle:
                text = handle.read()
            try:
                yaml.load(text, Loader=yaml.CSafeLoader)
            except yaml.YAMLError:
                pass
            count += 1
print(count)
"""

THROUGHPUT_TARGET = 0.8
MEMORY_TARGET = 1.2


@dataclass
class Run:
    wall: float
    cpu: float
    peak_kib: int


def measure(command: list[str]) -> Run:
    """Run a command to completion; wall time, CPU time and peak RSS of its process tree (wait4)."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0,):
        raise SystemExit(f"{' '.join(command)} exited with {proc.returncode}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)


def portfolio(base: Path, size: int) -> Path:
    """The generated portfolio of `size` files, generated on first use."""
    from benchmarks.generate import generate

    directory = base / f"n{size}"
    marker = directory / ".complete"
    if not marker.exists():
        sys.stderr.write(f"generating {size:,} answers files in {directory} ...\n")
        generate(size, directory, seed=7, broken=0.01)
        marker.write_text("ok\n")
    return directory


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1, 5, 15 min; {os.cpu_count()} CPUs)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000], help="Portfolio sizes (files).")
    parser.add_argument("--repeat", type=int, default=3, help="Runs of each command per size; the best counts.")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/crmcheck-portfolio"),
                        help="Where generated portfolios are kept between runs.")
    args = parser.parse_args(argv)

    python = sys.executable
    crmcheck = [python, "-m", "crmcheck", "benchmark"]
    print(f"load average before: {load()}")
    results: dict[int, dict[str, Run]] = {}
    for size in args.sizes:
        directory = portfolio(args.dir, size)
        commands = {
            "parse-only": [python, "-c", PARSE_ONLY, str(directory)],
            "crmcheck": [*crmcheck, str(directory), "--format", "json", "-o", os.devnull],
            "crmcheck -j 1": [*crmcheck, str(directory), "--format", "json", "-o", os.devnull, "--jobs", "1"],
        }
        for command in commands.values():  # warm the page cache and the bytecode
            measure(command)
        best: dict[str, Run] = {}
        for _ in range(args.repeat):
            for name, command in commands.items():
                run = measure(command)
                if name not in best or run.wall < best[name].wall:
                    best[name] = run
        results[size] = best

    print(f"load average after:  {load()}\n")
    print(f"{'files':>7}  {'run':<14} {'wall s':>7} {'files/s':>8} {'CPU s':>7} {'peak MiB':>8}  vs parse-only")
    for size, best in results.items():
        base = best["parse-only"]
        for name, run in best.items():
            ratio = "" if name == "parse-only" else f"{base.wall / run.wall:5.2f}x throughput"
            print(f"{size:>7,}  {name:<14} {run.wall:7.2f} {size / run.wall:8.0f} {run.cpu:7.2f} "
                  f"{run.peak_kib / 1024:8.1f}  {ratio}")
    print()
    ok = True
    for size, best in results.items():
        ratio = best["parse-only"].wall / best["crmcheck"].wall
        ok &= ratio >= THROUGHPUT_TARGET
        print(f"throughput at {size:,} files: crmcheck {ratio:.2f}x parse-only "
              f"(target >= {THROUGHPUT_TARGET}x: {'met' if ratio >= THROUGHPUT_TARGET else 'NOT met'}); "
              f"CPU per file {best['crmcheck'].cpu / size * 1000:.2f} ms vs "
              f"{best['parse-only'].cpu / size * 1000:.2f} ms")
    if len(results) >= 2:
        small, large = min(results), max(results)
        growth = results[large]["crmcheck"].peak_kib / results[small]["crmcheck"].peak_kib
        ok &= growth <= MEMORY_TARGET
        print(f"peak memory: {results[small]['crmcheck'].peak_kib / 1024:.1f} MiB at {small:,} files, "
              f"{results[large]['crmcheck'].peak_kib / 1024:.1f} MiB at {large:,}: {growth:.2f}x "
              f"(target <= {MEMORY_TARGET}x: {'met' if growth <= MEMORY_TARGET else 'NOT met'})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
