"""The layered layout's building blocks: layers, cycles, spacing, crossings."""

from __future__ import annotations

from azpipe.render import layout


def test_layers_follow_edges_and_sources_sit_next_to_their_consumer() -> None:
    nodes = ["data", "input", "a", "b", "c", "late_input"]
    edges = [("data", "input"), ("input", "a"), ("a", "b"), ("b", "c"), ("late_input", "c")]
    layers = layout.assign_layers(nodes, edges)
    assert layers == {"data": 0, "input": 1, "a": 2, "b": 3, "c": 4, "late_input": 3}


def test_cycles_and_self_loops_still_get_layers() -> None:
    layers = layout.assign_layers(["a", "b", "c"], [("a", "b"), ("b", "c"), ("c", "a"), ("b", "b")])
    assert sorted(layers.values()) == [0, 1, 2]
    assert layout.orient(["a", "b"], [("a", "b"), ("b", "a"), ("a", "a")]) == [("a", "b")]


def test_isotonic_keeps_order_and_gaps() -> None:
    positions = layout._isotonic([10.0, 0.0, 5.0], [1.0, 1.0, 1.0], [4.0, 4.0])
    assert positions[1] - positions[0] >= 4 - 1e-9 and positions[2] - positions[1] >= 4 - 1e-9
    assert abs(sum(positions) - 15.0) < 1e-9  # the mean is kept
    assert layout._isotonic([0.0, 100.0], [1.0, 1.0], [10.0]) == [0.0, 100.0]


def test_inversions() -> None:
    assert layout._inversions([0, 1, 2]) == 0
    assert layout._inversions([2, 1, 0]) == 3


def test_crossing_reduction_untangles_a_simple_case() -> None:
    nodes = ["a", "b", "c", "d"]
    links = [layout.Link("a", "d"), layout.Link("b", "c")]
    placed = layout.compute(nodes, dict.fromkeys(nodes, (40.0, 20.0)), links)
    centre = {n: r.x + r.w / 2 for n, r in placed.boxes.items()}
    assert (centre["a"] < centre["b"]) == (centre["d"] < centre["c"])


def test_long_edges_share_a_trunk() -> None:
    nodes = ["s", "x", "y", "z", "t"]
    links = [layout.Link("s", "x"), layout.Link("x", "y"), layout.Link("y", "z"), layout.Link("s", "z"),
             layout.Link("s", "t"), layout.Link("z", "t")]  # fmt: skip
    placed = layout.compute(nodes, dict.fromkeys(nodes, (40.0, 20.0)), links)
    assert len(placed.trunks) == 1 and sorted(placed.trunks[0].links) == [3, 4]
    assert all(len(route) <= 6 for route in placed.routes)


def test_empty_graph() -> None:
    placed = layout.compute([], {}, [])
    assert placed.boxes == {} and placed.routes == [] and placed.width > 0
