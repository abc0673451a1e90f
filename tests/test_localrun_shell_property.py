"""Placeholder values cannot run: random commands × hostile values, under a real ``/bin/sh``.

A command is generated from pieces whose effect on the shell is known (bare
text, placeholders bare and in double or single quotes, command and parameter
substitutions, arithmetic, backquotes, escapes, ``#`` inside words, line
continuations, trailing comments), so the exact arguments it must print are
known too. Every value holds something a shell would run (``touch PWNED``), so a
file in the working folder afterwards means a value ran. Both the script
``azpipe run`` executes (values in the environment) and the readable form
``azpipe plan`` shows (values quoted in place) must print exactly the expected
arguments. ``AZPIPE_LONG=1`` runs 50,000 commands (22 minutes on a busy 2-core machine).
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from azpipe.expr.parser import parse_template
from azpipe.expr.shell import unsafe_placeholders
from azpipe.localrun.render_command import UnsafeCommand, render
from tests.fixtures.localrun.support import azpipe, last_run, make_pipeline

LONG = os.environ.get("AZPIPE_LONG") == "1"
HOME = "/home/tester"
PRINT = "printf '[%s]\\n'"

HOSTILE = [
    "x; touch PWNED",
    "$(touch PWNED)",
    "`touch PWNED`",
    "'; touch PWNED; '",
    '"; touch PWNED; "',
    "a\ntouch PWNED",
    "a\n#\ntouch PWNED",
    "\\\ntouch PWNED",
    "#; touch PWNED",
    "${HOME}$(touch PWNED)",
    "$((1+1))",
    "* ?",
    "",
    " ",
    "\\",
    "-n",
    "if",
    "a=b",
    "}",
    "${{inputs.p0}}",
    "\u2028\u0085",
]
HOSTILE_CHARS = ";$()`'\"\n#\\ *?{}|&<>~=\t" + "ab"
values = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(st.sampled_from(HOSTILE_CHARS), max_size=12),
    st.lists(st.sampled_from(HOSTILE), min_size=2, max_size=3).map("".join),
)
plain_text = st.text("abcxyz019._-/=%+,:@", min_size=1, max_size=5)
quoted_text = st.text("abc xyz 019._-/=%+,:@#'", max_size=6)  # inside "...": no $ ` " \
single_text = st.text('abc xyz 019._-/=%+,:@#"$`\\', max_size=6)  # inside '...': anything but ' (and no ${{


@dataclass
class Command:
    """A generated command: its template text and the arguments it must print."""

    template: str = PRINT
    arguments: list[str] = field(default_factory=list)
    values: dict[str, str] = field(default_factory=dict)


@st.composite
def placeholder(draw: st.DrawFn, command: Command) -> tuple[str, str]:
    """A new input placeholder and its value."""
    name = f"p{len(command.values)}"
    command.values[name] = draw(values)
    return "${{inputs." + name + "}}", command.values[name]


@st.composite
def piece(draw: st.DrawFn, command: Command, started: bool) -> tuple[str, str]:
    """One piece of a word: (template text, what it adds to the argument)."""
    kinds = ["text", "bare", "double", "single", "substitution", "home", "arith", "backquote", "escape",
             "after_backslash", "continuation"] + (["hash"] * 4 if started else [])  # fmt: skip
    kind = draw(st.sampled_from(kinds))
    if kind == "text":
        text = draw(plain_text)
        return text, text
    if kind == "bare":
        return draw(placeholder(command))
    if kind == "double":
        before, after = draw(quoted_text), draw(quoted_text)
        ref, value = draw(placeholder(command))
        inner = draw(st.sampled_from(["", "$(printf %s x)", "${HOME}", "`printf %s y`"]))
        expands = {"": "", "$(printf %s x)": "x", "${HOME}": HOME, "`printf %s y`": "y"}[inner]
        return f'"{before}{inner}{ref}{after}"', before + expands + value + after
    if kind == "single":
        before, after = draw(single_text), draw(single_text)
        ref, value = draw(placeholder(command))
        return f"'{before}{ref}{after}'", before + value + after
    if kind == "substitution":
        ref, value = draw(placeholder(command))
        return f'"$(printf %s {ref})"', value.rstrip("\n")
    if kind == "home":
        return "${HOME}", HOME
    if kind == "arith":
        return "$((1+2))", "3"
    if kind == "backquote":
        text = draw(plain_text)
        return f"`printf %s {text}`", text
    if kind == "escape":
        char = draw(st.sampled_from(list(";#$\"' &|<>(){}*?`\\")))
        return "\\" + char, char
    if kind == "after_backslash":
        ref, value = draw(placeholder(command))
        return "\\" + ref, value
    if kind == "continuation":
        return "\\\n", ""
    text = draw(plain_text)  # hash: `#` inside a word is part of it
    return "#" + text, "#" + text


@st.composite
def commands(draw: st.DrawFn) -> Command:
    """``printf '[%s]\\n'`` with one to four generated words and maybe a trailing comment."""
    command = Command()
    for _ in range(draw(st.integers(1, 4))):
        word, argument, started = "", "", False
        for _ in range(draw(st.integers(1, 4))):
            text, adds = draw(piece(command, started))
            word, argument = word + text, argument + adds
            started = started or text != "\\\n"
        if not started:  # a word of continuations only is no word
            text = draw(plain_text)
            word, argument = word + text, argument + text
        separator = draw(st.sampled_from([" ", "  ", "\t", " \\\n"]))
        command.template += separator + word
        command.arguments.append(argument)
    if draw(st.booleans()):
        ref, _ = draw(placeholder(command))
        lead = draw(st.sampled_from([" #", " # note ", " \\\n#", "\n#", " #$(x)"]))
        command.template += lead + ref + draw(st.sampled_from(["", " tail", " `x`"]))
    return command


def run_shell(script: str, env: dict[str, str], cwd: str) -> str:
    result = subprocess.run(
        ["/bin/sh", "-c", script], cwd=cwd, env={"HOME": HOME, "PATH": os.defpath, **env},
        capture_output=True, check=False,
    )  # fmt: skip
    return result.stdout.decode("utf-8", "surrogateescape")


@settings(
    max_examples=50_000 if LONG else 400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(commands())
def test_values_arrive_as_documented_and_nothing_runs(command: Command) -> None:
    template = parse_template(command.template)
    assert not list(unsafe_placeholders(template)), command.template
    rendered = render(template, command.values, {})
    expected = "".join(f"[{argument}]\n" for argument in command.arguments)
    with tempfile.TemporaryDirectory() as cwd:
        assert run_shell(rendered.script, rendered.values, cwd) == expected, (command, rendered.script)
        assert not os.listdir(cwd), f"a value ran: {command}"
        assert run_shell(rendered.display, {}, cwd) == expected, (command, rendered.display)
        assert not os.listdir(cwd), f"a value ran in the readable form: {command}"


UNSAFE_CONTEXTS = [
    "echo `echo {p}`",
    "echo ${{V:-{p}}}",
    "echo $(( {p} + 1 ))",
    "(( {p} > 1 )) && echo big",
    "cat <<EOF\n{p}\nEOF",
    'echo "$(echo `echo {p}`)"',
]


@pytest.mark.parametrize("context", UNSAFE_CONTEXTS)
@settings(max_examples=20, deadline=None)
@given(value=values)
def test_places_the_shell_evaluates_are_refused_by_run_and_check(context: str, value: str) -> None:
    template = parse_template(context.format(p="${{inputs.p0}}"))
    assert [p.ref.name for p, _ in unsafe_placeholders(template)] == ["p0"]
    with pytest.raises(UnsafeCommand, match="the shell would run what its value holds"):
        render(template, {"p0": value}, {})


@pytest.mark.parametrize(
    ("command", "value", "expected"),
    [
        # Reproductions from the attack on the first version (issue 14, item 1).
        ("printf '[%s]\\n' ${HOME}#${{inputs.tag}}", "x; touch PWNED", f"[{HOME}#x; touch PWNED]\n"),
        ("printf '[%s]\\n' $(printf a)#${{inputs.tag}}", "x; touch PWNED", "[a#x; touch PWNED]\n"),
        ("printf '[%s]\\n' $((1))#${{inputs.tag}}", "x; touch PWNED", "[1#x; touch PWNED]\n"),
        ("printf '[%s]\\n' `printf a`#${{inputs.tag}}", "x; touch PWNED", "[a#x; touch PWNED]\n"),
        ("printf '[%s]\\n' start \\\n#${{inputs.tag}}", "x\ntouch PWNED", "[start]\n"),
    ],
)
def test_attack_reproductions_run_nothing(command: str, value: str, expected: str) -> None:
    rendered = render(parse_template(command), {"tag": value}, {})
    with tempfile.TemporaryDirectory() as cwd:
        assert run_shell(rendered.script, rendered.values, cwd) == expected
        assert run_shell(rendered.display, {}, cwd) == expected
        assert not os.listdir(cwd)


END_TO_END = """
inputs:
  tag: plain
  note: plain
steps:
  s:
    command: >-
      printf '[%s]\\n' ${HOME}#${{parent.inputs.tag}} > ${{outputs.out}}/args.txt;
      echo start \\
      #${{parent.inputs.note}}
"""


def test_azpipe_run_passes_hostile_set_values_as_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's reproduction through the command line: `--set` values reach the step and run nothing."""
    path = make_pipeline(tmp_path / "p", END_TO_END)
    code, _, err = azpipe(capsys, "run", path, "--set", "tag=x; touch PWNED", "--set", "note=y\ntouch PWNED2")
    assert code == 0, err
    assert not list(tmp_path.rglob("PWNED*")), "a value ran a command"
    step_out = next((tmp_path / "p" / ".azpipe" / "runs").glob("*/s/outputs/out/args.txt"))
    assert step_out.read_text(encoding="utf-8") == f"[{os.environ.get('HOME', '')}#x; touch PWNED]\n"
    assert last_run(path)["status"] == "succeeded"
