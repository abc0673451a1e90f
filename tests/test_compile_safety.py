"""Hostile text in a pipeline file reaches the emitted module as data, never as code.

A property test writes quotes, backslashes, triple quotes, newlines, ``{{ }}``,
``{% %}``, ``${{ }}`` and non-ASCII text into descriptions, display names,
commands, tags, environment variables and step names: either the checker
rejects the file, or both emitted forms carry every string exactly (checked by
running them). Every emitted module is parsed with ``ast`` to check that it only
imports and calls what azpipe's template does.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import azpipe
from azpipe.emit import CompileRefused
from azpipe.emit.jobgraph import job_graph
from tests.compile_support import EXAMPLES, FIXTURES, azure, example_id, import_file

pytestmark = pytest.mark.filterwarnings("ignore")  # azure-ai-ml's marshmallow deprecations

HOSTILE = ['"', "'", '"""', "\\", "\\n", "\n", "\t", "{{ x }}", "{% if x %}", "${{ inputs.x }}", "${{parent}}",
           "$[[", "#", ": ", "é", "日本", "😀", "\u202e", "\u2028", "\x85", "'''", "`", "%s", "\\x00"]  # fmt: skip
hostile = st.lists(st.sampled_from(HOSTILE) | st.text(max_size=4), min_size=1, max_size=8).map("".join)
plain = st.lists(st.sampled_from([h for h in HOSTILE if "$" not in h]) | st.text(max_size=4), max_size=8)
commands = st.one_of(plain.map("".join), plain.map("".join), hostile)  # `${{`/`$[[` are mostly errors
valid_names = st.sampled_from(["train", "str", "match", "type", "main", "yes", "build", "x" * 255])
names = st.one_of(
    valid_names, valid_names, st.sampled_from(["class", "_", "Bad-Name", "ünï", "inputs"]), hostile
)

ALLOWED_IMPORTS = {
    "argparse", "logging", "os", "sys", "pathlib.Path", "azure.core.exceptions.ResourceNotFoundError",
    *(f"azure.core.exceptions.{name}" for name in (
        "AzureError", "ClientAuthenticationError", "HttpResponseError", "ServiceRequestError")),
    "azure.identity.DefaultAzureCredential",
    "azure.ai.ml.parallel.RunFunction", "azure.ai.ml.parallel.parallel_run_function",
    *(f"azure.ai.ml.{name}" for name in (
        "Input", "MLClient", "MpiDistribution", "Output", "PyTorchDistribution", "TensorFlowDistribution",
        "RayDistribution", "command", "dsl", "load_component")),
    *(f"azure.ai.ml.entities.{name}" for name in (
        "AmlCompute", "AmlTokenConfiguration", "Command", "CommandComponent", "ComputeInstance", "Data",
        "Environment", "ManagedIdentityConfiguration", "PipelineJob", "UserIdentityConfiguration", "BuildContext",
        "JobResourceConfiguration", "QueueSettings", "JobService", "SshJobService", "TensorBoardJobService",
        "VsCodeJobService", "JupyterLabJobService")),
}  # fmt: skip
ALLOWED_CALLS = {
    "Path", "<call>.resolve", "__doc__.splitlines", "argparse.ArgumentParser", "environ", "parser.add_argument",
    "parser.parse_args", "build_pipeline", "job.dump", "workspace_client", "provision", "print", "sys.exit",
    "main", "DefaultAzureCredential", "MLClient", "MLClient.from_config", "ml_client.jobs.create_or_update",
    "ml_client.environments.create_or_update", "ml_client.compute.get", "<call>.result",
    "ml_client.compute.begin_create_or_update", "ml_client.data.create_or_update", "str", "command", "Input",
    "Output", "load_component", "Command", "Environment", "AmlCompute", "ComputeInstance", "Data",
    "PyTorchDistribution", "MpiDistribution", "TensorFlowDistribution", "ManagedIdentityConfiguration",
    "UserIdentityConfiguration", "AmlTokenConfiguration", "dsl.pipeline", "CommandComponent", "RayDistribution",
    "BuildContext", "JobResourceConfiguration", "QueueSettings", "JobService", "SshJobService",
    "TensorBoardJobService", "VsCodeJobService", "JupyterLabJobService", "RunFunction", "parallel_run_function",
    # main(): options, quiet logging, one-line errors
    "options", "quiet", "explain", "one_line", "logging.getLogger", "<call>.setLevel", "isinstance", "any",
    "type", "<other>.join", "<call>.split", "text.split",
}  # fmt: skip
ALLOWED_DUNDERS = {"__file__", "__doc__", "__name__"}


def _dotted(node: ast.expr) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return "<call>" if isinstance(node, ast.Call) else "<other>"


def assert_only_expected_code(source: str) -> None:
    """Imports, calls and names of an emitted module are those of azpipe's template."""
    tree = ast.parse(source)
    components = {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
        and _dotted(node.value.func) in ("command", "CommandComponent", "load_component", "parallel_run_function")
        for target in node.targets if isinstance(target, ast.Name)
    }  # fmt: skip
    # The pipeline's @dsl.pipeline function, after its sub-pipelines' (and the names they are reused by).
    pipeline = [n.name for n in tree.body if isinstance(n, ast.FunctionDef) and n.decorator_list]
    assert all(
        _dotted(d.func if isinstance(d, ast.Call) else d) == "dsl.pipeline"
        for n in tree.body if isinstance(n, ast.FunctionDef) for d in n.decorator_list
    )  # fmt: skip
    components |= {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Name) and node.value.id in pipeline
        for target in node.targets if isinstance(target, ast.Name)
    }  # fmt: skip
    function_locals = {
        target.id
        for function in tree.body if isinstance(function, ast.FunctionDef) and function.decorator_list
        for node in ast.walk(function) if isinstance(node, ast.Assign)
        for target in node.targets if isinstance(target, ast.Name)
    }  # fmt: skip
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            assert {alias.name for alias in node.names} <= ALLOWED_IMPORTS
        elif isinstance(node, ast.ImportFrom):
            assert {f"{node.module}.{alias.name}" for alias in node.names} <= ALLOWED_IMPORTS
        elif isinstance(node, ast.Call):
            called = _dotted(node.func)
            root, _, method = called.rpartition(".")
            node_method = root in function_locals and method in ("set_resources", "set_limits")
            assert called in ALLOWED_CALLS | components | set(pipeline) or node_method, called
        elif isinstance(node, (ast.Name, ast.Attribute)):
            name = node.id if isinstance(node, ast.Name) else node.attr
            assert not name.startswith("__") or name in ALLOWED_DUNDERS, name
        assert not isinstance(node, (ast.Lambda, ast.JoinedStr, ast.Global, ast.Nonlocal, ast.Delete))
    assert pipeline


@pytest.mark.parametrize("path", EXAMPLES + FIXTURES, ids=example_id)
def test_examples_hold_only_expected_code(path: Path) -> None:
    assert_only_expected_code(azpipe.to_python(azpipe.load(path)))


def q(text: str) -> str:
    """``text`` as a double-quoted YAML string (written here, independently of azpipe's filter)."""
    return '"' + "".join(_char(char) for char in text) + '"'


def _char(char: str) -> str:
    if char in '"\\':
        return "\\" + char
    if char.isprintable() and char not in "\x85\u2028\u2029\ufeff":
        return char
    return f"\\u{ord(char):04x}" if ord(char) < 0x10000 else f"\\U{ord(char):08x}"


def _pipeline_text(fields: dict[str, Any]) -> str:
    """A pipeline file with each hostile string written as a double-quoted YAML string."""
    tags = ", ".join(f"{q(k)}: {q(v)}" for k, v in fields["tags"].items())
    env = ", ".join(f"{q(k)}: {q(v)}" for k, v in fields["env"].items())
    return "\n".join([
        "azpipe: 1", "name: hostile", f"display_name: {q(fields['display_name'])}",
        f"description: {q(fields['description'])}", f"tags: {{{tags}}}",
        "defaults: {compute: cpu-cluster, environment: 'azureml:env:1'}",
        "outputs: {result: '${{" + fields["step"] + ".outputs.out}}'}" if fields["step"].isidentifier() else "",
        "steps:", f"  {q(fields['step'])}:", "    code: src",
        f"    display_name: {q(fields['step_display_name'])}", f"    description: {q(fields['step_description'])}",
        f"    tags: {{{tags}}}", f"    environment_variables: {{{env}}}",
        f"    command: {q('python run.py ' + fields['command'] + ' --out ${{outputs.out}}')}", "",
    ])  # fmt: skip


pipelines = st.fixed_dictionaries({
    "display_name": hostile, "description": hostile, "step_display_name": hostile,
    "step_description": hostile, "command": commands, "step": names,
    "tags": st.dictionaries(hostile, hostile, max_size=3), "env": st.dictionaries(hostile, hostile, max_size=3),
})  # fmt: skip


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fields=pipelines)
def test_hostile_strings_are_carried_exactly_or_rejected(fields: dict[str, Any], tmp_path: Path) -> None:
    (tmp_path / "src").mkdir(exist_ok=True)
    path = tmp_path / "pipeline.yaml"
    path.write_text(_pipeline_text(fields), encoding="utf-8")
    pipeline = azpipe.load(path)
    try:
        python_text, yaml_text = azpipe.to_python(pipeline), azpipe.to_yaml(pipeline)
    except CompileRefused as refused:
        assert not pipeline.ok and refused.diagnostics
        assert all(d.span.line >= 1 for d in refused.diagnostics)
        return
    assert_only_expected_code(python_text)
    (tmp_path / "hostile.py").write_text(python_text, encoding="utf-8")
    (tmp_path / "hostile.yml").write_text(yaml_text, encoding="utf-8")
    python, native = (
        import_file(tmp_path / "hostile.py").build_pipeline(),
        azure().load_job(tmp_path / "hostile.yml"),
    )
    for job in (python, native):
        _assert_carried(pipeline, job)
    assert job_graph(python) == job_graph(native)


def _assert_carried(pipeline: azpipe.Pipeline, job: Any) -> None:
    [(name, step)] = pipeline.steps.items()
    # an empty display name or description is no display name or description
    assert (job.display_name, job.description or None, dict(job.tags)) == (
        pipeline.display_name or None, pipeline.description or None, pipeline.tags)  # fmt: skip
    node = job.jobs[name]
    assert node.display_name == step.details.display_name  # a node's, even empty, as azure-ai-ml reads YAML
    assert (node.description or node.component.description) == (step.details.description or None)
    assert dict(node.tags) == step.details.tags
    assert dict(node.environment_variables) == step.details.environment_variables
    assert step.command is not None and node.component.command == step.command.unparse()
