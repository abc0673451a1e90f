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


# Sub-pipelines fold in the viewer (issue 11 item 1): the two-deep pipeline of
# tests/test_subpipeline_graph.py, `one` and `two` each holding `f`, which holds `build`.
FOLD_STATE = """
const shown = el => el.getBoundingClientRect().width > 0 && getComputedStyle(el).display !== 'none';
const box = document.getElementById(arguments[0]);
const members = box.getAttribute('data-members').split(' ').map(id => document.getElementById(id));
const edges = Array.from(document.querySelectorAll('g.edge:not(.trunk)')).filter(shown);
const fold = document.getElementById(box.getAttribute('data-fold'));
const end = e => { const d = e.querySelector('path').getAttribute('d').split(' L');
                   return d[d.length - 1].replace('M', '').split(',').map(Number); };
return {box: shown(box), fold: shown(fold), members: members.map(shown), expanded: box.getAttribute('aria-expanded'),
        into: edges.filter(e => e.getAttribute('data-drawn-target') === fold.id).map(e => [e.getAttribute('data-target'), end(e)]),
        from: edges.filter(e => e.getAttribute('data-drawn-source') === fold.id).map(e => e.getAttribute('data-source')),
        inner: edges.filter(e => members.some(m => m.id === e.getAttribute('data-source'))
                                && members.some(m => m.id === e.getAttribute('data-target'))).length,
        at: ['x', 'y', 'w', 'h'].map(k => parseFloat(fold.getAttribute('data-' + k))),
        focused: document.activeElement.id};
"""


def fold_state(browser: Any, box: str) -> dict[str, Any]:
    """What the page shows of the sub-pipeline box ``box`` and the node it folds into."""
    return dict(browser.execute_script(FOLD_STATE, box))


def box_ids(browser: Any) -> dict[str, str]:
    """The ids of the page's sub-pipeline boxes by ``label@parent box id``."""
    script = (
        "return Object.fromEntries(Array.from(document.querySelectorAll('g.fold-box')).map("
        "b => [b.querySelector('text').textContent + '@' + b.getAttribute('data-parent'), b.id]));"
    )
    return dict(browser.execute_script(script))


def two_deep_page(browser: Any, tmp_path: Path) -> dict[str, str]:
    """Open the two-deep pipeline's page; the ids of its boxes."""
    from tests.test_subpipeline_check import FEATURES, OUTER, write
    from tests.test_subpipeline_graph import MIDDLE

    outer = OUTER.replace("./features/pipeline.yaml", "./middle/pipeline.yaml").replace(", ratio: 0.3", "")
    files = {"features/pipeline.yaml": FEATURES, "middle/pipeline.yaml": MIDDLE, "pipeline.yaml": outer}
    write(tmp_path, files)
    open_page(browser, tmp_path, tmp_path / "pipeline.yaml")
    return box_ids(browser)


def test_a_sub_pipeline_box_folds_and_unfolds_on_click(browser: Any, tmp_path: Path) -> None:
    open_page(browser, tmp_path, ROOT / "pipelines" / "sub_pipelines" / "pipeline.yaml")
    one = box_ids(browser)["station_a@"]
    before = fold_state(browser, one)
    assert before["box"] and not before["fold"] and all(before["members"]) and before["expanded"] == "true"
    assert before["inner"] >= 1 and before["into"] == [] and before["from"] == []
    routes = browser.execute_script(
        "return Array.from(document.querySelectorAll('g.edge path')).map(p => p.getAttribute('d'));"
    )
    # A click on the box's empty corner (its label), as a user folds it.
    browser.find_element(By.CSS_SELECTOR, f"#{one} text").click()
    folded = fold_state(browser, one)
    assert folded["fold"] and not folded["box"] and not any(folded["members"])
    assert folded["expanded"] == "false"
    assert folded["inner"] == 0  # edges between the hidden steps are hidden too
    assert folded["into"] and folded["from"], "the edges crossing the box now end at the folded node"
    x, y, w, h = folded["at"]
    for _, (px, py) in folded["into"]:  # each rerouted edge ends on the folded node's border
        assert x - 0.2 <= px <= x + w + 0.2 and y - 0.2 <= py <= y + h + 0.2
        assert min(abs(px - x), abs(px - x - w), abs(py - y), abs(py - y - h)) < 0.2
    assert browser.execute_script("return window.azpipeViewer.folded();") == [one]
    # The folded node unfolds on click; every route is as it was.
    click(browser, f"fold-{one.removeprefix('box-')}")
    after = fold_state(browser, one)
    assert after["box"] and not after["fold"] and all(after["members"]) and after["into"] == []
    assert (
        browser.execute_script(
            "return Array.from(document.querySelectorAll('g.edge path')).map(p => p.getAttribute('d'));"
        )
        == routes
    )


def test_nested_boxes_fold_with_the_keyboard(browser: Any, tmp_path: Path) -> None:
    """Tab reaches a box, Enter folds it (focus moves to the node it folds into), Enter unfolds;
    an inner box folded stays folded inside its outer box's fold."""
    from selenium.webdriver.common.keys import Keys

    ids = two_deep_page(browser, tmp_path)
    one, inner = ids["one@"], ids[f"f@{ids['one@']}"]
    browser.execute_script("document.getElementById(arguments[0]).focus();", inner)
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    state = fold_state(browser, inner)
    assert (
        state["fold"]
        and not any(state["members"])
        and state["focused"] == f"fold-{inner.removeprefix('box-')}"
    )
    outer_state = fold_state(browser, one)
    assert outer_state["box"] and not outer_state["fold"]  # the outer box holds the inner folded node
    browser.execute_script("document.getElementById(arguments[0]).focus();", one)
    browser.switch_to.active_element.send_keys(Keys.SPACE)
    state, outer_state = fold_state(browser, inner), fold_state(browser, one)
    assert outer_state["fold"] and not state["fold"] and not state["box"]  # hidden with its outer box
    assert outer_state["focused"] == f"fold-{one.removeprefix('box-')}"
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    state = fold_state(browser, inner)
    assert state["fold"] and not fold_state(browser, one)["fold"]  # the inner box is still folded
    browser.execute_script("window.azpipeViewer.fold(arguments[0], false);", inner)
    assert all(fold_state(browser, one)["members"])


def test_folding_keeps_user_text_inert(browser: Any, tmp_path: Path) -> None:
    """A sub-pipeline whose steps carry hostile text folds and unfolds without running any."""
    fixture = (ROOT / "tests" / "fixtures" / "render" / "escaping.yaml").read_text(encoding="utf-8")
    (tmp_path / "inner").mkdir()
    (tmp_path / "inner" / "pipeline.yaml").write_text(fixture, encoding="utf-8")
    outer = (
        "azpipe: 1\nname: '<img src=x onerror=\"document.title=1\">'\n"
        "steps:\n  wrap:\n    uses: ./inner/pipeline.yaml\n"
    )
    (tmp_path / "pipeline.yaml").write_text(outer, encoding="utf-8")
    open_page(browser, tmp_path, tmp_path / "pipeline.yaml")
    title = browser.execute_script("return document.title;")
    boxes = browser.execute_script(
        "return Array.from(document.querySelectorAll('g.fold-box')).map(b => b.id);"
    )
    for box in boxes:
        browser.execute_script("window.azpipeViewer.fold(arguments[0], true);", box)
        browser.execute_script("window.azpipeViewer.fold(arguments[0], false);", box)
    assert browser.execute_script("return document.title;") == title and alert_text(browser) is None
    assert browser.execute_script("return document.images.length;") == 0
