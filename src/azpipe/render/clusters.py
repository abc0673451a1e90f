"""Sub-pipelines drawn as clusters: the steps of an expanded sub-pipeline, boxed together.

A drawing of an expanded pipeline (:func:`azpipe.localrun.expand.expanded`)
names each inner step ``outer/inner``; the steps that share a prefix form a
cluster (``outer``), nested for sub-pipelines inside sub-pipelines
(``outer/middle``). Mermaid draws them as ``subgraph`` blocks, DOT as
``cluster`` subgraphs, SVG and HTML as a box behind the steps; a sub-pipeline
that is not expanded (``azpipe graph --depth 0``) is one node of its own shape.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import field
from typing import Any

from azpipe.naming import NODE_NAME
from azpipe.records import record
from azpipe.render.view import Node

SEPARATOR = "/"


@record
class Cluster:
    """The steps of one sub-pipeline: ``path`` (``outer/middle``), its label, the ids of the
    nodes directly inside it, and the clusters nested in it."""

    id: str
    path: str
    label: str
    nodes: list[str] = field(default_factory=list)
    children: list[Cluster] = field(default_factory=list)

    def all_nodes(self) -> list[str]:
        """Every node id inside, nested clusters' too."""
        return self.nodes + [node for child in self.children for node in child.all_nodes()]


def clusters(nodes: list[Node]) -> list[Cluster]:
    """The top-level clusters of ``nodes`` (each with its nested ones), in the nodes' order."""
    found: dict[str, Cluster] = {}
    top: list[Cluster] = []
    for node in nodes:
        parts = node.key.split(SEPARATOR)
        # A step named `outer/inner` by the expansion: each part a valid step name (a step that
        # merely has a `/` in its invalid name is drawn as any other: N701 reports it).
        if node.kind != "step" or len(parts) < 2 or not all(NODE_NAME.fullmatch(part) for part in parts):
            continue
        parent: Cluster | None = None
        for depth in range(1, len(parts)):
            path = SEPARATOR.join(parts[:depth])
            cluster = found.get(path)
            if cluster is None:
                cluster = found[path] = Cluster(f"c{len(found)}", path, parts[depth - 1])
                (parent.children if parent else top).append(cluster)
            parent = cluster
        assert parent is not None
        parent.nodes.append(node.id)
    return top


def mermaid_lines(nodes: list[Node], draw: Callable[[Node], str]) -> list[str]:
    """The node lines of a Mermaid flowchart: free nodes, then each cluster as a ``subgraph``
    (``draw`` writes one node's line; labels are escaped as every Mermaid label is)."""
    from azpipe.render.labels import mermaid as escape

    grouped = clusters(nodes)
    inside = {node_id for cluster in grouped for node_id in cluster.all_nodes()}
    by_id = {node.id: node for node in nodes}
    lines = [draw(node) for node in nodes if node.id not in inside]

    def block(cluster: Cluster, indent: str) -> None:
        lines.append(f'{indent}subgraph {cluster.id}["{escape(cluster.label)}"]')
        lines.extend(indent + draw(by_id[node_id]) for node_id in cluster.nodes)
        for child in cluster.children:
            block(child, indent + "  ")
        lines.append(f"{indent}end")
        lines.append(f"{indent}style {cluster.id} {MERMAID_STYLE}")

    for cluster in grouped:
        block(cluster, "  ")
    return lines


def dot_lines(nodes: list[Node], draw: Callable[[Node], str]) -> list[str]:
    """The node lines of a DOT graph: free nodes, then each cluster as a ``cluster`` subgraph."""
    from azpipe.render.labels import dot as escape

    grouped = clusters(nodes)
    inside = {node_id for cluster in grouped for node_id in cluster.all_nodes()}
    by_id = {node.id: node for node in nodes}
    lines = [draw(node) for node in nodes if node.id not in inside]

    def block(cluster: Cluster, indent: str) -> None:
        lines.append(f"{indent}subgraph cluster_{cluster.id} {{")
        lines.append(f'{indent}  label="{escape(cluster.label)}"; {DOT_STYLE}')
        lines.extend(indent + draw(by_id[node_id]) for node_id in cluster.nodes)
        for child in cluster.children:
            block(child, indent + "  ")
        lines.append(f"{indent}}}")

    for cluster in grouped:
        block(cluster, "  ")
    return lines


MERMAID_STYLE = "fill:#f8f9fa,stroke:#5f6368,stroke-dasharray:4 3,color:#202124"
DOT_STYLE = 'style="rounded,dashed"; color="#5f6368"; fontsize=10; fontcolor="#3c4043"; labeljust="l";'


CLUSTER_PAD = 8.0  # around the boxed steps
CLUSTER_LABEL = 10.0  # font size of a cluster's name
# Presentation attributes, not a <style>: the HTML viewer's content security policy allows only
# the styles it hashes.
SVG_BOX = 'fill="#f8f9fa" stroke="#5f6368" stroke-width="1" stroke-dasharray="4 3"'
SVG_TEXT = f'font-size="{CLUSTER_LABEL:g}" fill="#3c4043"'


def svg_boxes(
    nodes: list[Node], boxes: dict[str, Any], width: float, height: float, interactive: bool = False
) -> list[str]:
    """A dashed box behind each cluster's steps, with its name (SVG, drawn before the edges).

    The layout places nodes without knowing clusters: a box that would also cover
    a step of another cluster is left out (the steps' ``outer/inner`` names still
    say where they belong). ``interactive`` (the HTML viewer) wraps each box in a
    focusable ``g.fold-box`` that names its members, and adds, hidden, the one node
    the sub-pipeline folds into (see ``viewer.js``); the plain SVG is unchanged.
    """
    from azpipe.render.labels import xml

    found: list[str] = []
    folded: list[str] = []
    outside_of: dict[str, list[Any]] = {}

    def bounds(cluster: Cluster) -> tuple[float, float, float, float]:
        members = [boxes[node_id] for node_id in cluster.all_nodes()]
        left = max(0.0, min(b.x for b in members) - CLUSTER_PAD)
        top = max(0.0, min(b.y for b in members) - CLUSTER_PAD - CLUSTER_LABEL)
        right = min(width, max(b.x + b.w for b in members) + CLUSTER_PAD)
        bottom = min(height, max(b.y + b.h for b in members) + CLUSTER_PAD)
        return left, top, right, bottom

    def draw(cluster: Cluster, parent: str) -> None:
        left, top, right, bottom = bounds(cluster)
        inside = set(cluster.all_nodes())
        others = outside_of.setdefault(cluster.id, [boxes[n.id] for n in nodes if n.id not in inside])
        drawn = not any(b.x < right and left < b.x + b.w and b.y < bottom and top < b.y + b.h for b in others)
        if drawn:
            box = (
                f'<g class="cluster"><rect x="{left:.1f}" y="{top:.1f}" '
                f'width="{right - left:.1f}" height="{bottom - top:.1f}" rx="8" {SVG_BOX}/>'
                f'<text x="{left + 6:.1f}" y="{top + CLUSTER_LABEL + 1:.1f}" {SVG_TEXT}>{xml(cluster.label)}</text></g>'
            )
            if interactive:
                box = _fold_box(cluster, parent) + box + "</g>"
                folded.append(_fold_node(cluster, (left, top, right, bottom)))
            found.append(box)
        for child in cluster.children:
            draw(child, f"box-{cluster.id}" if drawn else parent)

    for cluster in clusters(nodes):
        draw(cluster, "")
    if folded:
        found.append('<g class="folds">' + "".join(folded) + "</g>")
    return ['<g class="clusters">', *found, "</g>"] if found else []


def _fold_box(cluster: Cluster, parent: str) -> str:
    """The opening tag of a foldable box: ids only (``n3``, ``c0``), never user text."""
    members = " ".join(cluster.all_nodes())
    return (
        f'<g class="fold-box" id="box-{cluster.id}" data-fold="fold-{cluster.id}" data-parent="{parent}" '
        f'data-members="{members}" tabindex="0" role="button" aria-expanded="true">'
    )


def _fold_node(cluster: Cluster, bounds: tuple[float, float, float, float]) -> str:
    """The node a folded sub-pipeline is drawn as: a step with a folder tab, centred in its box."""
    from azpipe.render import layout
    from azpipe.render.svg import _node, node_size

    count = len(cluster.all_nodes())
    node = Node(
        id=f"fold-{cluster.id}",
        key=cluster.path,
        kind="step",
        name=cluster.path,
        title=cluster.label,
        lines=(f"sub-pipeline, {count} step{'s' if count != 1 else ''}",),
        classes=("fold", "folded-away"),
        shape="pipeline",
    )
    w, h = node_size(node)
    left, top, right, bottom = bounds
    x, y = left + max(0.0, (right - left - w) / 2), top + max(0.0, (bottom - top - h) / 2)
    return _node(node, layout.Rect(round(x, 1), round(y, 1), w, h), interactive=True)
