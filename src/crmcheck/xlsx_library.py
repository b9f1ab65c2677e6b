"""openpyxl, the optional library behind every xlsx crmcheck writes or reads, imported the one way.

Every module imports from openpyxl inside `with openpyxl_imports(...)`: it says how to install the library when it
is missing (in the caller's words), and lets openpyxl load without Pillow. openpyxl imports Pillow, when it is
installed, only to put images into sheets or read them back; crmcheck's workbooks hold none and its readers take
cell values only, and Pillow costs about a tenth of an xlsx report's run. Pillow stays importable by anything else.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from crmcheck.errors import UsageError


@contextmanager
def openpyxl_imports(missing: str) -> Iterator[None]:
    """Around imports from openpyxl (and nothing else): UsageError(missing) when it cannot be imported; Pillow
    hidden from it."""
    hidden = "openpyxl" not in sys.modules and "PIL" not in sys.modules
    if hidden:
        sys.modules["PIL"] = None  # type: ignore[assignment]  # while it stands, `import PIL` raises ImportError
    try:
        yield
    except ImportError:  # the block imports from openpyxl only: missing, or installed broken
        raise UsageError(missing) from None
    finally:
        if hidden:
            del sys.modules["PIL"]
