"""Start-up benchmark: crmcheck's commands timed side by side with a two-command Typer hello-world.

Run with `make bench` (or `.venv/bin/python benchmarks/startup.py [--runs N]`). Prints the median wall
time of each command and its ratio to the hello-world's `--help`. Targets (DESIGN.md): `--help` and
`list` at most 1.2x, a JSON report at most 2x.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HELLO = '''
import typer

app = typer.Typer()


@app.command()
def hello(name: str) -> None:
    """Say hello."""
    print(f"Hello {name}")


@app.command()
def goodbye(name: str) -> None:
    """Say goodbye."""
    print(f"Goodbye {name}")


if __name__ == "__main__":
    app()
'''

TARGETS = {"crmcheck --help": 1.2, "crmcheck list": 1.2, "crmcheck report FILE --format json": 2.0}


def time_once(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30, help="runs per command (interleaved)")
    args = parser.parse_args()
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        hello = Path(tmp) / "hello.py"
        hello.write_text(HELLO)
        example = str(ROOT / "examples" / "brightwater" / "assessment-2026.yaml")
        commands = {
            "hello-world --help": [python, str(hello), "--help"],
            "crmcheck --help": [python, "-m", "crmcheck", "--help"],
            "crmcheck list": [python, "-m", "crmcheck", "list"],
            "crmcheck report FILE --format json": [python, "-m", "crmcheck", "report", example, "--format", "json"],
        }
        for argv in commands.values():  # warm the file cache and .pyc files
            time_once(argv)
        samples: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, argv in commands.items():
                samples[name].append(time_once(argv))
    base = statistics.median(samples["hello-world --help"])
    failed = False
    print(f"{'command':<36} {'median ms':>9} {'ratio':>6} {'target':>6}")
    for name, times in samples.items():
        median = statistics.median(times)
        ratio = median / base
        target = TARGETS.get(name)
        verdict = "" if target is None else ("ok" if ratio <= target else "MISSED")
        failed |= verdict == "MISSED"
        print(f"{name:<36} {median * 1000:9.1f} {ratio:6.2f} {target or '':>6} {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
