"""Bad-input benchmark: how long crmcheck takes to reject each file of the bad-input corpus.

Run with `.venv/bin/python benchmarks/bad_inputs.py [--runs N]`. Every file in tests/corpus (plus a
generated file over the 8 MiB cap) goes through the real command, `crmcheck validate FILE`, and
answers files also through `crmcheck report FILE`; the best of N runs is kept per file. It prints
the slowest files, the time inside the library alone (parse and check, without interpreter
start-up), and the slowest file's time against the target: every bad file rejected in under a
second. It also checks that each run exited 2, so a fast crash cannot pass for a fast rejection.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
TARGET_SECONDS = 1.0
SIZE_CAP = 8 * 1024 * 1024


def corpus_files(tmp: Path) -> list[Path]:
    files = sorted(p for p in CORPUS.glob("*/*.yaml") if p.is_file())
    big = tmp / "answers" / "too-large.yaml"
    big.parent.mkdir()
    with open(big, "wb") as handle:
        handle.write(b"format: 1\n" + b"#" * SIZE_CAP + b"\n")
    return [*files, big]


def time_command(argv: list[str], runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT, timeout=120)
        elapsed = time.perf_counter() - start
        if proc.returncode != 2:
            raise SystemExit(f"{' '.join(argv[3:])}: exit {proc.returncode}, expected 2\n{proc.stderr.decode()}")
        best = min(best, elapsed)
    return best


def time_in_library(path: Path, runs: int) -> float:
    """Parse and check one file in this process (a fresh catalog each time, as a new command has)."""
    from crmcheck.catalog import Catalog
    from crmcheck.validation import validate_file

    validate_file(str(path), Catalog.from_options())  # warm up: imports and pydantic's first validation
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        report = validate_file(str(path), Catalog.from_options())
        best = min(best, time.perf_counter() - start)
        if report.ok:
            raise SystemExit(f"{path}: validated without error; the corpus holds only bad files")
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="runs per file and command; the best is kept")
    parser.add_argument("--show", type=int, default=10, help="how many of the slowest files to list")
    args = parser.parse_args()
    cli = [sys.executable, "-m", "crmcheck"]
    rows: list[tuple[float, float, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        for path in corpus_files(Path(tmp)):
            name = f"{path.parent.name}/{path.name}"
            commands = [[*cli, "validate", str(path)]]
            if path.parent.name == "answers":
                commands.append([*cli, "report", str(path), "--format", "json"])
            wall = max(time_command(command, args.runs) for command in commands)
            rows.append((wall, time_in_library(path, args.runs), name))
    rows.sort(reverse=True)
    print(f"{'file':52} {'command':>9} {'library':>9}")
    for wall, library, name in rows[: args.show]:
        print(f"{name:52} {wall:8.3f}s {library:8.3f}s")
    slowest_wall, _, slowest_name = rows[0]
    slowest_library, library_name = max((library, name) for _, library, name in rows)
    verdict = "ok" if slowest_wall < TARGET_SECONDS else "OVER TARGET"
    print(f"\n{len(rows)} bad files, best of {args.runs} runs each.")
    print(f"slowest command: {slowest_wall:.3f}s ({slowest_name}); target under {TARGET_SECONDS:.0f}s: {verdict}")
    print(f"slowest in the library alone (parse and check, no start-up): {slowest_library:.3f}s ({library_name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
