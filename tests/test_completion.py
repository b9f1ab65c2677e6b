"""Shell completion: `--show-completion` prints a script for each shell, and the script completes commands."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_cli

# typer's own switch: take the shell as the option's value instead of detecting the shell we run under
EXPLICIT_SHELL = {"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
BIN = Path(sys.executable).parent


@pytest.mark.parametrize(("shell", "marker"), [
    ("bash", "complete -o default -F _crmcheck_completion crmcheck"),
    ("zsh", "#compdef crmcheck"),
    ("fish", "complete --command crmcheck"),
    ("powershell", "Register-ArgumentCompleter -Native -CommandName crmcheck"),
])
def test_show_completion_prints_a_script_for_each_shell(shell: str, marker: str) -> None:
    run = subprocess.run([str(BIN / "crmcheck"), "--show-completion", shell], capture_output=True, text=True,
                         env={"PATH": str(BIN), **EXPLICIT_SHELL}, timeout=60)
    assert run.returncode == 0, run.stderr
    assert marker in run.stdout
    assert "_CRMCHECK_COMPLETE" in run.stdout


def test_install_completion_writes_the_script_and_sources_it(tmp_path: Path) -> None:
    run = subprocess.run([str(BIN / "crmcheck"), "--install-completion", "bash"], capture_output=True, text=True,
                         env={"PATH": str(BIN), "HOME": str(tmp_path), **EXPLICIT_SHELL}, timeout=60)
    assert run.returncode == 0, run.stderr
    script = tmp_path / ".bash_completions" / "crmcheck.sh"
    assert "_CRMCHECK_COMPLETE=complete_bash" in script.read_text()
    assert f"source '{script}'" in (tmp_path / ".bashrc").read_text()


def _bash_complete(*words: str) -> list[str]:
    """Source the bash script in a real bash, complete the last word, and return what bash would offer."""
    script = (
        'source <(crmcheck --show-completion bash)\n'
        f'COMP_WORDS=({" ".join(words)}); COMP_CWORD={len(words) - 1}\n'
        '_crmcheck_completion crmcheck\n'
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    run = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60,
                         env={"PATH": f"{BIN}:/usr/bin:/bin", **EXPLICIT_SHELL})
    assert run.returncode == 0, run.stderr
    return run.stdout.split()


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed: cannot run its completion")
def test_bash_completes_commands_options_and_choices() -> None:
    assert _bash_complete("crmcheck", "rep") == ["report"]
    assert "--baseline-questionnaires" in _bash_complete("crmcheck", "report", "--base")
    assert _bash_complete("crmcheck", "report", "--format", "x") == ["xlsx"]


def test_the_options_are_listed_in_help() -> None:
    run = run_cli("--help")
    assert "--install-completion" in run.out and "--show-completion" in run.out
