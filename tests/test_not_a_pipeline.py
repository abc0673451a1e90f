"""A component file (or another Azure ML file) given where a pipeline is needed: one S111.

`azpipe check` checks component files on their own. The commands that take a
pipeline used to read one as an azpipe pipeline missing every key (`$schema` an
unknown key, `azpipe` and `steps` missing): now they say what the file is.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import azpipe
from azpipe.cli.main import main
from azpipe.loading import check_file

COMMAND_COMPONENT = """\
$schema: https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json
type: command
name: train
outputs:
  model: {type: uri_folder}
command: echo ${{outputs.model}}
environment: azureml://registries/azureml/environments/sklearn-1.5/labels/latest
"""
COMMAND_JOB = """\
type: command
command: echo hello
environment: azureml://registries/azureml/environments/sklearn-1.5/labels/latest
compute: azureml:cpu-cluster
"""
DATA_ASSET = """\
$schema: https://azuremlschemas.azureedge.net/latest/data.schema.json
name: trips
type: uri_folder
path: ./data
"""


@pytest.mark.parametrize(
    ("text", "what"),
    [
        (COMMAND_COMPONENT, "an Azure ML command component"),
        (COMMAND_JOB, "an Azure ML command job"),
        (DATA_ASSET, "an Azure ML asset or other file"),
    ],
)
def test_load_names_what_the_file_is(text: str, what: str, tmp_path: Path) -> None:
    path = tmp_path / "thing.yml"
    path.write_text(text, encoding="utf-8")
    found = azpipe.load(path).diagnostics
    assert [(d.code, d.span.line, d.span.column) for d in found] == [("S111", 1, 1)]
    assert f"`thing.yml` is {what}" in found[0].message


def test_check_still_checks_a_component_file_on_its_own(tmp_path: Path) -> None:
    path = tmp_path / "train.yml"
    path.write_text(COMMAND_COMPONENT, encoding="utf-8")
    checked = check_file(str(path))
    assert checked.kind.builder == "component"
    assert checked.diagnostics == []


@pytest.mark.parametrize(
    "command",
    [["compile", "--target", "yaml"], ["graph"], ["plan"], ["run"], ["import"], ["submit", "--dry-run"]],
)
def test_commands_that_need_a_pipeline_refuse_a_component(
    command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "train.yml"
    path.write_text(COMMAND_COMPONENT, encoding="utf-8")
    code = main([*command, str(path)])
    output = capsys.readouterr()
    assert code == 1, output
    assert "S111" in output.out + output.err
    assert "unknown key" not in output.out + output.err
    assert not (tmp_path / "train.yaml").exists() and not (tmp_path / "train.py").exists()


def test_a_pipeline_component_file_is_still_a_pipeline(tmp_path: Path) -> None:
    """`type: pipeline` with `jobs:` under a pipelineComponent $schema: graph draws it."""
    path = tmp_path / "inner.yml"
    path.write_text(
        "$schema: https://azuremlschemas.azureedge.net/latest/pipelineComponent.schema.json\n"
        "type: pipeline\nname: inner\njobs:\n  a:\n    type: command\n    command: echo a\n"
        "    environment: azureml://registries/azureml/environments/sklearn-1.5/labels/latest\n",
        encoding="utf-8",
    )
    assert "S111" not in {d.code for d in azpipe.load(path).diagnostics}
