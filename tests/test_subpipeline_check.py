"""Sub-pipelines (issue 11 item 1): `uses: ./x/pipeline.yaml` and native `type: pipeline` nodes, checked."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import azpipe
from azpipe.loading import check_file

CORPUS = os.environ.get("AZPIPE_CORPUS", "")
NESTED = "cli/jobs/pipelines-with-components/pipeline_with_pipeline_component"

FEATURES = """\
azpipe: 1
name: features
defaults: {environment: azureml:sklearn:1}
inputs:
  raw: {type: uri_folder}
  ratio: {type: number, default: 0.2}
outputs:
  table: ${{build.outputs.table}}
steps:
  build:
    command: python build.py --raw ${{parent.inputs.raw}} --ratio ${{parent.inputs.ratio}} --out ${{outputs.table}}
"""

OUTER = """\
azpipe: 1
name: outer
defaults: {compute: cpu, environment: azureml:sklearn:1}
inputs:
  data: {type: uri_folder, default: ./data}
outputs:
  model: ${{train.outputs.model}}
steps:
  one:
    uses: ./features/pipeline.yaml
    inputs: {raw: "${{parent.inputs.data}}", ratio: 0.3}
  two:
    uses: ./features/pipeline.yaml
    inputs: {raw: "${{parent.inputs.data}}"}
  train:
    command: python train.py --a ${{one.outputs.table}} --b ${{two.outputs.table}} --model ${{outputs.model}}
"""


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    (root / "data").mkdir(exist_ok=True)


def codes(pipeline: azpipe.Pipeline) -> list[tuple[str, str, int]]:
    return [(d.code, os.path.basename(d.span.file), d.span.line) for d in pipeline.check()]


def test_a_sub_pipeline_used_twice_is_clean_and_typed(tmp_path: Path) -> None:
    write(tmp_path, {"features/pipeline.yaml": FEATURES, "pipeline.yaml": OUTER})
    pipeline = azpipe.load(tmp_path / "pipeline.yaml")
    assert pipeline.diagnostics == []
    one, two = pipeline.steps["one"], pipeline.steps["two"]
    assert one.kind == two.kind == "pipeline"
    assert one.uses is not None and two.uses is not None
    assert one.uses.source == "pipeline" and one.uses.pipeline is two.uses.pipeline  # read once
    assert one.outputs["table"].type == "uri_folder"
    assert one.inputs["ratio"].type == "number" and one.inputs["raw"].type == "uri_folder"


def test_bindings_across_the_boundary(tmp_path: Path) -> None:
    outer = OUTER.replace(
        '{raw: "${{parent.inputs.data}}", ratio: 0.3}', '{rwa: "${{parent.inputs.data}}", ratio: high}'
    )
    outer = outer.replace("${{one.outputs.table}}", "${{one.outputs.tabel}}")
    write(tmp_path, {"features/pipeline.yaml": FEATURES, "pipeline.yaml": outer})
    found = codes(azpipe.load(tmp_path / "pipeline.yaml"))
    assert ("P404", "pipeline.yaml", 10) in found  # `raw` left unbound, at the `uses:`
    assert ("R302", "pipeline.yaml", 11) in found  # `rwa`
    assert ("T601", "pipeline.yaml", 11) in found  # `high` for a number
    assert ("R302", "pipeline.yaml", 16) in found  # `tabel`


def test_inner_diagnostics_carry_the_inner_file(tmp_path: Path) -> None:
    inner = FEATURES.replace("${{parent.inputs.raw}}", "${{parent.inputs.rwa}}")
    write(tmp_path, {"features/pipeline.yaml": inner, "pipeline.yaml": OUTER})
    pipeline = azpipe.load(tmp_path / "pipeline.yaml")
    [problem] = [d for d in pipeline.check() if d.code == "R303"]
    assert problem.span.file.endswith(os.path.join("features", "pipeline.yaml"))
    assert (problem.span.line, problem.span.column) == (11, 36)
    assert problem.span.file in pipeline.sources  # the report can quote the inner file
    assert "parent.inputs.rwa" in pipeline.sources[problem.span.file]


def test_a_cycle_across_files_names_the_chain(tmp_path: Path) -> None:
    head = "azpipe: 1\nname: {}\ndefaults: {{compute: cpu, environment: azureml:e:1}}\nsteps:\n  s:\n    uses: ./{}\n"
    write(tmp_path, {"a.yaml": head.format("a", "b.yaml"), "b.yaml": head.format("b", "c.yaml"),
                     "c.yaml": head.format("c", "a.yaml")})  # fmt: skip
    pipeline = azpipe.load(tmp_path / "a.yaml")
    [cycle] = [d for d in pipeline.diagnostics if d.code == "U101"]
    assert cycle.span.file.endswith("c.yaml") and cycle.span.line == 6
    assert [os.path.basename(p) for p in cycle.message.split(": ", 1)[1].split(" → ")] == [
        "a.yaml",
        "b.yaml",
        "c.yaml",
        "a.yaml",
    ]


def test_a_sub_pipeline_step_takes_no_command_settings(tmp_path: Path) -> None:
    outer = OUTER.replace("    uses: ./features/pipeline.yaml\n    inputs: {raw: \"${{parent.inputs.data}}\", ratio",
                          "    uses: ./features/pipeline.yaml\n    resources: {instance_count: 2}\n"
                          "    inputs: {raw: \"${{parent.inputs.data}}\", ratio")  # fmt: skip
    write(tmp_path, {"features/pipeline.yaml": FEATURES, "pipeline.yaml": outer})
    assert ("U102", "pipeline.yaml", 11) in codes(azpipe.load(tmp_path / "pipeline.yaml"))


NATIVE = """\
$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json
type: pipeline
settings: {{default_compute: azureml:cpu}}
outputs:
  table: {{type: uri_folder}}
jobs:
  inner:
    type: pipeline
    component: {component}
    inputs: {{rows: 3}}
    outputs: {{table: "${{{{parent.outputs.table}}}}"}}
"""
COMPONENT = """\
$schema: https://azuremlschemas.azureedge.net/latest/pipelineComponent.schema.json
type: pipeline
name: inner
inputs:
  rows: {type: integer}
outputs:
  table: {type: uri_folder}
jobs:
  build:
    type: command
    command: echo ${{inputs.rows}} > ${{outputs.table}}/x
    environment: azureml:e:1
    inputs: {rows: "${{parent.inputs.rows}}"}
    outputs: {table: "${{parent.outputs.table}}"}
"""


@pytest.mark.parametrize(
    ("component", "expected"),
    [
        ("./inner.yml", []),
        ("azureml:inner:1", []),
        ("azureml:inner@latest", []),
        # azure-ai-ml reads a value without `azureml:` as a file path only, and refuses it.
        ("inner@latest", ["R307"]),
        ("azureml://registries/azureml/components/inner/versions/1", ["I001"]),
    ],
)
def test_native_pipeline_nodes(tmp_path: Path, component: str, expected: list[str]) -> None:
    write(tmp_path, {"inner.yml": COMPONENT, "job.yml": NATIVE.format(component=component)})
    pipeline = azpipe.load(tmp_path / "job.yml")
    assert [d.code for d in pipeline.check()] == expected
    assert pipeline.steps["inner"].kind == "pipeline"


def test_native_node_binding_an_unknown_input(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "inner.yml": COMPONENT,
            "job.yml": NATIVE.format(component="./inner.yml").replace("rows: 3", "rws: 3"),
        },
    )
    found = codes(azpipe.load(tmp_path / "job.yml"))
    assert ("R302", "job.yml", 10) in found and ("P404", "job.yml", 9) in found


def test_a_pipeline_component_file_checks_on_its_own(tmp_path: Path) -> None:
    write(tmp_path, {"inner.yml": COMPONENT})
    checked = check_file(str(tmp_path / "inner.yml"))
    assert checked.kind.checked and checked.diagnostics == []


@pytest.mark.skipif(not CORPUS, reason="AZPIPE_CORPUS not set")
def test_corpus_pipeline_components_check_clean() -> None:
    root = Path(CORPUS) / NESTED
    files = sorted(root.rglob("*.yml"))
    components = [f for f in files if "pipelineComponent" in f.read_text(encoding="utf-8")]
    assert len(components) >= 3
    for path in components:
        assert check_file(str(path)).diagnostics == [], path
