"""What keeps ``azpipe check`` fast as a whole process (issues 11 and 12, speed): the package
imports its front end only when asked, so the command line turns the cyclic garbage
collector off before it loads (the process ends with the check); the YAML composer's
scalar positions are what they were."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import azpipe
from azpipe.source.loader import load_bytes
from azpipe.source.nodes import Map, Scalar, Seq

ROOT = Path(__file__).resolve().parent.parent


def _python(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_command_line_module_loads_without_the_front_end() -> None:
    out = _python(
        "import sys, azpipe.cli.main; print('azpipe.loading' in sys.modules, 'yaml' in sys.modules)"
    )
    assert out == "False False"


def test_the_package_s_names_still_come_on_first_use() -> None:
    out = _python(
        "import azpipe; from azpipe import Diagnostic, Severity, Span, loads\n"
        "p = azpipe.load('pipelines/image_classification/pipeline.yaml')\n"
        "print(type(p) is azpipe.Pipeline, p.ok, Severity.ERROR > Severity.WARNING, callable(loads))"
    )
    assert out == "True True True True"
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        azpipe.nothing  # noqa: B018


@pytest.mark.parametrize(("argv", "enabled"), [(["check", "--help"], False), (["graph", "--help"], True)])
def test_check_runs_without_the_cyclic_collector(argv: list[str], enabled: bool) -> None:
    # The command itself reports the collector's state: `azpipe check` ends the process
    # as soon as it returns (cli.main._leave), so nothing after entry() would run.
    code = (
        "import gc, sys\nimport azpipe.cli.main as cli\n"
        f"sys.argv = ['azpipe', *{argv!r}]\n"
        "cli.main = lambda argv=None: print('enabled' if gc.isenabled() else 'disabled', file=sys.stderr) or 0\n"
        "try:\n    cli.entry()\nexcept SystemExit:\n    pass\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert result.stderr.strip().splitlines()[-1] == ("enabled" if enabled else "disabled")


def _scalars(node: object) -> list[Scalar]:
    if isinstance(node, Scalar):
        return [node]
    if isinstance(node, Seq):
        return [s for item in node.items for s in _scalars(item)]
    if isinstance(node, Map):
        return [s for entry in node for s in (*_scalars(entry.key), *_scalars(entry.value))]
    return []


def test_an_empty_scalar_spans_one_character() -> None:
    loaded = load_bytes(b"a:\nb: ''\nc: |\n  x\n", "t.yaml")
    empty, quoted = _scalars(loaded.root)[1], _scalars(loaded.root)[3]
    assert (empty.start, empty.end) == (2, 3) and (empty.span.line, empty.span.column) == (1, 3)
    assert (empty.span.end_line, empty.span.end_column) == (2, 1)
    assert loaded.source.text[quoted.start : quoted.end] == "''"


WORDS = st.sampled_from(["x", "", "'q'", '"d d"', "1.10", "yes", "~", "[1, 2]", "{a: 1}", "é ü", "|\n    t"])


@given(st.lists(st.tuples(st.from_regex(r"[a-z]{1,5}", fullmatch=True), WORDS), min_size=1, max_size=8))
def test_each_scalar_s_offsets_are_its_span(entries: list[tuple[str, str]]) -> None:
    """Offsets and span of every scalar say the same place (the composer computes both)."""
    keys = dict(entries)
    text = "".join(f"{key}: {value}\n" for key, value in keys.items())
    loaded = load_bytes(text.encode("utf-8"), "t.yaml")
    if loaded.root is None:
        return
    for scalar in _scalars(loaded.root):
        span = loaded.source.span(scalar.start, scalar.end)
        assert span == scalar.span and scalar.end > scalar.start
