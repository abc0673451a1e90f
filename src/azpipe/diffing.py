"""Compare two versions of a pipeline: nodes and edges added, removed and changed.

Both sides are compared through their graphs (``graph_of(pipeline)``) and models:
a step is *changed* when its effective command, environment, compute, code,
component, input bindings, outputs or ``after`` list differ. Renderings of a
:class:`PipelineDiff` are in :mod:`azpipe.render.diff`.

>>> import azpipe
>>> old = azpipe.load("pipelines/image_classification/pipeline.yaml")
>>> diff_pipelines(old, old).same
True
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import field
from typing import TYPE_CHECKING, Any

from azpipe.graph import graph_of
from azpipe.records import record
from azpipe.render.view import KIND_ORDER, binding_text, step_fields

if TYPE_CHECKING:
    from azpipe.model import Pipeline

STATUSES = ("added", "removed", "changed")
NOUNS = {"step": "step", "input": "input", "output": "output", "data": "data asset"}


@record(frozen=True)
class FieldChange:
    """One field that differs; ``None`` means absent on that side."""

    name: str
    old: str | None
    new: str | None


@record(frozen=True)
class NodeDiff:
    """A graph node (step, input, output or data asset) added, removed or changed."""

    key: str
    kind: str
    name: str
    status: str
    changes: tuple[FieldChange, ...] = ()


@record(frozen=True, order=True)
class EdgeKey:
    """What identifies an edge: its ends, ports and kind (``data`` or ``after``)."""

    source: str
    target: str
    kind: str
    src_port: str = ""
    dst_port: str = ""


@record(frozen=True)
class EdgeDiff:
    """An edge added or removed."""

    key: EdgeKey
    status: str
    type: str | None = None


@record
class PipelineDiff:
    """Everything that differs between ``old`` and ``new``."""

    old: Pipeline
    new: Pipeline
    pipeline: list[FieldChange] = field(default_factory=list)
    nodes: list[NodeDiff] = field(default_factory=list)
    edges: list[EdgeDiff] = field(default_factory=list)

    @property
    def same(self) -> bool:
        """True when nothing differs."""
        return not (self.pipeline or self.nodes or self.edges)

    def node_status(self) -> dict[str, str]:
        """Status by graph node id, for the nodes that differ."""
        return {node.key: node.status for node in self.nodes}

    def summary(self) -> str:
        """``2 steps added, 1 changed; 1 edge removed`` (empty when the same)."""
        parts = []
        for kind, noun in NOUNS.items():
            counts = [(s, sum(1 for n in self.nodes if n.kind == kind and n.status == s)) for s in STATUSES]
            parts += _counted(noun, [(s, c) for s, c in counts if c])
        counts = [(s, sum(1 for e in self.edges if e.status == s)) for s in STATUSES]
        parts += _counted("edge", [(s, c) for s, c in counts if c])
        if self.pipeline:
            parts.append(
                f"{len(self.pipeline)} pipeline setting{'s' if len(self.pipeline) > 1 else ''} changed"
            )
        return "; ".join(parts)


def _counted(noun: str, counts: list[tuple[str, int]]) -> list[str]:
    if not counts:
        return []
    (status, count), rest = counts[0], counts[1:]
    first = f"{count} {noun}{'' if count == 1 else 's'} {status}"
    return [", ".join([first, *(f"{c} {s}" for s, c in rest)])]


def diff_pipelines(old: Pipeline, new: Pipeline) -> PipelineDiff:
    """The differences from ``old`` to ``new``."""
    result = PipelineDiff(old, new)
    result.pipeline = _changes(_pipeline_fields(old), _pipeline_fields(new))
    old_graph, new_graph = graph_of(old), graph_of(new)
    keys = set(old_graph.nodes) | set(new_graph.nodes)
    for key in sorted(keys, key=lambda k: _node_order(old, new, k)):
        found = _node_diff(old, new, key)
        if found is not None:
            result.nodes.append(found)
    result.edges = _edge_diffs(old, new)
    return result


def _node_order(old: Pipeline, new: Pipeline, key: str) -> tuple[int, str]:
    graph = graph_of(new) if key in graph_of(new) else graph_of(old)
    return (KIND_ORDER.get(str(graph.nodes[key].get("kind")), 2), key)


def _node_diff(old: Pipeline, new: Pipeline, key: str) -> NodeDiff | None:
    in_old, in_new = key in graph_of(old), key in graph_of(new)
    data = (graph_of(new) if in_new else graph_of(old)).nodes[key]
    kind, name = str(data.get("kind", "step")), str(data.get("name", key))
    if not in_old:
        return NodeDiff(key, kind, name, "added")
    if not in_new:
        return NodeDiff(key, kind, name, "removed")
    fields = FIELDS.get(kind)
    if fields is None:
        return None
    changes = _changes(fields(old, name), fields(new, name))
    return NodeDiff(key, kind, name, "changed", tuple(changes)) if changes else None


def _changes(old: dict[str, str], new: dict[str, str]) -> list[FieldChange]:
    names = list(dict.fromkeys([*old, *new]))
    return [FieldChange(n, old.get(n), new.get(n)) for n in names if old.get(n) != new.get(n)]


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _step_fields(pipeline: Pipeline, name: str) -> dict[str, str]:
    step = pipeline.steps.get(name)
    if step is None:
        return {}
    values = step_fields(pipeline, step)
    fields = {key: values[key] for key in ("uses", "command", "environment", "compute") if values[key]}
    if step.code:
        fields["code"] = step.code
    for port_name, port in sorted(step.inputs.items()):
        fields[f"inputs.{port_name}"] = binding_text(port.binding) or _text(port.default)
    for port_name, port in sorted(step.outputs.items()):
        fields[f"outputs.{port_name}"] = " ".join(_text(v) for v in (port.type, port.mode) if v)
    if step.after:
        fields["after"] = ", ".join(sorted(after for after, _ in step.after))
    return fields


def _input_fields(pipeline: Pipeline, name: str) -> dict[str, str]:
    item = pipeline.inputs.get(name)
    if item is None:
        return {}
    values = {"type": item.type, "default": item.default, "data": item.data, "mode": item.mode}
    values["optional"] = "true" if item.optional else None
    return {key: _text(value) for key, value in values.items() if value is not None}


def _output_fields(pipeline: Pipeline, name: str) -> dict[str, str]:
    item = pipeline.outputs.get(name)
    if item is None:
        return {}
    values = {"binding": binding_text(item.binding), "mode": _text(item.mode)}
    return {key: value for key, value in values.items() if value}


def _data_fields(pipeline: Pipeline, name: str) -> dict[str, str]:
    item = pipeline.data.get(name)
    if item is None:
        return {}
    values = {"type": item.type, "path": item.path, "version": item.version}
    return {key: _text(value) for key, value in values.items() if value is not None}


def _pipeline_fields(pipeline: Pipeline) -> dict[str, str]:
    env = pipeline.default_environment
    values = {
        "name": pipeline.name,
        "experiment": pipeline.experiment,
        "default compute": pipeline.default_compute,
        "default environment": env.value if env else None,
        "default datastore": pipeline.default_datastore,
        "continue_on_step_failure": pipeline.continue_on_step_failure,
        "force_rerun": pipeline.force_rerun,
    }
    return {key: _text(value) for key, value in values.items() if value is not None}


FIELDS: dict[str, Callable[[Pipeline, str], dict[str, str]]] = {
    "step": _step_fields,
    "input": _input_fields,
    "output": _output_fields,
    "data": _data_fields,
}


def edge_keys(pipeline: Pipeline) -> dict[EdgeKey, str | None]:
    """Every edge of ``graph_of(pipeline)`` by its identity, with its type."""
    found: dict[EdgeKey, str | None] = {}
    for u, v, data in graph_of(pipeline).edges(data=True):
        key = EdgeKey(
            u, v, str(data.get("kind", "data")), _text(data.get("src_port")), _text(data.get("dst_port"))
        )
        found[key] = data.get("type")
    return found


def _edge_diffs(old: Pipeline, new: Pipeline) -> list[EdgeDiff]:
    before, after = edge_keys(old), edge_keys(new)
    added = [EdgeDiff(key, "added", after[key]) for key in sorted(set(after) - set(before))]
    removed = [EdgeDiff(key, "removed", before[key]) for key in sorted(set(before) - set(after))]
    return sorted(added + removed, key=lambda e: (e.key, e.status))
