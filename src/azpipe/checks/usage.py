"""Work that reaches no result (G502 unconsumed-output, G503 dead-step).

An output no step consumes and no pipeline output exposes is computed for
nothing, unless it is registered as an asset (``name:``). A step that feeds no
pipeline output does not contribute to the result. Both are warnings; a
pipeline that declares no outputs at all is not checked for dead steps.
"""

from __future__ import annotations

from collections.abc import Iterator

from azpipe.diagnostics import Diagnostic
from azpipe.graph import flow_of, output_id, upstream
from azpipe.model import Pipeline, Port, Step
from azpipe.rules import rule


def check(pipeline: Pipeline) -> Iterator[Diagnostic]:
    """Report unconsumed outputs and dead steps."""
    flow = flow_of(pipeline)
    consumed = {(edge.src, edge.src_port) for edge in flow.edges if edge.kind == "data"}
    for step in pipeline.steps.values():
        for port in step.outputs.values():
            if (step.name, port.name) not in consumed and not port.asset_name and not _flow_port(step, port):
                yield rule("G502").at(
                    port.span,
                    f"output `{port.name}` of step `{step.name}` is never used",
                    "consume it in a later step, expose it under `outputs:`, or remove it",
                )
    if not pipeline.outputs:
        return
    registers = [s.name for s in pipeline.steps.values() if any(p.asset_name for p in s.outputs.values())]
    live = upstream(flow, [*(output_id(name) for name in pipeline.outputs), *registers])
    for step in pipeline.steps.values():
        if step.name not in live:
            yield rule("G503").at(
                step.span,
                f"step `{step.name}` contributes to no pipeline output",
                "connect it to a pipeline output or remove it",
            )


def _flow_port(step: Step, port: Port) -> bool:
    """A prompt flow's fixed output (``debug_info``...) the node does not name: it cannot be removed."""
    flow = step.uses is not None and step.uses.parallel is not None and step.uses.parallel.flow is not None
    return flow and port.span.file != step.span.file
