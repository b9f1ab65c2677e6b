"""Measure `crmcheck benchmark` over 1,000 and 50,000 answers files, and a 5,000-respondent `crmcheck report`,
each against a parse-only floor run side by side.

    python benchmarks/portfolio.py [--sizes 1000 50000] [--respondents 5000] [--repeat 2]
                                   [--dir /tmp/crmcheck-portfolio] [--single] [--before SRC]

Inputs are generated once into --dir and reused until the generator or a built-in questionnaire changes
(benchmarks/generate.py, fixed seed): a portfolio per size (1% broken files), and one company's survey of
--respondents answers files (one questionnaire, one date, many respondents: the "many voices" flow).
crmcheck's own modules are compiled first (this environment may set PYTHONDONTWRITEBYTECODE, and a run that
compiles crmcheck is not what users see), and the files are read once so that every run finds them in the
page cache. Then, interleaved and repeated, each run a fresh process:

- floor: one Python process, one core, walks the same files and runs `yaml.load(text, Loader=yaml.CSafeLoader)`
  on each (reading included): parsing alone, no checks, no scores;
- `crmcheck benchmark DIR --format json -o /dev/null`, as a user runs it (worker processes on every core);
- with --single, also `crmcheck benchmark ... --jobs 1`, for reference;
- `crmcheck report SURVEY --format json -o /dev/null` against the floor over the survey's files;
- with --before SRC, each crmcheck run again with that earlier source tree first on PYTHONPATH, in the same
  rounds (rows "before: ..."), each against the floor run of its own round: the two trees side by side.

Each run's wall time, CPU time (user + system, the process and its workers) and peak memory (the largest
resident set of any process of the run) come from wait4. Ratios are taken within each interleaved pair
(crmcheck run and the floor run next to it) and the median of the pairs is reported, with the targets:

- benchmark wall time at the largest size: crmcheck at least as fast as the one-core floor (floor / crmcheck
  >= 1.0x), using the machine's cores;
- benchmark CPU per file at the largest size: at most 1.2x the floor's;
- benchmark peak memory at the largest size: at most 1.2x that at the smallest;
- report wall time: at most 1.2x the floor's (CPU shown too).

The load average is printed before and after: other work on the machine slows the multi-process runs first.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FLOOR = r"""
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

# Reads every file once (into the page cache), parsing nothing.
WARM = r"""
import os, sys
for top, dirs, files in os.walk(sys.argv[1]):
    for name in files:
        with open(os.path.join(top, name), "rb") as handle:
            handle.read()
"""

SPEED_TARGET = 1.0  # floor wall / crmcheck wall, at least
CPU_TARGET = 1.2  # crmcheck CPU per file / floor CPU per file, at most
MEMORY_TARGET = 1.2  # peak at the largest size / peak at the smallest, at most
REPORT_TARGET = 1.2  # crmcheck report wall / floor wall, at most


@dataclass
class Run:
    wall: float
    cpu: float
    peak_kib: int


def measure(command: list[str], env: dict[str, str]) -> Run:
    """Run a command to completion; wall time, CPU time and peak RSS of its process tree (wait4)."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited with {proc.returncode}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss)


def fingerprint(size: int, options: tuple[str, ...]) -> str:
    """What generated files depend on: the generator, the built-in questionnaires and the arguments."""
    digest = hashlib.sha256(repr((size, options)).encode())
    for path in [ROOT / "benchmarks" / "generate.py", *sorted((ROOT / "questionnaires").glob("*.yaml"))]:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def generated(directory: Path, size: int, *options: str) -> Path:
    """A directory of generated answers files, generated on first use and again whenever the generator or a
    questionnaire changed. In a child process: a child's peak memory counts the memory of the process that
    started it, so this one stays small."""
    marker = directory / ".complete"
    wanted = fingerprint(size, options)
    if not marker.exists() or marker.read_text().strip() != wanted:
        sys.stderr.write(f"generating {size:,} answers files in {directory} ...\n")
        shutil.rmtree(directory, ignore_errors=True)
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), str(size), str(directory),
                        "--seed", "7", *options], check=True)
        marker.write_text(wanted + "\n")
    return directory


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1, 5, 15 min; {os.cpu_count()} CPUs)"


def pairs(runs: dict[str, list[Run]], name: str, floor: str, value: str) -> float:
    """Median over the interleaved pairs of (run `name`'s value / the floor's value)."""
    return statistics.median(getattr(a, value) / getattr(b, value) for a, b in zip(runs[name], runs[floor],
                                                                                      strict=True))


def rounds(commands: dict[str, list[str]], env: dict[str, str], earlier: dict[str, str] | None,
           repeat: int) -> dict[str, list[Run]]:
    """`repeat` interleaved rounds of the commands (and, with an earlier tree, each crmcheck command again with
    it): the runs of each, by name."""
    todo = [(name, command, env) for name, command in commands.items()]
    if earlier is not None:
        todo += [(f"before: {name}", command, earlier) for name, command in commands.items() if name != "floor"]
    runs: dict[str, list[Run]] = {name: [] for name, _, _ in todo}
    for _ in range(repeat):
        for name, command, where in todo:
            runs[name].append(measure(command, where))
    return runs


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 50000], help="Portfolio sizes (files).")
    parser.add_argument("--respondents", type=int, default=5000, help="Respondents in the survey (0: skip).")
    parser.add_argument("--repeat", type=int, default=2, help="Interleaved runs of each command.")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/crmcheck-portfolio"),
                        help="Where generated inputs are kept between runs.")
    parser.add_argument("--single", action="store_true", help="Also run `benchmark --jobs 1`, for reference.")
    parser.add_argument("--before", type=Path, metavar="SRC", help="Also run every crmcheck command with this "
                        "earlier source tree first on PYTHONPATH, in the same rounds (rows 'before: ...').")
    args = parser.parse_args(argv)

    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    earlier = None
    if args.before is not None:
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(args.before)], check=True)
        earlier = {**env, "PYTHONPATH": str(args.before.resolve())}
    python = sys.executable
    crmcheck = [python, "-m", "crmcheck"]
    inputs = {size: generated(args.dir / f"n{size}", size, "--broken", "0.01") for size in args.sizes}
    respondents = (generated(args.dir / f"respondents{args.respondents}", args.respondents, "--respondents")
                   if args.respondents else None)
    for directory in [*inputs.values(), *([respondents] if respondents else [])]:
        measure([python, "-c", WARM, str(directory)], env)

    print(f"load average before: {load()}")
    results: dict[int, dict[str, list[Run]]] = {}
    for size, directory in inputs.items():
        commands = {
            "floor": [python, "-c", FLOOR, str(directory)],
            "crmcheck": [*crmcheck, "benchmark", str(directory), "--format", "json", "-o", os.devnull],
        }
        if args.single:
            commands["crmcheck -j 1"] = [*commands["crmcheck"], "--jobs", "1"]
        results[size] = rounds(commands, env, earlier, args.repeat)
    report: dict[str, list[Run]] = {}
    if respondents is not None:
        commands = {
            "floor": [python, "-c", FLOOR, str(respondents)],
            "crmcheck report": [*crmcheck, "report", str(respondents), "--format", "json", "-o", os.devnull],
        }
        report = rounds(commands, env, earlier, args.repeat)
    print(f"load average after:  {load()}\n")

    print(f"{'files':>7}  {'run':<16} {'wall s':>7} {'CPU s':>7} {'CPU ms/file':>11} {'peak MiB':>8}")
    for size, runs in results.items():
        for name, each in runs.items():
            for run in each:
                print(f"{size:>7,}  {name:<16} {run.wall:7.2f} {run.cpu:7.2f} {run.cpu / size * 1000:11.3f} "
                      f"{run.peak_kib / 1024:8.1f}")
    for name, each in report.items():
        for run in each:
            print(f"{args.respondents:>7,}  {name:<16} {run.wall:7.2f} {run.cpu:7.2f} "
                  f"{run.cpu / args.respondents * 1000:11.3f} {run.peak_kib / 1024:8.1f}")
    print()

    ok = True
    for size, runs in results.items():
        for name in [n for n in ("crmcheck", "before: crmcheck") if n in runs]:
            speed = 1 / pairs(runs, name, "floor", "wall")
            cpu = pairs(runs, name, "floor", "cpu")
            print(f"{name} benchmark, {size:,} files: wall {speed:.2f}x faster than the floor, CPU per file "
                  f"{cpu:.2f}x the floor's, peak {statistics.median(r.peak_kib for r in runs[name]) / 1024:.1f} MiB")
    if "before: crmcheck report" in report:
        print(f"before: crmcheck report of {args.respondents:,} respondents: wall "
              f"{pairs(report, 'before: crmcheck report', 'floor', 'wall'):.2f}x the floor's (CPU "
              f"{pairs(report, 'before: crmcheck report', 'floor', 'cpu'):.2f}x)")
    largest, smallest = max(results), min(results)
    speed = 1 / pairs(results[largest], "crmcheck", "floor", "wall")
    cpu = pairs(results[largest], "crmcheck", "floor", "cpu")
    checks = [
        (f"benchmark wall at {largest:,} files, floor / crmcheck", speed, f">= {SPEED_TARGET}x", speed >= SPEED_TARGET),
        (f"benchmark CPU per file at {largest:,} files, crmcheck / floor", cpu, f"<= {CPU_TARGET}x",
         cpu <= CPU_TARGET),
    ]
    if largest != smallest:
        growth = (statistics.median(r.peak_kib for r in results[largest]["crmcheck"])
                  / statistics.median(r.peak_kib for r in results[smallest]["crmcheck"]))
        checks.append((f"benchmark peak memory, {largest:,} / {smallest:,} files", growth, f"<= {MEMORY_TARGET}x",
                       growth <= MEMORY_TARGET))
    if report:
        wall = pairs(report, "crmcheck report", "floor", "wall")
        report_cpu = pairs(report, "crmcheck report", "floor", "cpu")
        checks.append((f"report of {args.respondents:,} respondents, wall crmcheck / floor (CPU {report_cpu:.2f}x)",
                       wall, f"<= {REPORT_TARGET}x", wall <= REPORT_TARGET))
    print()
    for what, value, target, met in checks:
        ok &= met
        print(f"{what}: {value:.2f}x (target {target}): {verdict(met)}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
