"""The emitted text: golden copies, byte-determinism, ruff-clean Python, quoted YAML.

Regenerate the golden files with ``python -m pytest --update-golden`` and review the diff.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

import azpipe
from tests.compile_support import EXAMPLES, FIXTURES, GOLDEN, example_id, load_clean
from tests.golden import assert_golden

ALL = EXAMPLES + FIXTURES


@pytest.mark.parametrize("path", ALL, ids=example_id)
def test_golden_python(path: Path, update_golden: bool) -> None:
    assert_golden(GOLDEN / f"{example_id(path)}.py", azpipe.to_python(load_clean(path)), update_golden)


@pytest.mark.parametrize("path", ALL, ids=example_id)
def test_golden_yaml(path: Path, update_golden: bool) -> None:
    assert_golden(GOLDEN / f"{example_id(path)}.yaml", azpipe.to_yaml(load_clean(path)), update_golden)


@pytest.mark.parametrize("path", ALL, ids=example_id)
def test_output_is_byte_deterministic(path: Path) -> None:
    first, second = azpipe.load(path), azpipe.load(path)
    assert azpipe.to_python(first) == azpipe.to_python(second)
    assert azpipe.to_yaml(first) == azpipe.to_yaml(second)


@pytest.mark.skipif(shutil.which("ruff", path=str(Path(sys.executable).parent)) is None, reason="no ruff")
def test_emitted_python_passes_ruff(tmp_path: Path) -> None:
    for path in ALL:
        (tmp_path / f"{example_id(path)}.py").write_text(azpipe.to_python(load_clean(path)), encoding="utf-8")
    ruff = str(Path(sys.executable).parent / "ruff")
    for args in (["check", "--isolated"], ["format", "--isolated", "--check", "--diff"]):
        result = subprocess.run([ruff, *args, str(tmp_path)], capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", ALL, ids=example_id)
def test_emitted_yaml_quotes_every_string(path: Path) -> None:
    text = azpipe.to_yaml(load_clean(path))
    for scalar, is_key in _scalars(yaml.compose(text)):
        if is_key and scalar.style is None:
            assert scalar.value.isidentifier() or scalar.value == "$schema", scalar.value
        elif not is_key and scalar.tag.endswith(":str"):
            assert scalar.style == '"', f"unquoted string {scalar.value!r}"


def _scalars(node: yaml.Node, is_key: bool = False) -> list[tuple[yaml.ScalarNode, bool]]:
    if isinstance(node, yaml.ScalarNode):
        return [(node, is_key)]
    if isinstance(node, yaml.SequenceNode):
        return [found for item in node.value for found in _scalars(item)]
    assert isinstance(node, yaml.MappingNode)
    return [found for key, value in node.value for found in _scalars(key, True) + _scalars(value)]


def test_user_keys_are_quoted_too() -> None:
    text = azpipe.to_yaml(load_clean(FIXTURES[-1].parent.parent / "names" / "pipeline.yaml"))
    assert '\n  "yes":\n' in text and "\n  yes:" not in text
