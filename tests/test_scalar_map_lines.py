"""The line-by-line fast path of ``source.scalar_map`` (block scalars) maps every character
where the word-by-word alignment does, on generated block scalars."""

from __future__ import annotations

import yaml
from hypothesis import given
from hypothesis import strategies as st

from azpipe.source.loader import load_bytes
from azpipe.source.nodes import Map, Scalar
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
