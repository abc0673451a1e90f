"""The model and the graph: desugaring, edges, order, lineage, the Python API."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

import azpipe
from azpipe.expr.ast import RefKind

ROOT = Path(__file__).resolve().parent.parent
IMAGE = ROOT / "pipelines" / "image_classification" / "pipeline.yaml"


def test_load_returns_a_checked_pipeline() -> None:
    pipeline = azpipe.load(IMAGE)
    assert pipeline.ok and pipeline.diagnostics == []
    assert list(pipeline.steps) == ["prep_data", "train", "score"]
    assert azpipe.topological_order(pipeline) == ["prep_data", "train", "score"]
    assert pipeline.environments["prep-env"].version == "1"
    assert pipeline.compute["cpu-cluster"].max_instances == 4
    assert pipeline.data["my_image_data"].type == "uri_folder"


def test_implicit_ports_are_desugared() -> None:
    train = azpipe.load(IMAGE).steps["train"]
    assert set(train.inputs) == {"training_data", "epochs", "learning_rate"}
    binding = train.inputs["training_data"].binding
    assert binding is not None and binding.ref is not None
    assert (binding.ref.kind, binding.ref.step, binding.ref.name) == (
        RefKind.STEP_OUTPUT,
        "prep_data",
        "training_data",
    )
    assert train.inputs["training_data"].implicit
    assert train.inputs["learning_rate"].optional  # follows the optional pipeline input
    assert train.inputs["epochs"].type == "integer"
    assert train.outputs["model"].type == "mlflow_model"
    assert train.command is not None
    assert all(ref.kind in (RefKind.INPUT, RefKind.OUTPUT) for ref in train.command.refs())
    assert "${{inputs.training_data}}" in train.command.unparse()
    assert "$[[--learning_rate ${{inputs.learning_rate}}]]" in train.command.unparse()


def test_implicit_and_explicit_forms_give_the_same_model() -> None:
    head = "azpipe: 1\nname: p\ndefaults: {compute: c, environment: sklearn-env@latest}\noutputs: {r: '${{b.outputs.r}}'}\nsteps:\n"
    a = "  a:\n    command: echo ${{outputs.x}}\n"
    implicit = azpipe.loads(head + a + "  b:\n    command: cat ${{a.outputs.x}} > ${{outputs.r}}\n")
    explicit = azpipe.loads(
        head + a + "  b:\n    inputs: {x: '${{a.x}}'}\n    command: cat ${{inputs.x}} > ${{outputs.r}}\n"
    )
    assert implicit.ok and explicit.ok
    for pipeline in (implicit, explicit):
        b = pipeline.steps["b"]
        assert b.command is not None
        assert b.command.unparse() == "cat ${{inputs.x}} > ${{outputs.r}}"
        assert b.inputs["x"].type == "uri_folder"
    assert sorted(azpipe.graph_of(implicit).edges(keys=True)) == sorted(
        azpipe.graph_of(explicit).edges(keys=True)
    )


def test_implicit_name_clash_uses_step_prefix() -> None:
    text = (
        "azpipe: 1\nname: p\ndefaults: {compute: c, environment: sklearn-env@latest}\noutputs: {r: '${{c.outputs.r}}'}\nsteps:\n"
        "  a:\n    command: echo ${{outputs.out}}\n  b:\n    command: echo ${{outputs.out}}\n"
        "  c:\n    command: cat ${{a.outputs.out}} ${{b.outputs.out}} ${{a.out}} > ${{outputs.r}}\n"
    )
    c = azpipe.loads(text).steps["c"]
    assert set(c.inputs) == {"out", "b_out"}


def test_graph_edges_carry_bindings() -> None:
    graph = azpipe.graph_of(azpipe.load(IMAGE))
    assert isinstance(graph, nx.MultiDiGraph)
    edge = graph.get_edge_data("prep_data", "score")
    assert {d["dst_port"] for d in edge.values()} == {"test_data"}
    assert graph.nodes["inputs.dataset"]["kind"] == "input"
    assert graph.has_edge("data.my_image_data", "inputs.dataset")
    assert graph.has_edge("score", "outputs.scoring_result")


def test_lineage() -> None:
    pipeline = azpipe.load(IMAGE)
    upstream = azpipe.lineage(pipeline, "scoring_result")
    assert {"prep_data", "train", "score", "inputs.dataset", "data.my_image_data"} <= upstream


def test_after_edges_are_in_the_graph_and_cycles() -> None:
    head = "azpipe: 1\nname: p\ndefaults: {compute: c, environment: sklearn-env@latest}\nsteps:\n"
    ok = azpipe.loads(head + "  a:\n    command: echo a\n  b:\n    command: echo b\n    after: [a]\n")
    assert azpipe.topological_order(ok) == ["a", "b"]
    assert azpipe.graph_of(ok).get_edge_data("a", "b")["after:a"]["kind"] == "after"
    cyc = azpipe.loads(
        head + "  a:\n    command: echo a\n    after: [b]\n  b:\n    command: echo b\n    after: [a]\n"
    )
    [cycle] = [d for d in cyc.diagnostics if d.code == "G501"]
    assert "a -> b -> a" in cycle.message


def test_load_never_raises_on_missing_file(tmp_path: Path) -> None:
    pipeline = azpipe.load(tmp_path / "missing.yaml")
    assert not pipeline.ok and pipeline.diagnostics[0].code == "Y010"


def test_broken_file_still_has_a_graph() -> None:
    pipeline = azpipe.load(ROOT / "tests" / "rules" / "R301" / "bad.yaml")
    assert not pipeline.ok
    assert azpipe.graph_of(pipeline).nodes["train"]["broken"]
