"""The real crmcheck command with faults injected into saving, for the pseudo-terminal tests.

Run as `python tests/crmcheck_with_faults.py ARGS...`. Environment:
  FAULT_SLOW_FSYNC=SECONDS        every fsync first sleeps this long (widens the window a kill can hit)
  FAULT_FAIL_REPLACE=NAME:N:TIMES the Nth rename onto a file called NAME, and the TIMES-1 after it, fail
                                  with "No space left on device"
"""

from __future__ import annotations

import errno
import os
import sys
import time
from typing import Any


def _install() -> None:
    slow = os.environ.get("FAULT_SLOW_FSYNC")
    if slow:
        real_fsync = os.fsync

        def fsync(fd: Any) -> None:
            time.sleep(float(slow))
            real_fsync(fd)

        os.fsync = fsync
    fail = os.environ.get("FAULT_FAIL_REPLACE")
    if fail:
        name, nth, times = fail.rsplit(":", 2)
        real_replace = os.replace
        calls = {"n": 0}

        def replace(src: Any, dst: Any, **kwargs: Any) -> None:
            if os.path.basename(os.fspath(dst)) == name:
                calls["n"] += 1
                if int(nth) <= calls["n"] < int(nth) + int(times):
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            real_replace(src, dst, **kwargs)

        os.replace = replace


if __name__ == "__main__":
    _install()
    from crmcheck.cli import main

    sys.argv = ["crmcheck", *sys.argv[1:]]
    main()
