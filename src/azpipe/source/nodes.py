"""YAML nodes that keep their position: what the loader builds and the model reads."""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from dataclasses import field
from typing import Any

from azpipe.diagnostics import Span
from azpipe.records import record
from azpipe.source.scalar_map import OffsetMap, offset_map
from azpipe.source.text import SourceText


@record(eq=False)
class Node:
    """A YAML node with its span in the file."""

    span: Span

    @property
    def kind(self) -> str:
        """A word for error messages: ``mapping``, ``list`` or the scalar's type."""
        raise NotImplementedError


@record(eq=False)
class Scalar(Node):
    """A scalar: its constructed value, the text as written and its style.

    ``trap`` describes a YAML 1.1 surprise (``1.10`` read as 1.1) when there is one.
    """

    value: Any
    text: str
    style: str | None
    source: SourceText
    start: int
    end: int
    trap: str | None = None
    _offsets: OffsetMap | None = field(default=None, repr=False)

    @property
    def kind(self) -> str:
        """The constructed value's type in YAML words."""
        return _KIND.get(type(self.value), "scalar")

    def span_of(self, start: int, end: int) -> Span:
        """The file span of ``value[start:end]`` (the scalar's span if unmappable)."""
        if self._offsets is None:
            self._offsets = offset_map(self.source.text, self.start, self.end, self.style, self.text)
        offsets = self._offsets
        if not offsets or not isinstance(self.value, str):
            return self.span
        if offsets.by_line:
            span = self._line_span(offsets, start, end)
            if span is not None:
                return span
        return self.source.span(offsets.at(start), offsets.at(max(end - 1, start)) + 1)

    def _line_span(self, offsets: OffsetMap, start: int, end: int) -> Span | None:
        """The span of ``value[start:end]`` when it lies within one line of a block scalar
        whose lines are its runs (``None`` otherwise): the run's index gives the line."""
        run = bisect.bisect_right(offsets.starts, start) - 1
        if run < 0 or start >= end or end - offsets.starts[run] > offsets.lengths[run]:
            return None
        line = self.span.line + 1 + run  # the body starts on the line after the header
        column = offsets.sources[run] - self.source.line_starts[line - 1] + 1 + start - offsets.starts[run]
        return Span(self.source.path, line, column, line, column + end - start)


_KIND = {str: "string", int: "integer", float: "number", bool: "boolean", type(None): "null"}


@record(eq=False)
class Seq(Node):
    """A sequence node."""

    items: list[Node]

    @property
    def kind(self) -> str:
        """Always ``list``."""
        return "list"


@record(eq=False)
class Entry:
    """One key/value pair of a mapping; ``merged`` when it came from a ``<<`` merge."""

    key: Scalar
    value: Node
    merged: bool = False


@record(eq=False)
class Map(Node):
    """A mapping node whose keys are string scalars, in file order."""

    entries: list[Entry]
    _index: dict[Any, Entry] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._index = {entry.key.value: entry for entry in self.entries}

    @property
    def kind(self) -> str:
        """Always ``mapping``."""
        return "mapping"

    def get(self, key: str) -> Node | None:
        """The value node of ``key``, or ``None``."""
        entry = self._index.get(key)
        return entry.value if entry else None

    def key_node(self, key: str) -> Scalar | None:
        """The key node of ``key``, or ``None``."""
        entry = self._index.get(key)
        return entry.key if entry else None

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def keys(self) -> list[Any]:
        """The keys in file order."""
        return [entry.key.value for entry in self.entries]

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)


def plain(node: Node) -> Any:
    """The plain Python value of a node (mappings become dicts, lists lists)."""
    if isinstance(node, Scalar):
        return node.value
    if isinstance(node, Seq):
        return [plain(item) for item in node.items]
    assert isinstance(node, Map)
    return {entry.key.value: plain(entry.value) for entry in node.entries}
