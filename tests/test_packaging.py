"""The wheel ships the questionnaires, templates and examples, and works installed outside the repo."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

from tests.conftest import ROOT


def test_wheel_installs_and_runs_outside_the_repo(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "hatchling", "build", "-t", "wheel", "-d", str(dist)], cwd=ROOT,
                   check=True, capture_output=True)
    wheel = next(dist.glob("crmcheck-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "crmcheck/_data/questionnaires/crm-mistakes.yaml" in names
    assert "crmcheck/_data/reports/markdown.md.j2" in names
    assert "crmcheck/_data/examples/brightwater/assessment-2026.yaml" in names

    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    # dependencies come from the test environment (no network needed); crmcheck itself only from the wheel
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             check=True, capture_output=True, text=True).stdout.strip()
    Path(purelib, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    where = subprocess.run([str(python), "-c", "import crmcheck; print(crmcheck.__file__)"], cwd=outside,
                           check=True, capture_output=True, text=True).stdout
    assert where.startswith(str(env_dir)), where
    listing = subprocess.run([str(env_dir / "bin" / "crmcheck"), "list"], cwd=outside, capture_output=True,
                             text=True)
    assert listing.returncode == 0, listing.stderr
    assert [line.split()[0] for line in listing.stdout.splitlines()[1:]] == [
        "cmr-pitfalls", "crm-mistakes", "crm-selection", "perception-gap", "revenue-marketing"]
    demo = subprocess.run([str(env_dir / "bin" / "crmcheck"), "demo", "--out", "out"], cwd=outside,
                          capture_output=True, text=True)
    assert demo.returncode == 0, demo.stderr
    assert (outside / "out" / "report.md").exists()
