"""P407: a key of the step indented into its block-scalar command is pointed at, on its line."""

from __future__ import annotations

from pathlib import Path

import azpipe

ENVIRONMENT = "azureml://registries/azureml/environments/sklearn-1.5/labels/latest"


def _codes_at(path: Path, line: int) -> list[str]:
    return [d.code for d in azpipe.load(path).diagnostics if d.span.line == line and d.span.file == str(path)]


def test_a_native_components_input_block_indented_into_its_command(tmp_path: Path) -> None:
    (tmp_path / "train.yml").write_text(
        "$schema: https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json\n"
        "type: command\nname: train\n"
        f"environment: {ENVIRONMENT}\n"
        "command: |\n  python train.py --data ${{inputs.data}}\n  inputs:\n    data: {type: uri_folder}\n",
        encoding="utf-8",
    )
    pipeline = tmp_path / "pipeline.yml"
    pipeline.write_text(
        "type: pipeline\nsettings: {default_compute: azureml:cpu-cluster}\n"
        "jobs:\n  train:\n    type: command\n    component: ./train.yml\n",
        encoding="utf-8",
    )
    found = [d for d in azpipe.load(pipeline).diagnostics if d.code == "P407"]
    assert [(Path(d.span.file).name, d.span.line, d.span.column) for d in found] == [("train.yml", 7, 3)]


def test_command_text_that_is_not_a_step_key_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "pipeline.yaml"
    path.write_text(
        "azpipe: 1\nname: p\n"
        f"defaults: {{compute: cpu-cluster, environment: {ENVIRONMENT}}}\n"
        "outputs:\n  result: ${{a.outputs.out}}\n"
        "steps:\n  a:\n    command: |\n      cat <<EOF > ${{outputs.out}}/config.yaml\n"
        "      learning_rate: 0.1\n      note: x\n      EOF\n",
        encoding="utf-8",
    )
    assert "P407" not in {d.code for d in azpipe.load(path).diagnostics}


def test_a_plain_command_is_not_read_for_keys(tmp_path: Path) -> None:
    """Only a block scalar (`|`, `>`) swallows the next lines; a plain one cannot hold a key."""
    path = tmp_path / "pipeline.yaml"
    path.write_text(
        "azpipe: 1\nname: p\n"
        f"defaults: {{compute: cpu-cluster, environment: {ENVIRONMENT}}}\n"
        "outputs:\n  result: ${{a.outputs.out}}\n"
        "steps:\n  a:\n    command: 'echo code: ${{outputs.out}}'\n",
        encoding="utf-8",
    )
    assert _codes_at(path, 8) == []
