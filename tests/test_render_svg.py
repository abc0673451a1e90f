"""SVG: well-formed XML, one box per node, no overlapping boxes, no edge through a box.

Checked by geometry on every example, the fixtures, both directions, and
random graphs (hypothesis).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import azpipe
from azpipe.localrun.expand import expanded
from azpipe.render import Options, build_view, layout, render
from azpipe.render.svg import text_width

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted((ROOT / "pipelines").glob("*/pipeline.yaml")) + sorted(
    (ROOT / "tests" / "fixtures" / "render").glob("*.yaml")
)
NS = "{http://www.w3.org/2000/svg}"
EPSILON = 0.5
Box = tuple[float, float, float, float]
Segment = tuple[tuple[float, float], tuple[float, float]]


def file_id(path: Path) -> str:
    return path.stem if path.stem != "pipeline" else path.parent.name


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def boxes(root: ET.Element) -> dict[str, Box]:
    found = {}
    for group in root.iter(f"{NS}g"):
        if "node" in (group.get("class") or "").split():
            found[group.get("id") or ""] = tuple(float(group.get(f"data-{k}") or "nan") for k in "xywh")
    return found  # type: ignore[return-value]


def segments(root: ET.Element) -> list[Segment]:
    found: list[Segment] = []
    for group in root.iter(f"{NS}g"):
        if "edge" not in (group.get("class") or "").split():
            continue
        for path in group.iter(f"{NS}path"):
            numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path.get("d") or "")]
            points = list(zip(numbers[::2], numbers[1::2], strict=True))
            found += list(pairwise(points))
    return found


def overlap(a: Box, b: Box) -> bool:
    return (
        a[0] < b[0] + b[2] - EPSILON
        and b[0] < a[0] + a[2] - EPSILON
        and (a[1] < b[1] + b[3] - EPSILON and b[1] < a[1] + a[3] - EPSILON)
    )


def crosses(segment: Segment, box: Box) -> bool:
    """True when the segment enters the inside of the box (touching its border is fine)."""
    (x1, y1), (x2, y2) = segment
    left, top, right, bottom = (
        box[0] + EPSILON,
        box[1] + EPSILON,
        box[0] + box[2] - EPSILON,
        box[1] + box[3] - EPSILON,
    )
    t0, t1 = 0.0, 1.0  # Liang-Barsky clipping
    for p, q in ((x1 - x2, x1 - left), (x2 - x1, right - x1), (y1 - y2, y1 - top), (y2 - y1, bottom - y1)):
        if p == 0:
            if q < 0:
                return False
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return False
    return True


def check_geometry(svg: str, expected_nodes: int) -> None:
    root = parse(svg)
    placed = boxes(root)
    assert len(placed) == expected_nodes
    names = sorted(placed)
    for index, first in enumerate(names):
        for second in names[index + 1 :]:
            assert not overlap(placed[first], placed[second]), (first, second)
    for segment in segments(root):
        for name, box in placed.items():
            assert not crosses(segment, box), (segment, name, box)
    width, height = float(root.get("width") or 0), float(root.get("height") or 0)
    for x, y, w, h in placed.values():
        assert x >= 0 and x + w <= width and y >= 0 and y + h <= height


@pytest.mark.parametrize("direction", ["TB", "LR"])
@pytest.mark.parametrize("path", FILES, ids=file_id)
def test_geometry(path: Path, direction: str) -> None:
    pipeline = expanded(azpipe.load(path))  # sub-pipelines are drawn expanded (localrun/expand.py)
    options = Options(direction=direction, show=("compute", "command"))
    check_geometry(render(pipeline, "svg", options), len(azpipe.graph_of(pipeline)))


@pytest.mark.parametrize("path", FILES, ids=file_id)
def test_one_node_per_step(path: Path) -> None:
    pipeline = expanded(azpipe.load(path))  # sub-pipelines are drawn expanded (localrun/expand.py)
    root = parse(render(pipeline, "svg"))
    steps = [g for g in root.iter(f"{NS}g") if (g.get("class") or "").split()[:2] == ["node", "step"]]
    assert len(steps) == len(pipeline.steps)
    titles = sorted(g.find(f"{NS}text").text or "" for g in steps)  # type: ignore[union-attr]
    assert titles == sorted(build_view(pipeline).by_id()[g.get("id") or ""].title for g in steps)


def test_every_edge_is_drawn_with_an_arrow() -> None:
    pipeline = azpipe.load(ROOT / "pipelines" / "taxi_fare_regression" / "pipeline.yaml")
    root = parse(render(pipeline, "svg"))
    pairs = {(u, v) for u, v in azpipe.graph_of(pipeline).edges()}
    drawn = [
        g for g in root.iter(f"{NS}g") if (g.get("class") or "").startswith("edge") and g.get("data-target")
    ]
    assert len(drawn) == len(pairs)
    assert all(g.find(f"{NS}path").get("marker-end") for g in drawn)  # type: ignore[union-attr]


def test_after_edges_are_dashed() -> None:
    pipeline = azpipe.load(ROOT / "tests" / "fixtures" / "render" / "escaping.yaml")
    root = parse(render(pipeline, "svg"))
    classes = [g.get("class") or "" for g in root.iter(f"{NS}g") if g.get("data-target")]
    assert any("after" in c.split() for c in classes if c.startswith("edge"))
    assert ".edge.after path { stroke-dasharray" in render(pipeline, "svg")


def test_lineage_classes() -> None:
    pipeline = azpipe.load(ROOT / "pipelines" / "taxi_fare_regression" / "pipeline.yaml")
    root = parse(render(pipeline, "svg", Options(lineage="metrics")))
    classes = {}
    for group in root.iter(f"{NS}g"):
        if group.get("data-w"):
            title = group.find(f"{NS}text")
            assert title is not None
            classes[title.text] = (group.get("class") or "").split()
    assert "lineage" in classes["score"] and "lineage" in classes["metrics: uri_folder"]
    assert "dim" in classes["model: uri_folder"] and "lineage" in classes["train"]


def test_labels_are_text() -> None:
    pipeline = azpipe.load(ROOT / "tests" / "fixtures" / "render" / "escaping.yaml")
    options = Options(show=("description", "command"))
    root = parse(render(pipeline, "svg", options))
    shown = {text.text for text in root.iter(f"{NS}text")}
    for node in build_view(pipeline, options).nodes:
        assert set(node.label_lines()) <= shown
    assert not [e for e in root.iter() if e.tag in (f"{NS}script", f"{NS}foreignObject", "script")]
    assert not [e for e in root.iter() if any(k.startswith("on") for k in e.attrib)]


def test_text_width_estimate() -> None:
    assert text_width("", 13) == 0
    assert text_width("mmmm", 13) > text_width("iiii", 13)
    assert text_width("abc", 13, bold=True) > text_width("abc", 13)
    assert text_width("数据", 13) > text_width("ab", 13)


def test_big_generated_pipeline() -> None:
    lines = ["azpipe: 1", "name: big", "defaults: {compute: serverless, environment: 'e:1'}", "steps:"]
    for index in range(120):
        inputs = " ".join(
            f"${{{{s{j}.outputs.out}}}}" for j in (index - 1, index // 2, index - 7) if 0 <= j < index
        )
        lines += [f"  s{index}:", f"    command: run {inputs} ${{{{outputs.out}}}}"]
    pipeline = azpipe.loads("\n".join(lines) + "\n", path="big.yaml")
    assert pipeline.ok, pipeline.check()[:3]
    for direction in ("TB", "LR"):
        check_geometry(render(pipeline, "svg", Options(direction=direction)), len(azpipe.graph_of(pipeline)))


@st.composite
def graphs(draw: st.DrawFn) -> tuple[list[str], dict[str, tuple[float, float]], list[layout.Link]]:
    count = draw(st.integers(1, 14))
    nodes = [f"n{i}" for i in range(count)]
    sizes = {n: (draw(st.floats(20, 160)), draw(st.floats(16, 60))) for n in nodes}
    pairs = draw(st.lists(st.tuples(st.sampled_from(nodes), st.sampled_from(nodes)), max_size=30))
    labels = draw(
        st.lists(st.tuples(st.floats(0, 120), st.floats(0, 40)), min_size=len(pairs), max_size=len(pairs))
    )
    links = [layout.Link(u, v, label) for (u, v), label in zip(pairs, labels, strict=True)]
    return nodes, sizes, links


@settings(max_examples=150, deadline=None)
@given(graphs(), st.sampled_from(["TB", "LR"]))
def test_layout_properties(
    graph: tuple[list[str], dict[str, tuple[float, float]], list[layout.Link]], direction: str
) -> None:
    """Any graph, cycles and self-loops too: boxes apart, edges around boxes, routes end at their target."""
    nodes, sizes, links = graph
    placed = layout.compute(nodes, sizes, links, direction)
    rects = {n: (r.x, r.y, r.w, r.h) for n, r in placed.boxes.items()}
    for index, first in enumerate(nodes):
        for second in nodes[index + 1 :]:
            assert not overlap(rects[first], rects[second])
    lines: list[list[tuple[float, float]]] = [*placed.routes, *(trunk.points for trunk in placed.trunks)]
    for points in lines:
        for segment in pairwise(points):
            for name, rect in rects.items():
                assert not crosses(segment, rect), (segment, name)
    for link, route in zip(links, placed.routes, strict=True):
        if link.source != link.target:
            assert _touches(route[-1], rects[link.target])


def _touches(point: tuple[float, float], box: Box) -> bool:
    x, y = point
    return box[0] - 1 <= x <= box[0] + box[2] + 1 and box[1] - 1 <= y <= box[1] + box[3] + 1
