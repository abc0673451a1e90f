"""Cycles between steps (G501 cycle), including ``after:`` ordering edges.

Each strongly connected group of steps is reported once, at the binding that
closes the cycle, with the cycle spelt out: ``train -> score -> train``.
"""

from __future__ import annotations

from collections.abc import Iterator

import networkx as nx

from azpipe.diagnostics import Diagnostic
from azpipe.model import Pipeline
from azpipe.rules import rule


def check(pipeline: Pipeline) -> Iterator[Diagnostic]:
    """Report every cycle in the step graph."""
    graph = pipeline.graph
    steps = graph.subgraph(n for n, kind in graph.nodes(data="kind") if kind == "step")
    for group in sorted(sorted(c) for c in nx.strongly_connected_components(steps) if len(c) > 1):
        start = group[0]
        edges = nx.find_cycle(steps.subgraph(group), source=start)
        names = [edge[0] for edge in edges] + [start]
        closing = edges[-1]
        data = steps.get_edge_data(closing[0], closing[1], closing[2]) or {}
        span = data.get("span") or pipeline.steps[closing[1]].span
        via = "`after:`" if data.get("kind") == "after" else f"input `{data.get('dst_port')}`"
        yield rule("G501").at(
            span,
            "steps form a cycle: " + " -> ".join(names),
            f"`{closing[1]}` waits for `{closing[0]}` through {via}; break one link",
        )
