"""Every command is linear in the size of the file, on hostile shapes (issue 14 item 8).

Not a timed test: each command runs in process under ``sys.settrace`` and the
Python lines it executes (azpipe's and its libraries') are counted, which does
not depend on the machine or on what else runs. From the counts at N, 2N and 4N
elements (steps, references...), the work ``c + bN + aN²`` is fitted exactly,
and the quadratic part overtakes the linear one at ``N = b / a`` elements: the
*break-even*. Every quadratic spot fixed for the issue had a break-even under
8,000 elements at these sizes (most under 3,000); after the fixes the smallest
is about 26,000, where an ``n log n`` sort or Fenwick tree bends the counts a
little. A case fails below :data:`BREAK_EVEN`. C loops that run no Python line
(``x in a_list``) are not counted: ``benchmarks/hostile_shapes.py`` times the
same shapes up to 20,000 elements for those.

The shapes come from that benchmark (names zero-padded, so that longer numbers
do not make the work per element grow). Two kinds of work are allowed to grow
faster, within a budget linear in the file: the dummy points of long edges in
the SVG layout, and "did you mean" comparisons. Below its budget such work may
grow quadratically, which a fit cannot tell from a quadratic spot, so the line
counts are taken with both budgets at zero, and two tests check that each
budget bounds its work. The issue's reproductions are the cases
``wide``/``wide_inputs``-``check`` (one command with thousands of distinct
references), ``fan_in``-``check`` (fan-in from distinct steps) and
``chain``-``graph text``/``diff mermaid``/``diff markdown`` (20,000 steps); they
also run at larger sizes, with the other quadratic spots found on the way. The
property test mixes shapes at random; ``AZPIPE_LONG=1`` runs it longer.
"""

from __future__ import annotations

import contextlib
import importlib.util
import math
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from types import FrameType, ModuleType
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from azpipe.render import layout
from azpipe.suggest import Suggestions
from tests.test_render_svg import _touches, crosses, graphs, overlap

ROOT = Path(__file__).resolve().parent.parent
BENCHMARK = ROOT / "benchmarks" / "hostile_shapes.py"
BREAK_EVEN = 15_000  # elements
SIZE = 30  # the matrix runs every shape at 30, 60 and 120
LONG = os.environ.get("AZPIPE_LONG") == "1"


def _load_benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("hostile_shapes", BENCHMARK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is created
    spec.loader.exec_module(module)
    return module


shapes = _load_benchmark()


def executed_lines(argv: list[str]) -> int:
    """How many Python lines ``azpipe ARGV`` executes in this process (its output thrown away)."""
    count = 0

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "line":
            count += 1
        return local

    def on_call(frame: FrameType, event: str, arg: Any) -> Any:
        return local

    previous = sys.gettrace()
    sys.settrace(on_call)
    try:
        code = shapes.azpipe(argv)
    finally:
        sys.settrace(previous)
    assert code in (0, 1), f"azpipe {' '.join(argv)} exited {code}"  # diff exits 1: versions differ
    return count


def break_even(files: list[dict[str, str]], size: int, command: str, extra: tuple[str, ...] = ()) -> float:
    """Where the fitted quadratic part of ``command``'s work overtakes the linear part (elements).

    ``files`` hold ``size``, ``2 * size`` and ``4 * size`` elements; infinite
    when the counts bend down or not at all.
    """
    shapes.azpipe(shapes.command_line(command, files[0]) + list(extra))  # lazy imports and caches first
    with no_budgets():
        counts = [executed_lines(shapes.command_line(command, paths) + list(extra)) for paths in files]
    first, second = counts[1] - counts[0], counts[2] - counts[1]  # b N + 3 a N², 2 b N + 12 a N²
    quadratic = (second - 2 * first) / (6 * size * size)
    linear = (first - 3 * quadratic * size * size) / size
    assert linear > 0, counts
    return linear / quadratic if quadratic > 0 else math.inf


@contextlib.contextmanager
def no_budgets() -> Iterator[None]:
    """No dummy points for long edges (every one takes a side lane) and no suggestions."""
    with (
        mock.patch.object(layout, "CHAIN_BUDGET", (0, 0)),
        mock.patch.object(Suggestions, "PER_NAME", 0),
        mock.patch.object(Suggestions, "BASE", 0),
    ):
        yield


@pytest.fixture(scope="module")
def folder() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="azpipe-linear-") as name:
        yield Path(name)


_files: dict[tuple[Path, str, int], list[dict[str, str]]] = {}


def files_of(folder: Path, shape: str, size: int) -> list[dict[str, str]]:
    """The files of ``shape`` at ``size``, twice and four times that (written once per folder)."""
    if (folder, shape, size) not in _files:
        _files[(folder, shape, size)] = [shapes.write_files(folder, [(shape, size * k)]) for k in (1, 2, 4)]
    return _files[(folder, shape, size)]


@pytest.mark.parametrize(
    ("shape", "command"), [(s, c) for s in shapes.SHAPES for c in shapes.commands_for([(s, SIZE)])]
)
def test_every_command_is_linear_on_every_shape(folder: Path, shape: str, command: str) -> None:
    found = break_even(files_of(folder, shape, SIZE), SIZE, command)
    assert found >= BREAK_EVEN, f"{shape} / {command}: quadratic beyond {found:,.0f} elements"


@pytest.mark.parametrize(
    ("shape", "command"),
    [("wide", "check"), ("wide_inputs", "check"), ("fan_in", "check"), ("chain", "graph text"),
     ("chain", "diff mermaid"), ("chain", "diff markdown"), ("wide", "plan"), ("fan_in_after", "compile python"),
     ("typos", "check")],
)  # fmt: skip
def test_reproductions_stay_linear_at_larger_sizes(folder: Path, shape: str, command: str) -> None:
    """The issue's reproductions (and the quadratic spots found with them), at 100, 200 and 400."""
    found = break_even(files_of(folder, shape, 100), 100, command)
    assert found >= BREAK_EVEN, f"{shape} / {command}: quadratic beyond {found:,.0f} elements"


def test_the_measure_sees_a_cheap_quadratic_loop(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A one-line scan of every node for each node, put back on purpose, is caught."""
    from azpipe.render import text

    original = text.summary

    def scanning_summary(view: Any) -> str:
        for node in view.nodes:
            sum(1 for other in view.nodes if other.kind == node.kind)
        return original(view)

    monkeypatch.setattr(text, "summary", scanning_summary)
    assert break_even(files_of(folder, "chain", SIZE), SIZE, "graph text") < BREAK_EVEN


MIXES = st.lists(
    st.tuples(st.sampled_from(sorted(shapes.SHAPES)), st.integers(min_value=1, max_value=3)),
    min_size=1,
    max_size=3,
)
OPTIONS = {
    "graph": [(), ("--direction", "LR"), ("--show", "all")],
    "diff": [(), ("--direction", "LR")],
}


@settings(
    max_examples=300 if LONG else 6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(mix=MIXES, unit=st.integers(10, 24), data=st.data())
def test_mixed_shapes_stay_linear(
    folder: Path, mix: list[tuple[str, int]], unit: int, data: st.DataObject
) -> None:
    """Several shapes in one file, at random weights, with the command and its options drawn too."""
    command = data.draw(st.sampled_from(shapes.commands_for(mix)))
    extra = data.draw(st.sampled_from(OPTIONS.get(command.split()[0], [()])))
    size = unit * sum(weight for _, weight in mix)
    with tempfile.TemporaryDirectory(dir=folder) as name:
        files = [shapes.write_files(Path(name), [(s, w * unit * k) for s, w in mix]) for k in (1, 2, 4)]
        found = break_even(files, size, command, extra)
    assert found >= BREAK_EVEN, f"{mix} / {command} {extra}: quadratic beyond {found:,.0f} elements"


@settings(max_examples=1000 if LONG else 100, deadline=None)
@given(graph=graphs(), direction=st.sampled_from(["TB", "LR"]))
def test_side_lanes_keep_edges_around_boxes(
    graph: tuple[list[str], dict[str, tuple[float, float]], list[layout.Link]], direction: str
) -> None:
    """With no budget for dummy points, every long edge takes a side lane: still no edge through a box,
    and every route runs from its source to its target (the layout property test, lanes forced)."""
    nodes, sizes, links = graph
    with mock.patch.object(layout, "CHAIN_BUDGET", (0, 0)):
        placed = layout.compute(nodes, sizes, links, direction)
    rects = {name: (box.x, box.y, box.w, box.h) for name, box in placed.boxes.items()}
    for index, first in enumerate(nodes):
        assert not any(overlap(rects[first], rects[second]) for second in nodes[index + 1 :])
    for points in [*placed.routes, *(trunk.points for trunk in placed.trunks)]:
        for segment in pairwise(points):
            assert not any(crosses(segment, rect) for rect in rects.values()), segment
    for link, route in zip(links, placed.routes, strict=True):
        if link.source != link.target:
            assert _touches(route[-1], rects[link.target])


def test_long_edges_take_lanes_past_the_budget() -> None:
    """Each of 400 chained steps also read by a last step: the drawing stays linear (a few points per edge)."""
    count = 400
    nodes = [f"s{k}" for k in range(count)] + ["last"]
    links = [layout.Link(f"s{k}", f"s{k + 1}") for k in range(count - 1)]
    links += [layout.Link(f"s{k}", "last", (80.0, 14.0)) for k in range(count)]
    placed = layout.compute(nodes, dict.fromkeys(nodes, (60.0, 24.0)), links)
    points = sum(len(route) for route in placed.routes) + sum(len(trunk.points) for trunk in placed.trunks)
    per_item, constant = layout.CHAIN_BUDGET
    dummies = per_item * (len(nodes) + len(links)) + constant  # two points each, in trunks
    assert points <= 2 * dummies + 8 * len(links) < count * count / 5  # chains alone: about 2 count²
    assert placed.width > count * layout.DUMMY_GAP  # the lanes are beside the drawing


def test_suggestions_stay_within_their_budget(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """300 misspelt steps and 300 misspelt inputs: names compared within the budgets (the references
    check, the ports check and the step reader each have one), far below 300 × 300 per kind."""
    import azpipe.suggest

    compared = 0
    original = azpipe.suggest.edit_distance

    def counted(a: str, b: str, limit: int = 3) -> int:
        nonlocal compared
        compared += 1
        return original(a, b, limit)

    monkeypatch.setattr(azpipe.suggest, "edit_distance", counted)
    paths = shapes.write_files(folder, [("typos", 300)])
    assert shapes.azpipe(["check", paths["file"]]) == 1
    names = 1600  # at most: 300 inputs, 302 steps, 300 outputs and 600 implicit inputs
    assert 0 < compared <= 3 * (Suggestions.BASE + Suggestions.PER_NAME * names) < 300 * 300


def test_benchmark_runs_and_reports() -> None:
    """``benchmarks/hostile_shapes.py --quick`` runs every command and prints its growth table."""
    result = subprocess.run(
        [sys.executable, str(BENCHMARK), "--quick", "--shapes", "chain,wide"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for expected in ("chain", "wide", "growth per doubling", *shapes.COMMANDS, "every doubling within 2.2x"):
        assert expected in result.stdout


def lines_of(action: Any) -> int:
    """How many Python lines ``action()`` executes."""
    count = 0

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        nonlocal count
        count += event == "line"
        return local

    previous = sys.gettrace()
    sys.settrace(lambda frame, event, arg: local)
    try:
        action()
    finally:
        sys.settrace(previous)
    return count


@pytest.mark.parametrize("tail", ["", " ${{inputs.x", " ${{ nope }} $[[ a $[[ b ]] ]]"])
def test_template_parser_is_linear_on_both_paths(tail: str) -> None:
    """Well-formed commands take the fast path; a syntax error at the end sends the whole
    string to lark (issue 12, speed). Both grow linearly with the placeholders."""
    from azpipe.expr.parser import TemplateError, parse_template

    def parse(size: int) -> None:
        words = (
            f"--a{k:05d} ${{{{parent.inputs.i{k:05d}}}}} $[[-o ${{{{outputs.o{k:05d}}}}}]]"
            for k in range(size)
        )
        with contextlib.suppress(TemplateError):
            parse_template(" ".join(words) + tail)

    parse(SIZE)  # lark's import and grammar load, when the tail needs them
    counts = [lines_of(lambda n=SIZE * k: parse(n)) for k in (1, 2, 4)]
    first, second = counts[1] - counts[0], counts[2] - counts[1]
    quadratic = (second - 2 * first) / (6 * SIZE * SIZE)
    linear = (first - 3 * quadratic * SIZE * SIZE) / SIZE
    assert linear > 0, counts
    assert quadratic <= 0 or linear / quadratic >= BREAK_EVEN, counts
