"""`crmcheck list` flags a custom questionnaire that fails its checks: marked in the table, its errors on stderr
as validate prints them, `valid: false` in JSON, exit 2; valid ones and the built-ins list as before."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import ROOT, run_cli


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "q"
    folder.mkdir()
    (folder / "broken.yaml").write_text("format: 1\nid: broken-one\ntitle: Broken\nversion: 1\nkind: scored\n"
                                        "source: x\nlevels: [{level: 1, name: A, min: 0}]\ndefault_target: 1\n"
                                        "sections: []\n")
    good = (ROOT / "questionnaires" / "crm-mistakes.yaml").read_text().replace("id: crm-mistakes", "id: mine", 1)
    (folder / "mine.yaml").write_text(good)
    return folder


def test_list_flags_an_invalid_custom_questionnaire(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    run = run_cli("list", "--questionnaires", str(folder))
    assert run.code == 2
    broken = next(line for line in run.out.splitlines() if line.startswith("broken-one"))
    assert broken.endswith("INVALID (its errors are on stderr)")
    mine = next(line for line in run.out.splitlines() if line.startswith("mine"))
    assert "INVALID" not in mine
    validate = run_cli("validate", str(folder / "broken.yaml"))
    assert validate.code == 2
    assert run.err == validate.err  # the same lines validate prints
    assert run.err.startswith(f"{folder / 'broken.yaml'}:9:11: sections: must not be empty")


def test_list_json_says_which_are_valid(tmp_path: Path) -> None:
    run = run_cli("list", "-f", "json", "--questionnaires", str(_folder(tmp_path)))
    assert run.code == 2
    rows = {r["id"]: r for r in json.loads(run.out)}
    assert rows["broken-one"]["valid"] is False and rows["broken-one"]["errors"]
    assert rows["mine"]["valid"] is True and rows["mine"]["errors"] == []
    assert all(r["valid"] for qid, r in rows.items() if qid != "broken-one")


def test_list_without_custom_questionnaires_is_clean() -> None:
    run = run_cli("list")
    assert (run.code, run.err) == (0, "")
    assert "INVALID" not in run.out
