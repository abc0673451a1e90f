"""Data transfer steps (issue 11 item 5): ``copy_data``, ``import_data`` and ``export_data`` in the
language's ``data_transfer:`` block and as native ``type: data_transfer`` nodes: read, checked
(D101–D103), compiled to both targets with the same job, imported back to the original job, drawn
in a shape of their own, and refused by ``azpipe run`` with the ``--input`` to give."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

import azpipe
from azpipe.cli.main import main
from tests.fidelity_support import differences, errors, same_graph, write

pytestmark = pytest.mark.filterwarnings("ignore")

NATIVE = """\
$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json
type: pipeline
display_name: moving data
settings:
  default_compute: azureml:adf-compute
inputs:
  cosmos_folder:
    type: uri_folder
    path: azureml://datastores/my_cosmos/paths/source_cosmos
jobs:
  copy_files:
    type: data_transfer
    task: copy_data
    display_name: copy the folder
    inputs:
      folder1: ${{parent.inputs.cosmos_folder}}
    outputs:
      output_folder:
        type: uri_folder
    data_copy_mode: merge_with_overwrite
  import_db:
    type: data_transfer
    task: import_data
    source:
      type: database
      query: select * from region
      connection: azureml:my_azuresqldb_connection
    outputs:
      sink:
        type: mltable
  import_files:
    type: data_transfer
    task: import_data
    source:
      type: file_system
      path: s3://bucket/data/
      connection: azureml:my_s3_connection
    outputs:
      sink:
        type: uri_folder
  export_db:
    type: data_transfer
    task: export_data
    inputs:
      source: ${{parent.jobs.copy_files.outputs.output_folder}}
    sink:
      type: database
      table_name: dbo.Persons
      connection: azureml:my_sql_connection
"""


def test_native_data_transfer_nodes_compile_and_import_to_the_original_job(tmp_path: Path) -> None:
    pytest.importorskip("azure.ai.ml")
    path = write(tmp_path, {"pipeline.yml": NATIVE})
    pipeline = azpipe.load(path)
    assert errors(pipeline) == [], pipeline.check()
    assert {step.kind for step in pipeline.steps.values()} == {"data_transfer"}
    assert differences(path) == []


LANGUAGE = """\
azpipe: 1
name: moving
defaults: {compute: adf-compute}
inputs:
  source: {type: uri_folder, default: azureml://datastores/cosmos/paths/source}
outputs:
  regions: ${{load.outputs.sink}}
steps:
  copy:
    inputs:
      folder: ${{parent.inputs.source}}
    outputs:
      copied: uri_folder
    data_transfer:
      task: copy_data
      data_copy_mode: fail_if_conflict
  load:
    outputs:
      sink: mltable
    data_transfer:
      task: import_data
      source: {type: database, query: select * from region, connection: azureml:my_sql_connection}
  publish:
    inputs:
      source: ${{copy.outputs.copied}}
    data_transfer:
      task: export_data
      sink: {type: database, table_name: dbo.regions, connection: azureml:my_sql_connection}
"""


def test_the_language_form_reaches_both_targets_alike(tmp_path: Path) -> None:
    pytest.importorskip("azure.ai.ml")
    pipeline = azpipe.load(write(tmp_path, {"pipeline.yaml": LANGUAGE}))
    assert errors(pipeline) == [], pipeline.check()
    assert pipeline.steps["copy"].data_transfer is not None
    assert same_graph(pipeline, tmp_path / "out") == []


@pytest.mark.parametrize(
    ("old", "new", "code", "marker"),
    [
        ("    outputs:\n      sink: mltable\n", "", "D101", "task: import_data"),
        ("query: select * from region, ", "", "D102", "source: {type: database"),
        ("table_name: dbo.regions, ", "", "D102", "sink: {type"),
        (
            "sink: {type: database, table_name: dbo.regions",
            "sink: {type: file_system, path: s3://b/",
            "D102",
            "sink: {type",
        ),
        (
            "      task: import_data\n",
            "      task: import_data\n      data_copy_mode: fail_if_conflict\n",
            "D103",
            "fail_if_conflict\n      source",
        ),
        ("task: copy_data", "task: copy", "V002", "task: copy"),
        ("data_copy_mode: fail_if_conflict", "data_copy_mode: overwrite", "V002", "overwrite"),
        ("type: database", "type: blob", "V002", "type: blob"),
        (
            "connection: azureml:my_sql_connection}\n  publish",
            "connection: azureml:my_sql_connection, table: x}\n  publish",
            "S101",
            "table: x",
        ),
    ],
)
def test_data_transfer_mistakes_are_reported_where_written(
    tmp_path: Path, old: str, new: str, code: str, marker: str
) -> None:
    assert old in LANGUAGE
    text = LANGUAGE.replace(old, new)
    lines = text.splitlines()
    line = next(
        n
        for n, row in enumerate(lines, 1)
        if marker.split("\n")[0] in row
        and (len(marker.split("\n")) == 1 or marker.split("\n")[1].strip() in lines[n])
    )
    pipeline = azpipe.load(write(tmp_path, {"pipeline.yaml": text}))
    found = [d for d in pipeline.diagnostics if d.code == code]
    assert found, pipeline.check()
    assert found[0].span.line == line and found[0].span.column >= 1, pipeline.check()


@pytest.mark.parametrize("block", ["data_transfer: 3\n", "data_transfer: {}\n", "data_transfer: {task: [x]}\n",
                                   "data_transfer: {task: import_data, source: 7}\n"])  # fmt: skip
def test_bad_data_transfer_blocks_never_raise(tmp_path: Path, block: str) -> None:
    text = "azpipe: 1\nname: bad\ndefaults: {compute: c}\nsteps:\n  s:\n    " + block
    pipeline = azpipe.load(write(tmp_path, {"pipeline.yaml": text}))
    assert errors(pipeline), pipeline.check()
    assert all(d.span.line >= 1 and d.span.column >= 1 for d in pipeline.diagnostics)


def test_a_node_with_a_component_and_import_nodes_are_still_s107(tmp_path: Path) -> None:
    text = NATIVE.replace("    task: copy_data\n", "    task: copy_data\n    component: azureml:copy:1\n")
    text += "  imported:\n    type: import\n    source: {type: azuresqldb, query: select 1, connection: azureml:c}\n"
    found = [d for d in azpipe.load(write(tmp_path, {"pipeline.yml": text})).diagnostics if d.code == "S107"]
    assert len(found) == 2
    assert any("azure-ai-ml 1.35 can neither validate nor build one" in (d.hint or "") for d in found)


def test_data_transfer_steps_are_drawn_in_their_own_shape(tmp_path: Path) -> None:
    path = write(tmp_path, {"pipeline.yaml": LANGUAGE})
    drawn = {}
    for form in ("mermaid", "dot", "text"):
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            assert main(["graph", str(path), "-f", form]) == 0
        drawn[form] = out.getvalue()
    assert '[\\"copy"/]' in drawn["mermaid"] and 'shape="cds"' in drawn["dot"]
    assert "data_transfer step load" in drawn["text"]


def test_run_names_the_outputs_to_give(tmp_path: Path) -> None:
    path = write(tmp_path, {"pipeline.yaml": LANGUAGE, ".git/": ""})
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        assert main(["run", str(path)]) != 0
    assert "a data transfer step runs only on Azure ML" in err.getvalue()
    assert "--input load.outputs.sink=PATH" in err.getvalue()
