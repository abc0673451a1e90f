"""The fast path of the template parser equals lark's full parse (issue 12, speed).

``parse_template`` reads well-formed strings with regular expressions and sends
anything else to lark. For every generated string, well-formed or not, it must
give exactly what lark alone gives: the same parts with the same offsets, or the
same error (message, offsets, hint); and the fast path must decide every string
lark accepts, so that lark is only ever needed for errors. Bounded examples in
the normal run; ``AZPIPE_LONG=1`` runs the long profile (tests/conftest.py).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark
from lark import Lark

from azpipe.expr.ast import Template
from azpipe.expr.lark_parser import parse_with_lark
from azpipe.expr.parser import TemplateError, fast_parts, grammar_path, parse_template

LONG = os.environ.get("AZPIPE_LONG") == "1"
EXAMPLES = 20_000 if LONG else 400

# Pieces a command is made of, with the near misses a person types.
EXPRESSIONS = [
    "inputs.x", "outputs.model-dir", "parent.inputs.lr", "parent.outputs.z", "data.my_images",
    "prep.outputs.train", "prep.train", "parent.jobs.prep.outputs.train", "prep.data",
    "inputs.outputs.x", "inputs.x.y", "prep.outputs", "parent.jobs.prep", "data.", "parent.x",
    "outputs.outputs", "prep.outputs.", "9step.x", "_a.b", "x", "", " ", "inputs .x", "ïnputs.x",
    "parent.inputs.lr }} ${{ x", "a-b.c-d", "prep.outputsx", "prep.outputs-x.y", "data.x.y",
]  # fmt: skip
PIECES = [
    "${{", "}}", "$[[", "]]", "$", "{", "}", "[", "]", "{{", "[[", "$$", "\n", "\t", " ", "\r\n",
    "--lr ", "python train.py", "'", '"', "`", "\\", "é", "→", "🙂", "\u00a0", "\x00", "a]", "]]]",
]  # fmt: skip


@st.composite
def command_strings(draw: st.DrawFn) -> str:
    """A command line: text, placeholders (spaced or not, valid or near misses),
    segments, and stray or unclosed brackets, quotes and unicode between them."""
    out: list[str] = []
    for _ in range(draw(st.integers(0, 12))):
        choice = draw(st.integers(0, 4))
        if choice == 0:
            out.append(draw(st.sampled_from(PIECES)))
        elif choice == 1:
            out.append(draw(st.text(max_size=6)))
        else:
            space = draw(st.sampled_from(["", " ", "  ", "\t", "\n"]))
            body = draw(st.sampled_from(EXPRESSIONS))
            close = draw(st.sampled_from(["}}", "}}", "}}", "}", "", " }}", "]]"]))
            placeholder = f"${{{{{space}{body}{space}{close}"
            out.append(f"$[[ {placeholder} ]]" if choice == 4 else placeholder)
    return "".join(out)


def outcome(parse: object, text: str) -> Template | tuple[str, int, int, str | None]:
    """The parse of ``text``, or its error as (message, start, end, hint)."""
    assert callable(parse)
    try:
        result = parse(text)
    except TemplateError as error:
        return (error.message, error.start, error.end, error.hint)
    assert isinstance(result, Template)
    return result


def assert_same(text: str) -> None:
    """The fast path and lark agree on ``text``, and lark is needed only for errors."""
    full = outcome(parse_with_lark, text)
    assert outcome(parse_template, text) == full
    fast = fast_parts(text) if "$" in text else None
    if isinstance(full, Template) and "$" in text:
        assert fast == full.parts, "the fast path must decide every well-formed string"
    else:
        assert fast is None


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(command_strings())
@example("python t.py ${{inputs.x")  # unclosed
@example("$[[ a $[[ b ]] ]]")  # nested segment
@example("$[[ $[[inputs.x}} ]]")  # a nested opening is not a placeholder
@example("a }} b ]] c ${{inputs.x}} }}")  # stray closings are text
@example("${{ inputs.outputs.x }}")  # lark's lexer does not backtrack into STEP.outputs.NAME
@example("$[[--lr ${{inputs.lr}}]]]")
@example("$[[]]")
@example("'${{inputs.x}}' \"$[[ ${{parent.inputs.é}} ]]\"")
@example("${{prep.outputs}}")
def test_fast_path_equals_lark(text: str) -> None:
    assert_same(text)


_LARK = Lark(grammar_path().read_text(encoding="utf-8"), parser="lalr", lexer="contextual")


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(from_lark(_LARK), st.lists(st.tuples(st.integers(0, 200), st.sampled_from(PIECES)), max_size=3))
def test_grammar_strings_and_their_mutants(text: str, edits: list[tuple[int, str]]) -> None:
    # Strings of the grammar itself (from_lark may also join tokens into strings it
    # rejects), then the same with stray pieces inserted.
    assert_same(text)
    for at, piece in edits:
        text = text[:at] + piece + text[at:]
        assert_same(text)


@pytest.mark.parametrize(
    "text",
    [
        "python train.py --data ${{inputs.data}} --lr ${{parent.inputs.lr}} $[[--seed ${{inputs.seed}}]]",
        "echo ${{ prep.outputs.model }} ${{prep.model}} ${{parent.jobs.prep.outputs.model}} ${{data.raw}}",
        "no placeholders at all: {{ }} [[ ]] $x ${y} $",
    ],
)
def test_well_formed_commands_never_reach_lark(text: str) -> None:
    assert fast_parts(text) == parse_with_lark(text).parts
