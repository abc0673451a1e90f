"""The file and name checks of issue 12 item 3, at the value's own line and column: a missing
pipeline-input file (F801), a data asset's ``path`` and an environment's ``conda_file`` (F801),
and the asset name an output registers (N701), in both file formats."""

from __future__ import annotations

from pathlib import Path

import pytest

import azpipe
from azpipe.diagnostics import Diagnostic

HEAD = "azpipe: 1\nname: example\ndefaults: {compute: cpu-cluster, environment: sklearn-env@latest}\n"
NATIVE_HEAD = (
    "$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json\n"
    "type: pipeline\nsettings:\n  default_compute: azureml:cpu-cluster\n"
)
ENV = "azureml://registries/azureml/environments/sklearn-1.5/labels/latest"


def at(text: str, code: str, base: Path) -> list[tuple[int, int, str]]:
    """(line, column, text under the span) of each ``code`` diagnostic."""
    lines = text.splitlines()
    found: list[Diagnostic] = azpipe.loads(text, str(base / "p.yaml"), str(base)).check()
    return [
        (d.span.line, d.span.column, lines[d.span.line - 1][d.span.column - 1 : d.span.end_column - 1])
        for d in found
        if d.code == code
    ]


LANGUAGE_INPUT = HEAD + (
    "inputs:\n"
    "  holidays: {type: uri_file, path: data/holiday.csv}\n"
    "  days:\n    type: uri_file\n    path: ./data/days.csv\n"
    "outputs:\n  out: ${{s.outputs.out}}\n"
    "steps:\n  s:\n"
    "    inputs: {h: '${{parent.inputs.holidays}}', d: '${{parent.inputs.days}}'}\n"
    "    command: echo ${{inputs.h}} ${{inputs.d}} > ${{outputs.out}}\n"
)
NATIVE_INPUT = NATIVE_HEAD + (
    "inputs:\n  holidays:\n    type: uri_file\n    path: data/holiday.csv\n"
    "jobs:\n  s:\n    type: command\n"
    f"    environment: {ENV}\n"
    "    inputs: {h: '${{parent.inputs.holidays}}'}\n"
    "    command: cat ${{inputs.h}}\n"
)


def test_a_missing_pipeline_input_file_is_f801_at_the_path(tmp_path: Path) -> None:
    assert at(LANGUAGE_INPUT, "F801", tmp_path) == [
        (5, 36, "data/holiday.csv"),
        (8, 11, "./data/days.csv"),
    ]
    assert at(NATIVE_INPUT, "F801", tmp_path) == [(8, 11, "data/holiday.csv")]
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "holiday.csv").write_text("")
    (tmp_path / "data" / "days.csv").write_text("")
    assert at(LANGUAGE_INPUT, "F801", tmp_path) == at(NATIVE_INPUT, "F801", tmp_path) == []


def test_data_asset_path_and_conda_file_are_reported_at_the_value(tmp_path: Path) -> None:
    text = HEAD + (
        "environments:\n  env1:\n    image: python:3.11\n    conda_file: envs/conda.yaml\n"
        "data:\n  raw:\n    type: uri_folder\n    path: data/raw\n"
        "outputs:\n  out: ${{s.outputs.out}}\n"
        "steps:\n  s:\n    environment: env1\n    inputs: {r: '${{data.raw}}'}\n"
        "    command: ls ${{inputs.r}} > ${{outputs.out}}\n"
    )
    assert at(text, "F801", tmp_path) == [(7, 17, "envs/conda.yaml"), (11, 11, "data/raw")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            HEAD + "outputs:\n  model: ${{train.outputs.model}}\nsteps:\n  train:\n"
            '    outputs:\n      model: {type: uri_folder, name: "churn model!"}\n'
            "    command: echo > ${{outputs.model}}\n",
            [(9, 39, '"churn model!"')],
        ),
        (
            HEAD + "outputs:\n  model:\n    value: ${{train.outputs.model}}\n    name: churn model!\n"
            "steps:\n  train:\n    outputs: {model: uri_folder}\n    command: echo > ${{outputs.model}}\n",
            [(7, 11, "churn model!")],
        ),
        (
            NATIVE_HEAD + "outputs:\n  final:\n    type: uri_folder\n    name: final model!\n"
            "jobs:\n  train:\n    type: command\n"
            f"    environment: {ENV}\n"
            "    outputs:\n      model:\n        type: uri_folder\n        name: churn model!\n"
            "      final: ${{parent.outputs.final}}\n"
            "    command: echo ${{outputs.model}} ${{outputs.final}}\n",
            [(8, 11, "final model!"), (16, 15, "churn model!")],
        ),
    ],
    ids=["language-step-output", "language-pipeline-output", "native"],
)
def test_a_registered_output_name_is_n701_at_the_value(
    tmp_path: Path, text: str, expected: list[tuple[int, int, str]]
) -> None:
    assert at(text, "N701", tmp_path) == expected


def test_a_component_code_folder_is_reported_at_the_value(tmp_path: Path) -> None:
    text = HEAD + (
        "components:\n  trainer:\n    code: srcx\n    inputs: {lr: {type: number}}\n"
        "    command: python train.py --lr ${{inputs.lr}}\n"
        "steps:\n  t:\n    uses: trainer\n    inputs: {lr: 0.1}\n"
    )
    assert at(text, "F801", tmp_path) == [(6, 11, "srcx")]


def test_inline_environments_conda_files_are_checked_at_the_value(tmp_path: Path) -> None:
    language = HEAD + (
        "steps:\n  s:\n    command: echo hi\n"
        "    environment:\n      image: python:3.11\n      conda_file: ./envs/missing.yml\n"
    )
    assert at(language, "F801", tmp_path) == [(9, 19, "./envs/missing.yml")]
    native = NATIVE_HEAD + (
        "jobs:\n  s:\n    type: command\n    command: echo hi\n"
        "    environment:\n      image: python:3.11\n      conda_file: ./envs/missing.yml\n"
    )
    assert at(native, "F801", tmp_path) == [(11, 19, "./envs/missing.yml")]
    (tmp_path / "envs").mkdir()
    (tmp_path / "envs" / "missing.yml").write_text("name: x\n")
    assert at(language, "F801", tmp_path) == at(native, "F801", tmp_path) == []


def test_a_component_file_paths_are_relative_to_it(tmp_path: Path) -> None:
    (tmp_path / "comp").mkdir()
    (tmp_path / "comp" / "c.yml").write_text(
        "$schema: https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json\n"
        "type: command\nname: c1\ncode: ./srcx\n"
        "environment:\n  image: python:3.11\n  conda_file: conda.yml\n"
        "command: echo hi\n"
    )
    text = NATIVE_HEAD + "jobs:\n  a:\n    type: command\n    component: ./comp/c.yml\n"
    found = [
        d for d in azpipe.loads(text, str(tmp_path / "p.yaml"), str(tmp_path)).check() if d.code == "F801"
    ]
    assert [(d.span.file.endswith("c.yml"), d.span.line, d.span.column) for d in found] == [
        (True, 4, 7),
        (True, 7, 15),
    ]
    assert all(d.hint is not None and "relative to its folder" in d.hint for d in found)
    (tmp_path / "comp" / "srcx").mkdir()
    (tmp_path / "comp" / "conda.yml").write_text("name: x\n")
    assert [
        d for d in azpipe.loads(text, str(tmp_path / "p.yaml"), str(tmp_path)).check() if d.code == "F801"
    ] == []


def test_a_component_file_may_name_a_folder_above_it_inside_the_pipeline_folder(tmp_path: Path) -> None:
    # Outside a Git checkout the repository is the pipeline's folder, not the component file's
    # (the Azure ML automl examples keep their components in a subfolder, `code: ../src`).
    (tmp_path / "components").mkdir()
    (tmp_path / "src").mkdir()
    (tmp_path / "components" / "c.yml").write_text(
        "$schema: https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json\n"
        f"type: command\nname: c1\ncode: ../src\nenvironment: {ENV}\ncommand: echo hi\n"
    )
    text = NATIVE_HEAD + "jobs:\n  a:\n    type: command\n    component: ./components/c.yml\n"
    found = azpipe.loads(text, str(tmp_path / "p.yaml"), str(tmp_path)).check()
    assert [d.code for d in found if d.code.startswith("F8")] == []
    escaping = text.replace("./components/c.yml", "./components/d.yml")
    (tmp_path / "components" / "d.yml").write_text(
        (tmp_path / "components" / "c.yml").read_text().replace("../src", "../../src")
    )
    found = azpipe.loads(escaping, str(tmp_path / "p.yaml"), str(tmp_path)).check()
    assert [d.code for d in found if d.code.startswith("F8")] in (["F801"], ["F802"])
