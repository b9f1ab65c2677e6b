"""Drive headless Chromium through the DevTools protocol over a pipe: load a page, watch it, screenshot and print it.

Why a pipe and not playwright or a websocket: `--remote-debugging-pipe` speaks the DevTools protocol as
NUL-separated JSON on file descriptors 3 and 4, so the standard library is enough. Nothing is downloaded (the
playwright package wants its own browser build, which cannot be fetched here), no port is opened, and the
browser is Debian's `chromium`, the one a CI machine installs with apt.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import signal
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
    "--disable-default-apps", "--mute-audio", "--hide-scrollbars", "--remote-debugging-pipe",
    # belt and braces: even if the page asked for something, no name resolves and no proxy answers
    "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
)
LOCAL_SCHEMES = ("file:", "data:", "about:")


def find_chromium() -> str | None:
    for candidate in (os.environ.get("CRMCHECK_CHROMIUM"), *CHROMIUM_CANDIDATES, shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@dataclass
class PageReport:
    """What happened while a page loaded: console errors, requests that left the machine, other requests."""

    console_errors: list[str] = field(default_factory=list)
    network_requests: list[str] = field(default_factory=list)
    local_requests: list[str] = field(default_factory=list)


class DevToolsError(RuntimeError):
    pass


class Chromium:
    """One headless browser with one page, as a context manager."""

    def __init__(self, executable: str, timeout: float = 60) -> None:
        self.executable = executable
        self.timeout = timeout
        self._next_id = 0
        self._buffer = b""
        self._events: list[dict[str, Any]] = []
        self.session: str | None = None
        self.report = PageReport()

    def __enter__(self) -> Chromium:
        self._profile = tempfile.mkdtemp(prefix="crmcheck-chromium-")
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        devnull = os.open(os.devnull, os.O_RDWR)
        argv = [self.executable, *FLAGS, f"--user-data-dir={self._profile}", "about:blank"]
        self.pid = os.posix_spawn(self.executable, argv, {**os.environ, "HOME": self._profile}, file_actions=[
            (os.POSIX_SPAWN_DUP2, devnull, 0), (os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2),
            (os.POSIX_SPAWN_DUP2, to_browser_r, 3), (os.POSIX_SPAWN_DUP2, from_browser_w, 4),
        ])
        for fd in (to_browser_r, from_browser_w, devnull):
            os.close(fd)
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable")
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.session = None
            self.call("Browser.close", timeout=10)
        except (DevToolsError, OSError):
            pass
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            pid, _ = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                break
            time.sleep(0.1)
        else:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        os.close(self._to_browser)
        os.close(self._from_browser)
        shutil.rmtree(self._profile, ignore_errors=True)

    # --- protocol ---------------------------------------------------------------------------------------------

    def _send(self, method: str, params: dict[str, Any]) -> int:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if self.session is not None and not method.startswith(("Target.", "Browser.")):
            message["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        return self._next_id

    def _read(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise DevToolsError("timed out waiting for the browser")
            ready, _, _ = select.select([self._from_browser], [], [], left)
            if ready:
                chunk = os.read(self._from_browser, 1 << 20)
                if not chunk:
                    raise DevToolsError("the browser closed its DevTools pipe")
                self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        if "method" in message:
            self._observe(message)
        return message

    def call(self, method: str, timeout: float | None = None, **params: Any) -> dict[str, Any]:
        wanted = self._send(method, params)
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            message = self._read(deadline)
            if message.get("id") == wanted:
                if "error" in message:
                    raise DevToolsError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result

    def wait_for(self, event: str, timeout: float | None = None) -> dict[str, Any]:
        deadline = time.monotonic() + (timeout or self.timeout)
        for i, seen in enumerate(self._events):
            if seen["method"] == event:
                return self._events.pop(i)
        while True:
            message = self._read(deadline)
            if message.get("method") == event:
                self._events.remove(message)
                return message

    def _observe(self, message: dict[str, Any]) -> None:
        self._events.append(message)
        method, params = message["method"], message.get("params", {})
        if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            self.report.console_errors.append(json.dumps(params.get("args")))
        elif method == "Runtime.exceptionThrown":
            self.report.console_errors.append(json.dumps(params.get("exceptionDetails")))
        elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            self.report.console_errors.append(params["entry"].get("text", ""))
        elif method == "Network.requestWillBeSent":
            url = params.get("request", {}).get("url", "")
            (self.report.local_requests if url.startswith(LOCAL_SCHEMES) else self.report.network_requests).append(url)

    # --- page ---------------------------------------------------------------------------------------------------

    def open(self, path: Path, width: int = 1100, height: int = 1500) -> None:
        self.call("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1, mobile=False)
        self.call("Page.navigate", url=path.resolve().as_uri())
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        """Read a value from the page (the page itself runs no script; this is the test looking at it)."""
        return self.call("Runtime.evaluate", expression=expression, returnByValue=True)["result"].get("value")

    def screenshot(self, clip: dict[str, float] | None = None) -> bytes:
        params: dict[str, Any] = {"format": "png"}
        if clip is not None:
            params.update(clip={**clip, "scale": 1}, captureBeyondViewport=True)
        return base64.b64decode(self.call("Page.captureScreenshot", **params)["data"])

    def element_clip(self, selector: str, height: float) -> dict[str, float]:
        box = self.evaluate(f"(() => {{ const r = document.querySelector({json.dumps(selector)})"
                            ".getBoundingClientRect(); return [r.left + scrollX, r.top + scrollY, r.width]; })()")
        return {"x": box[0], "y": box[1], "width": box[2], "height": height}

    def pdf(self) -> bytes:
        result = self.call("Page.printToPDF", preferCSSPageSize=True, printBackground=True, timeout=120)
        return base64.b64decode(result["data"])
