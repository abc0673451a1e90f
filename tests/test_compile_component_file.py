"""``uses: ./component.yml``: a native Azure ML component file's interface, checked with positions."""

from __future__ import annotations

from pathlib import Path

import pytest

import azpipe
from azpipe.cli.main import main
from azpipe.diagnostics import Diagnostic

PIPELINE = """\
azpipe: 1
name: example
defaults: {{compute: cpu-cluster, environment: "azureml:env:1"}}
inputs:
  raw: ./data
steps:
  train:
    uses: {uses}
    inputs:
{inputs}
"""
COMPONENT = """\
$schema: https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json
name: train_model
version: "2"
type: command
inputs:
  data: {type: uri_folder, description: Training data}
  epochs: {type: integer, default: 10, optional: true, min: 1}
  rate: {type: float, optional: true}
outputs:
  model: {type: mlflow_model}
code: ./src
environment: azureml:env:1
command: >-
  python train.py --data ${{inputs.data}} $[[--epochs ${{inputs.epochs}}]]
  $[[--rate ${{inputs.rate}}]] --model ${{outputs.model}}
"""


def load(
    tmp_path: Path,
    component: str | None = COMPONENT,
    uses: str = "./components/train.yml",
    inputs: str = "      data: ${{parent.inputs.raw}}",
) -> azpipe.Pipeline:
    (tmp_path / "data").mkdir(exist_ok=True)
    (tmp_path / "components" / "src").mkdir(parents=True, exist_ok=True)
    if component is not None:
        (tmp_path / "components" / "train.yml").write_text(component, encoding="utf-8")
    path = tmp_path / "pipeline.yaml"
    path.write_text(PIPELINE.format(uses=uses, inputs=inputs), encoding="utf-8")
    return azpipe.load(path)


def only(pipeline: azpipe.Pipeline, code: str) -> Diagnostic:
    found = [d for d in pipeline.diagnostics if d.code == code]
    assert len(found) == 1, pipeline.diagnostics
    return found[0]


def test_interface_is_read(tmp_path: Path) -> None:
    pipeline = load(tmp_path)
    assert pipeline.ok, pipeline.diagnostics
    component = pipeline.steps["train"].uses
    assert component is not None and component.source == "file" and component.known
    assert component.path == "./components/train.yml" and component.name == "train_model"
    assert {n: (p.type, p.optional, p.default) for n, p in component.inputs.items()} == {
        "data": ("uri_folder", False, None),
        "epochs": ("integer", True, 10),
        "rate": ("number", True, None),
    }
    assert component.outputs["model"].type == "mlflow_model"
    assert pipeline.steps["train"].outputs["model"].type == "mlflow_model"
    span = component.inputs["epochs"].span
    assert span.file.endswith("components/train.yml") and (span.line, span.column) == (7, 3)


def test_missing_file_is_reported_at_uses(tmp_path: Path) -> None:
    diagnostic = only(load(tmp_path, component=None), "F801")
    assert diagnostic.span.file.endswith("pipeline.yaml")
    assert (diagnostic.span.line, diagnostic.span.column) == (8, 11)
    assert "./components/train.yml" in diagnostic.message


def test_absolute_file_is_reported(tmp_path: Path) -> None:
    diagnostic = only(load(tmp_path, uses="/etc/train.yml"), "F803")
    assert (diagnostic.span.line, diagnostic.span.column) == (8, 11)


def test_broken_yaml_is_reported_in_the_component_file(tmp_path: Path) -> None:
    pipeline = load(tmp_path, component=COMPONENT.replace("outputs:\n", "outputs: [\n"))
    diagnostic = only(pipeline, "Y001")
    assert diagnostic.span.file.endswith("components/train.yml")
    assert not pipeline.ok


def test_unknown_placeholder_is_reported_in_the_component_file(tmp_path: Path) -> None:
    pipeline = load(tmp_path, component=COMPONENT.replace("${{outputs.model}}", "${{outputs.modle}}"))
    diagnostic = only(pipeline, "P405")
    assert diagnostic.span.file.endswith("components/train.yml")
    assert diagnostic.span.line == 15 and "did you mean `model`?" in (diagnostic.hint or "")


def test_unknown_port_key_and_type(tmp_path: Path) -> None:
    broken = COMPONENT.replace("min: 1", "minimum: 1").replace("type: mlflow_model", "type: mlflow")
    pipeline = load(tmp_path, component=broken)
    assert only(pipeline, "S101").span.line == 7
    assert only(pipeline, "T602").span.line == 10


def test_only_command_components(tmp_path: Path) -> None:
    diagnostic = only(load(tmp_path, component=COMPONENT.replace("type: command", "type: pipeline")), "S106")
    assert diagnostic.span.line == 4 and diagnostic.span.file.endswith("train.yml")


def test_bindings_are_checked_against_the_file(tmp_path: Path) -> None:
    pipeline = load(tmp_path, inputs="      dta: ${{parent.inputs.raw}}")
    diagnostic = only(pipeline, "R302")
    assert diagnostic.span.file.endswith("pipeline.yaml") and diagnostic.span.line == 10
    assert "did you mean `data`?" in (diagnostic.hint or "")
    assert only(pipeline, "P404").span.line == 8  # `data` is required and now unbound


def test_step_outputs_must_exist_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "pipeline.yaml"
    load(tmp_path)
    path.write_text(path.read_text() + "    outputs:\n      modl: {mode: upload}\n", encoding="utf-8")
    assert only(azpipe.load(path), "R302").span.line == 12


def test_compile_shows_the_component_files_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    load(tmp_path, component=COMPONENT.replace("${{outputs.model}}", "${{outputs.modle}}"))
    assert main(["compile", str(tmp_path / "pipeline.yaml")]) == 1
    err = capsys.readouterr().err
    assert "train.yml:15:" in err and "$[[--rate ${{inputs.rate}}]] --model ${{outputs.modle}}" in err


@pytest.mark.parametrize("uses", ["./components/train.yml", "components/train.yml", "../x/train.yaml"])
def test_file_values_are_recognised(tmp_path: Path, uses: str) -> None:
    from azpipe.readers.component_file import is_component_file

    assert is_component_file(uses)
    assert not is_component_file("azureml:train:1") and not is_component_file("train@latest")
