"""The step graph: one networkx ``MultiDiGraph`` built once from the model.

Nodes are steps (by name) and, in the lineage, pipeline inputs (``inputs.NAME``),
pipeline outputs (``outputs.NAME``) and data assets (``data.NAME``); the dot
cannot appear in a valid step name, so the ids never collide. Each node has a
``kind`` (``step``, ``input``, ``output``, ``data``). Each edge carries the
binding: ``src_port``, ``dst_port``, ``type`` and ``kind`` (``data`` or
``after`` for an ordering edge with no data). References that do not resolve
are left out (the checks report them); nodes get ``broken=True`` when they hold one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx

from azpipe.expr.ast import RefKind

if TYPE_CHECKING:
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


def build_graph(pipeline: Pipeline) -> nx.MultiDiGraph:
    """Build the graph of ``pipeline`` (nodes and edges in sorted order)."""
    graph = nx.MultiDiGraph(name=pipeline.name)
    for name in sorted(pipeline.data):
        graph.add_node(data_id(name), kind="data", name=name, type=pipeline.data[name].type)
    for name in sorted(pipeline.inputs):
        item = pipeline.inputs[name]
        graph.add_node(input_id(name), kind="input", name=name, type=item.type)
        if item.data and item.data in pipeline.data:
            graph.add_edge(
                data_id(item.data),
                input_id(name),
                key=item.data,
                src_port=item.data,
                dst_port=name,
                type=item.type,
                kind="data",
            )
    for name in sorted(pipeline.steps):
        graph.add_node(name, kind="step", name=name, broken=False)
    for name in sorted(pipeline.steps):
        _step_edges(graph, pipeline, name)
    for name in sorted(pipeline.outputs):
        _output_edges(graph, pipeline, name)
    return graph


def _step_edges(graph: nx.MultiDiGraph, pipeline: Pipeline, name: str) -> None:
    step = pipeline.steps[name]
    for port_name in sorted(step.inputs):
        source = _source(pipeline, step.inputs[port_name])
        if source is None:
            graph.nodes[name]["broken"] |= _is_broken_ref(step.inputs[port_name])
            continue
        node, src_port, kind = source
        binding = step.inputs[port_name].binding
        graph.add_edge(
            node,
            name,
            key=f"{src_port}->{port_name}",
            src_port=src_port,
            dst_port=port_name,
            type=kind,
            kind="data",
            span=binding.span if binding else None,
        )
    for after, span in sorted(step.after):
        if after in pipeline.steps and after != name:
            graph.add_edge(
                after,
                name,
                key=f"after:{after}",
                src_port=None,
                dst_port=None,
                type=None,
                kind="after",
                span=span,
            )
        else:
            graph.nodes[name]["broken"] = True


def _output_edges(graph: nx.MultiDiGraph, pipeline: Pipeline, name: str) -> None:
    output = pipeline.outputs[name]
    graph.add_node(output_id(name), kind="output", name=name, broken=False)
    binding = output.binding
    ref = binding.ref if binding else None
    step = pipeline.steps.get(ref.step or "") if ref else None
    if binding is None or ref is None or step is None or not step.has_output(ref.name):
        graph.nodes[output_id(name)]["broken"] = True
        return
    port = step.outputs.get(ref.name)
    graph.nodes[output_id(name)]["type"] = port.type if port else None
    graph.add_edge(
        step.name,
        output_id(name),
        key=f"{ref.name}->{name}",
        src_port=ref.name,
        dst_port=name,
        type=port.type if port else None,
        kind="data",
        span=binding.span,
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


def _is_broken_ref(port: Port) -> bool:
    return bool(port.binding and port.binding.ref)


def step_order(graph: nx.MultiDiGraph) -> list[str]:
    """Steps in topological order, ties broken by name; a cycle's steps come last, sorted."""
    steps = graph.subgraph(n for n, kind in graph.nodes(data="kind") if kind == "step")
    try:
        return list(nx.lexicographical_topological_sort(steps))
    except nx.NetworkXUnfeasible:
        cyclic = {n for c in nx.strongly_connected_components(steps) if len(c) > 1 for n in c}
        order = list(nx.lexicographical_topological_sort(steps.subgraph(set(steps) - cyclic)))
        return order + sorted(set(steps) - set(order))


def layers(graph: nx.MultiDiGraph) -> list[list[str]]:
    """Nodes grouped by longest-path depth from the sources (for drawings)."""
    if not nx.is_directed_acyclic_graph(graph):
        return [sorted(graph.nodes)]
    return [sorted(layer) for layer in nx.topological_generations(graph)]


def lineage(graph: nx.MultiDiGraph, output: str) -> set[str]:
    """Every node upstream of pipeline output ``output`` (including the output)."""
    node = output_id(output) if not output.startswith("outputs.") else output
    if node not in graph:
        raise KeyError(f"no pipeline output `{output}`")
    upstream: set[str] = nx.ancestors(graph, node)
    return upstream | {node}
