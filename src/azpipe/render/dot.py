"""Graphviz DOT, for users who have Graphviz (``dot -Tsvg``, ``dot -Tpng``).

Ids are synthetic (``n0``...); labels are plain double-quoted strings escaped by
:func:`azpipe.render.labels.dot` (never HTML-like ``<...>`` labels).
"""

from __future__ import annotations

from azpipe.render.clusters import dot_lines
from azpipe.render.labels import dot as escape
from azpipe.render.view import Edge, Node, View

Attributes = dict[str, str]

SHAPES: dict[str, Attributes] = {
    "step": {"shape": "box", "style": "rounded,filled", "fillcolor": "#e8f0fe", "color": "#1a73e8"},
    "input": {"shape": "ellipse", "style": "filled", "fillcolor": "#e6f4ea", "color": "#188038"},
    "output": {"shape": "parallelogram", "style": "filled", "fillcolor": "#fef7e0", "color": "#b06000"},
    "data": {"shape": "cylinder", "style": "filled", "fillcolor": "#f3e8fd", "color": "#8430ce"},
}
SHAPES["spark"] = {"shape": "hexagon", "style": "filled", "fillcolor": "#e8f0fe", "color": "#1a73e8"}
SHAPES["data_transfer"] = {"shape": "cds", "style": "filled", "fillcolor": "#e8f0fe", "color": "#1a73e8"}
SHAPES["automl"] = {"shape": "octagon", "style": "filled", "fillcolor": "#e8f0fe", "color": "#1a73e8"}
SHAPES["sweep"] = {"shape": "box3d", "style": "filled", "fillcolor": "#e8f0fe", "color": "#1a73e8"}  # trials
SHAPES["pipeline"] = {
    "shape": "tab",
    "style": "filled",
    "fillcolor": "#e8f0fe",
    "color": "#1a73e8",
}  # --depth
SHAPES["parallel"] = {**SHAPES["step"], "peripheries": "2"}  # a double border: mini-batches in workers
BROKEN: Attributes = {"fillcolor": "#fce8e6", "color": "#d93025", "fontcolor": "#a50e0e"}
NODE_CLASSES: dict[str, Attributes] = {
    "lineage": {"penwidth": "3", "color": "#e37400"},
    "dim": {"color": "#bdc1c6", "fontcolor": "#9aa0a6"},
}
EDGE_CLASSES: dict[str, Attributes] = {
    "lineage": {"penwidth": "2.5", "color": "#e37400"},
    "dim": {"color": "#dadce0", "fontcolor": "#9aa0a6"},
}
FONT = "Helvetica"


def render(view: View) -> str:
    """The DOT ``digraph`` of ``view``."""
    lines = [
        "digraph pipeline {",
        f'  graph [rankdir={view.options.direction}, fontname="{FONT}", nodesep=0.3, ranksep=0.45];',
        f'  node [fontname="{FONT}", fontsize=11, fontcolor="#202124"];',
        f'  edge [fontname="{FONT}", fontsize=9, color="#5f6368", fontcolor="#3c4043"];',
    ]
    lines += dot_lines(view.nodes, _node)  # sub-pipelines' steps as clusters (render/clusters.py)
    lines += [_edge(edge) for edge in view.edges]
    return "\n".join([*lines, "}"]) + "\n"


def _attributes(values: Attributes) -> str:
    """``[key="value", ...]``; every value is quoted and escaped."""
    return "[" + ", ".join(f'{key}="{escape(value)}"' for key, value in values.items()) + "]"


def _node(node: Node) -> str:
    values = {
        "label": "\n".join(node.label_lines()),
        **(SHAPES.get(node.shape) or SHAPES.get(node.kind, SHAPES["step"])),
    }
    if node.broken:
        values.update(BROKEN, style=values["style"] + ",dashed")
    for name in node.classes:
        values.update(NODE_CLASSES.get(name, {}))
    if "optional" in node.classes:
        values["style"] += ",dashed"
    return f"  {node.id} {_attributes(values)};"


def _edge(edge: Edge) -> str:
    values: Attributes = {}
    label = edge.label()
    if label:
        values["label"] = label
    if edge.kind == "after":
        values["style"] = "dashed"
    for name in edge.classes:
        values.update(EDGE_CLASSES.get(name, {}))
    suffix = f" {_attributes(values)}" if values else ""
    return f"  {edge.source} -> {edge.target}{suffix};"
