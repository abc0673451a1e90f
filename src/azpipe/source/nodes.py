"""YAML nodes that keep their position: what the loader builds and the model reads."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from azpipe.diagnostics import Span
from azpipe.source.scalar_map import OffsetMap, offset_map
from azpipe.source.text import SourceText


@dataclass(eq=False)
class Node:
    """A YAML node with its span in the file."""

    span: Span

    @property
    def kind(self) -> str:
        """A word for error messages: ``mapping``, ``list`` or the scalar's type."""
        raise NotImplementedError


@dataclass(eq=False)
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
        return self.source.span(offsets.at(start), offsets.at(max(end - 1, start)) + 1)


_KIND = {str: "string", int: "integer", float: "number", bool: "boolean", type(None): "null"}


@dataclass(eq=False)
class Seq(Node):
    """A sequence node."""

    items: list[Node]

    @property
    def kind(self) -> str:
        """Always ``list``."""
        return "list"


@dataclass(eq=False)
class Entry:
    """One key/value pair of a mapping; ``merged`` when it came from a ``<<`` merge."""

    key: Scalar
    value: Node
    merged: bool = False


@dataclass(eq=False)
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
