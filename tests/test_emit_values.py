"""The escaping filter: Python and YAML literals that read back as exactly the value."""

from __future__ import annotations

import ast
import math
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from azpipe.emit.names import file_stem, module_names
from azpipe.emit.values import (
    WIDTH,
    Call,
    Code,
    Long,
    UnsafeValue,
    call,
    exact,
    py,
    py_atom,
    py_long_str,
    py_str,
    width,
    yaml_float,
    yq,
)

HOSTILE = ['"', "'", '"""', "'''", "\\", "\n", "\r", "\t", "\0", "{{ x }}", "{% if %}", "${{inputs.x}}",
           "\u2028", "\x85", "\ufeff", "\u202e", "é", "ß", "日本", "😀", "\x7f", "#", ": ", "- ", "&a", "*a"]  # fmt: skip
hostile_text = st.lists(st.sampled_from(HOSTILE) | st.text(max_size=6), max_size=12).map("".join)
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | hostile_text


@given(hostile_text)
def test_python_string_reads_back(text: str) -> None:
    literal = py_str(text)
    assert "\n" not in literal and "\r" not in literal
    assert ast.literal_eval(literal) == text
    assert all(char.isprintable() for char in literal)


@given(scalars)
def test_yaml_scalar_reads_back(value: object) -> None:
    assert yaml.safe_load(f"key: {yq(value)}")["key"] == value


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_yaml_floats_stay_floats(value: float) -> None:
    loaded = yaml.safe_load(yaml_float(value))
    assert type(loaded) is float and loaded == value


def test_special_numbers() -> None:
    assert py_atom(math.inf) == 'float("inf")' and py_atom(-math.inf) == '-float("inf")'
    assert py_atom(math.nan) == 'float("nan")'
    assert yq(math.nan) == ".nan" and yq(-math.inf) == "-.inf"
    assert yaml_float(1e-05) == "1.0e-05" and yq(True) == "true" and yq(None) == "null"


def test_subclasses_cannot_smuggle_code() -> None:
    class Sneaky(str):
        def __repr__(self) -> str:
            return "__import__('os').system('echo hi')"

    assert py_str(Sneaky("x")) == '"x"' and type(exact(Sneaky("x"))) is str
    with pytest.raises(UnsafeValue):
        py_atom(object())


def test_quotes_follow_ruffs_preference() -> None:
    assert py_str('say "hi"') == "'say \"hi\"'"
    assert py_str("it's") == '"it\'s"'
    assert py_str("both ' and \"") == '"both \' and \\""'


def test_layout_fits_or_splits_with_a_trailing_comma() -> None:
    value = call("Input", type="uri_folder", optional=True)
    assert py(value) == 'Input(type="uri_folder", optional=True)'
    long = call("command", a="x" * 50, b="y" * 50)
    assert py(long) == f'command(\n    a="{"x" * 50}",\n    b="{"y" * 50}",\n)'
    assert py({"k": Code("v")}) == '{"k": v}' and py(Call("f")) == "f()"


def test_long_strings_split_before_options() -> None:
    text = "python train.py " + " ".join(f"--option{n} ${{{{inputs.value{n}}}}}" for n in range(8))
    written = py_long_str(text, 4, len("command="))
    lines = written.splitlines()
    assert lines[0] == "(" and lines[-1] == "    )"
    assert all(width(line) <= WIDTH for line in lines)
    assert all(line.strip().startswith('" --option') for line in lines[2:-1])
    assert ast.literal_eval("".join(lines)) == text


@settings(max_examples=40, deadline=None)
@given(st.lists(hostile_text, min_size=1, max_size=8))
def test_layout_is_what_ruff_format_writes(
    tmp_path_factory: pytest.TempPathFactory, texts: list[str]
) -> None:
    ruff = Path(sys.executable).parent / "ruff"
    if not ruff.exists():
        pytest.skip("no ruff")
    value = call("command", command=Long(" ".join(texts) * 3), tags={t: t for t in texts}, inputs=texts)
    source = f"component = {py(value, 0, len('component = '))}\n"
    path = tmp_path_factory.mktemp("ruff") / "module.py"
    path.write_text(source, encoding="utf-8")
    result = subprocess.run([str(ruff), "format", "--isolated", "--diff", str(path)], capture_output=True)
    assert result.returncode == 0, result.stdout.decode()


def test_module_names_keep_apart() -> None:
    names = module_names("main", ["prep", "epochs", "str", "prep_component"], ["epochs", "len"])
    assert names.function == "main_pipeline"
    assert names.components["prep"] == "prep_component_"
    assert names.locals == {
        "prep": "prep",
        "epochs": "epochs_step",
        "str": "str",
        "prep_component": "prep_component",
    }
    assert names.renamed("epochs") and not names.renamed("prep")


def test_file_stems_are_safe() -> None:
    taken: set[str] = set()
    assert file_stem("../../etc/passwd", taken) == "_.._etc_passwd"
    assert file_stem(".hidden", {"hidden"}) == "hidden_"
    assert file_stem("", taken) == "unnamed"
