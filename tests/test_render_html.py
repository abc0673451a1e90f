"""The HTML viewer in headless Chromium: click a step, read the panel, pan, zoom, screenshot.

Skipped when ``chromium`` or ``chromedriver`` is missing (Debian packages
``chromium`` and ``chromium-driver``). The browser is driven by Selenium through
the system chromedriver (tests/webdriver.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By

import azpipe
from azpipe.render import Options, render
from azpipe.render.svg import SAFETY, TITLE_SIZE, text_width
from tests.webdriver import find_browser, node_id, open_browser

ROOT = Path(__file__).resolve().parent.parent
FOUND = find_browser()
pytestmark = pytest.mark.skipif(FOUND is None, reason="chromium and chromedriver are not installed")
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    assert FOUND is not None
    opened = open_browser(*FOUND)
    try:
        yield opened
    finally:
        opened.quit()


def click(browser: Any, element_id: str) -> None:
    """Click the element with this id, at its centre, like a user."""
    browser.find_element(By.ID, element_id).click()


def text(browser: Any, element_id: str) -> str:
    """The rendered text of the element with this id."""
    return str(browser.find_element(By.ID, element_id).text)


def alert_text(browser: Any) -> str | None:
    """The text of an open alert, or None when there is none."""
    try:
        return str(browser.switch_to.alert.text)
    except NoAlertPresentException:
        return None


def open_page(browser: Any, tmp_path: Path, path: Path, options: Options | None = None) -> None:
    page = tmp_path / "graph.html"
    page.write_text(render(azpipe.load(path), "html", options), encoding="utf-8")
    browser.get(page.as_uri())
    assert browser.execute_script("return typeof window.azpipeViewer;") == "object", (
        "the viewer script did not run"
    )


def test_click_a_step_shows_its_details(browser: Any, tmp_path: Path) -> None:
    open_page(browser, tmp_path, ROOT / "pipelines" / "image_classification" / "pipeline.yaml")
    click(browser, node_id(browser, "train"))
    panel = text(browser, "details")
    for expected in ("train", "python train.py", "training_data", "mlflow_model", "cpu-cluster",
                     "azureml://registries/azureml/environments/sklearn-1.5/labels/latest",
                     "${{prep_data.outputs.training_data}}"):  # fmt: skip
        assert expected in panel
    assert browser.execute_script("return document.querySelector('g.node.selected').id;") == node_id(
        browser, "train"
    )
    shot = browser.get_screenshot_as_png()
    assert shot.startswith(PNG) and len(shot) > 10_000
    (tmp_path / "graph.png").write_bytes(shot)


def test_inputs_and_data_have_details(browser: Any, tmp_path: Path) -> None:
    open_page(browser, tmp_path, ROOT / "pipelines" / "component_reuse" / "pipeline.yaml")
    click(browser, node_id(browser, "b_weight: number"))
    assert "0.5" in text(browser, "details")
    click(browser, node_id(browser, "normalize_b"))
    panel = text(browser, "details")
    assert "normalize" in panel and "${{parent.inputs.b_weight}}" in panel


def test_pan_and_zoom(browser: Any, tmp_path: Path) -> None:
    open_page(browser, tmp_path, ROOT / "pipelines" / "taxi_fare_regression" / "pipeline.yaml")
    view_box = "return document.querySelector('#canvas svg').getAttribute('viewBox');"
    before = browser.execute_script(view_box)
    click(browser, "zoom-in")
    zoomed = browser.execute_script(view_box)
    assert zoomed != before
    width = lambda box: float(box.split()[2])  # noqa: E731
    assert width(zoomed) < width(before)
    click(browser, "zoom-fit")
    assert browser.execute_script(view_box) == before


def test_estimated_text_fits_its_box(browser: Any, tmp_path: Path) -> None:
    """The Python width estimate is never smaller than what Chromium draws."""
    options = Options(show=("compute", "environment", "command"))
    open_page(browser, tmp_path, ROOT / "pipelines" / "taxi_fare_regression" / "pipeline.yaml", options)
    sample = "abcdefghijklmnopqrstuvwxyz_0123456789"
    drawn = browser.execute_script(
        "const t = document.querySelector('text.title').cloneNode(); t.textContent = arguments[0];"
        "document.querySelector('#canvas svg').appendChild(t); const w = t.getBBox().width; t.remove(); return w;",
        sample,
    )
    if drawn > text_width(sample, TITLE_SIZE, bold=True) / SAFETY * 1.02:
        pytest.skip("no Helvetica-compatible font (fonts-liberation) in this browser")
    overflow = browser.execute_script(
        "return Array.from(document.querySelectorAll('g.node')).flatMap(g => "
        "Array.from(g.querySelectorAll('text')).filter(t => t.getBBox().width > "
        "parseFloat(g.getAttribute('data-w'))).map(t => t.textContent));"
    )
    assert overflow == []


def test_no_script_runs_from_user_text(browser: Any, tmp_path: Path) -> None:
    fixture = ROOT / "tests" / "fixtures" / "render" / "escaping.yaml"
    open_page(browser, tmp_path, fixture, Options(show=("description", "command")))
    title = browser.execute_script("return document.title;")
    assert title == 'Escaping <b>bold</b> & "quotes" · azpipe'
    step = node_id(browser, "<script>document.title='pwned'</script>")
    click(browser, step)
    panel = text(browser, "details")
    assert "<script>document.title='pwned'</script>" in panel
    assert "<img src=x onerror=\"document.title='pwned'\">" in panel
    click(browser, node_id(browser, "prep"))
    assert browser.execute_script("return document.title;") == title
    assert alert_text(browser) is None
    counts = browser.execute_script(
        "return [document.scripts.length, document.images.length, document.querySelectorAll('b').length];"
    )
    assert counts == [2, 0, 0]
