"""Mermaid flowcharts (GitHub renders them in Markdown ```` ```mermaid ```` blocks).

Ids are synthetic (``n0``...); labels are quoted with every unsafe character
as a ``#N;`` entity (:func:`azpipe.render.labels.mermaid`), so no user text can
reach ``click``, ``classDef`` or ``%%`` directives.
"""

from __future__ import annotations

from collections.abc import Iterable

from azpipe.render.clusters import mermaid_lines
from azpipe.render.labels import mermaid as escape
from azpipe.render.view import Edge, Node, View

SHAPES = {"step": ("(", ")"), "input": ("([", "])"), "output": ("[/", "/]"), "data": ("[(", ")]")}
SHAPES["spark"] = ("{{", "}}")  # a hexagon
SHAPES["data_transfer"] = ("[\\", "/]")  # an upside-down trapezoid: data poured from one store to another
SHAPES["automl"] = ("[\\", "\\]")  # a parallelogram leaning back: Azure ML tries many models
SHAPES["sweep"] = ("[[", "]]")  # a double-edged box: many trials of one step
SHAPES["pipeline"] = (">", "]")  # a flag: a sub-pipeline drawn as one node (--depth 0)
SHAPES["parallel"] = ("[/", "\\]")  # a trapezoid: one input fanned out into mini-batches
CLASS_STYLES = {
    "step": "fill:#e8f0fe,stroke:#1a73e8,color:#202124",
    "input": "fill:#e6f4ea,stroke:#188038,color:#202124",
    "output": "fill:#fef7e0,stroke:#b06000,color:#202124",
    "data": "fill:#f3e8fd,stroke:#8430ce,color:#202124",
    "optional": "stroke-dasharray:4 3",
    "broken": "fill:#fce8e6,stroke:#d93025,stroke-dasharray:4 3,color:#a50e0e",
    "lineage": "stroke:#e37400,stroke-width:3px",
    "dim": "fill:#f1f3f4,stroke:#bdc1c6,color:#9aa0a6",
    "added": "fill:#e6f4ea,stroke:#188038,stroke-width:3px,color:#0d652d",
    "removed": "fill:#fce8e6,stroke:#d93025,stroke-width:3px,stroke-dasharray:5 4,color:#a50e0e",
    "changed": "fill:#fef7e0,stroke:#e37400,stroke-width:3px,color:#202124",
}
LINK_STYLES = {
    "lineage": "stroke:#e37400,stroke-width:2.5px",
    "dim": "stroke:#dadce0",
    "added": "stroke:#188038,stroke-width:2.5px",
    "removed": "stroke:#d93025,stroke-width:2.5px,stroke-dasharray:5 4",
}


def render(view: View) -> str:
    """The Mermaid flowchart of ``view``."""
    lines = [f"flowchart {view.options.direction}"]
    lines += mermaid_lines(view.nodes, _node)  # sub-pipelines' steps as subgraphs (render/clusters.py)
    lines += [_edge(edge) for edge in view.edges]
    lines += _class_lines(view.nodes)
    lines += _link_styles(view.edges)
    return "\n".join(lines) + "\n"


def _node(node: Node) -> str:
    start, end = SHAPES.get(node.shape) or SHAPES.get(node.kind, SHAPES["step"])
    label = "<br>".join(escape(line) for line in node.label_lines())
    return f'  {node.id}{start}"{label}"{end}'


def _edge(edge: Edge) -> str:
    arrow = "-.->" if edge.kind == "after" else "-->"
    label = edge.label()
    if label:
        return f'  {edge.source} {arrow}|"{escape(label)}"| {edge.target}'
    return f"  {edge.source} {arrow} {edge.target}"


def _node_classes(node: Node) -> Iterable[str]:
    yield node.kind
    if node.broken:
        yield "broken"
    yield from node.classes


def _class_lines(nodes: list[Node]) -> list[str]:
    members: dict[str, list[str]] = {name: [] for name in CLASS_STYLES}
    for node in nodes:
        for name in _node_classes(node):
            if name in members:
                members[name].append(node.id)
    used = [name for name in CLASS_STYLES if members[name]]
    lines = [f"  classDef {name} {CLASS_STYLES[name]}" for name in used]
    return lines + [f"  class {','.join(members[name])} {name}" for name in used]


def _link_styles(edges: list[Edge]) -> list[str]:
    indexes: dict[str, list[str]] = {name: [] for name in LINK_STYLES}
    for number, edge in enumerate(edges):
        for name in edge.classes:
            if name in indexes:
                indexes[name].append(str(number))
    return [f"  linkStyle {','.join(found)} {LINK_STYLES[name]}" for name, found in indexes.items() if found]
