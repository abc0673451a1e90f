"""Parity gaps found by new mutation kinds (tests/test_mutation_parity.py: emptied values,
out-of-range numbers, swapped port modes and types, long names): each case is judged by
azure-ai-ml as well, so the expectation is Azure ML's, not azpipe's."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from azpipe.diagnostics import Severity
from azpipe.loading import check_file
from tests.compile_support import ROOT, azure

ENVIRONMENT = "azureml://registries/azureml/environments/sklearn-1.5/labels/latest"
PIPELINE = f"""\
$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json
type: pipeline
display_name: hello
settings:
  default_datastore: azureml:workspaceblobstore
  default_compute: azureml:cpu-cluster
jobs:
  hello:
    command: echo hello
    environment: {ENVIRONMENT}
    compute: azureml:cpu-cluster
  world:
    type: command
    component: ./component.yml
    inputs:
      n: 3
"""
COMPONENT = f"""\
$schema: https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json
type: command
name: world
inputs:
  n:
    type: integer
    min: 0
  data:
    type: uri_folder
    optional: true
command: echo ${{{{inputs.n}}}} $[[${{{{inputs.data}}}}]]
environment: {ENVIRONMENT}
"""


def _write(tmp_path: Path, pipeline: str = PIPELINE, component: str = COMPONENT) -> Path:
    (tmp_path / "component.yml").write_text(textwrap.dedent(component), encoding="utf-8")
    path = tmp_path / "pipeline.yml"
    path.write_text(textwrap.dedent(pipeline), encoding="utf-8")
    return path


def _azure_rejects(path: Path, component: bool = False) -> bool:
    ml = azure()
    try:
        loaded = (ml.load_component if component else ml.load_job)(path)
        return not loaded._validate().passed
    except Exception:  # azure-ai-ml raises on schema errors
        return True


def _errors(path: Path) -> list[tuple[str, int]]:
    checked = check_file(str(path))
    return [(d.code, d.span.line) for d in checked.diagnostics if d.severity is Severity.ERROR]


def test_the_unmutated_files_are_valid(tmp_path: Path) -> None:
    path = _write(tmp_path)
    assert not _azure_rejects(path) and not _azure_rejects(tmp_path / "component.yml", component=True)
    assert _errors(path) == [] and _errors(tmp_path / "component.yml") == []


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        ("type: pipeline", "type:", 2),  # "Unsupported job type: None"
        ("default_datastore: azureml:workspaceblobstore", 'default_datastore: ""', 5),
        ("default_compute: azureml:cpu-cluster", 'default_compute: ""', 6),
        ("component: ./component.yml", 'component: ""', 14),
    ],
)
def test_an_emptied_reference_is_an_error_at_its_line(tmp_path: Path, old: str, new: str, line: int) -> None:
    path = _write(tmp_path, PIPELINE.replace(old, new, 1))
    assert _azure_rejects(path)
    assert any(found == line for _, found in _errors(path)), _errors(path)


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        # Input refuses a default on an asset input ("Non-primitive type Input has no default value").
        ("    optional: true", "    default: azureml:data:1", 10),
        # ... and bounds on a boolean or string input (INPUT_TYPE_COMBINATION).
        ("    type: integer", "    type: boolean", 7),
        ("    type: integer", "    type: string", 7),
        # No field of a component port may be left empty ("Field may not be null").
        ("    min: 0", "    min:", 7),
        ("    optional: true", "    optional:", 10),
        (f"environment: {ENVIRONMENT}", 'environment: ""', 12),
    ],
)
def test_component_ports_as_azure_ml_reads_them(tmp_path: Path, old: str, new: str, line: int) -> None:
    _write(tmp_path, component=COMPONENT.replace(old, new, 1))
    path = tmp_path / "component.yml"
    assert _azure_rejects(path, component=True)
    assert any(found == line for _, found in _errors(path)), _errors(path)


def test_a_node_compute_left_empty_is_the_default(tmp_path: Path) -> None:
    """A node's `compute: ""` is taken (it runs on the default compute); with no default, the
    missing compute is reported at that empty value."""
    path = _write(tmp_path, PIPELINE.replace("    compute: azureml:cpu-cluster", '    compute: ""'))
    assert not _azure_rejects(path)
    assert _errors(path) == []
    path = _write(
        tmp_path, path.read_text(encoding="utf-8").replace("  default_compute: azureml:cpu-cluster\n", "")
    )
    assert ("C901", 10) in _errors(path)


def test_a_long_display_name_is_valid(tmp_path: Path) -> None:
    """The pipeline's node name is made from its display name, which has no length limit."""
    path = _write(tmp_path, PIPELINE.replace("display_name: hello", "display_name: " + "x" * 300))
    assert not _azure_rejects(path)
    assert _errors(path) == []


def test_an_input_named_but_left_empty_is_unbound_at_its_line(tmp_path: Path) -> None:
    """azure-ai-ml takes `n: {}` (the input is then unbound); azpipe points at that entry."""
    path = _write(tmp_path, PIPELINE.replace("      n: 3", "      n: {}"))
    assert _errors(path) == [("P404", 16)]


def test_a_pipeline_output_cannot_expose_a_value(tmp_path: Path) -> None:
    """A pipeline job's outputs are data: azure-ai-ml refuses `type: integer` on one, which is what
    the compiled job would say for a step's integer output."""
    path = tmp_path / "pipeline.yaml"
    path.write_text(
        textwrap.dedent(f"""\
            azpipe: 1
            name: count
            defaults: {{compute: cpu-cluster, environment: "{ENVIRONMENT}"}}
            outputs:
              total: ${{{{counter.outputs.total}}}}
            steps:
              counter:
                command: echo 3 > ${{{{outputs.total}}}}
                outputs:
                  total: integer
            """),
        encoding="utf-8",
    )
    assert _errors(path) == [("T601", 5)]
    path.write_text(path.read_text(encoding="utf-8").replace("total: integer", "total: uri_file"))
    assert _errors(path) == []


@pytest.mark.parametrize("value", ["train:1", "train@latest", "train", "components/train"])
@pytest.mark.parametrize("kind", ["command", "pipeline"])
def test_a_component_without_azureml_prefix_is_a_file(tmp_path: Path, value: str, kind: str) -> None:
    """azure-ai-ml reads a node's `component:` without `azureml:` as a file path only."""
    text = PIPELINE.replace(
        "type: command\n    component: ./component.yml", f"type: {kind}\n    component: {value}"
    )
    path = _write(tmp_path, text)
    assert _azure_rejects(path)
    assert ("R307", 14) in _errors(path)


def test_a_component_file_named_without_a_suffix_is_read(tmp_path: Path) -> None:
    path = _write(tmp_path, PIPELINE.replace("./component.yml", "component_file"))
    (tmp_path / "component.yml").rename(tmp_path / "component_file")
    assert _errors(path) == []


@pytest.mark.parametrize(
    "environment",
    ["{image: python:3.11, conda_file: ./missing.yml}", "{build: {path: ./no_context}}"],
)
def test_a_component_files_environment_paths_must_exist(tmp_path: Path, environment: str) -> None:
    _write(
        tmp_path, component=COMPONENT.replace(f"environment: {ENVIRONMENT}", f"environment: {environment}")
    )
    path = tmp_path / "component.yml"
    assert _azure_rejects(path, component=True)
    assert _errors(path) == [("F801", 12)]
    (tmp_path / "missing.yml").write_text("name: env\n", encoding="utf-8")
    (tmp_path / "no_context").mkdir()
    assert _errors(path) == []


def test_a_value_given_for_parallel_data_is_reported_at_the_value(tmp_path: Path) -> None:
    """`reviews: ""` makes the input a string; `input_data` naming it is not the mistake."""
    folder = tmp_path / "batch_scoring"
    shutil.copytree(ROOT / "pipelines" / "batch_scoring", folder)
    path = folder / "pipeline.yaml"
    text = path.read_text(encoding="utf-8")
    assert "      reviews: ${{parent.inputs.reviews}}\n" in text
    path.write_text(text.replace("      reviews: ${{parent.inputs.reviews}}\n", '      reviews: ""\n'))
    line = 1 + text.splitlines().index("      reviews: ${{parent.inputs.reviews}}")
    assert ("L102", line) in _errors(path)


@pytest.mark.parametrize(
    ("name", "valid"), [("a-b", False), ("1abc", False), ("Bad-Name", False), ("UPPER", True)]
)
def test_component_port_names_as_azure_ml_checks_them(tmp_path: Path, name: str, valid: bool) -> None:
    """Component._validate_io_names: identifiers (any case), no two equal ignoring case."""
    text = COMPONENT.replace("  n:\n", f"  {name}:\n").replace("inputs.n}", "inputs." + name + "}")
    _write(tmp_path, component=text)
    path = tmp_path / "component.yml"
    assert _azure_rejects(path, component=True) is not valid
    assert (("N701", 5) in _errors(path)) is not valid


def test_component_port_names_equal_but_for_case(tmp_path: Path) -> None:
    _write(tmp_path, component=COMPONENT.replace("  data:\n", "  N:\n"))
    path = tmp_path / "component.yml"
    assert _azure_rejects(path, component=True)
    assert ("N703", 8) in _errors(path)


@pytest.mark.parametrize(
    ("default", "valid"),
    [("0.0", False), ("1", False), ('"yes"', False), ("true", True), ('"False"', True), ("yes", True)],
)
def test_a_boolean_inputs_default_as_azure_ml_parses_it(tmp_path: Path, default: str, valid: bool) -> None:
    """Input._parse takes only true/false for a boolean (a YAML `yes` is already a boolean)."""
    text = COMPONENT.replace(
        "    type: integer\n    min: 0\n", f"    type: boolean\n    default: {default}\n"
    )
    _write(tmp_path, component=text)
    path = tmp_path / "component.yml"
    assert _azure_rejects(path, component=True) is not valid
    assert (("V002", 7) in _errors(path)) is not valid


@pytest.mark.parametrize(("name", "valid"), [("Bad-Name", False), ("1inner", False), ("inner_2", True)])
def test_a_pipeline_components_name_as_azure_ml_checks_it(tmp_path: Path, name: str, valid: bool) -> None:
    """PipelineComponentSchema reads `name` with ComponentNameStr, as a command component's."""
    path = tmp_path / "component.yml"
    path.write_text(
        textwrap.dedent(f"""\
            $schema: https://azuremlschemas.azureedge.net/latest/pipelineComponent.schema.json
            type: pipeline
            name: {name}
            inputs:
              rows: {{type: integer}}
            jobs:
              build:
                type: command
                command: echo ${{{{inputs.rows}}}}
                environment: {ENVIRONMENT}
                inputs: {{rows: "${{{{parent.inputs.rows}}}}"}}
            """),
        encoding="utf-8",
    )
    assert _azure_rejects(path, component=True) is not valid
    assert (("N701", 3) in _errors(path)) is not valid


def test_a_pipeline_component_file_needs_a_name_on_its_own_only(tmp_path: Path) -> None:
    """load_component refuses a pipeline component file without `name`; a pipeline node that names
    the file reads it as an anonymous component, which needs none."""
    component = tmp_path / "inner.yml"
    component.write_text(
        textwrap.dedent(f"""\
            $schema: https://azuremlschemas.azureedge.net/latest/pipelineComponent.schema.json
            type: pipeline
            jobs:
              build:
                type: command
                command: echo hello
                environment: {ENVIRONMENT}
            """),
        encoding="utf-8",
    )
    assert _azure_rejects(component, component=True)
    assert ("S103", 1) in _errors(component)
    path = _write(tmp_path, PIPELINE.replace("type: command\n    component: ./component.yml\n    inputs:\n      n: 3\n",
                                             "type: pipeline\n    component: ./inner.yml\n"))  # fmt: skip
    assert not _azure_rejects(path)
    assert _errors(path) == []


def test_a_pipeline_component_port_left_empty(tmp_path: Path) -> None:
    """A component's port with no value: "Field may not be null" (a pipeline job's output may be)."""
    component = tmp_path / "inner.yml"
    component.write_text(
        textwrap.dedent(f"""\
            $schema: https://azuremlschemas.azureedge.net/latest/pipelineComponent.schema.json
            type: pipeline
            name: inner
            outputs:
              table:
            jobs:
              build:
                type: command
                command: echo hello > ${{{{outputs.table}}}}/x
                environment: {ENVIRONMENT}
                outputs: {{table: "${{{{parent.outputs.table}}}}"}}
            """),
        encoding="utf-8",
    )
    assert _azure_rejects(component, component=True)
    assert ("V001", 5) in _errors(component)


@pytest.mark.parametrize(
    ("pipeline_old", "pipeline_new", "component_old", "component_new", "where", "line"),
    [
        # An environment string needs `azureml:` (ArmVersionedStr, RegistryStr), in a node...
        (f"environment: {ENVIRONMENT}", "environment: sklearn:1", "", "", "pipeline.yml", 10),
        # ... and in a component file the pipeline uses: azure-ai-ml reads the file with the pipeline.
        ("", "", f"environment: {ENVIRONMENT}", "environment: sklearn-env@latest", "component.yml", 12),
        # A used file's value a reader does not look at is still walked (its name is not checked).
        ("", "", "    min: 0", "    min: low", "component.yml", 7),
    ],
)
def test_an_environment_needs_the_azureml_prefix_wherever_it_is_written(
    tmp_path: Path, pipeline_old: str, pipeline_new: str, component_old: str, component_new: str, where: str,
    line: int,
) -> None:  # fmt: skip
    path = _write(
        tmp_path,
        PIPELINE.replace(pipeline_old, pipeline_new, 1) if pipeline_old else PIPELINE,
        COMPONENT.replace(component_old, component_new, 1) if component_old else COMPONENT,
    )
    assert _azure_rejects(path)
    found = [(d.code, d.span.file, d.span.line) for d in check_file(str(path)).diagnostics]
    assert any(file.endswith(where) and at == line for _, file, at in found), found


# Found by the mutation kinds that move an entry (tests/test_mutation_parity.py: indented and
# dedented entries): `type:` of a node's output moved out of its mapping leaves `type: uri_file`
# as an output of its own, a plain string.
OUTPUTS_COMPONENT = COMPONENT.replace(
    "command: echo ", "outputs:\n  model:\n    type: uri_folder\ncommand: echo ${{outputs.model}} "
)


@pytest.mark.parametrize(
    "value", ["uri_folder", "./out", "azureml://datastores/workspaceblobstore/paths/out"]
)
def test_a_node_output_is_a_mapping_or_a_binding(tmp_path: Path, value: str) -> None:
    """BaseNodeSchema reads a node's output with OutputBindingStr or OutputSchema: a node with a
    component refuses a plain string ("Value passed is not a data binding string")."""
    path = _write(tmp_path, PIPELINE + f"    outputs:\n      model: {value}\n", OUTPUTS_COMPONENT)
    assert _azure_rejects(path)
    assert any(line == 18 for _, line in _errors(path)), _errors(path)


def test_an_inline_command_nodes_output_may_be_a_type(tmp_path: Path) -> None:
    """A command node written inline is read as a command job, whose output may be a type name."""
    inline = PIPELINE.replace("    compute: azureml:cpu-cluster\n", "    compute: azureml:cpu-cluster\n"
                              "    outputs:\n      model: uri_folder\n", 1)  # fmt: skip
    path = _write(tmp_path, inline)
    assert not _azure_rejects(path)
    assert _errors(path) == []


def test_a_pipeline_nodes_output_is_a_mapping_or_a_binding(tmp_path: Path) -> None:
    """The same for a `type: pipeline` node (PipelineSchema is a BaseNodeSchema too)."""
    (tmp_path / "inner.yml").write_text(
        textwrap.dedent(f"""\
            $schema: https://azuremlschemas.azureedge.net/latest/pipelineComponent.schema.json
            type: pipeline
            name: inner
            outputs:
              model: {{type: uri_folder}}
            jobs:
              build:
                type: command
                command: echo hello > ${{{{outputs.model}}}}/x
                environment: {ENVIRONMENT}
                outputs: {{model: "${{{{parent.outputs.model}}}}"}}
            """),
        encoding="utf-8",
    )
    node = "type: pipeline\n    component: ./inner.yml\n    outputs:\n      model: uri_folder\n"
    path = _write(tmp_path, PIPELINE.replace("type: command\n    component: ./component.yml\n", node))
    assert _azure_rejects(path)
    assert any(line == 16 for _, line in _errors(path)), _errors(path)


def test_a_misspelt_port_type_is_flagged_on_its_line(tmp_path: Path) -> None:
    """A component port whose `type` is misspelt has no type (S103 at the port) and an unknown
    key: that key is where the mistake is (azure-ai-ml: "Missing data for required field")."""
    _write(
        tmp_path,
        component=COMPONENT.replace(
            "  n:\n    type: integer\n", "  n:\n    description: rows\n    tyep: integer\n"
        ),
    )
    path = tmp_path / "component.yml"
    assert _azure_rejects(path, component=True)
    assert ("S101", 7) in _errors(path)


def test_an_emptied_data_input_is_reported_at_its_value(tmp_path: Path) -> None:
    """A pipeline input emptied (`""`) where a data asset was is no path for the data input it is
    bound to: the value is the mistake, as for any literal that does not fit (azpipe refused the
    file before too, at the binding; azure-ai-ml's `_validate` does not compare the two types)."""
    folder = tmp_path / "component_reuse"
    shutil.copytree(ROOT / "pipelines" / "component_reuse", folder)
    path = folder / "pipeline.yaml"
    text = path.read_text(encoding="utf-8")
    line = 1 + text.splitlines().index("  station_b: ${{data.station_b}}")
    path.write_text(text.replace("  station_b: ${{data.station_b}}", '  station_b: ""'), encoding="utf-8")
    assert _errors(path) == [("T601", line)]


@pytest.mark.parametrize("value", ["uri_folder", "integer", "time-based"])
@pytest.mark.parametrize("where", ["input", "output", "pipeline-input", "inline-input"])
def test_a_component_port_is_a_mapping(tmp_path: Path, value: str, where: str) -> None:
    """ComponentSchema reads a port with ParameterSchema, InputPortSchema or OutputPortSchema: a
    port written as a string is refused whatever it says ("Invalid input type"), in a command
    component file, a pipeline component file or a component written inline in a node (found by
    the dedented-entry mutation: `default:` moved out of its port became a port of its own)."""
    if where == "input":
        _write(tmp_path, component=COMPONENT.replace("  data:\n    type: uri_folder\n    optional: true\n",
                                                     f"  data: {value}\n"))  # fmt: skip
        path, component, line = tmp_path / "component.yml", True, 8
    elif where == "output":
        _write(tmp_path, component=COMPONENT.replace("command:", f"outputs:\n  model: {value}\ncommand:"))
        path, component, line = tmp_path / "component.yml", True, 12
    elif where == "inline-input":
        inline = (f"command: echo hello\n    component:\n      command: echo ${{{{inputs.d}}}}\n"
                  f"      environment: {ENVIRONMENT}\n      inputs:\n        d: {value}\n")  # fmt: skip
        path = _write(
            tmp_path, PIPELINE.replace(f"command: echo hello\n    environment: {ENVIRONMENT}\n", inline)
        )
        component, line = False, 14
    else:
        path = tmp_path / "inner.yml"
        path.write_text(
            textwrap.dedent(f"""\
                $schema: https://azuremlschemas.azureedge.net/latest/pipelineComponent.schema.json
                type: pipeline
                name: inner
                inputs:
                  rows: {{type: integer}}
                  other: {value}
                jobs:
                  build:
                    type: command
                    command: echo ${{{{inputs.rows}}}}
                    environment: {ENVIRONMENT}
                    inputs: {{rows: "${{{{parent.inputs.rows}}}}"}}
                """),
            encoding="utf-8",
        )
        component, line = True, 6
    assert _azure_rejects(path, component=component)
    assert any(found == line for _, found in _errors(path)), _errors(path)


@pytest.mark.parametrize(("value", "fits"), [('"20"', True), ("20", True), ('"abc"', False), ("2.5", False)])
def test_a_pipeline_jobs_input_is_sent_as_text(tmp_path: Path, value: str, fits: bool) -> None:
    """A pipeline job's inputs have no declared type (azure-ai-ml refuses `type: string` there)
    and go to Azure ML as literal text: a quoted `"20"` bound to an integer input is fine (found
    by the quoted-scalar mutation); a value that does not read as an integer is reported at it."""
    text = PIPELINE.replace("display_name: hello\n", f"display_name: hello\ninputs:\n  rows: {value}\n")
    path = _write(tmp_path, text.replace("      n: 3", "      n: ${{parent.inputs.rows}}"))
    assert not _azure_rejects(path)  # azure-ai-ml's `_validate` does not compare the two
    assert _errors(path) == ([] if fits else [("T601", 5)])


@pytest.mark.parametrize(
    ("old", "new", "valid"),
    [
        ("    compute: azureml:cpu-cluster\n", '    compute: azureml:cpu-cluster\n    resources: {instance_count: "2"}\n', True),
        ("    compute: azureml:cpu-cluster\n", "    compute: azureml:cpu-cluster\n    resources: {instance_count: 2.0}\n", True),
        ("    compute: azureml:cpu-cluster\n", "    compute: azureml:cpu-cluster\n    limits: {timeout: 3600.0}\n", True),
        ("    compute: azureml:cpu-cluster\n", '    compute: azureml:cpu-cluster\n    limits: {timeout: "3600"}\n', True),
        ("    compute: azureml:cpu-cluster\n", "    compute: azureml:cpu-cluster\n    limits: {timeout: ten}\n", False),
        ("    compute: azureml:cpu-cluster\n",
         '    compute: azureml:cpu-cluster\n    distribution: {type: pytorch, process_count_per_instance: "2"}\n', True),
        ("  default_compute: azureml:cpu-cluster\n", '  default_compute: azureml:cpu-cluster\n  continue_on_step_failure: "false"\n', True),
        ("  default_compute: azureml:cpu-cluster\n", "  default_compute: azureml:cpu-cluster\n  force_rerun: 1\n", True),
        ("  default_compute: azureml:cpu-cluster\n", "  default_compute: azureml:cpu-cluster\n  force_rerun: maybe\n", False),
    ],
)  # fmt: skip
def test_integers_and_booleans_as_azure_ml_reads_them(
    tmp_path: Path, old: str, new: str, valid: bool
) -> None:
    """marshmallow's Integer takes `"2"` and `2.0`, its Boolean `"false"` and `1`: the readers read
    them so too (they reported S102 for what the schema walker and azure-ai-ml take)."""
    assert old in PIPELINE
    path = _write(tmp_path, PIPELINE.replace(old, new, 1))
    assert _azure_rejects(path) is not valid
    assert (_errors(path) == []) is valid, _errors(path)


@pytest.mark.parametrize(
    ("version", "valid"), [('"1"', True), ("2.0", True), ("v3-beta_1", True), ("a/b", False)]
)
def test_an_asset_version_azure_ml_can_refer_to(tmp_path: Path, version: str, valid: bool) -> None:
    """An environment's, data asset's or component's version is written into `azureml:NAME:VERSION`,
    which azure-ai-ml refuses with a `/` in it (found by swapping an environment's `image` and
    `version`): V004 at each version."""
    from azure.ai.ml._utils._arm_id_utils import parse_name_version

    try:
        parse_name_version(f"taxi-env:{version.strip(chr(34))}")
        azure_takes = True
    except Exception:
        azure_takes = False
    assert azure_takes is valid
    shutil.copytree(ROOT / "pipelines" / "taxi_fare_regression", tmp_path / "p")
    path = tmp_path / "p" / "pipeline.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count('version: "1"') == 2  # the environment's and the data asset's
    path.write_text(text.replace('version: "1"', f"version: {version}"), encoding="utf-8")
    found = [code for code, _ in _errors(path)]
    assert found == ([] if valid else ["V004", "V004"]), found


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("  hello:\n    command:", "  hello:\n    type: COMMAND\n    command:"),
        ("    compute: azureml:cpu-cluster\n", "    compute: azureml:cpu-cluster\n    distribution: {type: PyTorch}\n"),
        ("    compute: azureml:cpu-cluster\n",
         "    compute: azureml:cpu-cluster\n    queue_settings: {job_tier: Standard, priority: HIGH}\n"),
        ("    compute: azureml:cpu-cluster\n",
         "    compute: azureml:cpu-cluster\n    outputs:\n      o: {type: uri_folder, mode: UPLOAD}\n"),
        ("      n: 3\n", "      n: 3\n      data: {type: uri_folder, path: azureml://datastores/d/paths/x, mode: RO_MOUNT}\n"),
    ],
)  # fmt: skip
def test_a_native_files_words_in_any_case(tmp_path: Path, old: str, new: str) -> None:
    """azure-ai-ml lower-cases a node's type, a port's mode, a distribution's type and queue settings
    before comparing them (StringTransformedEnum): the readers read them so (they reported S106)."""
    assert old in PIPELINE
    path = _write(tmp_path, PIPELINE.replace(old, new, 1))
    assert not _azure_rejects(path)
    assert _errors(path) == []


def test_a_jobs_port_types_in_any_case(tmp_path: Path) -> None:
    """azure-ai-ml lower-cases the `type` of a pipeline job's and a node's ports (`Uri_Folder`,
    `URI_FOLDER`); a component's port types it compares as written (tests above)."""
    path = tmp_path / "pipeline.yml"
    path.write_text(
        textwrap.dedent(f"""\
        type: pipeline
        settings: {{default_compute: azureml:cpu-cluster}}
        inputs:
          d: {{type: Uri_Folder, path: azureml://datastores/workspaceblobstore/paths/d/, mode: RO_MOUNT}}
        jobs:
          train:
            command: echo ${{{{inputs.x}}}} ${{{{outputs.o}}}}
            environment: {ENVIRONMENT}
            inputs:
              x: {{type: URI_FOLDER, path: "${{{{parent.inputs.d}}}}", mode: Download}}
            outputs:
              o: {{type: URI_FOLDER, mode: UPLOAD}}
        """),
        encoding="utf-8",
    )
    assert not _azure_rejects(path)
    assert _errors(path) == []


SWEEP_NODE = f"""\
type: pipeline
jobs:
  train:
    type: sweep
    compute: azureml:cpu-cluster
    trial:
      command: echo ${{{{inputs.lr}}}}
      environment: {ENVIRONMENT}
      inputs:
        lr: {{type: number}}
    search_space:
      lr: {{type: uniform, min_value: MIN, max_value: 1}}
    objective: {{goal: maximize, primary_metric: acc}}
    limits: {{max_total_trials: TRIALS}}
"""


@pytest.mark.parametrize(
    ("low", "trials", "valid"),
    [("0.1", "2", True), ('"0.1"', '"2"', True), ("low", "2", False), ("0.1", "two", False)],
)
def test_a_native_sweep_nodes_numbers_as_azure_ml_reads_them(
    tmp_path: Path, low: str, trials: str, valid: bool
) -> None:
    """marshmallow's Number fields take `"0.1"`: a native sweep node's fields, which its reader
    checks, are read so (a quoted number was V001)."""
    path = tmp_path / "pipeline.yml"
    path.write_text(SWEEP_NODE.replace("MIN", low).replace("TRIALS", trials), encoding="utf-8")
    assert _azure_rejects(path) is not valid
    assert (_errors(path) == []) is valid, _errors(path)


@pytest.mark.parametrize(
    ("old", "new", "line"),
    [
        ("  compute: cpu-cluster\n", '  compute: ""\n', 9),  # defaults.compute
        ("    code: src/prep\n", '    code: src/prep\n    compute: ""\n', 46),  # a step's
    ],
)
def test_an_empty_compute_in_the_language(tmp_path: Path, old: str, new: str, line: int) -> None:
    """`defaults: {compute: ""}` compiles to a job azure-ai-ml refuses ("Compute not set"), and a
    step's `compute: ""` to one whose Python and YAML targets differ: V004 at the value."""
    shutil.copytree(ROOT / "pipelines" / "taxi_fare_regression", tmp_path / "p")
    path = tmp_path / "p" / "pipeline.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    assert _errors(path) == [("V004", line)]


def test_a_parallel_steps_reference_is_reported_in_its_program_arguments(tmp_path: Path) -> None:
    """A `${{ }}` of a parallel task's `program_arguments` naming no pipeline input is R303 at the
    reference, not at the step (found by renaming the pipeline input it names)."""
    shutil.copytree(ROOT / "pipelines" / "batch_scoring", tmp_path / "p")
    path = tmp_path / "p" / "pipeline.yaml"
    text = path.read_text(encoding="utf-8")
    assert "  threshold: 0.0\n" in text
    path.write_text(text.replace("  threshold: 0.0\n", "  theshold: 0.0\n"), encoding="utf-8")
    (line,) = [
        number for number, words in enumerate(text.splitlines(), 1) if "parent.inputs.threshold" in words
    ]
    assert _errors(path) == [("R303", line)]


# Seed 31 (long) on a parallel component file: marshmallow fields without allow_none. A component's
# tag values and an inline environment's fields may not be empty; a job's tags, an environment's
# tags and its name and version may (azure-ai-ml is asked for each).
@pytest.mark.parametrize(
    ("old", "new", "rejected"),
    [
        ("name: world\n", "name: world\ntags: {team: }\n", True),
        ("name: world\n", "name: world\ntags: {team: ml}\n", False),
        (f"environment: {ENVIRONMENT}\n", "environment:\n  image:\n", True),
        (f"environment: {ENVIRONMENT}\n", "environment:\n  image: python:3.11\n  tags: {a: }\n", False),
        (f"environment: {ENVIRONMENT}\n", "environment:\n  image: python:3.11\n  version:\n", False),
    ],
)
def test_empty_values_where_azure_ml_takes_none(tmp_path: Path, old: str, new: str, rejected: bool) -> None:
    path = _write(tmp_path, component=COMPONENT.replace(old, new))
    component = tmp_path / "component.yml"
    assert _azure_rejects(component, component=True) is rejected
    assert bool(_errors(component)) is rejected
    assert bool(_errors(path)) is rejected


def test_a_job_tag_may_be_left_empty(tmp_path: Path) -> None:
    path = _write(
        tmp_path, pipeline=PIPELINE.replace("display_name: hello\n", "display_name: hello\ntags: {a: }\n")
    )
    assert not _azure_rejects(path) and not _errors(path)
