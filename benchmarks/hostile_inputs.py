"""Hostile-input benchmark: time and peak memory of crmcheck on files made to exhaust it.

Run with `.venv/bin/python benchmarks/hostile_inputs.py [--runs N]`. Each case goes through the real
command, with `/usr/bin/time -v` for peak memory where it exists; the best of N runs is kept:

- `validate` of an 8 MiB answers file with 100,000 unknown question ids, against a bare
  `yaml.load(..., CSafeLoader)` of the same file (the target: at most 1.5 times its CPU time, and at
  most 51 lines on stderr);
- `import` of a decompression-bomb workbook (a few hundred KB unpacking to about 300 MiB), of a
  billion-laughs sheet and of a sheet with a DOCTYPE (each must exit 2 within a second or two);
- `report --format html --logo` of /dev/zero and of a FIFO (must exit 2 at once).

docs/bad-input.md ("Measured") quotes its figures.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
EXAMPLE = ROOT / "examples" / "brightwater" / "assessment-2026.yaml"
GNU_TIME = Path("/usr/bin/time")


@dataclass
class Measure:
    cpu: float
    peak_mb: float | None
    code: int
    stderr_lines: int


def measure(argv: list[str], cwd: Path) -> Measure:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wrapped = [str(GNU_TIME), "-v", *argv] if GNU_TIME.exists() else argv
    proc = subprocess.run(wrapped, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          timeout=300, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    ours = [line for line in proc.stderr.splitlines() if not line.startswith(("\t", "Command exited"))]
    return Measure(cpu, int(peak.group(1)) / 1024 if peak else None, proc.returncode, len(ours))


def best(argv: list[str], cwd: Path, runs: int) -> Measure:
    return min((measure(argv, cwd) for _ in range(runs)), key=lambda m: m.cpu)


def many_unknown_ids(path: Path) -> None:
    lines = ["format: 1", "company: Acme", "assessed_on: 2026-11-01", "questionnaires:", "  crm-mistakes:",
             "    answers:"]
    size = sum(len(line) + 1 for line in lines)
    for i in range(100_000):
        line = f"      best-customers.unknown-question-number-{i:06d}-padding-padding-padding-pad: 3"
        if size + len(line) + 1 > 8 * 1024 * 1024:
            break
        lines.append(line)
        size += len(line) + 1
    path.write_text("\n".join(lines) + "\n")


def report(name: str, m: Measure, extra: str = "") -> None:
    peak = f"{m.peak_mb:6.0f} MB" if m.peak_mb is not None else "     ? MB"
    print(f"{name:42} {m.cpu:6.2f} s CPU {peak}  exit {m.code}  {m.stderr_lines} stderr line(s) {extra}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    from tests import hostile_xlsx

    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        many_unknown_ids(tmp / "many.yaml")
        bare = best([python, "-c", "import sys, yaml; yaml.load(open(sys.argv[1], 'rb').read().decode(), "
                     "Loader=yaml.CSafeLoader)", "many.yaml"], tmp, runs)
        report("bare CSafeLoader parse of many.yaml", bare)
        validate = best([python, "-m", "crmcheck", "validate", "many.yaml"], tmp, runs)
        report("validate many.yaml", validate, f"({validate.cpu / bare.cpu:.2f}x the bare parse; target 1.5x)")
        for make in (hostile_xlsx.bomb, hostile_xlsx.billion_laughs, hostile_xlsx.doctype):
            workbook = make(tmp / f"{make.__name__}.xlsx")
            m = best([python, "-m", "crmcheck", "import", workbook.name, "-q", "crm-mistakes", "--lens", "company",
                      "--company", "Acme", "-o", "out"], tmp, runs)
            report(f"import {workbook.name} ({workbook.stat().st_size // 1024} KB)", m)
        os.mkfifo(tmp / "logo.png")
        for logo in ("/dev/zero", "logo.png"):
            m = best([python, "-m", "crmcheck", "report", str(EXAMPLE), "--format", "html", "--logo", logo,
                      "-o", "r.html"], tmp, runs)
            report(f"report --logo {logo}", m)


if __name__ == "__main__":
    main()
