"""Command rendering: segments, quoting in every shell context, and refusals; checked through /bin/sh."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from azpipe.expr.parser import parse_template
from azpipe.localrun.render_command import RenderedCommand, UnsafeCommand, normalised, quote, render
from azpipe.localrun.values import command_text, parse_value

PRINT = 'printf "[%s]\\n" '
NASTY = [
    "a b",
    "it's",
    '"q"',
    "$(touch PWNED)",
    "; touch PWNED",
    "line1\nline2",
    "`touch PWNED`",
    "\\",
    "",
    "x=y",
    "if",
    "${HOME}",
    "'",
    "\"'\\$",
    "${{inputs.x}}",
    "-n",
    "*",
    "~",
    "#x",
]
CONTEXTS = [
    "${{inputs.x}}",
    '"${{inputs.x}}"',
    "'${{inputs.x}}'",
    '"a ${{inputs.x}} b"',
    "--k=${{inputs.x}}",
    "x\\${{inputs.x}}",
    '"x\\${{inputs.x}}"',
    '"$(printf %s ${{inputs.x}})"',
    '"$(printf %s "${{inputs.x}}")"',
]
EXPECTED_AROUND = {
    '"a ${{inputs.x}} b"': ("a ", " b"),
    "--k=${{inputs.x}}": ("--k=", ""),
    "x\\${{inputs.x}}": ("x", ""),
    '"x\\${{inputs.x}}"': ("x", ""),
}


def shell_output(command: str, cwd: str, values: dict[str, str] | None = None) -> str:
    return subprocess.run(
        ["/bin/sh", "-c", command], capture_output=True, text=True, cwd=cwd, check=True, env=values or {}
    ).stdout


def run_rendered(rendered: RenderedCommand, cwd: str) -> str:
    """The output of the script, run as `azpipe run` runs it (values in the environment)."""
    return shell_output(rendered.script, cwd, rendered.values)


@pytest.mark.parametrize("context", CONTEXTS)
def test_value_reaches_the_command_intact_in_every_context(context: str, tmp_path: Path) -> None:
    template = parse_template(PRINT + context)
    before, after = EXPECTED_AROUND.get(context, ("", ""))
    for value in NASTY:
        rendered = render(template, {"x": value}, {})
        expected = f"[{before}{value}{after}]\n"
        assert run_rendered(rendered, str(tmp_path)) == expected, (context, value, rendered)
        # The shell text is the same whatever the value: no value is ever part of it.
        assert rendered.script == render(template, {"x": "v"}, {}).script
        assert list(rendered.values.values()) == [value]
        # The readable form is the same command with the value quoted in place.
        assert shell_output(rendered.display, str(tmp_path)) == expected, (context, value, rendered)
    assert not list(tmp_path.iterdir()), "a value ran a command"


@settings(max_examples=60, deadline=None)
@given(st.text(st.characters(exclude_characters="\0", exclude_categories=("Cs",)), max_size=30))
def test_any_text_survives_the_shell(value: str) -> None:
    for context in ("${{inputs.x}}", '"${{inputs.x}}"', "'${{inputs.x}}'"):
        rendered = render(parse_template(PRINT + context), {"x": value}, {})
        for line, env in ((rendered.script, rendered.values), (rendered.display, {})):
            out = subprocess.run(["/bin/sh", "-c", line], capture_output=True, check=True, env=env).stdout
            assert out == f"[{value}]\n".encode("utf-8", "surrogateescape")


def test_value_is_substituted_once_never_expanded_again() -> None:
    template = parse_template("echo ${{inputs.x}} ${{inputs.y}}")
    rendered = render(template, {"x": "${{inputs.y}}", "y": "Y"}, {})
    assert rendered.display == "echo '${{inputs.y}}' Y"
    assert rendered.values == {"AZPIPE_VALUE_0": "${{inputs.y}}", "AZPIPE_VALUE_1": "Y"}
    assert rendered.script == 'echo "${AZPIPE_VALUE_0}" "${AZPIPE_VALUE_1}"'


def test_segments_are_kept_only_when_their_inputs_are_given() -> None:
    template = parse_template("run $[[--lr ${{inputs.lr}}]] --out ${{outputs.o}}")
    assert render(template, {"lr": "0.1"}, {"o": "/out"}).display == "run --lr 0.1 --out /out"
    assert render(template, {"lr": None}, {"o": "/out"}).display == "run --out /out"  # one blank, not two
    assert normalised(template, {"lr"}) == "run --lr ${{inputs.lr}} --out ${{outputs.o}}"
    assert normalised(template, set()) == "run  --out ${{outputs.o}}"


def test_comment_keeps_a_value_inside_the_comment(tmp_path: Path) -> None:
    rendered = render(parse_template(PRINT + "ok # ${{inputs.x}}"), {"x": "a\ntouch PWNED"}, {})
    assert run_rendered(rendered, str(tmp_path)) == "[ok]\n"
    assert shell_output(rendered.display, str(tmp_path)) == "[ok]\n"
    assert not list(tmp_path.iterdir())


def test_dollar_before_a_placeholder_cannot_expand_the_value(tmp_path: Path) -> None:
    rendered = render(parse_template(PRINT + "$${{inputs.x}}"), {"x": "HOME"}, {})
    assert run_rendered(rendered, str(tmp_path)) in ("[HOME]\n", "[$HOME]\n")


@pytest.mark.parametrize(
    "command",
    [
        "echo `echo ${{inputs.x}}`",
        "echo ${V:-${{inputs.x}}}",
        "echo $(( ${{inputs.x}} + 1 ))",
        "cat <<EOF\n${{inputs.x}}\nEOF",
    ],
)
def test_places_no_quoting_makes_safe_are_refused(command: str) -> None:
    with pytest.raises(UnsafeCommand, match="the shell would run what its value holds"):
        render(parse_template(command), {"x": "v"}, {})


def test_quote_also_protects_keywords_and_assignments() -> None:
    assert quote("plain") == "plain"
    assert quote("if") == "'if'"
    assert quote("A=b") == "'A=b'"
    assert quote("a b") == "'a b'"


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("3", "integer", 3),
        ("-2", "integer", -2),
        ("0.5", "number", 0.5),
        ("2", "number", 2),
        ("TRUE", "boolean", True),
        ("false", "boolean", False),
        ("a;b", "string", "a;b"),
    ],
)
def test_set_values_are_read_with_the_input_type(text: str, kind: str, value: object) -> None:
    assert parse_value(text, kind) == value


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("x", "integer"),
        ("1.5", "integer"),
        ("nan", "number"),
        ("inf", "number"),
        ("yes", "boolean"),
        ("a\0b", "string"),
    ],
)
def test_bad_set_values_are_refused(text: str, kind: str) -> None:
    with pytest.raises(ValueError):
        parse_value(text, kind)


def test_literals_look_like_azure_ml_renders_them() -> None:
    assert [command_text(v) for v in (True, False, 10, 0.01, "s")] == ["True", "False", "10", "0.01", "s"]


def test_check_warns_where_run_refuses() -> None:
    """P406 (azpipe check) and `azpipe run`'s refusal come from the same shell reading."""
    import azpipe

    text = (
        "azpipe: 1\nname: p\ndefaults: {compute: c, environment: e@latest}\ninputs: {x: a}\nsteps:\n"
        "  s:\n    command: echo $((1 + ${{parent.inputs.x}})) ${{outputs.o}} 'ok ${{parent.inputs.x}}'\n"
    )
    found = [d for d in azpipe.loads(text).diagnostics if d.code == "P406"]
    assert len(found) == 1 and "inside `$(( ))`" in found[0].message
    assert (found[0].span.line, found[0].span.column) == (7, 26)
