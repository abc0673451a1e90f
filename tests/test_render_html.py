"""The HTML viewer in headless Chromium: click a step, read the panel, pan, zoom, screenshot.

Skipped when ``chromium`` or ``chromedriver`` is missing (Debian packages
``chromium`` and ``chromium-driver``). The browser is driven through
chromedriver's W3C WebDriver API with the standard library (tests/webdriver.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import azpipe
from azpipe.render import Options, render
from azpipe.render.svg import SAFETY, TITLE_SIZE, text_width
from tests.webdriver import Browser, find_browser, node_id

ROOT = Path(__file__).resolve().parent.parent
FOUND = find_browser()
pytestmark = pytest.mark.skipif(FOUND is None, reason="chromium and chromedriver are not installed")
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert FOUND is not None
    with Browser(*FOUND) as opened:
        yield opened


def open_page(browser: Browser, tmp_path: Path, path: Path, options: Options | None = None) -> None:
    page = tmp_path / "graph.html"
    page.write_text(render(azpipe.load(path), "html", options), encoding="utf-8")
    browser.get(page.as_uri())
    assert browser.execute("return typeof window.azpipeViewer;") == "object", "the viewer script did not run"


def test_click_a_step_shows_its_details(browser: Browser, tmp_path: Path) -> None:
    open_page(browser, tmp_path, ROOT / "pipelines" / "image_classification" / "pipeline.yaml")
    browser.click(browser.find(f"#{node_id(browser, 'train')}"))
    panel = browser.text(browser.find("#details"))
    for expected in ("train", "python train.py", "training_data", "mlflow_model", "cpu-cluster",
                     "azureml://registries/azureml/environments/sklearn-1.5/labels/latest",
                     "${{prep_data.outputs.training_data}}"):  # fmt: skip
        assert expected in panel
    assert browser.execute("return document.querySelector('g.node.selected').id;") == node_id(
        browser, "train"
    )
    shot = browser.screenshot()
    assert shot.startswith(PNG) and len(shot) > 10_000
    (tmp_path / "graph.png").write_bytes(shot)


def test_inputs_and_data_have_details(browser: Browser, tmp_path: Path) -> None:
    open_page(browser, tmp_path, ROOT / "pipelines" / "component_reuse" / "pipeline.yaml")
    browser.click(browser.find(f"#{node_id(browser, 'b_weight: number')}"))
    assert "0.5" in browser.text(browser.find("#details"))
    browser.click(browser.find(f"#{node_id(browser, 'normalize_b')}"))
    panel = browser.text(browser.find("#details"))
    assert "normalize" in panel and "${{parent.inputs.b_weight}}" in panel


def test_pan_and_zoom(browser: Browser, tmp_path: Path) -> None:
    open_page(browser, tmp_path, ROOT / "pipelines" / "taxi_fare_regression" / "pipeline.yaml")
    view_box = "return document.querySelector('#canvas svg').getAttribute('viewBox');"
    before = browser.execute(view_box)
    browser.click(browser.find("#zoom-in"))
    zoomed = browser.execute(view_box)
    assert zoomed != before
    width = lambda box: float(box.split()[2])  # noqa: E731
    assert width(zoomed) < width(before)
    browser.click(browser.find("#zoom-fit"))
    assert browser.execute(view_box) == before


def test_estimated_text_fits_its_box(browser: Browser, tmp_path: Path) -> None:
    """The Python width estimate is never smaller than what Chromium draws."""
    options = Options(show=("compute", "environment", "command"))
    open_page(browser, tmp_path, ROOT / "pipelines" / "taxi_fare_regression" / "pipeline.yaml", options)
    sample = "abcdefghijklmnopqrstuvwxyz_0123456789"
    drawn = browser.execute(
        "const t = document.querySelector('text.title').cloneNode(); t.textContent = arguments[0];"
        "document.querySelector('#canvas svg').appendChild(t); const w = t.getBBox().width; t.remove(); return w;",
        sample,
    )
    if drawn > text_width(sample, TITLE_SIZE, bold=True) / SAFETY * 1.02:
        pytest.skip("no Helvetica-compatible font (fonts-liberation) in this browser")
    overflow = browser.execute(
        "return Array.from(document.querySelectorAll('g.node')).flatMap(g => "
        "Array.from(g.querySelectorAll('text')).filter(t => t.getBBox().width > "
        "parseFloat(g.getAttribute('data-w'))).map(t => t.textContent));"
    )
    assert overflow == []


def test_no_script_runs_from_user_text(browser: Browser, tmp_path: Path) -> None:
    fixture = ROOT / "tests" / "fixtures" / "render" / "escaping.yaml"
    open_page(browser, tmp_path, fixture, Options(show=("description", "command")))
    title = browser.execute("return document.title;")
    assert title == 'Escaping <b>bold</b> & "quotes" · azpipe'
    step = node_id(browser, "<script>document.title='pwned'</script>")
    browser.click(browser.find(f"#{step}"))
    panel = browser.text(browser.find("#details"))
    assert "<script>document.title='pwned'</script>" in panel
    assert "<img src=x onerror=\"document.title='pwned'\">" in panel
    browser.click(browser.find(f"#{node_id(browser, 'prep')}"))
    assert browser.execute("return document.title;") == title
    assert browser.alert_text() is None
    counts = browser.execute(
        "return [document.scripts.length, document.images.length, document.querySelectorAll('b').length];"
    )
    assert counts == [2, 0, 0]
