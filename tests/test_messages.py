"""Messages a new user meets (issue 13 items 5-7): YAML 1.1 number traps, names, raw
YAML errors and unclosed ``${{``."""

from __future__ import annotations

import re

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

import azpipe
from azpipe.diagnostics import Diagnostic
from azpipe.expr.parser import TemplateError, parse_template
from azpipe.source.loader import load_bytes
from azpipe.source.numbers import yaml11_float
from azpipe.suggest import snake_case

HEAD = "azpipe: 1\nname: p\ndefaults: {compute: c, environment: sklearn-env@latest}\n"
USES_X = "steps:\n  s:\n    code: .\n    command: echo ${{parent.inputs.x}}\n"


def found(text: str, *codes: str) -> list[Diagnostic]:
    return [d for d in azpipe.loads(text).check() if not codes or d.code in codes]


# ------------------------------------------------------------------ 5. YAML 1.1 numbers


@pytest.mark.parametrize("value", ["2.0", "0.50", "1.0", "1.00", "0.10", "-3.0", "10.0", "0.01"])
@pytest.mark.parametrize(
    "form",
    [
        "x: {v}\n",
        "x: {{type: number, default: {v}}}\n",
        "x: {{type: number, default: {v}, description: rate}}\n",
    ],
)
def test_plain_floats_are_not_traps(value: str, form: str) -> None:
    assert found(HEAD + "inputs:\n  " + form.format(v=value) + USES_X) == []
    component = HEAD + (
        "components:\n  c:\n    code: .\n    command: echo ${{inputs.lr}}\n"
        f"    inputs: {{lr: {{type: number, default: {value}}}}}\n"
        f"steps:\n  s:\n    uses: c\n    inputs: {{lr: {value}}}\n"
    )
    assert found(component) == []


@pytest.mark.parametrize("value", ["1.10", "3.10", "2.20"])
def test_version_like_floats_warn_where_text_is_possible(value: str) -> None:
    [diagnostic] = found(HEAD + f"inputs:\n  x: {value}\n" + USES_X)
    assert diagnostic.code == "Y011" and f'"{value}"' in (diagnostic.hint or "")
    [diagnostic] = found(HEAD + f"inputs:\n  x: {{type: string, default: {value}}}\n" + USES_X)
    assert diagnostic.code == "Y011"
    # Declared a number, 1.10 is 1.1 and meant so: nothing to say.
    assert found(HEAD + f"inputs:\n  x: {{type: number, default: {value}}}\n" + USES_X) == []


@pytest.mark.parametrize(
    ("value", "shown"),
    [("on", "boolean true"), ("no", "boolean false"), ("010", "integer 8"), ("12:30", "integer 750")],
)
def test_other_traps_still_warn(value: str, shown: str) -> None:
    [diagnostic] = found(HEAD + f"inputs:\n  x: {value}\n" + USES_X)
    assert diagnostic.code == "Y011" and shown in diagnostic.message


def test_an_octal_default_warns_even_for_an_integer_input() -> None:
    [diagnostic] = found(HEAD + "inputs:\n  x: {type: integer, default: 010}\n" + USES_X)
    assert diagnostic.code == "Y011" and "integer 8" in diagnostic.message


def test_exponent_without_a_dot_is_text_and_warned() -> None:
    [plain] = found(HEAD + "inputs:\n  x: 1e-3\n" + USES_X)
    assert (plain.code, plain.span.line, plain.span.column) == ("Y013", 5, 6)
    assert (
        plain.message
        == '`1e-3` is read as the text "1e-3", not a number: YAML 1.1 needs a `.` and a signed exponent'
    )
    assert plain.hint == 'write `1.0e-3` or `0.001` for the number, or quote it ("1e-3") to keep the text'
    assert azpipe.loads(HEAD + "inputs:\n  x: 1e-3\n" + USES_X).inputs["x"].type == "string"
    [typed] = found(HEAD + "inputs:\n  x: {type: number, default: 1e-3}\n" + USES_X)
    assert (typed.code, typed.span.column) == ("Y013", 30)
    # The fixes read as numbers; a string input with that default means the text.
    assert found(HEAD + "inputs:\n  x: 1.0e-3\n" + USES_X) == []
    assert found(HEAD + "inputs:\n  x: 0.001\n" + USES_X) == []
    assert found(HEAD + 'inputs:\n  x: "1e-3"\n' + USES_X) == []
    assert found(HEAD + "inputs:\n  x: {type: string, default: 1e-3}\n" + USES_X) == []


def test_exponent_text_in_a_step_input_and_a_component_default() -> None:
    text = HEAD + (
        "components:\n  c:\n    code: .\n    command: echo ${{inputs.lr}}\n"
        "    inputs: {lr: {type: number, default: 5E4}}\n"
        "steps:\n  s:\n    uses: c\n    inputs: {lr: 2e+3}\n"
    )
    assert [(d.code, d.span.line) for d in found(text)] == [("Y013", 8), ("Y013", 12)]


_NUMBERISH = st.from_regex(
    r"[-+]?([0-9]{1,3}(\.[0-9]{0,3})?|\.[0-9]{1,3})([eE][-+]?[0-9]{1,2})?", fullmatch=True
)


@given(_NUMBERISH)
def test_y013_exactly_where_pyyaml_reads_a_number_as_text(text: str) -> None:
    """Differential: warned iff PyYAML (so Azure ML) reads text that Python reads as a number."""
    loaded = load_bytes(f"x: {text}\n".encode(), "f.yaml")
    warned = any(d.code == "Y013" for d in loaded.diagnostics)
    assert warned == (isinstance(yaml.safe_load(f"x: {text}")["x"], str) and "e" in text.lower())
    if warned:
        fixed = yaml11_float(text)
        assert yaml.safe_load(f"x: {fixed}")["x"] == float(text)


# ------------------------------------------------------------------ 6. names


def test_invalid_pipeline_name_is_reported_on_the_value() -> None:
    [diagnostic] = found(
        "azpipe: 1\nname: city-temps\ndefaults: {compute: c, environment: e@latest}\n"
        + USES_X.replace("${{parent.inputs.x}}", "hi")
    )
    assert (diagnostic.code, diagnostic.span.line, diagnostic.span.column, diagnostic.span.end_column) == (
        "N701",
        2,
        7,
        17,
    )
    assert diagnostic.message == "pipeline name `city-temps` is not a valid Azure ML name"
    assert diagnostic.hint is not None and "`city_temps`" in diagnostic.hint


@pytest.mark.parametrize(
    ("name", "suggested"),
    [
        ("trainMean", "train_mean"),
        ("Train-Model", "train_model"),
        ("HTTPServer", "http_server"),
        ("2nd", "_2nd"),
        ("Class", "class_"),
    ],
)
def test_n701_suggests_snake_case(name: str, suggested: str) -> None:
    text = HEAD + f"steps:\n  {name}:\n    code: .\n    command: echo hi\n"
    [diagnostic] = found(text, "N701")
    assert diagnostic.hint == f"Azure ML names use lowercase letters, digits and `_`, e.g. `{suggested}`"


def test_r301_never_suggests_an_invalid_name() -> None:
    text = HEAD + (
        "outputs:\n  m: ${{train_mean.outputs.m}}\n"
        "steps:\n  trainMean:\n    code: .\n    command: python t.py --m ${{outputs.m}}\n"
        "  score:\n    code: .\n    command: python s.py --m ${{trainmean.outputs.m}}\n"
    )
    hints = {d.span.line: d.hint or "" for d in found(text, "R301")}
    assert "rename step `trainMean` to `train_mean`" in hints[5]
    assert "Rename it to `train_mean`" in hints[12]
    assert not any("did you mean `trainMean`?" in hint for hint in hints.values())
    # A valid neighbour is still suggested as before.
    valid = text.replace("trainMean", "train_mean")
    [r301] = found(valid.replace("${{trainmean.", "${{train_maen."), "R301")
    assert r301.hint == "did you mean `train_mean`?"


@given(st.text(max_size=30))
def test_snake_case_is_always_a_valid_name(name: str) -> None:
    from azpipe.checks.names import is_valid_name

    suggestion = snake_case(name)
    assert is_valid_name(suggestion) and snake_case(suggestion) == suggestion
    if is_valid_name(name) and name.strip("_"):
        assert suggestion in (name, name + "_")  # a valid name is kept (a keyword gets `_`)


# ------------------------------------------------------------------ 7. raw YAML errors and E201

STEPS = HEAD + "steps:\n  prep:\n    code: .\n    command: python prep.py --out ${{outputs.x}}\n"


@pytest.mark.parametrize(
    ("text", "where", "hint"),
    [
        (
            STEPS
            + "  train:\n    code: .\n    command: echo ${{inputs.d}}\n    inputs:\n      d: {value: ${{prep.outputs.x}}, mode: download}\n",
            (12, 18, 37),
            '"${{prep.outputs.x}}"',
        ),
        (
            STEPS + "   train:\n    code: .\n",
            (8, 4, 5),
            "line 8 starts at column 4, but `prep` on line 5 starts at column 3",
        ),
        (
            HEAD + "steps:\n  prep:\n    code: .\n    command: python prep.py --mode key: value\n",
            (7, 39, 40),
            "`command: >-`",
        ),
        (
            STEPS + "  train:\n   code: .\n    command: python train.py\n",
            (10, 12, 13),
            "line 10 is indented deeper than line 9",
        ),
    ],
)
def test_raw_yaml_errors_get_a_hint(text: str, where: tuple[int, int, int], hint: str) -> None:
    [diagnostic] = found(text)
    assert diagnostic.code == "Y001"
    assert (diagnostic.span.line, diagnostic.span.column, diagnostic.span.end_column) == where
    assert hint in (diagnostic.hint or "")


@pytest.mark.parametrize(
    ("command", "shown", "hint"),
    [
        ("--out ${{outputs.x} --n 3", "${{outputs.x}", "write `${{outputs.x}}`"),
        ("--out ${{outputs.x} --m ${{outputs.m}}", "${{outputs.x}", "write `${{outputs.x}}`"),
        ("--out ${{ outputs.x --n 3", "${{ outputs.x", "write `${{ outputs.x }}`"),
        ("--out ${{outputs.x $[[--m ${{outputs.m}}]]", "${{outputs.x", "write `${{outputs.x}}`"),
    ],
)
def test_e201_on_a_missing_closing_brace(command: str, shown: str, hint: str) -> None:
    text = HEAD + f"steps:\n  prep:\n    code: .\n    command: python prep.py {command}\n"
    [diagnostic] = found(text, "E201")
    assert diagnostic.message == f"`command` of step `prep`: `{shown}` is missing `}}}}`"
    assert diagnostic.hint == hint
    start = text.splitlines()[diagnostic.span.line - 1]
    assert start[diagnostic.span.column - 1 : diagnostic.span.end_column - 1] == shown


@given(st.text(alphabet="${}[] .abxo_-:", max_size=40))
def test_template_errors_underline_text_inside_the_template(text: str) -> None:
    try:
        parse_template(text)
    except TemplateError as error:
        assert 0 <= error.start < error.end <= len(text)
        if "is missing `}}`" in error.message:
            assert text[error.start : error.start + 3] == "${{" and "\n" not in text[error.start : error.end]


_EDITS = st.lists(
    st.tuples(
        st.integers(0, 40),
        st.sampled_from([" ", "  ", ": ", "{", "}", "- ", "${{a.b}}", "[", "\t", "#", "'"]),
    ),
    max_size=4,
)


@given(_EDITS)
def test_mangled_files_give_positioned_diagnostics_never_exceptions(edits: list[tuple[int, str]]) -> None:
    lines = (
        STEPS
        + "  train:\n    code: .\n    command: echo ${{inputs.d}}\n    inputs: {d: '${{prep.outputs.x}}'}\n"
    ).split("\n")
    for at, insert in edits:
        number = at % len(lines)
        lines[number] = insert + lines[number]
    text = "\n".join(lines)
    for diagnostic in azpipe.loads(text).diagnostics:
        assert 1 <= diagnostic.span.line <= len(text.split("\n")) and diagnostic.span.column >= 1
        if diagnostic.code == "Y001" and diagnostic.hint and "quote a" in diagnostic.hint:
            assert re.search(r'"\$\{\{', diagnostic.hint)
