"""Renderings of a :class:`~azpipe.diffing.PipelineDiff`: text, Mermaid and Markdown.

The Mermaid drawing is the union of both graphs: added nodes and edges green,
removed ones red and dashed, changed steps amber, each title prefixed with
``+``, ``-`` or ``~`` so the change reads without colour too.
"""

from __future__ import annotations

import re
from dataclasses import replace

from azpipe.diffing import NOUNS, EdgeDiff, EdgeKey, FieldChange, NodeDiff, PipelineDiff
from azpipe.render import mermaid
from azpipe.render.labels import clean, shorten
from azpipe.render.view import Edge, Node, Options, View, build_view

SIGNS = {"added": "+", "removed": "-", "changed": "~"}
COLORS = {"added": "\033[32m", "removed": "\033[31m", "changed": "\033[33m"}
RESET = "\033[0m"
INLINE = 40  # longer values are shown on two lines


def text(diff: PipelineDiff, old_label: str, new_label: str, color: bool = False) -> str:
    """A line-oriented summary of ``diff`` (``+`` added, ``-`` removed, ``~`` changed)."""
    lines = [f"--- {clean(old_label)}", f"+++ {clean(new_label)}"]
    if diff.pipeline:
        lines.append(_paint("~ pipeline", "changed", color))
        lines += _field_lines(diff.pipeline)
    for node in diff.nodes:
        lines.append(_paint(f"{SIGNS[node.status]} {NOUNS.get(node.kind, node.kind)} {clean(node.name)}",
                            node.status, color))  # fmt: skip
        lines += _field_lines(node.changes)
    for edge in diff.edges:
        lines.append(_paint(f"{SIGNS[edge.status]} edge {edge_text(edge)}", edge.status, color))
    return "\n".join([*lines, "", diff.summary()]) + "\n"


def _paint(line: str, status: str, color: bool) -> str:
    return f"{COLORS[status]}{line}{RESET}" if color else line


def _field_lines(changes: tuple[FieldChange, ...] | list[FieldChange]) -> list[str]:
    lines = []
    for change in changes:
        old, new = clean(change.old or "(none)"), clean(change.new or "(none)")
        if len(old) <= INLINE and len(new) <= INLINE:
            lines.append(f"    {clean(change.name)}: {old} -> {new}")
        else:
            lines += [f"    {clean(change.name)}:", f"      - {old}", f"      + {new}"]
    return lines


def _end(key: str, port: str) -> str:
    """``step.port`` for a step's port, the node id itself for inputs, outputs and data."""
    if "." in key or not port:
        return clean(key)
    return f"{clean(key)}.{clean(port)}"


def edge_text(edge: EdgeDiff) -> str:
    """``prep.train_data -> train.train_data (uri_folder)``, or ``a -> b (after)``."""
    key = edge.key
    if key.kind == "after":
        return f"{clean(key.source)} -> {clean(key.target)} (after)"
    arrow = f"{_end(key.source, key.src_port)} -> {_end(key.target, key.dst_port)}"
    return f"{arrow} ({clean(edge.type)})" if edge.type else arrow


def union_view(diff: PipelineDiff, direction: str = "TB") -> View:
    """Both graphs in one :class:`View`, nodes and edges classed ``added``/``removed``/``changed``."""
    options = Options(direction=direction)
    new_view, old_view = build_view(diff.new, options), build_view(diff.old, options)
    status = {node.key: node for node in diff.nodes}
    nodes = [_marked(node, status.get(node.key)) for node in new_view.nodes]
    removed = [node for node in old_view.nodes if node.key in status and status[node.key].status == "removed"]
    nodes += [_marked(node, status[node.key]) for node in removed]
    ids = {node.key: f"n{index}" for index, node in enumerate(nodes)}
    changed_edges = {edge.key: edge.status for edge in diff.edges}
    new_keys, old_keys = _keys(new_view), _keys(old_view)
    edges = [_edge(edge, new_keys, ids, changed_edges) for edge in new_view.edges]
    edges += [
        _edge(edge, old_keys, ids, changed_edges)
        for edge in old_view.edges
        if changed_edges.get(_edge_key(edge, old_keys)) == "removed"
    ]
    view = View(new_view.name, options)
    view.nodes = [replace(node, id=ids[node.key]) for node in nodes]
    view.edges = edges
    return view


def _marked(node: Node, found: NodeDiff | None) -> Node:
    if found is None:
        return node
    lines = node.lines
    if found.changes:
        names = ", ".join(change.name for change in found.changes)
        lines = (*lines, shorten(f"changed: {clean(names)}"))
    title = f"{SIGNS[found.status]} {node.title}"
    return replace(node, title=title, lines=lines, classes=(found.status,))


def _keys(view: View) -> dict[str, str]:
    """Graph node id by drawing id (built once per view, not once per edge)."""
    return {node.id: node.key for node in view.nodes}


def _edge_key(edge: Edge, keys: dict[str, str]) -> EdgeKey:
    return EdgeKey(keys[edge.source], keys[edge.target], edge.kind, edge.src_port or "", edge.dst_port or "")


def _edge(edge: Edge, keys: dict[str, str], ids: dict[str, str], changed: dict[EdgeKey, str]) -> Edge:
    key = _edge_key(edge, keys)
    status = changed.get(key)
    classes = (status,) if status else ()
    return replace(edge, source=ids[key.source], target=ids[key.target], classes=classes)


def mermaid_text(diff: PipelineDiff, direction: str = "TB") -> str:
    """The union graph as a Mermaid flowchart with the changes coloured."""
    return mermaid.render(union_view(diff, direction))


def markdown(diff: PipelineDiff, old_label: str, new_label: str, direction: str = "TB") -> str:
    """A pull-request comment: the summary, the Mermaid drawing and the text diff."""
    body = text(diff, old_label, new_label)
    drawing = mermaid_text(diff, direction)
    fence = _fence(body + drawing)
    summary = diff.summary() or "no differences"
    return "\n".join([
        f"**Pipeline changes** ({_inline_code(old_label)} → {_inline_code(new_label)}): {summary}",
        "", f"{fence}mermaid", drawing.rstrip("\n"), fence, "",
        "<details><summary>Details</summary>", "", f"{fence}diff", body.rstrip("\n"), fence, "", "</details>",
    ]) + "\n"  # fmt: skip


def _fence(content: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", content)), default=0)
    return "`" * max(3, longest + 1)


def _inline_code(value: str) -> str:
    text_ = clean(value).replace("`", "'")
    return f"`{text_}`"
