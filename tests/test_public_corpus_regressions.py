"""Regressions found by measuring azpipe on the whole public ``azureml-examples`` repository
(``benchmarks/measure_public.py``, ``docs/corpus-public.md``): each test is a small pipeline,
written here, with the pattern a public file showed azpipe getting wrong.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import azpipe
from azpipe.diagnostics import Severity
from tests.fidelity_support import differences, write

pytestmark = pytest.mark.filterwarnings("ignore")  # azure-ai-ml's marshmallow deprecations
ENVIRONMENT = "azureml:AzureML-sklearn-1.0-ubuntu20.04-py38-cpu@latest"


def _codes(path: Path, severity: Severity = Severity.ERROR) -> list[str]:
    return sorted(d.code for d in azpipe.load(path).diagnostics if d.severity is severity)


# A pipeline input written as a bare value that reads like a path (`azureml:cpu-cluster` is a
# compute name promoted to an input): azure-ai-ml types it `string`, and so must azpipe, or the
# string input it feeds is a false T601 and the compiled job gives it another type.
BARE_VALUES = """\
$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json
type: pipeline
inputs:
  compute_name: azureml:cpu-cluster
  data_name: azureml:my-data:1
  folder_text: ./not-a-folder
jobs:
  show:
    type: command
    command: echo ${{inputs.compute}} ${{inputs.data}} ${{inputs.folder}}
    compute: azureml:cpu-cluster
    environment: ENVIRONMENT
    inputs:
      compute: ${{parent.inputs.compute_name}}
      data: ${{parent.inputs.data_name}}
      folder: ${{parent.inputs.folder_text}}
""".replace("ENVIRONMENT", ENVIRONMENT)

STRING_COMPONENT = """\
$schema: https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json
type: command
name: show_compute
inputs:
  compute_node:
    type: string
command: echo ${{inputs.compute_node}}
environment: ENVIRONMENT
""".replace("ENVIRONMENT", ENVIRONMENT)


def test_native_bare_value_input_is_a_string_as_azure_ai_ml_reads_it(tmp_path: Path) -> None:
    path = write(tmp_path, {"pipeline.yml": BARE_VALUES})
    pipeline = azpipe.load(path)
    assert {name: item.type for name, item in pipeline.inputs.items()} == {
        "compute_name": "string", "data_name": "string", "folder_text": "string",
    }  # fmt: skip
    assert _codes(path) == []
    assert differences(path, routes=("direct",)) == []


def test_import_keeps_a_bare_value_input_a_string(tmp_path: Path) -> None:
    path = write(tmp_path, {"pipeline.yml": BARE_VALUES})
    assert differences(path, routes=("import",)) == []


def test_native_bare_value_input_fits_a_string_component_input(tmp_path: Path) -> None:
    bound = """\
type: pipeline
inputs:
  train_node_compute: azureml:cpu-cluster
jobs:
  show:
    type: command
    component: ./show.yml
    compute: azureml:cpu-cluster
    inputs:
      compute_node: ${{parent.inputs.train_node_compute}}
"""
    path = write(tmp_path, {"pipeline.yml": bound, "show.yml": STRING_COMPONENT})
    assert _codes(path) == []
    assert differences(path, routes=("direct",)) == []


def test_language_still_infers_an_asset_from_a_path_value(tmp_path: Path) -> None:
    language = """\
azpipe: 1
name: infer
defaults: {compute: cpu-cluster, environment: sklearn-env@latest}
inputs:
  raw: azureml:my-data:1
steps:
  read:
    command: ls ${{inputs.raw}}
    inputs:
      raw: ${{parent.inputs.raw}}
"""
    path = write(tmp_path, {"pipeline.yaml": language})
    assert azpipe.load(path).inputs["raw"].type == "uri_folder"


# A `uri_folder` given to an `mltable` input: an MLTable is read from the folder that holds
# it, and Azure ML runs such jobs (azure-ai-ml does not check the types of bindings).
FOLDER_TO_TABLE = """\
$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json
type: pipeline
inputs:
  table_folder:
    type: uri_folder
    path: azureml:my-folder@latest
    mode: ro_mount
jobs:
  read:
    type: command
    component: ./read.yml
    compute: azureml:cpu-cluster
    inputs:
      table: ${{parent.inputs.table_folder}}
"""

TABLE_COMPONENT = """\
$schema: https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json
type: command
name: read_table
inputs:
  table:
    type: mltable
command: ls ${{inputs.table}}
environment: ENVIRONMENT
""".replace("ENVIRONMENT", ENVIRONMENT)


def test_uri_folder_feeds_an_mltable_input(tmp_path: Path) -> None:
    path = write(tmp_path, {"pipeline.yml": FOLDER_TO_TABLE, "read.yml": TABLE_COMPONENT})
    assert _codes(path) == []
    assert differences(path) == []


def test_uri_file_still_does_not_feed_an_mltable_input(tmp_path: Path) -> None:
    text = FOLDER_TO_TABLE.replace("type: uri_folder", "type: uri_file").replace("my-folder", "my-file")
    path = write(tmp_path, {"pipeline.yml": text, "read.yml": TABLE_COMPONENT})
    assert _codes(path) == ["T601"]


# An inline command job with an input its command never uses (a leftover setting): azure-ai-ml
# loads and validates it and Azure ML runs the job, so in a native file it is a warning.
UNUSED_INPUT = """\
$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json
type: pipeline
jobs:
  train:
    type: command
    command: python run.py --epochs ${{inputs.epochs}}
    code: ./src
    compute: azureml:cpu-cluster
    environment: ENVIRONMENT
    inputs:
      epochs: 7
      images_type: jpg
""".replace("ENVIRONMENT", ENVIRONMENT)


def test_native_unused_input_is_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, {"pipeline.yml": UNUSED_INPUT, "src/": ""})
    assert _codes(path) == []
    assert _codes(path, Severity.WARNING) == ["P401"]


def test_language_unused_input_stays_an_error(tmp_path: Path) -> None:
    language = """\
azpipe: 1
name: unused
defaults: {compute: cpu-cluster, environment: sklearn-env@latest}
steps:
  train:
    command: python run.py
    inputs:
      images_type: jpg
"""
    path = write(tmp_path, {"pipeline.yaml": language})
    assert "P401" in _codes(path)


# Defects whose fix belongs to files other sessions own (emit/plan.py, importer.py,
# readers/fields.py): strict xfails, so that the fix turns them into passes to keep.

INLINE_LITERALS = """\
$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json
type: pipeline
jobs:
  train:
    type: command
    command: python main.py --epochs ${{inputs.epochs}} --image ${{inputs.image}}
    code: ./src
    compute: azureml:cpu-cluster
    environment: ENVIRONMENT
    inputs:
      epochs: 1
      image:
        type: uri_file
        path: azureml:single-image@latest
        mode: ro_mount
""".replace("ENVIRONMENT", ENVIRONMENT)


def test_inline_job_literal_is_its_component_inputs_default(tmp_path: Path) -> None:
    path = write(tmp_path, {"pipeline.yml": INLINE_LITERALS, "src/": ""})
    assert not [line for line in differences(path, routes=("direct",)) if ".default" in line]


def test_inline_job_asset_mode_is_its_component_inputs_mode(tmp_path: Path) -> None:
    path = write(tmp_path, {"pipeline.yml": INLINE_LITERALS, "src/": ""})
    assert not [line for line in differences(path, routes=("direct",)) if ".mode" in line]


def test_import_of_an_unused_input_checks_clean(tmp_path: Path) -> None:
    path = write(tmp_path, {"pipeline.yml": UNUSED_INPUT, "src/": ""})
    assert differences(path, routes=("import",)) == []


def test_managed_identity_msi_resource_id_is_refused(tmp_path: Path) -> None:
    """azure-ai-ml 1.35 cannot load it from YAML: refused at the key, in a job and on the pipeline."""
    text = UNUSED_INPUT.replace(
        "    inputs:\n",
        "    identity:\n      type: managed\n      msi_resource_id: /subscriptions/x\n    inputs:\n",
    )
    path = write(tmp_path, {"pipeline.yml": text, "src/": ""})
    line = text.splitlines().index("      msi_resource_id: /subscriptions/x") + 1
    found = [(d.code, d.span.line) for d in azpipe.load(path).diagnostics if d.severity == Severity.ERROR]
    assert found == [("S106", line)]
    top = "identity:\n  type: managed\n  msi_resource_id: /subscriptions/x\n" + UNUSED_INPUT
    path = write(tmp_path, {"pipeline.yml": top, "src/": ""})
    found = [(d.code, d.span.line) for d in azpipe.load(path).diagnostics if d.severity == Severity.ERROR]
    assert found == [("S106", 3)]


# A job's own input bound to an AutoML node's output (the public text-NER and multilabel
# pipelines): azure-ai-ml types it `mltable`, whatever the AutoML output declares, and its
# anonymous component says so; azpipe compiles the same, directly and after import.
AUTOML_FED = """\
$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json
type: pipeline
settings:
  default_compute: azureml:gpu-cluster
inputs:
  training:
    type: mltable
    path: ./training
  validation:
    type: mltable
    path: ./training
jobs:
  ner:
    type: automl
    task: text_ner
    primary_metric: accuracy
    limits:
      max_trials: 1
    target_column_name: label
    training_data: ${{parent.inputs.training}}
    validation_data: ${{parent.inputs.validation}}
    outputs:
      best_model:
        type: mlflow_model
  show:
    type: command
    inputs:
      model: ${{parent.jobs.ner.outputs.best_model}}
    command: ls ${{inputs.model}}
    environment: ENVIRONMENT
""".replace("ENVIRONMENT", ENVIRONMENT)


def test_job_input_fed_by_automl_is_mltable_as_azure_ai_ml_types_it(tmp_path: Path) -> None:
    path = write(tmp_path, {"pipeline.yml": AUTOML_FED, "training/MLTable": "paths: []\n"})
    assert _codes(path) == []
    assert differences(path) == []


def test_language_keeps_the_automl_output_type_unless_told(tmp_path: Path) -> None:
    """In the language the input has the declared type; `type: mltable` may be said, no T601."""
    path = write(tmp_path, {"pipeline.yml": AUTOML_FED, "training/MLTable": "paths: []\n"})
    text = azpipe.load(path)
    from azpipe.importer import to_azpipe

    imported = to_azpipe(text, "fed")
    assert text.steps["show"].inputs["model"].written_type is None  # import reads, never changes
    assert 'type: "mltable"' in imported
    plain = imported.replace('      model:\n        value: "${{ner.best_model}}"\n        type: "mltable"\n',
                             '      model: "${{ner.best_model}}"\n')  # fmt: skip
    assert plain != imported
    language = write(tmp_path / "lang", {"pipeline.yaml": plain, "training/MLTable": "paths: []\n"})
    loaded = azpipe.load(language)
    assert [d.code for d in loaded.diagnostics if d.severity is Severity.ERROR] == []
    assert loaded.steps["show"].inputs["model"].type == "mlflow_model"
