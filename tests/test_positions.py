"""Expression errors point at their exact column, in every YAML scalar style."""

from __future__ import annotations

import pytest

import azpipe

HEAD = """azpipe: 1
name: example
defaults: {compute: c, environment: sklearn-env@latest}
inputs:
  epochs: 10
steps:
  train:
"""


def diagnostic_at(command_yaml: str, code: str = "R303") -> tuple[int, int, int]:
    pipeline = azpipe.loads(HEAD + command_yaml)
    found = [d for d in pipeline.diagnostics if d.code == code]
    assert found, pipeline.diagnostics
    span = found[0].span
    return span.line, span.column, span.end_column


def test_plain_scalar() -> None:
    assert diagnostic_at("    command: python t.py --e ${{parent.inputs.epoch}}\n") == (8, 30, 54)


def test_double_quoted_with_escapes() -> None:
    line = '    command: "python t.py \\"x\\" \\u00e9 --e ${{parent.inputs.epoch}}"\n'
    column = line.index("${{") + 1
    assert diagnostic_at(line)[:2] == (8, column)


def test_single_quoted_with_doubled_quotes() -> None:
    line = "    command: 'python t.py ''a b'' --e ${{parent.inputs.epoch}}'\n"
    assert diagnostic_at(line)[:2] == (8, line.index("${{") + 1)


def test_folded_block() -> None:
    text = "    command: >-\n      python t.py\n      --epochs ${{parent.inputs.epoch}}\n"
    assert diagnostic_at(text) == (10, 16, 40)


def test_literal_block_with_indentation_indicator() -> None:
    text = "    command: |2\n        python t.py \\\n          --e ${{parent.inputs.epoch}}\n"
    assert diagnostic_at(text)[:2] == (10, 15)


def test_multiline_plain_scalar() -> None:
    text = "    command: python t.py\n      --e ${{parent.inputs.epoch}}\n"
    assert diagnostic_at(text)[:2] == (9, 11)


def test_double_quoted_line_continuation() -> None:
    text = '    command: "python t.py \\\n      --e ${{parent.inputs.epoch}}"\n'
    assert diagnostic_at(text)[:2] == (9, 11)


def test_non_ascii_before_the_placeholder_counts_characters() -> None:
    line = "    command: echo héllo wörld ${{parent.inputs.epoch}}\n"
    assert diagnostic_at(line)[:2] == (8, line.index("${{") + 1)


@pytest.mark.parametrize("style", ["plain", "double", "single", "folded", "literal"])
def test_syntax_errors_point_inside_the_scalar(style: str) -> None:
    bad = "${{ parent.inputs. }}"
    body = {
        "plain": f"    command: echo {bad}\n",
        "double": f'    command: "echo {bad}"\n',
        "single": f"    command: 'echo {bad}'\n",
        "folded": f"    command: >-\n      echo\n      {bad}\n",
        "literal": f"    command: |\n      echo\n      {bad}\n",
    }[style]
    line, column, _end = diagnostic_at(body, "E201")
    source_line = (HEAD + body).splitlines()[line - 1]
    assert source_line[column - 1 :].startswith("${{")
