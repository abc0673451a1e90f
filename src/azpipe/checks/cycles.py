"""Cycles between steps (G501 cycle), including ``after:`` ordering edges.

Each strongly connected group of steps is reported once, at the binding that
closes the cycle, with the cycle spelt out: ``train -> score -> train``.
"""

from __future__ import annotations

from collections.abc import Iterator

from azpipe.diagnostics import Diagnostic
from azpipe.graph import Edge, find_cycle, flow_of, strongly_connected
from azpipe.model import Pipeline
from azpipe.rules import rule


def check(pipeline: Pipeline) -> Iterator[Diagnostic]:
    """Report every cycle in the step graph."""
    flow = flow_of(pipeline)
    successors = flow.successors(("step",))
    groups = sorted(sorted(c) for c in strongly_connected(successors) if len(c) > 1)
    first_edge = _first_edges(flow.edges) if groups else {}
    for group in groups:
        names = find_cycle(successors, set(group), group[0])
        closing = first_edge.get((names[-2], names[-1]))
        span = closing.span if closing and closing.span else pipeline.steps[names[-1]].span
        via = (
            "`after:`"
            if closing and closing.kind == "after"
            else f"input `{closing.dst_port if closing else '?'}`"
        )
        yield rule("G501").at(span, "steps form a cycle: " + " -> ".join(names),
                              f"`{names[-1]}` waits for `{names[-2]}` through {via}; break one link")  # fmt: skip


def _first_edges(edges: list[Edge]) -> dict[tuple[str, str], Edge]:
    """The first edge from each step to each other one (one pass, however many cycles there are)."""
    found: dict[tuple[str, str], Edge] = {}
    for edge in edges:
        found.setdefault((edge.src, edge.dst), edge)
    return found
