"""Start-up benchmark: crmcheck's commands timed side by side with a two-command Typer hello-world.

Run with `make bench` (or `.venv/bin/python benchmarks/startup.py [--runs N]`). Every command runs as a fresh
process, interleaved with the others (one round runs each command once, in order; `--runs` rounds), and each
row prints the median wall time and CPU time (user + system, from wait4) with both ratios to the
hello-world's `--help`, and the target (shared/DESIGN.md, issue 24). The targets are wall-time ratios; on a
shared, loaded machine the CPU ratio is the steadier of the two, so both are printed, with the load average
before and after. The import floors (what any command pays before its work) are printed below.

This environment sets PYTHONDONTWRITEBYTECODE=1, so an editable install would recompile crmcheck on every
run: the script compiles `src` first and runs every command with that variable unset. The questionnaire
cache lives in a temporary directory (XDG_CACHE_HOME), filled by the warm-up round as a user's first run
fills it.
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
EXAMPLES = ROOT / "examples" / "brightwater"
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

BASE = "hello-world --help"
TARGETS = {
    "crmcheck --help": 1.2, "crmcheck list": 1.2,
    "crmcheck validate FILE": 1.5, "crmcheck report FILE --format json": 1.5,
    "crmcheck report FILE --format markdown": 1.5, "crmcheck report FILE --format html": 1.5,
    "crmcheck compare OLD NEW": 1.7, "crmcheck check FILE --baseline OLD": 1.7,
    "crmcheck report FILE --format xlsx": 2.5,
}


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one run of `argv`."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):  # check exits 1 when a rule is broken: still a full run
        raise SystemExit(f"{' '.join(argv)} exited {proc.returncode}")
    return wall, usage.ru_utime + usage.ru_stime


def commands(python: str, hello: Path, out: Path) -> dict[str, list[str]]:
    new, old = str(EXAMPLES / "assessment-2026.yaml"), str(EXAMPLES / "assessment-2025.yaml")
    crm = [python, "-m", "crmcheck"]
    return {
        BASE: [python, str(hello), "--help"],
        "crmcheck --help": [*crm, "--help"],
        "crmcheck list": [*crm, "list"],
        "crmcheck validate FILE": [*crm, "validate", new],
        "crmcheck report FILE --format json": [*crm, "report", new, "--format", "json"],
        "crmcheck report FILE --format markdown": [*crm, "report", new, "--format", "markdown"],
        "crmcheck report FILE --format html": [*crm, "report", new, "--format", "html"],
        "crmcheck compare OLD NEW": [*crm, "compare", old, new],
        "crmcheck check FILE --baseline OLD": [*crm, "check", new, "--baseline", old],
        "crmcheck report FILE --format xlsx": [*crm, "report", new, "--format", "xlsx", "-o", str(out / "r.xlsx")],
        # what any command costs before its work: no target, printed to show where the time goes
        "floor: python -c pass": [python, "-c", "pass"],
        "floor: import typer": [python, "-c", "import typer"],
        "floor: from pydantic import BaseModel": [python, "-c", "from pydantic import BaseModel"],
        "floor: typer, yaml, pydantic": [python, "-c", "import typer, yaml; from pydantic import BaseModel"],
        "floor: + a pydantic validator built": [python, "-c", "import os; os.environ['PYDANTIC_DISABLE_PLUGINS']="
                                               "'__all__'; import typer, yaml; from pydantic import BaseModel\n"
                                               "class M(BaseModel):\n x: int\nM(x=1)"],
    }


def _words(name: str) -> str:
    """What `--only` matches in a row's name: the command after the program's own name (so `check` picks the
    check row, not every row that begins `crmcheck`)."""
    return name.removeprefix("crmcheck ")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20, help="rounds (each command once per round, interleaved)")
    parser.add_argument("--before", type=Path, metavar="SRC", help="also time the commands with this source tree "
                        "first on PYTHONPATH (an earlier crmcheck's src), as rows 'before: ...' in the same rounds")
    parser.add_argument("--only", nargs="+", metavar="WORD", help="time only the commands whose name holds one of "
                        "these words (the hello-world always)")
    args = parser.parse_args()
    python = sys.executable
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    subprocess.run([python, "-m", "compileall", "-q", str(ROOT / "src")], check=True, env=env)
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        env["XDG_CACHE_HOME"] = str(Path(tmp) / "cache")
        hello = Path(tmp) / "hello.py"
        hello.write_text(HELLO)
        todo = {name: (argv, env) for name, argv in commands(python, hello, Path(tmp)).items()
                if name == BASE or not args.only or any(word in _words(name) for word in args.only)}
        if args.before is not None:
            subprocess.run([python, "-m", "compileall", "-q", str(args.before)], check=True, env=env)
            earlier = {**env, "PYTHONPATH": str(args.before.resolve()),
                       "XDG_CACHE_HOME": str(Path(tmp) / "cache-before")}
            todo.update({f"before: {name}": (argv, earlier) for name, (argv, _) in list(todo.items())
                         if name.startswith("crmcheck")})
        for argv, where in todo.values():  # warm the file cache, the .pyc files and the questionnaire cache
            run_once(argv, where)
        samples: dict[str, list[tuple[float, float]]] = {name: [] for name in todo}
        for _ in range(args.runs):
            for name, (argv, where) in todo.items():
                samples[name].append(run_once(argv, where))
    load_after = os.getloadavg()
    base_wall = statistics.median(wall for wall, _ in samples[BASE])
    base_cpu = statistics.median(cpu for _, cpu in samples[BASE])
    print(f"{args.runs} interleaved rounds; load average {load_before[0]:.2f} before, {load_after[0]:.2f} after; "
          f"bytecode compiled first")
    print(f"{'command':<50} {'wall ms':>8} {'ratio':>6} {'CPU ms':>7} {'ratio':>6} {'target':>7}")
    missed = False
    for name, pairs in samples.items():
        wall = statistics.median(w for w, _ in pairs)
        cpu = statistics.median(c for _, c in pairs)
        target = TARGETS.get(name)  # (none for the 'before:' rows: printed for comparison)
        verdict = ""
        if target is not None:
            verdict = "ok" if wall / base_wall <= target else "MISSED"
            if verdict == "MISSED" and cpu / base_cpu <= target:
                verdict = "MISSED (wall; CPU ok)"
            missed |= verdict.startswith("MISSED")
        shown = f"<= {target}x" if target else ""
        print(f"{name:<50} {wall * 1000:8.1f} {wall / base_wall:6.2f} {cpu * 1000:7.1f} {cpu / base_cpu:6.2f} "
              f"{shown:>7} {verdict}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
