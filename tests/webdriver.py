"""A tiny W3C WebDriver client (standard library only) driving headless Chromium.

Used by the HTML viewer tests, and run as a script to refresh the README
screenshot::

    .venv/bin/python tests/webdriver.py docs/images/graph-html.png

Needs Debian's ``chromium`` and ``chromium-driver`` (``chromedriver``).
"""

from __future__ import annotations

import base64
import contextlib
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
CHROME_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-extensions",
    "--no-first-run",
    "--window-size=1280,800",
]


class WebDriverError(RuntimeError):
    """An error answer from chromedriver."""


def find_browser() -> tuple[str, str] | None:
    """Paths of chromedriver and a Chromium binary, or None when either is missing."""
    driver = shutil.which("chromedriver")
    browser = next((path for name in BROWSERS if (path := shutil.which(name))), None)
    return (driver, browser) if driver and browser else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Browser:
    """One chromedriver process and one browser session."""

    def __init__(self, driver: str, browser: str) -> None:
        self.port = _free_port()
        self.profile = tempfile.TemporaryDirectory(prefix="azpipe-chromium-")
        self.process = subprocess.Popen(
            [driver, f"--port={self.port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.session = ""
        try:
            self._wait_ready()
            options = {"binary": browser, "args": [*CHROME_ARGS, f"--user-data-dir={self.profile.name}"]}
            capabilities = {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": options}}
            self.session = self._call("POST", "/session", {"capabilities": capabilities})["sessionId"]
        except BaseException:
            self.close()
            raise

    def _wait_ready(self, timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self._call("GET", "/status").get("ready"):
                    return
            except (OSError, WebDriverError):
                pass
            time.sleep(0.1)
        raise WebDriverError("chromedriver did not start")

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}",
            data=data,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.loads(response.read())["value"]
        except urllib.error.HTTPError as error:
            answer = json.loads(error.read() or b"{}").get("value", {})
            raise WebDriverError(f"{answer.get('error')}: {answer.get('message', '')[:300]}") from None

    def command(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        """Send a command to the current session."""
        return self._call(method, f"/session/{self.session}{path}", body)

    def get(self, url: str) -> None:
        """Navigate to ``url``."""
        self.command("POST", "/url", {"url": url})

    def find(self, css: str) -> str:
        """The id of the first element matching ``css``."""
        return str(self.command("POST", "/element", {"using": "css selector", "value": css})[ELEMENT])

    def click(self, element: str) -> None:
        """Click an element (at its centre, like a user)."""
        self.command("POST", f"/element/{element}/click", {})

    def text(self, element: str) -> str:
        """The rendered text of an element."""
        return str(self.command("GET", f"/element/{element}/text"))

    def execute(self, script: str, *args: Any) -> Any:
        """Run ``script`` (a function body) in the page and return its result."""
        return self.command("POST", "/execute/sync", {"script": script, "args": list(args)})

    def alert_text(self) -> str | None:
        """The text of an open alert, or None when there is none."""
        try:
            return str(self.command("GET", "/alert/text"))
        except WebDriverError as error:
            if "no such alert" in str(error):
                return None
            raise

    def screenshot(self) -> bytes:
        """A PNG of the viewport."""
        return base64.b64decode(self.command("GET", "/screenshot"))

    def close(self) -> None:
        """End the session and stop chromedriver."""
        if self.session:
            with contextlib.suppress(OSError, WebDriverError):
                self.command("DELETE", "")
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.profile.cleanup()

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def node_id(browser: Browser, name: str) -> str:
    """The synthetic id of the node whose title text is ``name``."""
    script = (
        "return Array.from(document.querySelectorAll('g.node'))"
        ".find(g => g.querySelector('text.title').textContent === arguments[0]).id;"
    )
    return str(browser.execute(script, name))


def readme_screenshot(target: Path) -> None:
    """Render the image classification example as HTML, select ``train`` and save a PNG."""
    import azpipe
    from azpipe.render import render

    found = find_browser()
    if found is None:
        raise SystemExit("chromium and chromedriver are needed (apt-get install chromium chromium-driver)")
    root = Path(__file__).resolve().parent.parent
    pipeline = azpipe.load(root / "pipelines" / "image_classification" / "pipeline.yaml")
    with tempfile.TemporaryDirectory() as folder, Browser(*found) as browser:
        page = Path(folder) / "graph.html"
        page.write_text(render(pipeline, "html"), encoding="utf-8")
        browser.get(page.as_uri())
        browser.click(browser.find(f"#{node_id(browser, 'train')}"))
        target.write_bytes(browser.screenshot())


if __name__ == "__main__":
    readme_screenshot(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/images/graph-html.png"))
