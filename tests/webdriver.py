"""Headless Chromium for the HTML viewer tests, driven by Selenium and the system chromedriver.

Run as a script to refresh the README screenshot::

    .venv/bin/python tests/webdriver.py docs/images/graph-html.png

Needs Debian's ``chromium`` and ``chromium-driver`` (``chromedriver``); Selenium
is given both paths, so its driver manager never downloads anything.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

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


def find_browser() -> tuple[str, str] | None:
    """Paths of chromedriver and a Chromium binary, or None when either is missing."""
    driver = shutil.which("chromedriver")
    browser = next((path for name in BROWSERS if (path := shutil.which(name))), None)
    return (driver, browser) if driver and browser else None


def open_browser(driver: str, browser: str) -> Any:
    """A Selenium Chrome session on the given chromedriver and Chromium binaries."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for argument in CHROME_ARGS:
        options.add_argument(argument)
    return webdriver.Chrome(service=Service(executable_path=driver), options=options)


def node_id(browser: Any, name: str) -> str:
    """The synthetic id of the node whose title text is ``name``."""
    script = (
        "return Array.from(document.querySelectorAll('g.node'))"
        ".find(g => g.querySelector('text.title').textContent === arguments[0]).id;"
    )
    return str(browser.execute_script(script, name))


def readme_screenshot(target: Path) -> None:
    """Render the image classification example as HTML, select ``train`` and save a PNG."""
    from selenium.webdriver.common.by import By

    import azpipe
    from azpipe.render import render

    found = find_browser()
    if found is None:
        raise SystemExit("chromium and chromedriver are needed (apt-get install chromium chromium-driver)")
    root = Path(__file__).resolve().parent.parent
    pipeline = azpipe.load(root / "pipelines" / "image_classification" / "pipeline.yaml")
    browser = open_browser(*found)
    try:
        with tempfile.TemporaryDirectory() as folder:
            page = Path(folder) / "graph.html"
            page.write_text(render(pipeline, "html"), encoding="utf-8")
            browser.get(page.as_uri())
            browser.find_element(By.ID, node_id(browser, "train")).click()
            target.write_bytes(browser.get_screenshot_as_png())
    finally:
        browser.quit()


if __name__ == "__main__":
    readme_screenshot(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/images/graph-html.png"))
