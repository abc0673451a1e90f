"""One schema for the language (issue 12): ``azpipe check`` validates azpipe files against
``LANGUAGE``, and each key or value problem is reported once, with the code and at the place
it always had.

The readers build the model and report the key problems they can say more about (the step
a key is in); the walker reports what only the schema says (a value's type, range or enum in
Azure ML's pass-through settings) and drops what a reader reported at the same place.
"""

from __future__ import annotations

import textwrap
from collections import Counter

import pytest

import azpipe
from azpipe.checks import values
from azpipe.schema import SCHEMAS
from azpipe.schema.language import LANGUAGE, STEP_PROPERTIES
from azpipe.source.loader import load_bytes

BASE = """\
azpipe: 1
name: example
defaults: {compute: cpu-cluster, environment: sklearn-env@latest}
environments:
  sklearn-env: {image: python:3.11}
data:
  raw: {type: uri_folder, path: "azureml://datastores/d/paths/raw"}
inputs:
  epochs: {type: integer, default: 3}
outputs:
  model: {value: "${{train.outputs.model}}"}
components:
  norm:
    command: echo ${{inputs.scale}} ${{outputs.out}}
    inputs:
      scale: {type: number, default: 0.5}
    outputs:
      out: uri_folder
steps:
  prep:
    uses: norm
  train:
    command: echo ${{inputs.data}} ${{parent.inputs.epochs}} ${{outputs.model}}
    inputs:
      data: {value: "${{prep.outputs.out}}", mode: download}
    outputs:
      model: {type: mlflow_model, mode: upload}
    distribution: {type: pytorch, process_count_per_instance: 2}
    queue_settings: {job_tier: standard}
"""


def test_the_language_schema_is_what_check_validates() -> None:
    assert SCHEMAS["azpipe"] is LANGUAGE
    root = load_bytes(BASE.encode(), "p.yaml").root
    assert values.check(root, "azpipe") == []
    assert azpipe.loads(BASE).ok


# (what is replaced, by what, the code the readers have always used, the text at the place it is
# reported, and the "did you mean" of its hint)
MISTAKES = [
    ("name: example\n", "name: example\ncolour: blue\n", "S101", "colour", None),
    ("defaults: {compute:", "defaults: {computer:", "S101", "computer", "compute"),
    ("{image: python:3.11}", "{imag: python:3.11}", "S101", "imag", "image"),
    ("{type: uri_folder, path:", "{type: uri_folder, paht:", "S101", "paht", "path"),
    ("{type: integer, default: 3}", "{type: integer, defualt: 3}", "S101", "defualt", "default"),
    ("{type: integer, default: 3}", "{type: integre, default: 3}", "T602", "integre", "integer"),
    (
        "    outputs:\n      out: uri_folder",
        "    outputs:\n      out: {typ: uri_folder}",
        "S101",
        "typ:",
        "type",
    ),
    ("mode: download}", "mode: downlod}", "S106", "downlod", "download"),
    ("mode: download}", "mod: download}", "S101", "mod:", "mode"),
    ("{type: mlflow_model, mode: upload}", "{type: mlflow_model, mode: uplaod}", "S106", "uplaod", "upload"),
    (
        "process_count_per_instance: 2",
        "process_count_per_instanse: 2",
        "S101",
        "process_count_per_instanse",
        "process_count_per_instance",
    ),
    ("{type: pytorch,", "{type: pytorh,", "S106", "pytorh", "pytorch"),
    ("job_tier: standard", "job_tier: standrd", "S106", "standrd", "standard"),
    ("job_tier: standard", "job_teir: standard", "S101", "job_teir", "job_tier"),
    (
        "    uses: norm\n",
        "    uses: norm\n    enviroment: sklearn-env@latest\n",
        "S101",
        "enviroment",
        "environment",
    ),
    ('{value: "${{train.outputs.model}}"}', '{valeu: "${{train.outputs.model}}"}', "S101", "valeu", "value"),
]


def _position(text: str, needle: str) -> tuple[int, int]:
    offset = text.index(needle)
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


@pytest.mark.parametrize(("old", "new", "code", "at", "meant"), MISTAKES, ids=[m[3] for m in MISTAKES])
def test_a_mistake_in_a_language_mapping_is_reported_once(
    old: str, new: str, code: str, at: str, meant: str | None
) -> None:
    assert BASE.count(old) == 1
    text = BASE.replace(old, new)
    found = azpipe.loads(text).diagnostics
    where = _position(text, at)
    here = [d for d in found if (d.span.line, d.span.column) == where]
    assert [d.code for d in here] == [code], [(d.code, d.span.line, d.span.column, d.message) for d in found]
    if meant is not None:
        assert f"`{meant}`" in (here[0].hint or ""), here[0].hint
    # nothing else says the same thing elsewhere
    assert not [d for d in found if d.code == code and d is not here[0] and at in d.message]


def test_a_missing_required_key_is_reported_once() -> None:
    text = BASE.replace(', path: "azureml://datastores/d/paths/raw"}', "}")
    found = [d for d in azpipe.loads(text).diagnostics if d.code == "S103"]
    assert len(found) == 1 and "path" in found[0].message
    top = BASE.replace("name: example\n", "")
    assert Counter(d.code for d in azpipe.loads(top).diagnostics if "name" in d.message)["S103"] == 1


def test_the_walker_checks_what_only_the_schema_says() -> None:
    """A value the readers pass on to Azure ML unread: the walker alone reports it."""
    text = BASE.replace("{job_tier: standard}", "{job_tier: standard}\n    resources: {shm_size: 2 GB}")
    [diagnostic] = [d for d in azpipe.loads(text).diagnostics if d.severity.name == "ERROR"]
    assert (diagnostic.code, diagnostic.span.line, diagnostic.span.column) == (
        "V004",
        *_position(text, "2 GB"),
    )
    assert "steps.train.resources.shm_size" in diagnostic.message


def test_a_node_kind_block_s_mistakes_are_the_walkers_reported_once() -> None:
    """A sweep block's key and value mistakes come from the schema walker (the reader reads
    the checked block), each once."""
    text = textwrap.dedent("""\
        azpipe: 1
        name: example
        defaults: {compute: cpu-cluster, environment: sklearn-env@latest}
        steps:
          train:
            command: echo ${{inputs.lr}}
            inputs: {lr: 0.1}
            sweep:
              search_space: {lr: {type: uniform, min_value: 0.01, max_value: 0.2}}
              objective: {goal: maximize, primary_metric: acc}
              limits: {max_total_trials: two, max_total_trails: 2}
    """)
    walked = values.check(load_bytes(text.encode(), "p.yaml").root, "azpipe")
    assert sorted(d.code for d in walked) == ["S101", "V001"]
    found = azpipe.loads(text).diagnostics
    limits = [d for d in found if d.span.line == 11]
    assert sorted(d.code for d in limits) == ["S101", "V001"]
    assert set(STEP_PROPERTIES["sweep"]["properties"]["limits"]["properties"]) >= {"max_total_trials"}
