"""What to draw: the pipeline graph turned into labelled nodes and edges.

Every renderer draws a :class:`View`, built here from ``graph_of(pipeline)`` (the
one networkx graph) and the model (for compute, environment, command and
description lines). Nodes get synthetic ids (``n0``, ``n1``...) in a stable
order: data assets, pipeline inputs, steps in topological order, outputs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import field
from typing import TYPE_CHECKING, Any

from azpipe.graph import graph_of, lineage_of, topological_order
from azpipe.records import record
from azpipe.render.labels import ARROW, BROKEN_MARK, clean, edge_label, shorten

if TYPE_CHECKING:
    import networkx as nx

    from azpipe.model import Binding, Pipeline, Step

DIRECTIONS = ("TB", "LR")
SHOW_FIELDS = ("compute", "environment", "uses", "description", "command")
KIND_ORDER = {"data": 0, "input": 1, "step": 2, "output": 3}
OPTIONAL_MARK = "(optional)"  # after an optional pipeline input's title (its edges say ", optional")


@record(frozen=True)
class Options:
    """How to draw: ``direction`` (``TB`` or ``LR``), extra step ``show`` lines, ``lineage`` output."""

    direction: str = "TB"
    show: tuple[str, ...] = ()
    lineage: str | None = None


@record(frozen=True)
class Node:
    """A node to draw. ``title`` and ``lines`` are clean plain text, not yet escaped."""

    id: str
    key: str
    kind: str
    name: str
    title: str
    lines: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    broken: bool = False
    classes: tuple[str, ...] = ()
    shape: str = ""  # a step's node kind when it is not a command (`spark`...): drawn in a shape of its own

    def label_lines(self) -> list[str]:
        """Every line of the label: title, detail lines, then broken references."""
        marks = [f"{BROKEN_MARK} broken: {problem}" for problem in self.problems]
        if self.broken and not marks:
            marks = [f"{BROKEN_MARK} broken reference"]
        return [self.title, *self.lines, *marks]


@record(frozen=True)
class Edge:
    """An edge to draw, between synthetic node ids; ``kind`` is ``data`` or ``after``."""

    source: str
    target: str
    kind: str
    src_port: str | None = None
    dst_port: str | None = None
    type: str | None = None
    classes: tuple[str, ...] = ()
    show_ports: bool = True
    optional: bool = False  # it binds an optional step input

    def label(self, arrow: str = ARROW) -> str:
        """The edge's label: its port(s) and type, marked when the input is optional; empty for
        an ``after`` edge."""
        if self.kind == "after":
            return ""
        if not self.show_ports:
            return clean(self.type or "")
        text = edge_label(self.src_port, self.dst_port, self.type, arrow)
        return shorten(text + (", optional" if self.optional else ""))


@record
class View:
    """Nodes and edges in drawing order, plus the options they were drawn with."""

    name: str
    options: Options
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)

    def by_id(self) -> dict[str, Node]:
        """Nodes by synthetic id."""
        return {node.id: node for node in self.nodes}


def build_view(pipeline: Pipeline, options: Options | None = None) -> View:
    """The :class:`View` of ``pipeline`` (raises ``KeyError`` for an unknown lineage output)."""
    options = options or Options()
    graph = graph_of(pipeline)
    upstream = lineage_of(pipeline, options.lineage) if options.lineage else None
    keys = ordered_keys(pipeline, graph)
    ids = {key: f"n{index}" for index, key in enumerate(keys)}
    view = View(clean(pipeline.name or "pipeline"), options)
    view.nodes = [_node(pipeline, graph, key, ids[key], options, upstream) for key in keys]
    view.edges = [_edge(pipeline, ids, data, upstream, u, v) for u, v, data in sorted_edges(graph, ids)]
    return view


def ordered_keys(pipeline: Pipeline, graph: nx.MultiDiGraph) -> list[str]:
    """Graph node ids in drawing order: data, inputs, steps (topological), outputs."""
    steps = {name: index for index, name in enumerate(_step_order(pipeline, graph))}

    def sort_key(key: str) -> tuple[int, int, str]:
        kind = graph.nodes[key].get("kind", "step")
        return (KIND_ORDER.get(kind, 2), steps.get(key, 0) if kind == "step" else 0, key)

    return sorted(graph.nodes, key=sort_key)


def _step_order(pipeline: Pipeline, graph: nx.MultiDiGraph) -> list[str]:
    """``topological_order(pipeline)``; for a graph with a cycle (a file with errors),
    steps by layer then name, which stays linear where the former is not."""
    import networkx as nx

    if nx.is_directed_acyclic_graph(graph):
        return topological_order(pipeline)
    from azpipe.render.layout import assign_layers

    layers = assign_layers(list(graph.nodes), graph.edges())
    steps = [key for key, kind in graph.nodes(data="kind") if kind == "step"]
    return sorted(steps, key=lambda key: (layers[key], key))


def sorted_edges(graph: nx.MultiDiGraph, ids: dict[str, str]) -> list[tuple[str, str, dict[str, Any]]]:
    """Edges ordered by their ends' drawing order, then kind and ports."""
    position = {key: int(node_id[1:]) for key, node_id in ids.items()}

    def sort_key(item: tuple[str, str, dict[str, Any]]) -> tuple[int, int, str, str, str]:
        u, v, data = item
        ports = (str(data.get("src_port") or ""), str(data.get("dst_port") or ""))
        return (position[u], position[v], str(data.get("kind")), *ports)

    return sorted(graph.edges(data=True), key=sort_key)


def _classes(inside: bool | None) -> tuple[str, ...]:
    if inside is None:
        return ()
    return ("lineage",) if inside else ("dim",)


def _node(
    pipeline: Pipeline,
    graph: nx.MultiDiGraph,
    key: str,
    node_id: str,
    options: Options,
    upstream: set[str] | None,
) -> Node:
    data = graph.nodes[key]
    kind = str(data.get("kind", "step"))
    name = clean(data.get("name", key))
    broken = bool(data.get("broken", False))
    inside = None if upstream is None else key in upstream
    item = pipeline.inputs.get(str(data.get("name"))) if kind == "input" else None
    optional = item is not None and item.optional
    return Node(
        id=node_id,
        key=key,
        kind=kind,
        name=name,
        title=_title(kind, name, data.get("type"), optional),
        lines=tuple(_step_lines(pipeline, key, options.show)) if kind == "step" else (),
        problems=tuple(broken_references(pipeline, graph, key)) if broken else (),
        broken=broken,
        classes=_classes(inside) + (("optional",) if optional else ()),
        shape=_shape(pipeline, key) if kind == "step" else "",
    )


def _shape(pipeline: Pipeline, key: str) -> str:
    """A step's node kind when it is not ``command`` (each renderer draws it in its own shape)."""
    step = pipeline.steps.get(key)
    return step.kind if step is not None and step.kind != "command" else ""


def _edge(
    pipeline: Pipeline, ids: dict[str, str], data: dict[str, Any], upstream: set[str] | None, u: str, v: str
) -> Edge:
    inside = None if upstream is None else (u in upstream and v in upstream)
    step = pipeline.steps.get(v)
    port = step.inputs.get(str(data.get("dst_port"))) if step is not None else None
    return Edge(
        source=ids[u],
        target=ids[v],
        kind=str(data.get("kind", "data")),
        src_port=data.get("src_port"),
        dst_port=data.get("dst_port"),
        type=data.get("type"),
        classes=_classes(inside),
        show_ports=not (u.startswith("data.") and v.startswith("inputs.")),
        optional=port is not None and port.optional,
    )


def _title(kind: str, name: str, type_: object, optional: bool = False) -> str:
    mark = f" {OPTIONAL_MARK}" if optional else ""
    if kind == "step" or not type_:
        return shorten(name + mark)
    return shorten(f"{name}: {clean(type_)}{mark}")


def _step_lines(pipeline: Pipeline, key: str, show: Iterable[str]) -> list[str]:
    step = pipeline.steps.get(key)
    if step is None:
        return []
    values = step_fields(pipeline, step)
    wanted = [name for name in SHOW_FIELDS if name in show and values.get(name)]
    return [shorten(f"{name}: {clean(values[name])}") for name in wanted]


def step_fields(pipeline: Pipeline, step: Step) -> dict[str, str]:
    """The step's effective compute, environment, component, description and command, as text."""
    description = step.details.description or (step.uses.details.description if step.uses else None)
    return {
        "compute": pipeline.compute_of(step) or "",
        "environment": environment_text(pipeline, step),
        "uses": step.uses.name if step.uses else "",
        "description": description or "",
        "command": step.command.unparse() if step.command else "",
    }


def environment_text(pipeline: Pipeline, step: Step) -> str:
    """How the step's environment is named (``inline: IMAGE`` for an inline one)."""
    env = pipeline.environment_of(step)
    if env is None:
        return ""
    if env.kind == "inline" and env.inline is not None:
        return f"inline: {env.inline.image or env.inline.conda_file or ''}".strip()
    return env.value


def binding_text(binding: Binding | None) -> str:
    """A binding as written in the language: ``${{prep.outputs.data}}`` or a literal's repr."""
    if binding is None:
        return ""
    if binding.ref is not None:
        return "${{" + binding.ref.canonical() + "}}"
    return repr(binding.value) if isinstance(binding.value, str) else str(binding.value)


def broken_references(pipeline: Pipeline, graph: nx.MultiDiGraph, key: str) -> list[str]:
    """The references of step or output ``key`` that did not resolve (for broken nodes)."""
    step = pipeline.steps.get(key)
    if graph.nodes[key].get("kind") == "output":
        output = pipeline.outputs.get(str(graph.nodes[key].get("name")))
        ref = output.binding.ref if output and output.binding else None
        return [shorten(clean(ref.canonical()))] if ref else []
    if step is None:
        return []
    bound = {d.get("dst_port") for _, _, d in graph.in_edges(key, data=True) if d.get("kind") == "data"}
    found = [
        shorten(clean(port.binding.ref.canonical()))
        for name, port in sorted(step.inputs.items())
        if port.binding and port.binding.ref and name not in bound
    ]
    waits = {u for u, _, d in graph.in_edges(key, data=True) if d.get("kind") == "after"}
    found += [shorten(f"after {clean(name)}") for name, _ in step.after if name not in waits]
    return found
