"""Details of what people read (issue 13 item 17): every drawing marks optional inputs, the HTML
panel wraps a command at spaces and never inside a placeholder, and ``plan`` leaves no double
blank where a ``$[[ ]]`` segment was dropped."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import azpipe
from azpipe.expr.parser import parse_template
from azpipe.localrun.render_command import render as render_command
from azpipe.render import Options, render
from tests.fixtures.localrun.support import azpipe as run_azpipe
from tests.fixtures.localrun.support import make_pipeline
from tests.webdriver import find_browser, node_id, open_browser

OPTIONAL = """\
azpipe: 1
name: opt
defaults: {compute: cpu, environment: azureml:env:1}
components:
  trainer:
    inputs:
      epochs: integer
      rate: {type: number, optional: true}
    command: python train.py --epochs ${{inputs.epochs}} $[[--rate ${{inputs.rate}}]]
inputs:
  epochs: 3
  rate: {type: number, optional: true}
steps:
  train:
    uses: trainer
    inputs:
      epochs: ${{parent.inputs.epochs}}
      rate: ${{parent.inputs.rate}}
"""


@pytest.fixture
def optional(tmp_path: Path) -> azpipe.Pipeline:
    (tmp_path / "pipeline.yaml").write_text(OPTIONAL, encoding="utf-8")
    pipeline = azpipe.load(tmp_path / "pipeline.yaml")
    assert pipeline.ok, pipeline.check()
    return pipeline


def test_mermaid_marks_optional_inputs(optional: azpipe.Pipeline) -> None:
    text = render(optional, "mermaid")
    [node] = re.findall(r"  (n\d+)\(\[\"rate: number \(optional\)\"\]\)", text)
    assert f"  class {node} optional" in text and "classDef optional stroke-dasharray" in text
    assert '|"rate: number, optional"|' in text
    assert '"epochs: integer"' in text and "epochs: integer, optional" not in text


def test_dot_marks_optional_inputs(optional: azpipe.Pipeline) -> None:
    text = render(optional, "dot")
    assert re.search(r'label="rate: number \(optional\)", shape="ellipse", style="filled,dashed"', text)
    assert 'label="rate: number, optional"' in text
    assert re.search(r'label="epochs: integer", shape="ellipse", style="filled",', text)


def test_svg_and_html_mark_optional_inputs(optional: azpipe.Pipeline) -> None:
    for kind in ("svg", "html"):
        text = render(optional, kind)
        assert re.search(r'<g class="node input optional" id="n\d+"', text), kind
        assert ">rate: number (optional)</text>" in text and ">rate: number, optional</text>" in text
    panel = json.loads(render(optional, "html").split('id="azpipe-data">', 1)[1].split("</script>", 1)[0])
    rows = [
        row for node in panel["nodes"].values() for block in node["blocks"] for row in block.get("table", [])
    ]
    assert ["rate", "number (optional)", "${{parent.inputs.rate}}"] in rows


def test_text_marks_optional_inputs(optional: azpipe.Pipeline) -> None:
    text = render(optional, "text")
    assert "  input rate: number (optional)\n" in text
    assert "    <- input rate (rate: number, optional)\n" in text
    assert "  input epochs: integer\n" in text


# ----------------------------------------------------------------------------- the HTML panel


LONG = """\
azpipe: 1
name: wide
defaults: {compute: cpu, environment: azureml:env:1}
inputs:
  a_rather_long_training_data_name: ./
steps:
  a_step_with_a_long_name:
    command: >-
      python train.py --training_data ${{parent.inputs.a_rather_long_training_data_name}}
      --validation_data ${{parent.inputs.a_rather_long_training_data_name}}
      --model_output ${{outputs.a_model_output_with_a_long_name}} --epochs 10 --learning_rate 0.01
"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    found = find_browser()
    if found is None:
        pytest.skip("chromium and chromedriver are not installed")
    opened = open_browser(*found)
    try:
        yield opened
    finally:
        opened.quit()


def test_the_panel_wraps_commands_at_spaces_not_inside_placeholders(browser: Any, tmp_path: Path) -> None:
    (tmp_path / "pipeline.yaml").write_text(LONG, encoding="utf-8")
    page = tmp_path / "graph.html"
    page.write_text(render(azpipe.load(tmp_path / "pipeline.yaml"), "html", Options()), encoding="utf-8")
    browser.set_window_size(900, 800)  # the panel is at most 45% wide: the command must wrap
    browser.get(page.as_uri())
    browser.find_element("id", node_id(browser, "a_step_with_a_long_name")).click()
    found = browser.execute_script(
        "const pre = document.querySelector('#details pre');"
        "const line = parseFloat(getComputedStyle(pre).lineHeight);"
        "const spans = Array.from(pre.querySelectorAll('.placeholder'));"
        "return {text: pre.textContent, lines: Math.round((pre.clientHeight - 16) / line),"
        " spans: spans.map(s => [s.textContent, s.getClientRects().length])};"
    )
    command = azpipe.load(tmp_path / "pipeline.yaml").steps["a_step_with_a_long_name"].command
    assert command is not None and found["text"] == command.unparse()
    assert found["lines"] >= 3, found
    assert [text for text, _ in found["spans"]] == re.findall(r"\$\{\{[^}]*\}\}", found["text"])
    assert all(boxes == 1 for _, boxes in found["spans"]), found["spans"]  # never split across lines


# ----------------------------------------------------------------------------- plan


def test_plan_leaves_no_double_blank_where_a_segment_was_dropped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    body = (
        "inputs:\n  rate: {type: number, optional: true}\n"
        "steps:\n  a:\n    code: src\n"
        "    command: python tool.py --name a $[[--rate ${{parent.inputs.rate}}]] --out ${{outputs.out}}\n"
    )
    path = make_pipeline(tmp_path, body, {"src": "tool.py"})
    code, out, err = run_azpipe(capsys, "plan", path)
    assert code == 0, err
    [command] = [line for line in out.splitlines() if line.startswith("   $ ")]
    assert command.startswith("   $ python tool.py --name a --out ") and "  " not in command[5:]
    code, out, _ = run_azpipe(capsys, "plan", path, "--set", "rate=0.5")
    assert "--name a --rate 0.5 --out " in out


WORDS = st.sampled_from(["python", "x.py", "--a", "1", "'q r'", '"s t"', "${{inputs.v}}", "${{outputs.o}}"])
SEGMENT = st.builds(
    lambda words: "$[[" + " ".join(words) + " ${{inputs.gone}}]]", st.lists(WORDS, max_size=3)
)
PIECE = st.one_of(WORDS, WORDS, SEGMENT)
GLUE = st.sampled_from([" ", " ", "  ", "\t"])


@given(st.lists(st.tuples(PIECE, GLUE), min_size=1, max_size=8))
def test_dropping_segments_changes_no_word_and_adds_no_blank(pieces: list[tuple[str, str]]) -> None:
    text = "".join(piece + glue for piece, glue in pieces).strip()
    rendered = render_command(parse_template(text), {"v": "v v", "gone": None}, {"o": "/out"})
    kept = (
        re.sub(r"\$\[\[.*?\]\]", "", text).replace("${{inputs.v}}", "'v v'").replace("${{outputs.o}}", "/out")
    )
    assert shlex.split(rendered.display) == shlex.split(kept)
    for blank in re.findall(r"[ \t]{2,}", rendered.display):
        assert blank in text  # any run of blanks shown was written, not left by a dropped segment
