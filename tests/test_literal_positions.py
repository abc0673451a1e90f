"""T601 for a wrong-typed literal pipeline input is reported at the value (issue 12 item 2).

Found by the mutation test (seeds 1, 9 and 10 of ``tests/test_mutation_parity.py``):
``b_weight: 0.5`` mutated to ``b_weight: half`` was reported at the
``${{parent.inputs.b_weight}}`` binding, lines away from the mistake.
"""

from __future__ import annotations

from pathlib import Path

import azpipe

HEAD = """azpipe: 1
name: p
defaults: {compute: cpu, environment: azureml:env@latest}
components:
  scaler:
    command: echo ${{inputs.scale}}
    inputs:
      scale: {type: number}
"""


def t601(tmp_path: Path, text: str) -> list[tuple[int, int, str]]:
    path = tmp_path / "pipeline.yaml"
    path.write_text(HEAD + text, encoding="utf-8")
    return [(d.span.line, d.span.column, d.message) for d in azpipe.load(path).check() if d.code == "T601"]


def test_an_inferred_literal_that_does_not_fit_is_reported_at_the_value(tmp_path: Path) -> None:
    text = "inputs:\n  b_weight: half\nsteps:\n  a:\n    uses: scaler\n    inputs:\n      scale: ${{parent.inputs.b_weight}}\n"
    [(line, column, message)] = t601(tmp_path, text)
    assert (line, column) == (10, 13)  # `half`
    assert "pipeline input `b_weight`" in message and "input `scale` of step `a`" in message
    assert "takes `number` but is given the str 'half'" in message


def test_a_typed_default_that_does_not_fit_is_reported_at_the_default(tmp_path: Path) -> None:
    text = (
        "inputs:\n  rate: {type: number, default: half}\n"
        "steps:\n  a:\n    uses: scaler\n    inputs:\n      scale: ${{parent.inputs.rate}}\n"
    )
    assert [(line, column) for line, column, _ in t601(tmp_path, text)] == [(10, 33)]


def test_declared_types_that_disagree_are_reported_at_the_binding(tmp_path: Path) -> None:
    """The value fits the number input; the declared `string` is what disagrees."""
    text = (
        'inputs:\n  rate: {type: string, default: "0.5"}\n'
        "steps:\n  a:\n    uses: scaler\n    inputs:\n      scale: ${{parent.inputs.rate}}\n"
    )
    [(line, column, message)] = t601(tmp_path, text)
    assert (line, column) == (15, 14)
    assert "is bound to `string`" in message


def test_a_native_input_value_is_reported_at_the_value(tmp_path: Path) -> None:
    path = tmp_path / "job.yml"
    path.write_text(
        "$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json\n"
        "type: pipeline\n"
        "settings: {default_compute: azureml:cpu}\n"
        "inputs:\n"
        "  rate: {type: number, value: half}\n"
        "jobs:\n"
        "  a:\n"
        "    type: command\n"
        "    command: echo ${{inputs.rate}}\n"
        "    environment: azureml:env@latest\n"
        "    inputs:\n"
        "      rate: ${{parent.inputs.rate}}\n",
        encoding="utf-8",
    )
    found = [
        (d.code, d.span.line, d.span.column) for d in azpipe.load(path).check() if d.severity.name == "ERROR"
    ]
    assert ("T601", 5, 31) in found


# ----------------------------------------------------------------------------- paths at their values (item 3)

FILES = """azpipe: 1
name: p
defaults: {compute: cpu, environment: env}
environments:
  env:
    image: python:3.11
    conda_file: envs/missing.yaml
  built:
    build:
      path: docker/missing
data:
  raw:
    type: uri_folder
    path: data/missing
inputs:
  holidays: {type: uri_file, path: data/holiday.csv}
steps:
  a:
    command: echo ${{parent.inputs.holidays}}
"""


def test_missing_paths_are_reported_at_the_path(tmp_path: Path) -> None:
    """F801 for a conda file, a build context, a data asset's path and a pipeline input's
    path (with no `./`) points at the path, not at the mapping's first key."""
    path = tmp_path / "pipeline.yaml"
    path.write_text(FILES, encoding="utf-8")
    found = {(d.span.line, d.span.column) for d in azpipe.load(path).check() if d.code == "F801"}
    assert found == {(7, 17), (10, 13), (14, 11), (16, 36)}
