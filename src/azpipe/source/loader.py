"""Safe YAML loading with positions, limits and duplicate-key detection.

PyYAML's event parser (libyaml's C parser when present) feeds a small,
non-recursive composer of our own, so that:

- every key and value keeps its 1-based span;
- nesting deeper than ``MAX_DEPTH`` stops at once with a position (the recursive
  composers raise ``RecursionError`` or, in old C loaders, crash);
- aliases are allowed but the document's *expanded* node count is bounded
  (``MAX_EXPANDED`` nodes added by aliases), so a billion-laughs file is refused in milliseconds;
  a recursive alias is an error;
- duplicate keys are errors, while a key written next to a ``<<`` merge overrides
  the merged one, as YAML intends;
- merges mean what PyYAML (and so azure-ai-ml) makes of them, or are refused: a
  second ``<<`` in one mapping is a duplicate key (Y002), and a merge PyYAML
  versions read differently is Y012 (see :meth:`_Composer._merged`);
- only standard tags are accepted: nothing can construct a Python object.
"""

from __future__ import annotations

import re
from dataclasses import field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from azpipe.diagnostics import Diagnostic, Span
from azpipe.records import record
from azpipe.rules import rule
from azpipe.source.files import read_regular
from azpipe.source.nodes import Entry, Map, Node, Scalar, Seq
from azpipe.source.numbers import number_problems
from azpipe.source.printable import NON_PRINTABLE
from azpipe.source.text import SourceText
from azpipe.source.yaml_hints import syntax_hint

# A 10,000-step pipeline is about 2.5 MiB; far larger files are not pipelines, and
# PyYAML-style loading grows memory many times over the file size.
MAX_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 64
MAX_EXPANDED = 200_000

# libyaml's event parser when PyYAML was built with it (CBaseLoader is CParser plus
# inert constructors we never call), else the pure-Python one.
_Parser: Any = getattr(yaml, "CBaseLoader", None) or yaml.BaseLoader
_RESOLVER = Resolver()
_CONSTRUCTOR = SafeConstructor()
_STD = "tag:yaml.org,2002:"
_MERGE, _VALUE = _STD + "merge", _STD + "value"
_SCALAR_TAGS = {_STD + t for t in ("str", "int", "float", "bool", "null", "timestamp")} | {_MERGE, _VALUE}
_AS_WRITTEN = frozenset({_STD + "str", _STD + "timestamp", _MERGE, _VALUE})  # values kept as text
_TRUE_WORDS = {"true", "True", "TRUE", "false", "False", "FALSE"}
# `1.10`, `3.10`: a trailing zero after other decimals, which a number would not need and a
# version does; `2.0`, `0.50` and `1.00` are plain numbers (a leading `0.` is a fraction).
_VERSION_LIKE = re.compile(r"[+-]?[1-9][0-9]*\.[0-9]*[1-9][0-9]*0")
_KEEPS_LAST = "PyYAML would silently keep only the last one; remove or rename one"


class LoadError(Exception):
    """Loading stopped; ``diagnostic`` says where and why."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


@record
class Loaded:
    """The result of loading one file: its text, its root node, and diagnostics."""

    source: SourceText
    root: Node | None
    diagnostics: list[Diagnostic] = field(default_factory=list)


def load_file(path: str, display: str | None = None) -> Loaded:
    """Read and load ``path``; ``display`` is the name used in diagnostics."""
    name = display or path
    try:
        data = read_regular(path, MAX_BYTES + 1)  # never blocks on a FIFO or a device
    except OSError as error:
        empty = SourceText(name, "")
        diagnostic = rule("Y010").at(Span.point(name), f"cannot read file: {error.strerror}")
        return Loaded(empty, None, [diagnostic])
    return load_bytes(data, name)


def load_bytes(data: bytes, name: str) -> Loaded:
    """Load YAML bytes; never raises on bad input."""
    if len(data) > MAX_BYTES:
        message = f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB; refusing to parse it"
        return Loaded(SourceText(name, ""), None, [rule("Y005").at(Span.point(name), message)])
    try:
        source = SourceText(name, _decode(data, name))
        root = _Composer(source).compose()
        return Loaded(source, root, number_problems(root))
    except LoadError as error:
        utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff"))  # shown as its author sees it
        text = data.decode("utf-16" if utf16 else "utf-8", errors="replace")
        return Loaded(SourceText(name, text), None, [error.diagnostic])


def _decode(data: bytes, name: str) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise LoadError(rule("Y008").at(Span.point(name), "file is UTF-16; save it as UTF-8"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        before = data[: error.start].decode("utf-8-sig", errors="replace")
        line, column = SourceText(name, before).position(len(before))  # YAML's line breaks
        message = f"invalid UTF-8 byte 0x{data[error.start]:02x}"
        raise LoadError(rule("Y008").at(Span.point(name, line, column), message)) from None
    bad = NON_PRINTABLE.search(text)
    if bad:
        source = SourceText(name, text)
        message = f"non-printable character U+{ord(bad.group()):04X} in the file"
        span = source.span(bad.start(), bad.start() + 1)
        raise LoadError(rule("Y008").at(span, message, "remove it; YAML files must be text"))
    return text


@record(eq=False)
class _Open:
    """A collection being composed: its start event, children and expanded size."""

    event: Any
    items: list[Node] = field(default_factory=list)
    size: int = 1
    anchor: str | None = None


class _Composer:
    """Builds position-carrying nodes from parser events, without recursion."""

    def __init__(self, source: SourceText) -> None:
        self.source = source
        self.path, self.line_starts = source.path, source.line_starts
        self.anchors: dict[str, Node | None] = {}
        self.sizes: dict[int, int] = {}
        self.expanded = 0  # nodes added by aliases so far
        # Both keep their node alive: a dropped `<<` key's id would otherwise be reused.
        self.key_only: dict[int, tuple[Scalar, str]] = {}  # a `<<` or `=` scalar → its tag
        # a mapping → the one-character keys it sets and also merges (see _merged)
        self.overridden: dict[int, tuple[Map, dict[Any, Scalar]]] = {}
        self.plain_seen: dict[str, tuple[str, Any, str | None]] = {}  # see _plain

    def span(self, event: Any) -> Span:
        start = self.source.offset(event.start_mark.line + 1, event.start_mark.column + 1)
        end = self.source.offset(event.end_mark.line + 1, event.end_mark.column + 1)
        return self.source.span(start, end)

    def fail(self, code: str, event: Any, message: str, hint: str | None = None) -> LoadError:
        return LoadError(rule(code).at(self.span(event), message, hint))

    def compose(self) -> Node | None:
        try:
            return self._compose(_Parser(self.source.text))
        except yaml.MarkedYAMLError as error:
            raise LoadError(self._syntax(error)) from None
        except yaml.YAMLError as error:  # ReaderError and friends have no mark
            raise LoadError(rule("Y001").at(Span.point(self.source.path), str(error))) from None

    def _syntax(self, error: yaml.MarkedYAMLError) -> Diagnostic:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        line = min(line, len(self.source.line_starts))
        message = " ".join(filter(None, (error.context, error.problem))) or "invalid YAML"
        if "maximum nesting depth" in message:  # libyaml's own limit, met while scanning ahead
            span = Span.point(self.source.path, line, column)
            return rule("Y006").at(span, f"collections nest deeper than {MAX_DEPTH} levels")
        hint, span = syntax_hint(self.source, message, line, column)
        return rule("Y001").at(span, message, hint)

    def _compose(self, parser: Any) -> Node | None:
        stack: list[_Open] = []
        root: Node | None = None
        documents = 0
        get_event, scalar_event = parser.get_event, yaml.ScalarEvent
        while True:
            event = get_event()
            node: Node
            if type(event) is scalar_event:  # most events: tested first, by exact type
                node = self._scalar(event)
                if event.anchor:
                    self.anchors[event.anchor] = node
                    self.sizes[id(node)] = 1
                if stack:  # _attach, inlined for the most frequent node
                    parent = stack[-1]
                    parent.items.append(node)
                    parent.size += 1
                else:
                    root = node
                continue
            if isinstance(event, yaml.StreamEndEvent):
                break
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise self.fail(
                        "Y009",
                        event,
                        "a second YAML document (`---`) in the file",
                        "keep one pipeline per file",
                    )
            elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                self._check_tag(event, "map" if isinstance(event, yaml.MappingStartEvent) else "seq")
                stack.append(_Open(event, anchor=event.anchor))
                if event.anchor:
                    self.anchors[event.anchor] = None  # open: an alias to it is recursive
                if len(stack) > MAX_DEPTH:
                    raise self.fail("Y006", event, f"collections nest deeper than {MAX_DEPTH} levels")
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                node, size = self._close(stack.pop(), event)
                root = self._attach(stack, node, size, event) or root
            elif isinstance(event, yaml.AliasEvent):
                node = self._alias(event)
                self._expand(self.sizes[id(node)], event)
                root = self._attach(stack, node, self.sizes[id(node)], event) or root
        if root is None:
            empty = Span.point(self.source.path)
            raise LoadError(rule("Y010").at(empty, "the file holds no YAML document"))
        return root

    def _expand(self, size: int, event: Any) -> None:
        """Count the nodes an alias repeats; a file written out plainly is never refused here."""
        self.expanded += size
        if self.expanded > MAX_EXPANDED:
            raise self.fail(
                "Y003",
                event,
                f"aliases expand the document by more than {MAX_EXPANDED:,} nodes",
                "this looks like a 'billion laughs' file; remove the aliases",
            )

    def _attach(self, stack: list[_Open], node: Node, size: int, event: Any) -> Node | None:
        if not stack:
            return node
        parent = stack[-1]
        parent.items.append(node)
        parent.size += size
        return None

    def _alias(self, event: Any) -> Node:
        if event.anchor not in self.anchors:
            raise self.fail("Y001", event, f"alias *{event.anchor} names no anchor")
        node = self.anchors[event.anchor]
        if node is None:
            raise self.fail(
                "Y004", event, f"recursive alias *{event.anchor}: it refers to a node that contains it"
            )
        return node

    def _check_tag(self, event: Any, kind: str) -> None:
        tag = event.tag
        if tag in (None, "!", _STD + kind):
            return
        raise self.fail(
            "Y007", event, f"unsupported YAML tag {tag!r}", "azpipe reads plain YAML only; remove the tag"
        )

    def _scalar(self, event: Any) -> Scalar:
        style = event.style or None  # libyaml says "" for plain scalars, PyYAML None
        start, end, span = self._extent(event.start_mark, event.end_mark)
        if style is None and event.tag is None:  # most scalars: keys and plain values
            tag, value, trap = self._plain(event)
            scalar = Scalar(span, value, event.value, None, self.source, start, end, trap)
        else:
            tag = self._tag(event)
            value = self._construct(tag, event)
            scalar = Scalar(span, value, event.value, style, self.source, start, end)
            if style is None:
                scalar.trap = yaml11_trap(event.value, value)
        if tag in (_MERGE, _VALUE):
            self.key_only[id(scalar)] = (scalar, tag)
        if tag == _MERGE:
            scalar.value = "<<"
        return scalar

    def _plain(self, event: Any) -> tuple[str, Any, str | None]:
        """The tag, value and YAML 1.1 trap of an untagged plain scalar: they depend on its text
        alone, and a pipeline repeats the same keys and words on every step, so each text is
        resolved and constructed once (the values kept are immutable: text, numbers, booleans,
        null; timestamps stay text)."""
        found = self.plain_seen.get(event.value)
        if found is None:
            tag = self._tag(event)
            value = self._construct(tag, event)
            found = self.plain_seen[event.value] = (tag, value, yaml11_trap(event.value, value))
        return found

    def _tag(self, event: Any) -> str:
        """The scalar's tag, resolved as PyYAML's composer resolves it; only standard tags."""
        tag = event.tag
        if tag in (None, "!"):
            tag = _RESOLVER.resolve(yaml.ScalarNode, event.value, event.implicit)  # type: ignore[no-untyped-call]
        if tag not in _SCALAR_TAGS:
            raise self.fail(
                "Y007",
                event,
                f"unsupported YAML tag {event.tag!r}",
                "azpipe reads plain YAML only; remove the tag",
            )
        return str(tag)

    def _construct(self, tag: str, event: Any) -> Any:
        if tag in _AS_WRITTEN:
            return event.value
        try:
            return _CONSTRUCTOR.construct_object(yaml.ScalarNode(tag, event.value))
        except (yaml.YAMLError, ValueError) as error:
            raise self.fail("Y001", event, f"cannot read {event.value!r}: {error}") from None

    def _extent(self, mark: Any, stop: Any) -> tuple[int, int, Span]:
        """The offsets and span between two parser marks; never empty.

        The marks already hold lines and columns (counted as :mod:`~azpipe.source.text`
        counts them), so the span is built from them, not looked up again; only an
        empty node (a null written as nothing) and a document's end past its last line
        break (which :meth:`SourceText.offset` clamps) are computed.
        """
        starts = self.line_starts
        if stop.line < len(starts):  # the start mark is never after the end mark
            start = starts[mark.line] + mark.column
            end = starts[stop.line] + stop.column
            if end > start:
                return (
                    start,
                    end,
                    Span(self.path, mark.line + 1, mark.column + 1, stop.line + 1, stop.column + 1),
                )
        start = self.source.offset(mark.line + 1, mark.column + 1)
        end = max(self.source.offset(stop.line + 1, stop.column + 1), start + 1)
        return start, end, self.source.span(start, end)

    def _close(self, open_: _Open, end: Any) -> tuple[Node, int]:
        span = self._extent(open_.event.start_mark, end.end_mark)[2]
        node: Node
        if isinstance(open_.event, yaml.SequenceStartEvent):
            for item in open_.items:
                self._not_a_key(item)
            node = Seq(span, open_.items)
        else:
            entries, overridden = self._entries(open_.items)
            node = Map(span, entries)
            if overridden:
                self.overridden[id(node)] = (node, overridden)
        if open_.anchor:
            self.anchors[open_.anchor] = node
        self.sizes[id(node)] = open_.size
        return node, open_.size

    def _entries(self, items: list[Node]) -> tuple[list[Entry], dict[Any, Scalar]]:
        """A mapping's entries, merged ones after those written; and its overridden short keys."""
        if not self.key_only:  # no `<<` or `=` anywhere so far: no merge to look for
            return self._plain_entries(items), {}
        explicit: dict[Any, Scalar] = {}
        entries: list[Entry] = []
        merge: tuple[Scalar, Node] | None = None
        for key, value in zip(items[::2], items[1::2], strict=True):
            if not isinstance(key, Scalar) or isinstance(key.value, (list, dict)):
                raise LoadError(
                    rule("S102").at(key.span, "a mapping key must be a plain value, not a collection")
                )
            self._not_a_key(value)
            if self._key_tag(key) == _MERGE:
                if merge is not None:
                    raise self._duplicate(
                        key, merge[0], "merge several mappings with one key: `<<: [*a, *b]`"
                    )
                merge = (key, value)
                continue
            if key.value in explicit:
                raise self._duplicate(key, explicit[key.value], _KEEPS_LAST)
            explicit[key.value] = key
            entries.append(Entry(key, value))
        if merge is None:
            return entries, {}
        merged, overridden = self._merged(merge[0], merge[1], explicit)
        return entries + merged, overridden

    def _plain_entries(self, items: list[Node]) -> list[Entry]:
        """:meth:`_entries` for a mapping in a document with no merge or value key yet."""
        index: dict[Any, Entry] = {}
        for key, value in zip(items[::2], items[1::2], strict=True):
            if type(key) is not Scalar or isinstance(key.value, (list, dict)):
                raise LoadError(
                    rule("S102").at(key.span, "a mapping key must be a plain value, not a collection")
                )
            entry = Entry(key, value)
            first = index.setdefault(key.value, entry)
            if first is not entry:
                raise self._duplicate(key, first.key, _KEEPS_LAST)
        return list(index.values())

    def _duplicate(self, key: Scalar, first: Scalar, hint: str) -> LoadError:
        message = f"duplicate key {key.text!r} (first defined on line {first.span.line})"
        return LoadError(rule("Y002").at(key.span, message, hint))

    def _key_tag(self, node: Node) -> str | None:
        """The tag of a ``<<`` (merge) or ``=`` (value) scalar, which only keys may be."""
        found = self.key_only.get(id(node))
        return found[1] if found else None

    def _not_a_key(self, node: Node) -> None:
        """``<<`` and ``=`` are keys only: PyYAML cannot construct them as values."""
        tag = self._key_tag(node)
        if isinstance(node, Scalar) and tag is not None:
            what = "a merge key" if tag == _MERGE else "YAML 1.1's value key"
            raise LoadError(
                rule("Y001").at(
                    node.span,
                    f"`{node.text}` is {what}; PyYAML (and so Azure ML) cannot read it as a value",
                    f'quote it to keep the text: "{node.text}"',
                )
            )

    def _merged(
        self, merge: Scalar, node: Node, explicit: dict[Any, Scalar]
    ) -> tuple[list[Entry], dict[Any, Scalar]]:
        """The entries a ``<<`` adds, and the one-character keys ``explicit`` overrides.

        The YAML spec (and PyYAML up to 6.0.3) lets the first merged mapping win;
        PyYAML 6.0.4 lets the last win, except for one-character keys, which it
        de-duplicates by string identity (CPython shares those strings), so they keep
        the first occurrence even where a mapping overrode it (yaml/pyyaml#953). Only
        merges every version reads alike are accepted: a key that two merged
        mappings set, or an overridden one-character key, is Y012 unless this
        mapping sets it itself.
        """
        sources = node.items if isinstance(node, Seq) else [node]
        found: dict[Any, Entry] = {}
        for source in sources:
            if not isinstance(source, Map):
                raise LoadError(
                    rule("S102").at(source.span, "a `<<` merge takes a mapping or a list of mappings")
                )
            for entry in source.entries:
                if entry.key.value in explicit:
                    continue
                first = found.setdefault(entry.key.value, entry)
                if first.key is not entry.key:
                    raise self._ambiguous(merge, entry.key, first.key)
            self._check_overridden(merge, source, explicit)
        overridden = {
            key: scalar
            for key, scalar in explicit.items()
            if _shared(scalar.text) and self._merges(sources, key)
        }
        return [Entry(entry.key, entry.value, merged=True) for entry in found.values()], overridden

    def _merges(self, sources: list[Node], key: Any) -> bool:
        return any(isinstance(source, Map) and key in source for source in sources)

    def _check_overridden(self, merge: Scalar, source: Map, explicit: dict[Any, Scalar]) -> None:
        for key, scalar in self.overridden.get(id(source), (source, {}))[1].items():
            if key not in explicit:
                raise LoadError(
                    rule("Y012").at(
                        merge.span,
                        f"`{scalar.text}` merged here is overridden on line {scalar.span.line}, but PyYAML "
                        "6.0.4 reads the value it overrode (one-character keys, yaml/pyyaml#953)",
                        f"set `{scalar.text}` in this mapping too, or give the key a longer name",
                    )
                )

    def _ambiguous(self, merge: Scalar, key: Scalar, first: Scalar) -> LoadError:
        return LoadError(
            rule("Y012").at(
                merge.span,
                f"`{key.text}` is merged from two mappings ({_places(first.span, key.span)}): "
                "the YAML spec keeps the first, PyYAML 6.0.4 the last",
                f"set `{key.text}` in this mapping, or remove it from one of the merged mappings",
            )
        )


def _places(first: Span, second: Span) -> str:
    if first.line == second.line:
        return f"line {first.line}, columns {first.column} and {second.column}"
    return f"lines {first.line} and {second.line}"


def _shared(text: str) -> bool:
    """CPython gives every empty or one-character Latin-1 string a single shared object."""
    return len(text) == 0 or (len(text) == 1 and ord(text) < 256)


def yaml11_trap(text: str, value: Any) -> str | None:
    """Describe how YAML 1.1 reads plain ``text`` differently than written, if it does."""
    if isinstance(value, bool) and text not in _TRUE_WORDS:
        return f"`{text}` is read as the boolean {str(value).lower()}"
    if isinstance(value, int) and not isinstance(value, bool):
        body = text.lstrip("+-")
        if ":" in body or "_" in body or (len(body) > 1 and body[0] == "0" and body[1] not in "xXoObB"):
            return f"`{text}` is read as the integer {value}"
        if body[:2] in ("0b", "0B"):
            return f"`{text}` is read as the integer {value}"
    if isinstance(value, float) and (_VERSION_LIKE.fullmatch(text) or re.search(r"[:_]", text)):
        return f"`{text}` is read as the number {value!r}"
    return None
