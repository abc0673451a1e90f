"""Sub-pipelines drawn (issue 11 item 1): clusters of their steps in every format, nested two
deep; `--depth N` draws N levels, 0 each sub-pipeline as one node of its own shape."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import azpipe
from azpipe.render import render
from tests.fixtures.localrun.support import azpipe as run_cli
from tests.test_subpipeline_check import FEATURES, OUTER, write

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "pipelines" / "sub_pipelines" / "pipeline.yaml"
MIDDLE = (
    "azpipe: 1\nname: middle\ndefaults: {compute: cpu, environment: azureml:sklearn:1}\n"
    "inputs:\n  raw: {type: uri_folder, default: ../data}\noutputs:\n  table: ${{f.outputs.table}}\n"
    'steps:\n  f:\n    uses: ../features/pipeline.yaml\n    inputs: {raw: "${{parent.inputs.raw}}"}\n'
)


@pytest.fixture
def two_deep(tmp_path: Path) -> azpipe.Pipeline:
    outer = OUTER.replace("./features/pipeline.yaml", "./middle/pipeline.yaml").replace(", ratio: 0.3", "")
    write(
        tmp_path, {"features/pipeline.yaml": FEATURES, "middle/pipeline.yaml": MIDDLE, "pipeline.yaml": outer}
    )
    return azpipe.load(tmp_path / "pipeline.yaml")


def test_mermaid_subgraphs() -> None:
    drawing = render(azpipe.load(EXAMPLE), "mermaid")
    assert re.findall(r'subgraph (c\d+)\["(\w+)"\]', drawing) == [("c0", "station_a"), ("c1", "station_b")]
    block = drawing.split('subgraph c0["station_a"]')[1].split("  end")[0]
    assert '("station_a/normalize")' in block and '("station_a/smooth")' in block and "merge" not in block


def test_nested_clusters_two_deep(two_deep: azpipe.Pipeline) -> None:
    drawing = render(two_deep, "mermaid")
    assert '  subgraph c0["one"]\n    subgraph c1["f"]\n      n' in drawing
    dot = render(two_deep, "dot")
    assert "subgraph cluster_c0 {" in dot and "    subgraph cluster_c1 {" in dot
    assert dot.count("{") == dot.count("}")


def test_depth_zero_draws_one_node_each(two_deep: azpipe.Pipeline) -> None:
    drawing = render(two_deep, "mermaid", depth=0)
    assert "subgraph" not in drawing and '"one"' in drawing and '"two"' in drawing
    one_level = render(two_deep, "mermaid", depth=1)
    assert '"one/f"' in one_level and 'subgraph c0["one"]' in one_level  # f is drawn as one node
    assert "subgraph c1" not in one_level.split('subgraph c0["one"]')[1].split("  end")[0]


def test_svg_and_html_box_each_sub_pipeline() -> None:
    pipeline = azpipe.load(EXAMPLE)
    svg = render(pipeline, "svg")
    assert svg.count('<g class="cluster">') == 2 and ">station_a</text>" in svg
    html = render(pipeline, "html")
    assert html.count('<g class="cluster">') == 2
    assert "<style>" not in html.split("<svg", 1)[1].split("</style>", 1)[1]  # only the hashed SVG style


def test_cli_depth(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "graph", EXAMPLE, "-f", "mermaid", "--depth", "0")
    assert code == 0 and "subgraph" not in out and '"station_a"' in out
    code, out, _ = run_cli(capsys, "graph", EXAMPLE, "-f", "mermaid")
    assert code == 0 and "subgraph" in out
    code, _, err = run_cli(capsys, "graph", EXAMPLE, "--depth", "-1")
    assert code == 2 and "cannot be negative" in err


def test_an_output_never_overwrites_a_sub_pipeline_file(capsys: pytest.CaptureFixture[str]) -> None:
    inner = EXAMPLE.parent / "station" / "pipeline.yaml"
    before = inner.read_bytes()
    code, _, err = run_cli(capsys, "graph", EXAMPLE, "-f", "text", "-o", inner)
    assert code == 2 and "would overwrite" in err and inner.read_bytes() == before
