"""The loader builds spans straight from the parser's marks: they must be the spans
that the file's offsets give (:meth:`SourceText.span`), whatever the line breaks,
scalar styles and characters, on generated documents and on the corpus."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from azpipe.source.loader import load_bytes
from azpipe.source.nodes import Map, Node, Scalar, Seq
from azpipe.source.text import SourceText

# Characters that move columns and lines differently: astral, wide, NEL, LS, PS.
TEXT = st.text(alphabet=st.sampled_from("ab z:-#'\"\\é€😀\u0085\u2028\t"), max_size=12)
SCALAR = st.one_of(
    st.integers(-5, 10**6).map(str),
    TEXT.map(lambda t: '"' + t.replace("\\", "\\\\").replace('"', '\\"') + '"'),
    TEXT.map(lambda t: "'" + t.replace("'", "''") + "'"),
    st.sampled_from(["", "~", "null", "true", "a b", "x: y", "é😀"]),
)


@st.composite
def documents(draw: st.DrawFn) -> str:
    """A YAML document of nested block and flow collections, with blank scalars."""
    lines: list[str] = []

    def block(indent: int, depth: int) -> None:
        for index in range(draw(st.integers(1, 3))):
            pad = " " * indent
            shape = draw(
                st.sampled_from(["scalar", "flow", "map", "seq", "literal"] if depth < 3 else ["scalar"])
            )
            key = f"{pad}k{index}:"
            if shape == "scalar":
                lines.append(f"{key} {draw(SCALAR)}".rstrip() if draw(st.booleans()) else key)
            elif shape == "flow":
                items = ", ".join(draw(st.lists(SCALAR.filter(lambda s: s and ":" not in s), max_size=3)))
                lines.append(f"{key} [{items}]")
            elif shape == "literal":
                lines.append(f"{key} {draw(st.sampled_from(['|', '>-', '|+']))}")
                lines.extend(f"{pad}  line {n} é😀" for n in range(draw(st.integers(0, 2))))
            elif shape == "map":
                lines.append(key)
                block(indent + 2, depth + 1)
            else:
                lines.append(key)
                for _ in range(draw(st.integers(1, 2))):
                    lines.append(f"{pad}  - {draw(SCALAR)}".rstrip())

    block(0, 0)
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return newline.join(lines) + draw(st.sampled_from(["", newline]))


def _pairs(ours: Node, theirs: yaml.Node) -> Iterator[tuple[Node, yaml.Node]]:
    yield ours, theirs
    if isinstance(ours, Map):
        for entry, (key, value) in zip(ours.entries, theirs.value, strict=True):
            yield from _pairs(entry.key, key)
            yield from _pairs(entry.value, value)
    elif isinstance(ours, Seq):
        for item, other in zip(ours.items, theirs.value, strict=True):
            yield from _pairs(item, other)


def assert_spans_agree(text: str) -> None:
    loaded = load_bytes(text.encode("utf-8"), "f.yaml")
    try:
        theirs = yaml.compose(text, Loader=yaml.CSafeLoader)  # the parser azpipe reads with
    except yaml.YAMLError:
        assert loaded.root is None
        return
    if loaded.root is None:  # refused by azpipe (a YAML 1.1 surprise, a tag...): nothing to compare
        return
    source = SourceText("f.yaml", text)
    for node, other in _pairs(loaded.root, theirs):
        start = source.offset(other.start_mark.line + 1, other.start_mark.column + 1)
        end = source.offset(other.end_mark.line + 1, other.end_mark.column + 1)
        assert node.span == source.span(start, max(end, start + 1)), (node, other)
        if isinstance(node, Scalar):
            assert (node.start, node.end) == (start, max(end, start + 1))


@settings(max_examples=300, deadline=None)
@given(documents())
def test_generated_documents(text: str) -> None:
    assert_spans_agree(text)


def _corpus_files() -> list[Path]:
    corpus = os.environ.get("AZPIPE_CORPUS")
    if not corpus:
        return []
    return sorted(Path(corpus).rglob("*.yml"))[:400]


@pytest.mark.skipif(not os.environ.get("AZPIPE_CORPUS"), reason="AZPIPE_CORPUS is not set")
def test_corpus_files() -> None:
    files = _corpus_files()
    assert files
    for path in files:
        assert_spans_agree(path.read_text(encoding="utf-8"))
