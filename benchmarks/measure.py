"""Measure `crmcheck measure` on 1M and 10M deals and tickets (Parquet) against a plain DuckDB scan of the same files.

    python benchmarks/measure.py [--sizes 1000000 10000000] [--repeat 2] [--dir /tmp/crmcheck-measure]
                                 [--memory-limit 1GB] [--threads N]

The deals and tickets are generated once per size into --dir by the generator the tests use
(tests/measure_data.py, fixed seed) and reused. Then, interleaved and repeated, each run a fresh process:

- floor: one DuckDB connection (same memory limit and threads) runs `SELECT count(*)` and `SELECT status,
  count(*) ... GROUP BY status` over the deals file and `SELECT channel, count(*) ... GROUP BY channel` over
  the tickets file: reading the files and grouping them, nothing more;
- `crmcheck measure --deals D --tickets T --format json -o /dev/null --memory-limit LIMIT`, as a user runs it.

Each run's wall time and peak memory (the largest resident set, from wait4) are printed side by side with the
ratio (median of the interleaved pairs), against the targets: at the largest size wall time at most 1.5x the
floor's, and peak memory under 2 GiB with the memory limit set.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FLOOR = r"""
import sys, duckdb
deals, tickets, memory, threads = sys.argv[1:5]
con = duckdb.connect()
con.execute(f"SET memory_limit = '{memory}'")
if threads != "0":
    con.execute(f"SET threads = {threads}")
con.execute(f"SELECT count(*) FROM read_parquet('{deals}')").fetchall()
con.execute(f"SELECT status, count(*) FROM read_parquet('{deals}') GROUP BY status").fetchall()
con.execute(f"SELECT channel, count(*) FROM read_parquet('{tickets}') GROUP BY channel").fetchall()
"""
TARGET_RATIO = 1.5
TARGET_PEAK = 2 * 1024**3


@dataclass
class Run:
    wall: float
    peak: int  # bytes


def timed(command: list[str]) -> Run:
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{err}")
    return Run(wall, usage.ru_maxrss * 1024)


def generate(directory: Path, rows: int) -> tuple[Path, Path]:
    from tests import measure_data

    target = directory / str(rows)
    deals, tickets = target / "deals.parquet", target / "tickets.parquet"
    if not deals.exists() or not tickets.exists():
        sys.stderr.write(f"generating {rows:,} deals and {rows:,} tickets in {target} ...\n")
        accounts = max(1000, rows // 100)
        measure_data.write(target, "deals", measure_data.deals_sql(rows, accounts=accounts))
        measure_data.write(target, "tickets", measure_data.tickets_sql(rows, accounts=accounts))
    return deals, tickets


def gib(n: int) -> str:
    return f"{n / 1024**3:.2f} GiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/crmcheck-measure"))
    parser.add_argument("--memory-limit", default="1GB")
    parser.add_argument("--threads", type=int, default=0, help="DuckDB threads (0: its default, every core)")
    args = parser.parse_args()
    python = sys.executable
    print(f"load average before: {os.getloadavg()[0]:.2f}; cores: {os.cpu_count()}; memory limit {args.memory_limit}")
    print(f"{'rows':>12}  {'floor s':>8}  {'measure s':>9}  {'ratio':>6}  {'floor peak':>10}  {'measure peak':>12}")
    verdicts = []
    for rows in args.sizes:
        deals, tickets = generate(args.dir, rows)
        for path in (deals, tickets):  # into the page cache, as for every later run
            path.read_bytes()
        floors, ours = [], []
        for _ in range(args.repeat):
            floors.append(timed([python, "-c", FLOOR, str(deals), str(tickets), args.memory_limit,
                                 str(args.threads)]))
            ours.append(timed([python, "-m", "crmcheck", "measure", "--deals", str(deals), "--tickets", str(tickets),
                               "--format", "json", "-o", os.devnull, "--memory-limit", args.memory_limit,
                               "--no-progress"]))
        ratio = statistics.median(o.wall / f.wall for o, f in zip(ours, floors, strict=True))
        floor_wall = statistics.median(f.wall for f in floors)
        our_wall = statistics.median(o.wall for o in ours)
        floor_peak, our_peak = max(f.peak for f in floors), max(o.peak for o in ours)
        print(f"{rows:>12,}  {floor_wall:>8.2f}  {our_wall:>9.2f}  {ratio:>5.2f}x  {gib(floor_peak):>10}  "
              f"{gib(our_peak):>12}", flush=True)
        verdicts.append((rows, ratio, our_peak))
    rows, ratio, peak = verdicts[-1]
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    print(f"target at {rows:,} rows: wall time <= {TARGET_RATIO}x the floor: {ratio:.2f}x "
          f"({'met' if ratio <= TARGET_RATIO else 'NOT met'}); peak < 2 GiB: {gib(peak)} "
          f"({'met' if peak < TARGET_PEAK else 'NOT met'})")


if __name__ == "__main__":
    main()
