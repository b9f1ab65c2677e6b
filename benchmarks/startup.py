"""Start-up benchmark: crmcheck's commands timed side by side with a two-command Typer hello-world.

Run with `make bench` (or `.venv/bin/python benchmarks/startup.py [--runs N]`). Prints the median wall
time of each command and its ratio to the hello-world's `--help`, measured interleaved in the same run.
Targets (issue 15): `--help`, `list`, a JSON report and `validate` at most 1.2x; markdown and HTML reports
at most 1.3x. This environment sets PYTHONDONTWRITEBYTECODE=1, so an editable install would recompile
crmcheck on every run: the script compiles `src` first and runs every command with that variable unset.
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

TARGETS = {"crmcheck --help": 1.2, "crmcheck list": 1.2, "crmcheck report FILE --format json": 1.2,
           "crmcheck report FILE --format markdown": 1.3, "crmcheck report FILE --format html": 1.3,
           "crmcheck validate FILE": 1.2}
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}


def time_once(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=ENV)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=30, help="runs per command (interleaved)")
    args = parser.parse_args()
    python = sys.executable
    subprocess.run([python, "-m", "compileall", "-q", str(ROOT / "src")], check=True, env=ENV)
    with tempfile.TemporaryDirectory() as tmp:
        hello = Path(tmp) / "hello.py"
        hello.write_text(HELLO)
        example = str(ROOT / "examples" / "brightwater" / "assessment-2026.yaml")
        commands = {
            "hello-world --help": [python, str(hello), "--help"],
            "crmcheck --help": [python, "-m", "crmcheck", "--help"],
            "crmcheck list": [python, "-m", "crmcheck", "list"],
            "crmcheck report FILE --format json": [python, "-m", "crmcheck", "report", example, "--format", "json"],
            "crmcheck report FILE --format markdown": [python, "-m", "crmcheck", "report", example, "--format",
                                                       "markdown"],
            "crmcheck report FILE --format html": [python, "-m", "crmcheck", "report", example, "--format", "html"],
            "crmcheck validate FILE": [python, "-m", "crmcheck", "validate", example],
            # what any command costs before its work: no target, printed to show where the time goes
            "python -c pass": [python, "-c", "pass"],
            "python -c 'import typer'": [python, "-c", "import typer"],
            "python -c 'import pydantic, BaseModel'": [python, "-c", "from pydantic import BaseModel"],
            "python -c 'import typer, pydantic, yaml'": [python, "-c", "import typer, yaml; from pydantic import "
                                                        "BaseModel"],
        }
        for argv in commands.values():  # warm the file cache and .pyc files
            time_once(argv)
        samples: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, argv in commands.items():
                samples[name].append(time_once(argv))
    base = statistics.median(samples["hello-world --help"])
    failed = False
    print(f"{'command':<40} {'median ms':>9} {'ratio':>6} {'target':>6}")
    for name, times in samples.items():
        median = statistics.median(times)
        ratio = median / base
        target = TARGETS.get(name)
        verdict = "" if target is None else ("ok" if ratio <= target else "MISSED")
        failed |= verdict == "MISSED"
        print(f"{name:<40} {median * 1000:9.1f} {ratio:6.2f} {target or '':>6} {verdict}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
