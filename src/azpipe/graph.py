"""The step graph, built once from the model.

Nodes are steps (by name) and, in the lineage, pipeline inputs (``inputs.NAME``),
pipeline outputs (``outputs.NAME``) and data assets (``data.NAME``); the dot
cannot appear in a valid step name, so the ids never collide. Each node has a
``kind`` (``step``, ``input``, ``output``, ``data``). Each edge carries the
binding: ``src_port``, ``dst_port``, ``type`` and ``kind`` (``data`` or
``after`` for an ordering edge with no data). References that do not resolve
are left out (the checks report them); nodes get ``broken=True`` when they hold one.

The graph is built once as plain data (:class:`Flow`): checking needs only that,
and importing networkx costs more than checking a 100-step pipeline. Drawings,
and users of :func:`graph_of`, get the same nodes and edges as a networkx
``MultiDiGraph`` (:func:`build_graph`). Both are built once per pipeline and kept
in ``pipeline.derived`` (the model itself knows nothing of this layer).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import field
from typing import TYPE_CHECKING, Any, NamedTuple

from azpipe.diagnostics import Span
from azpipe.expr.ast import RefKind
from azpipe.records import record

if TYPE_CHECKING:
    import networkx as nx

    from azpipe.model import Pipeline, Port


def input_id(name: str) -> str:
    """The node id of pipeline input ``name``."""
    return f"inputs.{name}"


def output_id(name: str) -> str:
    """The node id of pipeline output ``name``."""
    return f"outputs.{name}"


def data_id(name: str) -> str:
    """The node id of data asset ``name``."""
    return f"data.{name}"


class Edge(NamedTuple):
    """A binding between two nodes (``kind`` ``data``) or an ``after:`` ordering (a named
    tuple: a pipeline has several per step, and a tuple is built three times faster than a
    frozen dataclass)."""

    src: str
    dst: str
    key: str
    src_port: str | None
    dst_port: str | None
    type: str | None
    kind: str
    span: Span | None = None

    def attributes(self) -> dict[str, Any]:
        """The edge's data, as networkx edge attributes."""
        return {"src_port": self.src_port, "dst_port": self.dst_port, "type": self.type,
                "kind": self.kind, "span": self.span}  # fmt: skip


@record
class Flow:
    """Nodes (id → attributes, in sorted order) and edges of a pipeline."""

    name: str
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    edges: list[Edge] = field(default_factory=list)

    def successors(self, kinds: Iterable[str] | None = None) -> dict[str, list[str]]:
        """Node → the nodes its edges lead to (only between nodes of ``kinds``, if given)."""
        keep = None if kinds is None else {n for n, a in self.nodes.items() if a["kind"] in set(kinds)}
        result: dict[str, list[str]] = {n: [] for n in self.nodes if keep is None or n in keep}
        for edge in self.edges:
            if edge.src in result and edge.dst in result:
                result[edge.src].append(edge.dst)
        return result

    def steps(self) -> list[str]:
        """The step nodes."""
        return [n for n, attributes in self.nodes.items() if attributes["kind"] == "step"]


def build_flow(pipeline: Pipeline) -> Flow:
    """The nodes and edges of ``pipeline`` (sorted, so output never changes between runs)."""
    flow = Flow(pipeline.name)
    for name in sorted(pipeline.data):
        flow.nodes[data_id(name)] = {"kind": "data", "name": name, "type": pipeline.data[name].type}
    for name in sorted(pipeline.inputs):
        item = pipeline.inputs[name]
        flow.nodes[input_id(name)] = {"kind": "input", "name": name, "type": item.type}
        if item.data and item.data in pipeline.data:
            flow.edges.append(
                Edge(data_id(item.data), input_id(name), item.data, item.data, name, item.type, "data")
            )
    for name in sorted(pipeline.steps):
        flow.nodes[name] = {"kind": "step", "name": name, "broken": False}
    for name in sorted(pipeline.steps):
        _step_edges(flow, pipeline, name)
    for name in sorted(pipeline.outputs):
        _output_edges(flow, pipeline, name)
    return flow


def flow_of(pipeline: Pipeline) -> Flow:
    """The pipeline's :class:`Flow`, built on first use and kept with the pipeline."""
    flow = pipeline.derived.get("flow")
    if not isinstance(flow, Flow):
        flow = pipeline.derived["flow"] = build_flow(pipeline)
    return flow


def graph_of(pipeline: Pipeline) -> nx.MultiDiGraph:
    """The pipeline's networkx ``MultiDiGraph`` (imports networkx), built on first use and kept."""
    graph = pipeline.derived.get("graph")
    if graph is None:
        graph = pipeline.derived["graph"] = build_graph(pipeline)
    return graph


def topological_order(pipeline: Pipeline) -> list[str]:
    """Step names in an order that respects every edge (stable, by name)."""
    return step_order(flow_of(pipeline))


def lineage_of(pipeline: Pipeline, output: str) -> set[str]:
    """Every graph node upstream of pipeline output ``output``."""
    return lineage(flow_of(pipeline), output)


def build_graph(pipeline: Pipeline) -> nx.MultiDiGraph:
    """The pipeline's flow as a networkx ``MultiDiGraph`` (imports networkx)."""
    import networkx as nx

    flow = flow_of(pipeline)
    graph = nx.MultiDiGraph(name=flow.name)
    for node, attributes in flow.nodes.items():
        graph.add_node(node, **attributes)
    for edge in flow.edges:
        graph.add_edge(edge.src, edge.dst, key=edge.key, **edge.attributes())
    return graph


def _step_edges(flow: Flow, pipeline: Pipeline, name: str) -> None:
    step = pipeline.steps[name]
    for port_name in sorted(step.inputs):
        port = step.inputs[port_name]
        source = _source(pipeline, port)
        if source is None:
            flow.nodes[name]["broken"] |= bool(port.binding and port.binding.ref)
            continue
        node, src_port, kind = source
        span = port.binding.span if port.binding else None
        flow.edges.append(
            Edge(node, name, f"{src_port}->{port_name}", src_port, port_name, kind, "data", span)
        )
    for after, span in sorted(step.after):
        if after in pipeline.steps and after != name:
            flow.edges.append(Edge(after, name, f"after:{after}", None, None, None, "after", span))
        else:
            flow.nodes[name]["broken"] = True


def _output_edges(flow: Flow, pipeline: Pipeline, name: str) -> None:
    output = pipeline.outputs[name]
    node = output_id(name)
    flow.nodes[node] = {"kind": "output", "name": name, "broken": False}
    binding = output.binding
    ref = binding.ref if binding else None
    step = pipeline.steps.get(ref.step or "") if ref else None
    if binding is None or ref is None or step is None or not step.has_output(ref.name):
        flow.nodes[node]["broken"] = True
        return
    port = step.outputs.get(ref.name)
    kind = port.type if port else None
    flow.nodes[node]["type"] = kind
    flow.edges.append(
        Edge(step.name, node, f"{ref.name}->{name}", ref.name, name, kind, "data", binding.span)
    )


def _source(pipeline: Pipeline, port: Port) -> tuple[str, str, str | None] | None:
    """The graph node, port and type a step input is bound to, if it resolves."""
    ref = port.binding.ref if port.binding else None
    if ref is None:
        return None
    if ref.kind is RefKind.PARENT_INPUT and ref.name in pipeline.inputs:
        return input_id(ref.name), ref.name, pipeline.inputs[ref.name].type
    if ref.kind is RefKind.DATA and ref.name in pipeline.data:
        return data_id(ref.name), ref.name, pipeline.data[ref.name].type
    if ref.kind is RefKind.STEP_OUTPUT and ref.step in pipeline.steps:
        step = pipeline.steps[ref.step]
        if step.has_output(ref.name):
            output = step.outputs.get(ref.name)
            return ref.step, ref.name, output.type if output else None
    return None


def strongly_connected(successors: dict[str, list[str]]) -> list[set[str]]:
    """The strongly connected components (Tarjan's algorithm, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []
    for root in successors:
        if root in index:
            continue
        work = [(root, iter(successors[root]))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    components.append(_pop_component(stack, on_stack, node))
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(successors[child])))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return components


def _pop_component(stack: list[str], on_stack: set[str], root: str) -> set[str]:
    component: set[str] = set()
    while True:
        node = stack.pop()
        on_stack.discard(node)
        component.add(node)
        if node == root:
            return component


def cyclic_nodes(successors: dict[str, list[str]]) -> set[str]:
    """Nodes on some cycle (a self-loop counts)."""
    found = {n for c in strongly_connected(successors) if len(c) > 1 for n in c}
    return found | {n for n, nexts in successors.items() if n in nexts}


def find_cycle(successors: dict[str, list[str]], group: set[str], start: str) -> list[str]:
    """A cycle through ``start`` inside ``group`` (a strongly connected set): ``[start, ..., start]``."""
    parents: dict[str, str] = {}
    queue = [start]
    for node in queue:  # breadth first, so the cycle printed is a short one
        for child in successors[node]:
            if child == start:
                path = [node]
                while path[-1] != start:
                    path.append(parents[path[-1]])
                return [*reversed(path), start]
            if child in group and child not in parents:
                parents[child] = node
                queue.append(child)
    return [start, start]


def step_order(flow: Flow) -> list[str]:
    """Steps in topological order, ties broken by name; a cycle's steps come last, sorted."""
    successors = flow.successors(("step",))
    cyclic = cyclic_nodes(successors)
    waiting = {n: 0 for n in successors if n not in cyclic}
    for node in waiting:
        for child in successors[node]:
            if child in waiting:
                waiting[child] += 1
    ready = [n for n, count in waiting.items() if count == 0]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        node = heapq.heappop(ready)
        order.append(node)
        for child in successors[node]:
            if child in waiting:
                waiting[child] -= 1
                if waiting[child] == 0:
                    heapq.heappush(ready, child)
    return order + sorted(set(successors) - set(order))


def upstream(flow: Flow, starts: Iterable[str]) -> set[str]:
    """The ``starts`` and every node with a path to one of them."""
    predecessors: dict[str, list[str]] = {n: [] for n in flow.nodes}
    for edge in flow.edges:
        predecessors[edge.dst].append(edge.src)
    queue = list(dict.fromkeys(starts))
    seen = set(queue)
    for current in queue:
        for parent in predecessors[current]:
            if parent not in seen:
                seen.add(parent)
                queue.append(parent)
    return seen


def lineage(flow: Flow, output: str) -> set[str]:
    """Every node upstream of pipeline output ``output`` (including the output)."""
    node = output_id(output) if not output.startswith("outputs.") else output
    if node not in flow.nodes:
        raise KeyError(f"no pipeline output `{output}`")
    return upstream(flow, [node])
