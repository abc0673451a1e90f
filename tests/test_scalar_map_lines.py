"""The line-by-line fast path of ``source.scalar_map`` (block scalars) maps every character
where the word-by-word alignment does, on generated block scalars."""

from __future__ import annotations

import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from azpipe.source.loader import load_bytes
from azpipe.source.nodes import Map, Scalar, Seq
from azpipe.source.scalar_map import _align_lines, _align_words, offset_map

_WORD = st.text(alphabet="abcxyz019_-.${}=/", min_size=1, max_size=8)
_LINE = st.lists(_WORD, min_size=1, max_size=5).map(" ".join)


@given(
    lines=st.lists(_LINE, min_size=1, max_size=6),
    style=st.sampled_from([">", "|"]),
    chomp=st.sampled_from(["", "-", "+"]),
    indent=st.integers(min_value=1, max_value=6),
    blank=st.booleans(),
)
def test_lines_and_words_agree(lines: list[str], style: str, chomp: str, indent: int, blank: bool) -> None:
    body = "".join(" " * indent + line + "\n" for line in lines)
    if blank and len(lines) > 1:  # a blank line inside: the fast path steps aside
        body = body.replace("\n", "\n\n", 1)
    text = f"k: {style}{chomp}\n{body}after: 1\n"
    try:
        value = yaml.safe_load(text)["k"]
    except yaml.YAMLError:
        return
    root = load_bytes(text.encode(), "x.yaml").root
    assert isinstance(root, Map)
    node = root.get("k")
    assert isinstance(node, Scalar) and node.value == value
    start = text.index("\n") + 1
    end = text.index("after:")
    fast = _align_lines(text, start, end, value)
    words = _align_words(text, start, end, value)
    mapped = offset_map(text, text.index(style), end, style, value)
    for index, char in enumerate(value):
        if char in " \n":
            continue
        assert text[mapped.at(index)] == char
        if fast:
            assert fast.at(index) == words.at(index)


@settings(max_examples=400)
@given(
    lines=st.lists(_LINE, min_size=1, max_size=6),
    style=st.sampled_from([">", "|"]),
    chomp=st.sampled_from(["", "-", "+"]),
    indent=st.integers(min_value=1, max_value=6),
    prefix=st.sampled_from(["k: ", "a:\n  k: ", "- k: ", "k: # note\n  "]),
    breaks=st.sampled_from(["\n", "\r\n", "\u2028"]),
    bounds=st.tuples(st.integers(0, 60), st.integers(0, 60)),
)
# A value keeps a final LS break: the run of that line must not take it in (found by Hypothesis in CI).
@example(lines=["0"], style=">", chomp="", indent=1, prefix="k: ", breaks="\u2028", bounds=(0, 2))
def test_the_span_of_a_part_is_the_same_found_by_line(
    lines: list[str], style: str, chomp: str, indent: int, prefix: str, breaks: str, bounds: tuple[int, int]
) -> None:
    """``span_of`` takes the line from the run when a block scalar's runs are its lines;
    the span is the one the file's offsets give."""
    if prefix.startswith("k: #"):
        prefix = "k: "
    head_indent = "  " if prefix.startswith(("a:", "- ")) else ""
    body = "".join(head_indent + " " * indent + line + "\n" for line in lines)
    text = (f"{prefix}{style}{chomp}\n{body}").replace("\n", breaks)
    root = load_bytes(text.encode(), "x.yaml").root
    node = _find_k(root)
    if node is None or not isinstance(node.value, str) or not node.value:
        return
    start, end = sorted(min(b, len(node.value)) for b in bounds)
    fast = node.span_of(start, end)
    assert node._offsets is not None
    node._offsets.by_line = False
    assert fast == node.span_of(start, end)


def _find_k(node: object) -> Scalar | None:
    if isinstance(node, Map):
        for entry in node.entries:
            if entry.key.value == "k" and isinstance(entry.value, Scalar):
                return entry.value
            found = _find_k(entry.value)
            if found is not None:
                return found
    if isinstance(node, Seq):
        for item in node.items:
            found = _find_k(item)
            if found is not None:
                return found
    return None
