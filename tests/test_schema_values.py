"""Value-level checks against the declarative schema (``azpipe.schema``, ``azpipe.checks.values``).

Regression cases from issue 12, the walker on its own (so that what it finds
does not depend on which reader checks a key first), the schema compared with
the azure-ai-ml marshmallow schemas it was written from, and a property test
that the walker reads scalars as marshmallow does.
"""

from __future__ import annotations

import math
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import azpipe
from azpipe.checks import values
from azpipe.diagnostics import Diagnostic, Severity
from azpipe.loading import check_file
from azpipe.schema import azure_ml, pipeline_job
from azpipe.source.loader import load_bytes

PIPELINE_HEAD = """\
$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json
type: pipeline
settings:
  default_compute: azureml:cpu-cluster
jobs:
  train:
    command: python train.py
    environment: azureml://registries/azureml/environments/sklearn-1.5/labels/latest
"""
COMPONENT = """\
$schema: https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json
name: train
type: command
command: python train.py
environment: azureml://registries/azureml/environments/sklearn-1.5/labels/latest
"""


def walk(text: str, form: str = "native") -> list[Diagnostic]:
    """The walker's own diagnostics for ``text`` (no reader involved)."""
    loaded = load_bytes(textwrap.dedent(text).encode(), "f.yml")
    assert loaded.root is not None, loaded.diagnostics
    return values.check(loaded.root, form)


def job(extra: str) -> str:
    """The pipeline above with ``extra`` (YAML lines) added to job ``train``."""
    return PIPELINE_HEAD + textwrap.indent(textwrap.dedent(extra), "    ")


def found(diagnostics: list[Diagnostic]) -> list[tuple[str, int, int]]:
    return [(d.code, d.span.line, d.span.column) for d in diagnostics]


# ---------------------------------------------------------------- issue 12's cases


def test_instance_count_two_is_not_an_integer() -> None:
    [diagnostic] = walk(job("resources: {instance_count: two}"))
    assert found([diagnostic]) == [("V001", 9, 33)]
    assert (
        diagnostic.message == "`jobs.train.resources.instance_count` must be an integer, not the string `two`"
    )


def test_timeout_2h_is_not_seconds() -> None:
    [diagnostic] = walk(job("limits: {timeout: 2h}"))
    assert found([diagnostic]) == [("V001", 9, 23)]
    assert diagnostic.hint == "write it in seconds: `7200`"


@pytest.mark.parametrize(
    ("line", "misspelt", "meant"),
    [("enviroment", "enviroment", "environment"), ("comand", "comand", "command"), ("tpye", "tpye", "type")],
)
def test_misspelt_keys_in_an_inline_component_are_flagged_on_their_line(
    tmp_path: Path, line: str, misspelt: str, meant: str
) -> None:
    component = {
        "command": "python train.py",
        "environment": "azureml://registries/azureml/environments/sklearn-1.5/labels/latest",
        "type": "command",
    }
    body = "".join(f"    {misspelt if key == meant else key}: {value}\n" for key, value in component.items())
    path = tmp_path / "pipeline.yml"
    path.write_text(PIPELINE_HEAD.split("    command:")[0] + "    component:\n" + textwrap.indent(body, "  "))
    checked = check_file(str(path))
    text = path.read_text().splitlines()
    number = next(i for i, row in enumerate(text, 1) if row.strip().startswith(misspelt + ":"))
    on_line = [d for d in checked.diagnostics if d.code == "S101" and d.span.line == number]
    assert on_line, checked.diagnostics
    assert f"`{meant}`" in (on_line[0].hint or "")


def test_both_forms_of_the_language_get_the_value_checks() -> None:
    text = """\
        azpipe: 1
        name: example
        defaults: {compute: cpu-cluster, environment: sklearn-env@latest}
        steps:
          train:
            command: echo
            resources: {instance_count: 0, shm_size: 2 GB}
            queue_settings: {job_tier: standrd}
    """
    assert found(walk(text, "azpipe")) == [("V003", 7, 33), ("V004", 7, 46), ("V002", 8, 32)]
    pipeline = azpipe.loads(textwrap.dedent(text))
    errors = {(d.span.line, d.span.column) for d in pipeline.diagnostics if d.severity is Severity.ERROR}
    assert {(7, 33), (7, 46), (8, 32)} <= errors


def test_a_language_component_input_default_is_of_its_type() -> None:
    # Found by the mutation test: azure-ai-ml refuses the compiled component ("Default value of
    # Input cannot be parsed").
    text = """\
        azpipe: 1
        name: example
        components:
          norm:
            command: python n.py --s ${{inputs.scale}}
            inputs:
              scale: {type: number, default: half, min: low}
        steps:
          norm: {uses: norm}
    """
    assert found(walk(text, "azpipe")) == [("V001", 7, 38), ("V001", 7, 49)]


# ---------------------------------------------------------------- the walker


def test_enum_values_get_did_you_mean_and_azure_ml_ignores_case() -> None:
    [diagnostic] = walk(job("queue_settings: {job_tier: standrd, priority: HIGH}"))
    assert diagnostic.code == "V002" and diagnostic.hint == "did you mean `standard`?"


def test_distribution_keys_depend_on_its_type() -> None:
    diagnostics = walk(job("distribution: {type: pytorch, worker_count: 2}"))
    assert found(diagnostics) == [("S101", 9, 35)]
    assert walk(job("distribution: {type: tensorflow, worker_count: 2, parameter_server_count: 0}")) == []
    [kind] = walk(job("distribution: {type: pytorh}"))
    assert (kind.code, kind.hint) == ("V002", "did you mean `pytorch`?")


def test_a_component_keeps_keys_of_another_distribution_kind_as_a_warning() -> None:
    [diagnostic] = walk(COMPONENT + "distribution: {type: pytorch, worker_count: 2}\n", "component")
    assert (diagnostic.code, diagnostic.severity) == ("S101", Severity.WARNING)


def test_unknown_keys_azure_ml_ignores_are_warnings_unless_a_required_key_is_missing() -> None:
    [ignored] = walk(COMPONENT + "colour: blue\n", "component")
    assert (ignored.code, ignored.severity, ignored.span.line) == ("S101", Severity.WARNING, 6)
    misspelt = walk(COMPONENT.replace("environment:", "enviroment:"), "component")
    assert [(d.code, d.severity) for d in misspelt] == [("S101", Severity.ERROR), ("S103", Severity.ERROR)]
    assert misspelt[0].hint == "did you mean `environment`?"


def test_a_component_file_needs_a_name() -> None:
    [diagnostic] = walk(COMPONENT.replace("name: train\n", ""), "component")
    assert (diagnostic.code, diagnostic.message) == ("S103", "the file needs `name`")


def test_a_component_name_follows_azure_ml_rule() -> None:
    [diagnostic] = walk(COMPONENT.replace("name: train", "name: Train_Model"), "component")
    assert (diagnostic.code, diagnostic.hint) == ("N701", "did you mean `train_model`?")
    assert walk(COMPONENT.replace("name: train", "name: train_model_2"), "component") == []


def test_a_pipeline_job_needs_type_pipeline() -> None:
    [diagnostic] = walk(PIPELINE_HEAD.replace("type: pipeline\n", ""))
    assert diagnostic.code == "S103" and "command job" in (diagnostic.hint or "")
    [wrong] = walk(PIPELINE_HEAD.replace("type: pipeline", "type: Pipeline"))
    assert (wrong.code, wrong.hint) == ("V002", "did you mean `pipeline`?")


def test_a_pipeline_job_input_is_a_value_not_a_declaration() -> None:
    text = PIPELINE_HEAD.replace("jobs:", "inputs:\n  epochs: {type: integer, default: 5}\njobs:")
    [diagnostic] = walk(text)
    assert found([diagnostic]) == [("V002", 6, 18)]
    assert diagnostic.hint == "a job's literal input is a plain value (`epochs: 10`) or `{value: 10}`"
    assert walk(PIPELINE_HEAD.replace("jobs:", "inputs:\n  epochs: {value: 5}\n  lr: 0.1\njobs:")) == []


def test_job_inputs_take_the_modes_of_their_type() -> None:
    [diagnostic] = walk(job("inputs:\n  data: {type: uri_folder, path: azureml:x:1, mode: eval_mount}"))
    assert (diagnostic.code, diagnostic.hint) == ("V002", "one of: download, ro_mount, direct")
    assert walk(job("inputs:\n  data: {type: mltable, path: azureml:x:1, mode: EVAL_MOUNT}")) == []


def test_an_output_version_needs_a_name() -> None:
    [diagnostic] = walk(job("outputs:\n  model: {mode: upload, version: '2'}"))
    assert (diagnostic.code, diagnostic.message) == (
        "S103",
        "`version` in `jobs.train.outputs.model` needs `name` too",
    )


def test_component_parameter_defaults_and_bounds_follow_the_type() -> None:
    text = (
        COMPONENT
        + "inputs:\n  lr: {type: number, default: half, min: low}\n  name: {type: string, default: 3}\n"
    )
    assert found(walk(text, "component")) == [("V001", 7, 31), ("V001", 7, 42)]


def test_bindings_stand_for_any_value_in_job_nodes_only() -> None:
    assert walk(job("resources: {instance_count: '${{parent.inputs.nodes}}'}")) == []
    [diagnostic] = walk(COMPONENT + "resources: {instance_count: '${{inputs.n}}'}\n", "component")
    assert diagnostic.code == "V001"


def test_services_of_a_misspelt_type_are_flagged() -> None:
    [diagnostic] = walk(job("services:\n  board: {type: tensor_boarn, log_dir: logs}"))
    assert (diagnostic.code, diagnostic.hint) == ("V002", "did you mean `tensor_board`?")
    assert walk(job("services:\n  mine: {type: custom, port: 8080}")) == []


def test_wrong_shapes_and_strings_where_azure_ml_wants_text() -> None:
    codes = found(walk(PIPELINE_HEAD.replace("jobs:", "display_name: 3\ntags: {a: 1}\njobs:")))
    assert codes == [("V001", 5, 15), ("V001", 6, 11)]
    [shape] = walk(job("resources: 4"))
    assert (shape.code, shape.message) == (
        "S102",
        "`jobs.train.resources` must be a mapping, not the integer `4`",
    )


def test_what_a_reader_reported_at_a_position_is_not_reported_again() -> None:
    loaded = load_bytes(job("resources: {instance_count: two}").encode(), "f.yml")
    assert loaded.root is not None
    [mine] = values.check(loaded.root, "native")
    assert values.check(loaded.root, "native", [mine.with_severity(Severity.ERROR)]) == []
    # A reader's warning at the same place (S110: a type Azure ML drops) does not hide an error.
    assert values.check(loaded.root, "native", [mine.with_severity(Severity.WARNING)]) == [mine]


def test_unknown_forms_and_empty_documents_are_not_walked() -> None:
    loaded = load_bytes(b"a: 1\n", "f.yml")
    assert values.check(loaded.root, "no-such-form") == []
    assert values.check(None, "native") == []


# ---------------------------------------------------------------- marshmallow's reading of scalars

_INTEGER_FIELD = {"type": "integer"}


def _marshmallow_accepts(kind: str, value: Any) -> bool:
    from marshmallow import ValidationError, fields

    field = {
        "integer": fields.Integer(),
        "number": fields.Float(),
        "boolean": fields.Boolean(),
        "string": fields.Str(),
    }
    try:
        field[kind].deserialize(value)
    except (ValidationError, ValueError, OverflowError):
        return False
    return True


_SCALARS = st.one_of(
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.text("0123456789.-+eEyesnotruefalsTFYN ", max_size=6),
)


@pytest.mark.parametrize("kind", ["integer", "number", "boolean", "string"])
@given(value=_SCALARS)
def test_scalars_are_read_as_marshmallow_reads_them(kind: str, value: Any) -> None:
    pytest.importorskip("marshmallow")
    ours = values._fits(value, kind)
    theirs = _marshmallow_accepts(kind, value)
    if kind == "integer" and isinstance(value, float) and not math.isclose(value, round(value)):
        assert not ours  # marshmallow truncates 2.5 to 2; azpipe calls it what it is
    else:
        assert ours == theirs, (kind, value)


# ---------------------------------------------------------------- the schema against azure-ai-ml's


def _marshmallow(cls: Any) -> Any:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cls(context={"base_path": "."})


def _keys(schema: Any) -> set[str]:
    return {(field.data_key or name) for name, field in schema.fields.items() if not field.dump_only}


def _azure() -> Any:
    pytest.importorskip("azure.ai.ml")
    from azure.ai.ml._schema import job_resource_configuration, queue_settings
    from azure.ai.ml._schema.assets import environment
    from azure.ai.ml._schema.component import command_component
    from azure.ai.ml._schema.job import distribution, input_output_entry, job_limits, services
    from azure.ai.ml._schema.pipeline import component_job, pipeline_job, settings

    return {
        "resources": job_resource_configuration.JobResourceConfigurationSchema,
        "queue": queue_settings.QueueSettingsSchema,
        "environment": environment.AnonymousEnvironmentSchema,
        "component": command_component.CommandComponentSchema,
        "inline": command_component.AnonymousCommandComponentSchema,
        "pytorch": distribution.PyTorchDistributionSchema,
        "mpi": distribution.MPIDistributionSchema,
        "tensorflow": distribution.TensorFlowDistributionSchema,
        "ray": distribution.RayDistributionSchema,
        "limits": job_limits.CommandJobLimitsSchema,
        "ssh": services.SshJobServiceSchema,
        "tensor_board": services.TensorBoardJobServiceSchema,
        "vs_code": services.VsCodeJobServiceSchema,
        "data_input": input_output_entry.DataInputSchema,
        "model_input": input_output_entry.ModelInputSchema,
        "mltable_input": input_output_entry.MLTableInputSchema,
        "output": input_output_entry.OutputSchema,
        "node": component_job.CommandSchema,
        "pipeline": pipeline_job.PipelineJobSchema,
        "settings": settings.PipelineJobSettingsSchema,
    }


def _variant(schema: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(v for v in schema["oneOf"] if kind in v["x-when"])


def _pairs() -> list[tuple[str, dict[str, Any]]]:
    job_input = azure_ml.JOB_INPUT["anyOf"][1]
    return [
        ("resources", azure_ml.RESOURCES),
        ("queue", azure_ml.QUEUE_SETTINGS),
        ("environment", azure_ml.ENVIRONMENT),
        ("component", azure_ml.COMMAND_COMPONENT),
        ("pytorch", _variant(azure_ml.DISTRIBUTION, "pytorch")),
        ("mpi", _variant(azure_ml.DISTRIBUTION, "mpi")),
        ("tensorflow", _variant(azure_ml.DISTRIBUTION, "tensorflow")),
        ("ray", _variant(azure_ml.DISTRIBUTION, "ray")),
        ("limits", azure_ml.LIMITS),
        ("ssh", _variant(azure_ml.SERVICE, "ssh")),
        ("tensor_board", _variant(azure_ml.SERVICE, "tensor_board")),
        ("vs_code", _variant(azure_ml.SERVICE, "vs_code")),
        ("data_input", _variant(job_input, "uri_folder")),
        ("model_input", _variant(job_input, "mlflow_model")),
        ("mltable_input", _variant(job_input, "mltable")),
        ("output", azure_ml.OUTPUT),
        ("settings", azure_ml.SETTINGS),
    ]


@pytest.mark.parametrize(("name", "ours"), _pairs(), ids=[name for name, _ in _pairs()])
def test_keys_and_value_kinds_match_azure_ml(name: str, ours: dict[str, Any]) -> None:
    from marshmallow import fields

    theirs = _marshmallow(_azure()[name])
    assert set(ours["properties"]) >= _keys(theirs)
    # on_init/on_finalize: behind a private-preview flag; a component file's environment_variables:
    # read through unknown=INCLUDE and used (CommandComponent takes them).
    assert set(ours["properties"]) - _keys(theirs) <= {"on_init", "on_finalize", "environment_variables"}
    for key, field in theirs.fields.items():
        if field.dump_only:
            continue
        declared = ours["properties"][field.data_key or key]
        if isinstance(field, fields.Integer):
            assert declared.get("type") == "integer", key
        elif isinstance(field, fields.Boolean):
            assert declared.get("type") == "boolean", key
        elif getattr(field, "allowed_values", None) and "enum" in declared:
            assert sorted(declared["enum"]) == sorted(field.allowed_values), key


def test_unknown_key_policies_match_azure_ml() -> None:
    from marshmallow import INCLUDE, RAISE

    azure = _azure()
    for name, ours in _pairs():
        # load_component reads a component file with unknown=INCLUDE (entities/_component/component.py).
        unknown = INCLUDE if name == "component" else _marshmallow(azure[name]).unknown
        expected = INCLUDE if ours.get("x-unknown") == "warning" else RAISE
        assert unknown == expected, name


def test_pipeline_and_node_keys_cover_azure_ml() -> None:
    azure = _azure()
    assert _keys(_marshmallow(azure["pipeline"])) <= set(pipeline_job.PIPELINE_JOB["properties"])
    assert _keys(_marshmallow(azure["node"])) <= set(azure_ml.COMMAND_NODE["properties"])
    assert _keys(_marshmallow(azure["inline"])) <= set(azure_ml.INLINE_COMPONENT["properties"])


def test_the_schema_knows_every_field_the_readers_carry() -> None:
    # azpipe.readers.fields says what becomes of each field; every one of them has a shape here.
    from azpipe.readers.fields import FIELDS

    node = set(azure_ml.COMMAND_NODE["properties"])
    assert set(FIELDS["CommandSchema"]) | set(FIELDS["CommandSchema(unknown=INCLUDE)"]) <= node
    assert set(FIELDS["PipelineCommandJobSchema"]) <= node
    assert set(FIELDS["PipelineJobSchema"]) <= set(pipeline_job.PIPELINE_JOB["properties"])
    assert set(FIELDS["AnonymousCommandComponentSchema"]) - {"intellectual_property"} <= set(
        azure_ml.INLINE_COMPONENT["properties"]
    )
    assert set(FIELDS["AnonymousEnvironmentSchema"]) <= set(azure_ml.ENVIRONMENT["properties"])


@pytest.mark.parametrize("value", ["1E400", "-1e999", float("inf"), float("nan"), 10**400, "nan"])
def test_numbers_marshmallow_refuses_are_not_numbers(value: Any) -> None:
    pytest.importorskip("marshmallow")
    assert values._fits(value, "number") is _marshmallow_accepts("number", value) is False
