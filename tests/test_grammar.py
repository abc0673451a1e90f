"""The template grammar: every expression form, errors with offsets, and properties."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.lark import from_lark
from lark import Lark
from lark.exceptions import LarkError

import azpipe
from azpipe.expr.ast import Form, Placeholder, RefKind, Segment, Template, Text
from azpipe.expr.parser import TemplateError, grammar_path, parse_template
from azpipe.source.loader import load_bytes


@pytest.mark.parametrize(
    ("text", "kind", "step", "name", "form"),
    [
        ("inputs.x", RefKind.INPUT, None, "x", Form.PLAIN),
        ("outputs.y", RefKind.OUTPUT, None, "y", Form.PLAIN),
        ("parent.inputs.lr", RefKind.PARENT_INPUT, None, "lr", Form.PLAIN),
        ("parent.outputs.z", RefKind.PARENT_OUTPUT, None, "z", Form.PLAIN),
        ("prep.outputs.train", RefKind.STEP_OUTPUT, "prep", "train", Form.PLAIN),
        ("prep.train", RefKind.STEP_OUTPUT, "prep", "train", Form.SHORT),
        ("parent.jobs.prep.outputs.train", RefKind.STEP_OUTPUT, "prep", "train", Form.LONG),
        ("data.my-images", RefKind.DATA, None, "my-images", Form.PLAIN),
        ("prep.data", RefKind.STEP_OUTPUT, "prep", "data", Form.SHORT),
    ],
)
def test_every_expression_form(text: str, kind: RefKind, step: str | None, name: str, form: Form) -> None:
    for spelling in (f"${{{{{text}}}}}", f"${{{{ {text} }}}}"):
        [ref] = parse_template(f"run {spelling} now").refs()
        assert (ref.kind, ref.step, ref.name, ref.form) == (kind, step, name, form)
        assert ref.start == 4 and ref.end == 4 + len(spelling)


def test_segments_and_text() -> None:
    template = parse_template("a[b[0]] $[[--lr ${{inputs.lr}}]] }} ]] $x ${y}")
    kinds = [type(part) for part in template.parts]
    assert kinds == [Text, Segment, Text]
    segment = template.parts[1]
    assert isinstance(segment, Segment) and isinstance(segment.parts[1], Placeholder)
    assert template.placeholders()[0][1] is True


@pytest.mark.parametrize(
    ("text", "message", "start"),
    [
        ("a ${{inputs.x", "`${{inputs.x` is missing `}}`", 2),
        ("a ${{ foo }}", "`foo` is not an expression", 2),
        ("a ${{}}", "empty", 2),
        ("$[[ a $[[ b ]] ]]", "do not nest", 6),
        ("x $[[ a", "never closed", 2),
        ("${{ inputs.x.y }}", "not an expression", 0),
    ],
)
def test_errors_have_offsets(text: str, message: str, start: int) -> None:
    with pytest.raises(TemplateError) as caught:
        parse_template(text)
    assert message in caught.value.message and caught.value.start == start


def _grammar() -> Lark:
    return Lark(grammar_path().read_text(encoding="utf-8"), parser="lalr", lexer="contextual")


def _strip(template: Template) -> tuple[object, ...]:
    """The template without offsets, for comparing parses of differently spaced text."""

    def part(p: object) -> object:
        if isinstance(p, Text):
            return ("text", p.text)
        if isinstance(p, Placeholder):
            r = p.ref
            return ("ref", r.kind, r.step, r.name, r.form)
        assert isinstance(p, Segment)
        return ("segment", tuple(part(q) for q in p.parts))

    return tuple(part(p) for p in template.parts)


_LARK = _grammar()


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(from_lark(_LARK))
def test_parse_unparse_parse_is_identity(text: str) -> None:
    # from_lark joins tokens; two TEXT tokens `$` and `{{0` join into `${{0`, which the
    # grammar itself does not accept: only strings the grammar parses are in scope.
    try:
        _LARK.parse(text)
    except LarkError:
        assume(False)
    template = parse_template(text)
    again = parse_template(template.unparse())
    assert _strip(again) == _strip(template)
    assert again.unparse() == template.unparse()


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from(list("${}[]. ainputsoutparent_x\n")), max_size=40))
def test_any_text_parses_or_fails_with_an_offset(text: str) -> None:
    try:
        parse_template(text)
    except TemplateError as error:
        assert 0 <= error.start <= error.end <= len(text) + 1


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=300))
def test_any_bytes_give_only_diagnostics(data: bytes) -> None:
    loaded = load_bytes(data, "f.yaml")
    for diagnostic in loaded.diagnostics:
        assert diagnostic.span.line >= 1 and diagnostic.span.column >= 1


YAMLISH = st.text(
    alphabet=st.sampled_from(list("azpipe: 1\nname-steps{}[],&*!<>|'\"#${{}}.x\t ")), max_size=120
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(YAMLISH)
def test_any_yaml_text_loads_without_raising(text: str) -> None:
    pipeline = azpipe.loads("azpipe: 1\nname: x\n" + text)
    assert all(d.span.line >= 1 for d in pipeline.diagnostics)


EXAMPLES = sorted(Path(__file__).resolve().parent.parent.glob("pipelines/*/pipeline.yaml"))


@st.composite
def mutated_pipeline(draw: st.DrawFn) -> tuple[str, Path]:
    """An example pipeline with a few random edits: deletions, insertions, swapped or repeated lines."""
    path = draw(st.sampled_from(EXAMPLES))
    text = path.read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["delete", "insert", "swap", "repeat"]))
        at = draw(st.integers(0, len(text)))
        if kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)) :]
        elif kind == "insert":
            text = (
                text[:at]
                + draw(st.text(alphabet=list("${}[]:-#&*!|>'\"\n\t .azx019"), max_size=12))
                + text[at:]
            )
        else:
            lines = text.splitlines(keepends=True)
            i, j = draw(st.integers(0, len(lines) - 1)), draw(st.integers(0, len(lines) - 1))
            if kind == "swap":
                lines[i], lines[j] = lines[j], lines[i]
            else:
                lines.insert(j, lines[i])
            text = "".join(lines)
    return text, path.parent


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_pipeline())
def test_mutated_pipelines_give_only_diagnostics(case: tuple[str, Path]) -> None:
    text, folder = case
    pipeline = azpipe.loads(text, path="pipeline.yaml", base_dir=str(folder))
    for diagnostic in pipeline.diagnostics:
        assert diagnostic.span.line >= 1 and diagnostic.span.column >= 1
    if pipeline.ok:
        azpipe.topological_order(pipeline)
        assert azpipe.graph_of(pipeline).number_of_nodes() >= len(pipeline.steps)
