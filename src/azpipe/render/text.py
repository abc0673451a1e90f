"""Plain text for terminals and CI logs: nodes by layer, each with its incoming edges.

Layers are the ones the SVG layout uses (:func:`azpipe.render.layout.assign_layers`).
All text is ASCII punctuation plus the names themselves, which
:func:`azpipe.render.labels.clean` has stripped of control characters.
"""

from __future__ import annotations

from azpipe.render.labels import clean
from azpipe.render.layout import assign_layers
from azpipe.render.view import Edge, Node, View

KIND_NAMES = {"step": "step", "input": "input", "output": "output", "data": "data"}
COUNTED = {
    "step": ("step", "steps"),
    "input": ("input", "inputs"),
    "output": ("output", "outputs"),
    "data": ("data asset", "data assets"),
}


def render(view: View) -> str:
    """The text rendering of ``view``."""
    layers = assign_layers([n.id for n in view.nodes], ((e.source, e.target) for e in view.edges))
    nodes = view.by_id()
    incoming: dict[str, list[Edge]] = {node.id: [] for node in view.nodes}
    for edge in view.edges:
        incoming[edge.target].append(edge)
    lines = [f"{view.name}: {summary(view)}"]
    if view.options.lineage:
        lines.append(f"* marks the lineage of output {clean(view.options.lineage)}")
    by_layer: dict[int, list[Node]] = {}  # one pass: a 20,000-step chain has 20,000 layers
    for node in view.nodes:
        by_layer.setdefault(layers[node.id], []).append(node)
    for number in sorted(by_layer):
        lines.append(f"\nlayer {number + 1}")
        for node in by_layer[number]:
            lines += _node(node, incoming[node.id], nodes, view.options.lineage is not None)
    return "\n".join(lines) + "\n"


def summary(view: View) -> str:
    """``3 steps, 2 inputs, 1 output, 1 data asset`` (and how many nodes are broken)."""
    counts = dict.fromkeys(COUNTED, 0)
    for node in view.nodes:
        counts[node.kind] = counts.get(node.kind, 0) + 1
    parts = [f"{count} {COUNTED[kind][count != 1]}" for kind, count in counts.items() if kind in COUNTED]
    broken = sum(1 for node in view.nodes if node.broken)
    return ", ".join(parts) + (f", {broken} broken" if broken else "")


def _node(node: Node, incoming: list[Edge], nodes: dict[str, Node], marked: bool) -> list[str]:
    mark = ("* " if "lineage" in node.classes else "  ") if marked else ""
    kind = f"{node.shape} step" if node.shape else KIND_NAMES.get(node.kind, node.kind)
    lines = [f"  {mark}{kind} {node.title}"]
    indent = "      " if marked else "    "
    lines += [f"{indent}{line}" for line in node.lines]
    lines += [f"{indent}<- {_source(edge, nodes)}" for edge in incoming]
    lines += [f"{indent}! broken: {problem}" for problem in node.problems]
    if node.broken and not node.problems:
        lines.append(f"{indent}! broken reference")
    return lines


def _source(edge: Edge, nodes: dict[str, Node]) -> str:
    source = nodes[edge.source]
    label = "after" if edge.kind == "after" else edge.label(arrow="->")
    text = f"{source.kind} {source.name}"
    return f"{text} ({label})" if label else text
