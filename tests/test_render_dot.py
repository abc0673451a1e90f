"""DOT output is read by Graphviz's ``dot`` (skipped when Graphviz is not installed)."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import azpipe
from azpipe.render import Options, build_view, render

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted((ROOT / "pipelines").glob("*/pipeline.yaml")) + sorted(
    (ROOT / "tests" / "fixtures" / "render").glob("*.yaml")
)
SVG = "{http://www.w3.org/2000/svg}"
pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")


def run_dot(source: str) -> str:
    result = subprocess.run(
        ["dot", "-Tsvg"], input=source, capture_output=True, text=True, check=False, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "Warning" not in result.stderr and "Error" not in result.stderr, result.stderr
    return result.stdout


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem if p.stem != "pipeline" else p.parent.name)
@pytest.mark.parametrize("options", [Options(), Options(direction="LR", show=("description", "command"))])
def test_dot_accepts_the_output(path: Path, options: Options) -> None:
    run_dot(render(azpipe.load(path), "dot", options))


def _node_texts(svg: str) -> dict[str, list[str]]:
    """Text lines of each node in Graphviz's SVG, by node id (the ``<title>``)."""
    found: dict[str, list[str]] = {}
    for group in ET.fromstring(svg).iter(f"{SVG}g"):
        if group.get("class") == "node":
            title = group.find(f"{SVG}title")
            assert title is not None and title.text
            found[title.text] = [text.text or "" for text in group.iter(f"{SVG}text")]
    return found


def test_labels_survive_graphviz_unchanged() -> None:
    """Quotes, backslashes, ``&``, ``<script>``, ``]``, ``|``, ``-->`` come out of Graphviz as typed."""
    pipeline = azpipe.load(ROOT / "tests" / "fixtures" / "render" / "escaping.yaml")
    options = Options(show=("description", "command"))
    texts = _node_texts(run_dot(render(pipeline, "dot", options)))
    view = build_view(pipeline, options)
    assert len(texts) == len(view.nodes)
    for node in view.nodes:
        # Graphviz keeps the label's lines; it may drop trailing spaces.
        assert [line.strip() for line in texts[node.id]] == [line.strip() for line in node.label_lines()]
