"""Nothing silently dropped: every field azure-ai-ml's schemas let a user set is carried or refused.

The test walks azure-ai-ml's marshmallow schemas at test time, from a pipeline
job, a command node (with and without a component), an inline command
component and a command component file, through every nested schema (inputs,
outputs, settings, resources, distributions, identities, services...), once as
installed and once with azure-ai-ml's private preview features on (which adds
hidden fields such as ``settings.on_init``). Every settable field must be listed
in :data:`azpipe.readers.fields.FIELDS`, and what that table says must hold:
a carried field is read by the native reader and has a form in the azpipe
language; an ignored or refused one is reported with its rule.
"""

from __future__ import annotations

import inspect
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import azpipe
from azpipe.readers import component_file, entities, interface, native, pipeline, ports, steps
from azpipe.readers.fields import CARRIED, FIELDS, IGNORED, REFUSED, VERBATIM, Field
from azpipe.readers.shapes import (
    DISTRIBUTIONS,
    IDENTITIES,
    LIMITS,
    OTHER_SERVICE,
    QUEUE_SETTINGS,
    RESOURCES,
    SERVICES,
)
from azpipe.rules import RULES

pytestmark = pytest.mark.filterwarnings("ignore")  # azure-ai-ml's marshmallow deprecations

WALK = """
import json, logging, warnings
warnings.filterwarnings("ignore")
logging.disable(logging.CRITICAL)
from marshmallow import fields
from azure.ai.ml._schema.core.fields import ExperimentalField, NestedField, UnionField
from azure.ai.ml._schema.component.command_component import (
    AnonymousCommandComponentSchema, CommandComponentSchema)
from azure.ai.ml._schema.pipeline.component_job import CommandSchema
from azure.ai.ml._schema.pipeline.pipeline_command_job import PipelineCommandJobSchema
from azure.ai.ml._schema.pipeline.pipeline_job import PipelineJobSchema

# Other node kinds (sweep, parallel...) are refused as a whole (S107); components are walked on their own.
SKIP = {("PipelineJobSchema", "jobs"), ("PipelineJobSchema", "component"), ("CommandSchema", "component")}
ROOTS = (PipelineJobSchema, CommandSchema, PipelineCommandJobSchema, CommandComponentSchema,
         AnonymousCommandComponentSchema)
found = {}


def field(value):
    if isinstance(value, ExperimentalField):
        value = value._experimental_field
    if isinstance(value, (NestedField, fields.Nested)):
        nested = value.nested
        if not isinstance(nested, str):
            schema(nested if isinstance(nested, type) else type(nested))
    elif isinstance(value, UnionField):
        for alternative in value._union_fields:
            field(alternative)
    elif isinstance(value, fields.Dict) and value.value_field is not None:
        field(value.value_field)
    elif isinstance(value, fields.List):
        field(value.inner)


def schema(cls):
    if cls.__name__ in found:
        return
    found[cls.__name__] = []
    for name, value in cls(context={"base_path": "."}).fields.items():
        if value.dump_only or (cls.__name__, name) in SKIP:
            continue
        found[cls.__name__].append(value.data_key or name)
        field(value)


for root in ROOTS:
    schema(root)
print(json.dumps(found))
"""


def walk(private_preview: bool) -> dict[str, list[str]]:
    """Schema name → its settable fields, as the installed azure-ai-ml declares them."""
    env = dict(os.environ, AZURE_ML_CLI_PRIVATE_FEATURES_ENABLED="True" if private_preview else "False")
    done = subprocess.run([sys.executable, "-c", WALK], capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def schemas() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for preview in (False, True):
        for name, names in walk(preview).items():
            found.setdefault(name, set()).update(names)
    from azure.ai.ml import command

    # A node with a component takes what `command()` takes (its schema says `unknown=INCLUDE`).
    parameters = inspect.signature(command).parameters.values()
    found["CommandSchema(unknown=INCLUDE)"] = {p.name for p in parameters if p.kind is p.KEYWORD_ONLY}
    return found


def test_every_settable_field_is_carried_or_refused(schemas: dict[str, set[str]]) -> None:
    missing = sorted(
        f"{name}.{key}" for name, keys in schemas.items() for key in keys - set(FIELDS.get(name, {}))
    )
    assert missing == [], "fields azpipe neither carries nor refuses (list them in azpipe.readers.fields)"
    stale = sorted(
        f"{name}.{key}" for name, table in FIELDS.items() for key in set(table) - schemas.get(name, set())
    )
    assert stale == [], "fields azure-ai-ml no longer has (remove them from azpipe.readers.fields)"


def _native_keys() -> dict[str, tuple[str, ...] | set[str]]:
    """Schema name → the keys azpipe's native reader takes where that schema applies."""
    inputs = set(native.NODE_INPUT_KEYS) & set(interface.NATIVE_INPUT_KEYS)  # node and pipeline inputs
    typed = {
        "ManagedIdentitySchema": IDENTITIES["managed"], "UserIdentitySchema": IDENTITIES["user_identity"],
        "AMLTokenIdentitySchema": IDENTITIES["aml_token"], "MPIDistributionSchema": DISTRIBUTIONS["mpi"],
        "PyTorchDistributionSchema": DISTRIBUTIONS["pytorch"], "RayDistributionSchema": DISTRIBUTIONS["ray"],
        "TensorFlowDistributionSchema": DISTRIBUTIONS["tensorflow"], "SshJobServiceSchema": SERVICES["ssh"],
        "TensorBoardJobServiceSchema": SERVICES["tensor_board"], "VsCodeJobServiceSchema": SERVICES["vs_code"],
        "JupyterLabJobServiceSchema": SERVICES["jupyter_lab"], "JobServiceSchema": OTHER_SERVICE,
    }  # fmt: skip
    return {
        "PipelineJobSchema": native.TOP_KEYS, "PipelineJobSettingsSchema": native.SETTING_KEYS,
        "CommandSchema": native.NODE_KEYS, "CommandSchema(unknown=INCLUDE)": native.NODE_KEYS,
        "PipelineCommandJobSchema": native.NODE_KEYS, "AnonymousCommandComponentSchema": component_file.INLINE_KEYS,
        "AnonymousEnvironmentSchema": entities.INLINE_ENVIRONMENT_KEYS, "BuildContextSchema": entities.BUILD_KEYS,
        "CommandJobLimitsSchema": tuple(LIMITS), "JobResourceConfigurationSchema": tuple(RESOURCES),
        "ComponentResourceSchema": tuple(RESOURCES), "QueueSettingsSchema": tuple(QUEUE_SETTINGS),
        "DataInputSchema": inputs, "MLTableInputSchema": inputs, "ModelInputSchema": inputs,
        "InputLiteralValueSchema": inputs, "InputPortSchema": component_file.INPUT_KEYS,
        "ParameterSchema": component_file.INPUT_KEYS, "OutputPortSchema": component_file.OUTPUT_KEYS,
        "PrimitiveOutputSchema": component_file.OUTPUT_KEYS, "OutputSchema": native.OUTPUT_KEYS,
        **{name: {"type", *keys} for name, keys in typed.items()},
    }  # fmt: skip


def test_carried_fields_are_read_from_native_files() -> None:
    keys = _native_keys()
    unread = sorted(
        f"{name}.{key}"
        for name, table in FIELDS.items()
        for key, field in table.items()
        if field.status == CARRIED and key not in keys[name]
    )
    assert unread == []


LANGUAGE = {
    "pipeline": pipeline.TOP_KEYS, "settings": pipeline.SETTING_KEYS, "defaults": pipeline.DEFAULT_KEYS,
    "step": steps.STEP_KEYS, "component": steps.COMPONENT_KEYS, "step_input": steps.STEP_INPUT_KEYS,
    "component_input": ports.PORT_INPUT_KEYS, "component_output": ports.OUTPUT_KEYS, "output": ports.OUTPUT_KEYS,
    "resources": tuple(RESOURCES), "limits": tuple(LIMITS), "queue_settings": tuple(QUEUE_SETTINGS),
    "identity": steps.IDENTITY_KEYS, "distribution": steps.DISTRIBUTION_KEYS,
    "service": ("type", *OTHER_SERVICE, *(key for kind in SERVICES.values() for key in kind)),
    "environment": entities.ENVIRONMENT_KEYS, "build": entities.BUILD_KEYS,
}  # fmt: skip


def test_carried_fields_have_a_form_in_the_language() -> None:
    formless = []
    for name, table in FIELDS.items():
        for key, field in table.items():
            if field.status != CARRIED:
                continue
            assert field.form is not None, f"{name}.{key}"
            place, _, word = field.form.partition(".")
            if place not in LANGUAGE or (word and word not in LANGUAGE[place]):
                formless.append(f"{name}.{key}: {field.form}")
    assert formless == []


def test_every_field_has_a_known_status_and_rule() -> None:
    for table in FIELDS.values():
        for field in table.values():
            assert field.status in (CARRIED, VERBATIM, IGNORED, REFUSED)
            assert field.rule is None or field.rule in RULES
            assert (field.rule is not None) == (field.status == REFUSED) or field.status == IGNORED


ENV = "azureml://registries/azureml/environments/sklearn-1.5/labels/latest"
SAMPLE: dict[str, str] = {
    "name": "other", "experiment_name": "exp", "is_deterministic": "false", "parent_job_name": "parent",
    "version": "'2'", "id": "azureml:x:1", "auto_delete_setting": "{condition: created_greater_than, value: 30d}",
    "datastore": "workspaceblobstore", "inference_config": "{liveness_route: {path: /, port: 5001}}",
    "path_on_compute": "/mnt/data", "intellectual_property": "{publisher: contoso}", "early_available": "true",
}  # fmt: skip


def _node(extra: str) -> str:
    return ("type: pipeline\nsettings: {default_compute: azureml:cpu}\njobs:\n  a:\n"
            f"    command: echo ${{{{inputs.d}}}}\n    environment: {ENV}\n"
            "    inputs:\n      d: {type: uri_folder, path: azureml://datastores/x/paths/d/}\n" + extra)  # fmt: skip


def _component(extra: str, port: str = "") -> str:
    return ("type: pipeline\nsettings: {default_compute: azureml:cpu}\njobs:\n  a:\n    type: command\n"
            f"    component:\n      type: command\n      command: echo ${{{{outputs.o}}}}\n      environment: {ENV}\n"
            f"      outputs:\n        o:\n          type: string\n{port}" + extra)  # fmt: skip


def _example(schema: str, key: str) -> str | None:
    """A native file that sets ``key`` where ``schema`` applies (``None``: covered by its parent)."""
    value = SAMPLE.get(key, "x")
    if schema == "PipelineCommandJobSchema":
        return _node(f"    {key}: {value}\n")
    if schema == "CommandSchema(unknown=INCLUDE)":  # a node with a component
        return _component("").replace("    type: command\n", f"    type: command\n    {key}: {value}\n", 1)
    if schema == "AnonymousCommandComponentSchema":
        return _component(f"      {key}: {value}\n")
    if schema == "AnonymousEnvironmentSchema":
        return _node("").replace(
            f"environment: {ENV}", f"environment:\n      image: python:3.11\n      {key}: {value}"
        )
    if schema in ("DataInputSchema", "MLTableInputSchema"):
        return _node("").replace("paths/d/}", f"paths/d/, {key}: {value}}}")
    if schema in ("InputPortSchema", "OutputPortSchema", "PrimitiveOutputSchema"):
        return _component("", f"          {key}: {value}\n")
    if schema == "AzureDevopsArtifactsSchema":
        return _component("      additional_includes: [{type: artifacts, feed: f, name: n, version: '1'}]\n")
    return None


# Schemas only reachable through a field refused as a whole (its example reports it).
INSIDE_REFUSED = {
    "AutoDeleteSettingSchema", "InferenceConfigSchema", "RouteSchema", "IntellectualPropertySchema",
    "ProtectionLevelSchema",
}  # fmt: skip
OUTSIDE = [(name, key, field) for name, table in FIELDS.items() for key, field in table.items()
           if field.status in (IGNORED, REFUSED) and field.rule is not None]  # fmt: skip


@pytest.mark.parametrize(("schema", "key", "field"), OUTSIDE, ids=[f"{s}.{k}" for s, k, _ in OUTSIDE])
def test_ignored_and_refused_fields_are_reported(schema: str, key: str, field: Field, tmp_path: Path) -> None:
    text = _example(schema, key)
    if text is None:  # a field of a refused field: reported with it
        assert schema in INSIDE_REFUSED
        return
    (tmp_path / "pipeline.yml").write_text(text, encoding="utf-8")
    found: list[Any] = azpipe.load(tmp_path / "pipeline.yml").diagnostics
    assert field.rule in {d.code for d in found}, found


SINK = {
    "pipeline.yml": f"""\
type: pipeline
name: sink_run
display_name: Every field
description: every carried field at once
experiment_name: sink
tags: {{team: ml}}
properties: {{owner: data}}
identity: {{type: managed, client_id: c1, object_id: o1}}
services:
  ssh: {{type: ssh, ssh_public_keys: ssh-rsa AAA, nodes: all, port: 22}}
  custom: {{properties: {{a: b}}}}
settings:
  default_compute: azureml:cpu
  default_datastore: azureml:workspaceblobstore
  continue_on_step_failure: true
  force_rerun: false
  on_init: init
inputs:
  folder: {{type: uri_folder, path: ./data, mode: download, datastore: workspaceblobstore}}
  table: {{type: mltable, path: azureml:table:1, mode: eval_mount}}
  model: {{type: mlflow_model, path: azureml:model:2}}
  rate: 0.5
  name: text
outputs:
  result: {{type: uri_file, mode: upload, name: result-asset, version: '4', path: azureml://datastores/s/paths/r.txt}}
jobs:
  init:
    command: echo init
    environment: {ENV}
  train:
    command: python train.py ${{{{inputs.folder}}}} ${{{{inputs.rate}}}} ${{{{outputs.model}}}}
    code: azureml:code:1
    environment:
      build: {{path: ./context, dockerfile_path: Dockerfile}}
      os_type: linux
      description: built here
      tags: {{kind: docker}}
    compute: azureml:gpu
    display_name: Train
    description: trains
    tags: {{stage: train}}
    properties: {{step: one}}
    environment_variables: {{MODE: fast}}
    inputs:
      folder: ${{{{parent.inputs.folder}}}}
      rate: ${{{{parent.inputs.rate}}}}
    outputs:
      model: {{type: mlflow_model, mode: rw_mount, name: m, version: '1'}}
    resources:
      instance_count: 2
      instance_type: Standard_NC6
      shm_size: 8g
      docker_args: [--ipc=host]
      locations: [westeurope]
      max_instance_count: 4
      properties: {{k: v}}
    distribution: {{type: ray, port: 6379, address: 10.0.0.1, include_dashboard: true, dashboard_port: 8265,
                    head_node_additional_args: --a, worker_node_additional_args: --b}}
    limits: {{timeout: 600}}
    identity: {{type: aml_token}}
    queue_settings: {{job_tier: premium, priority: low}}
    services:
      board: {{type: tensor_board, log_dir: logs}}
      code: {{type: vs_code}}
      lab: {{type: jupyter_lab, nodes: all}}
  score:
    type: command
    comment: scores
    resources: {{instance_count: 1}}
    inputs:
      model: ${{{{parent.jobs.train.outputs.model}}}}
      mode: {{value: fast}}
    outputs:
      out: ${{{{parent.outputs.result}}}}
    component:
      $schema: https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json
      type: command
      display_name: Score
      description: scores a model
      tags: {{c: d}}
      is_deterministic: false
      code: ./src
      additional_includes: [./shared]
      command: python score.py ${{{{inputs.model}}}} ${{{{inputs.mode}}}} ${{{{outputs.out}}}} $[[${{{{inputs.n}}}}]]
      environment: {{image: python:3.11, conda_file: ./conda.yml}}
      environment_variables: {{LEVEL: debug}}
      properties: {{p: q}}
      queue_settings: {{job_tier: standard}}
      resources: {{instance_count: 2, shm_size: 1g}}
      distribution: {{type: tensorflow, worker_count: 2, parameter_server_count: 1}}
      inputs:
        model: {{type: mlflow_model, mode: ro_mount, description: the model}}
        mode: {{type: string, enum: [fast, slow], default: slow}}
        n: {{type: integer, min: 1, max: 9, optional: true}}
      outputs:
        out: {{type: uri_file, mode: upload, description: the score}}
  other:
    type: command
    component: azureml:registered:3
    inputs:
      x: ${{{{parent.jobs.score.outputs.out}}}}
    outputs:
      y: {{type: uri_folder, mode: direct}}
    distribution: {{type: pytorch, process_count_per_instance: 2}}
    identity: {{type: user_identity}}
""",
    "data/": "",
    "src/": "",
    "shared/": "",
    "context/": "",
    "context/Dockerfile": "FROM python:3.11\n",
    "conda.yml": "name: env\ndependencies: [python=3.11]\n",
}


def test_every_carried_field_reaches_azure_ml(tmp_path: Path) -> None:
    """One native file with every carried field: azpipe's jobs equal azure-ai-ml's in every field."""
    from tests.fidelity_support import differences, write

    path = write(tmp_path, SINK)
    assert differences(path) == []


def test_a_managed_identitys_resource_id_is_python_only(tmp_path: Path) -> None:
    """azure-ai-ml 1.35 reads `msi_resource_id` from YAML into a keyword its class does not take."""
    from azpipe.emit import CompileRefused

    (tmp_path / "pipeline.yaml").write_text(
        "azpipe: 1\nname: p\ndefaults: {compute: cpu, environment: env@latest}\n"
        "identity: {type: managed, msi_resource_id: /subscriptions/s/resourceGroups/g/x}\n"
        "steps:\n  a: {command: echo hi}\n",
        encoding="utf-8",
    )
    pipeline = azpipe.load(tmp_path / "pipeline.yaml")
    assert pipeline.ok, pipeline.check()
    with pytest.raises(CompileRefused) as refused:
        azpipe.to_yaml(pipeline)
    assert [d.code for d in refused.value.diagnostics] == ["S109"]
    assert azpipe.to_job(pipeline).identity.resource_id == "/subscriptions/s/resourceGroups/g/x"
