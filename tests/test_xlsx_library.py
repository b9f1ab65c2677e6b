"""openpyxl is imported one way (crmcheck.xlsx_library): without Pillow, which it would load only for images, and
with the install hint when it is missing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, run_cli

_PROBE = """
import sys
import crmcheck.render.xlsx_report
print("PIL" in sys.modules)
import openpyxl.drawing.image as image
print(bool(image.PILImage))
from PIL import Image  # Pillow itself still imports for anyone else
print(Image.__name__)
"""


def test_openpyxl_is_loaded_without_pillow_and_pillow_still_imports() -> None:
    pytest.importorskip("PIL")  # a dev dependency (the screenshot tests); users' installs need not have it
    out = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False", "PIL.Image"]


def test_the_report_workbook_is_written_without_pillow(tmp_path: Path) -> None:
    target = tmp_path / "r.xlsx"
    run = run_cli("report", str(EXAMPLES / "assessment-2026.yaml"), "--format", "xlsx", "-o", str(target))
    assert run.code == 0 and target.read_bytes()[:2] == b"PK"


@pytest.mark.parametrize("args", [("report", "FILE", "--format", "xlsx", "-o", "OUT"),
                                  ("plan", "show", "PLAN", "--format", "xlsx", "-o", "OUT")])
def test_writing_xlsx_without_openpyxl_says_how_to_install_it(tmp_path: Path, args: tuple[str, ...]) -> None:
    blocker = tmp_path / "blocker" / "openpyxl"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('blocked for this test')\n")
    env = {"PYTHONPATH": os.pathsep.join([str(tmp_path / "blocker"), os.environ.get("PYTHONPATH", "")])}
    given = {"FILE": str(EXAMPLES / "assessment-2026.yaml"), "PLAN": str(EXAMPLES / "plan-2025.yaml"),
             "OUT": str(tmp_path / "out.xlsx")}
    run = run_cli(*(given.get(arg, arg) for arg in args), env=env, process=True)
    assert (run.code, run.err) == (2, "the xlsx format needs openpyxl: pip install 'crmcheck[xlsx]'\n")
    assert not (tmp_path / "out.xlsx").exists()
