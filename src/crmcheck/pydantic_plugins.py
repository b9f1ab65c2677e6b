"""Pydantic without its plugin scan: crmcheck uses no pydantic plugins, and looking for them costs every run.

When pydantic builds its first validator it imports `pydantic.plugin._loader`, which imports
`importlib.metadata` (with `email`, `zipfile`, `csv`...) and then reads the metadata of every installed
package for plugins: about as much work as importing pydantic itself. `PYDANTIC_DISABLE_PLUGINS=__all__`
(pydantic's own switch; set unless the user set it) skips the reading, not the import. So, while plugins
are switched off, the loader module is stood in for by one whose `get_plugins()` gives what pydantic's
gives then, no plugins; any other name, or plugins switched on again, loads pydantic's own module and
hands over to it.
"""

from __future__ import annotations

import importlib
import os
import sys
import types
from typing import Any

LOADER = "pydantic.plugin._loader"
_OFF = ("__all__", "1", "true")  # the values for which pydantic's get_plugins() returns no plugins


def _real() -> types.ModuleType:
    if isinstance(sys.modules.get(LOADER), _StandIn):
        del sys.modules[LOADER]
    return importlib.import_module(LOADER)


class _StandIn(types.ModuleType):
    def get_plugins(self) -> Any:
        if os.environ.get("PYDANTIC_DISABLE_PLUGINS") in _OFF:
            return ()
        return _real().get_plugins()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system asks for __path__ and the like: a module has none
            raise AttributeError(name)
        return getattr(_real(), name)


def skip_plugin_scan() -> None:
    """Switch pydantic's plugins off unless the user chose otherwise, and spare the loader's imports."""
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if os.environ["PYDANTIC_DISABLE_PLUGINS"] in _OFF and LOADER not in sys.modules:
        sys.modules[LOADER] = _StandIn(LOADER, __doc__)
