"""pydantic's plugin scan is skipped (its switch set, its loader's imports spared) unless the user chose otherwise."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

BUILD = """
from pydantic import BaseModel
class M(BaseModel):
    x: int
M(x=1)
"""


def _run(*parts: str, **env: str) -> str:
    """Run the parts (each dedented) as one program in a fresh interpreter; its output."""
    clean = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    code = "\n".join(textwrap.dedent(part) for part in parts)
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={**clean, **env}, timeout=60)
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()


def test_a_validator_is_built_without_the_plugin_loader_imports() -> None:
    out = _run("""
        import os, sys
        from crmcheck.pydantic_plugins import skip_plugin_scan
        skip_plugin_scan()
    """, BUILD, """
        print(os.environ["PYDANTIC_DISABLE_PLUGINS"], "importlib.metadata" in sys.modules)
    """)
    assert out == "__all__ False"
    # without the stand-in, the same validator imports importlib.metadata (what is spared)
    assert _run("import os; os.environ['PYDANTIC_DISABLE_PLUGINS'] = '__all__'", BUILD,
                "import sys; print('importlib.metadata' in sys.modules)") == "True"


@pytest.mark.parametrize("chosen", ["some-plugin", ""])
def test_a_users_choice_is_kept_and_pydantics_loader_used(chosen: str) -> None:
    out = _run("""
        import os, sys
        from crmcheck.pydantic_plugins import skip_plugin_scan
        skip_plugin_scan()
    """, BUILD, """
        loader = sys.modules["pydantic.plugin._loader"]
        print(repr(os.environ["PYDANTIC_DISABLE_PLUGINS"]), type(loader).__name__, hasattr(loader, "entry_points"))
    """, PYDANTIC_DISABLE_PLUGINS=chosen)
    assert out == f"{chosen!r} module True"


def test_the_stand_in_hands_over_to_pydantics_loader_for_anything_else() -> None:
    out = _run("""
        import os, sys
        from crmcheck.pydantic_plugins import LOADER, skip_plugin_scan
        skip_plugin_scan()
        stand_in = sys.modules[LOADER]
        print(list(stand_in.get_plugins()))
        os.environ["PYDANTIC_DISABLE_PLUGINS"] = ""  # switched on again: pydantic's own answer
        print(type(stand_in.get_plugins()).__name__)
        print(sys.modules[LOADER] is not stand_in, stand_in.PYDANTIC_ENTRY_POINT_GROUP)
    """)
    assert out.splitlines() == ["[]", "dict_values", "True pydantic"]
