"""``azpipe check`` reports everything later commands refuse (issue 12 item 3).

For a file ``check`` finds no error in, compiling to either target and planning a
local run refuse nothing ``check`` did not already report with the same code at the
same place. Run refusals that depend on the machine, not the file (a registered
component's command is only known to the workspace; data that exists only in Azure
needs a local copy) are the ones a local run may add. Files: the examples under
``pipelines/``, every ``good.yaml`` of ``tests/rules``, and pipelines drawn by
:mod:`tests.fidelity_strategies` (azpipe and native; 60 each in the normal run,
``AZPIPE_LONG=1``: 1,000). Each refusal ``emit/plan.py`` used to raise is also a
regression case below: ``check`` reports it, at the position ``compile`` gives.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

import azpipe
from azpipe.diagnostics import Diagnostic, Severity
from azpipe.emit import CompileRefused
from azpipe.emit.python import emit_python
from azpipe.emit.yaml import emit_yaml
from azpipe.localrun.errors import RunRefused
from azpipe.localrun.options import RunOptions
from azpipe.localrun.planner import make_plan
from azpipe.localrun.store import Store
from azpipe.source.kinds import kind_of
from azpipe.source.loader import load_file
from tests.fidelity_strategies import Generated, azpipe_pipelines, native_pipelines
from tests.fidelity_support import write

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = 1_000 if os.environ.get("AZPIPE_LONG") == "1" else 60
# What a local run refuses for the machine it runs on (what exists only in the workspace).
LOCAL_ONLY = (
    "is only known to the workspace",
    "exist only in Azure need a local copy",
    "azpipe runs only local code",
    "cannot run here",  # a node kind this machine has no engine for (spark without spark-submit)
)


def refused_beyond_check(path: Path) -> list[str]:
    """What compiling ``path`` to both targets and planning a local run refuse that
    ``check`` does not report (same code, same place); nothing when ``check`` finds errors."""
    pipeline = azpipe.load(path)
    reported = pipeline.check()
    if any(d.severity is Severity.ERROR for d in reported):
        return []
    seen = {(d.code, d.span) for d in reported}
    new: list[str] = []
    out = str(path.parent / "build")
    for emit in (emit_python, emit_yaml):
        try:
            emit(pipeline, out)
        except CompileRefused as refused:
            new += [_shown(d) for d in refused.diagnostics if (d.code, d.span) not in seen]
    return new + _run_refusals(pipeline, path)


def _run_refusals(pipeline: azpipe.Pipeline, path: Path) -> list[str]:
    """What planning a local run refuses, less what depends on the machine; a required
    input with no value is refused with a hint to ``--set`` it, which ``check`` warned about."""
    without_value = {d.message for d in pipeline.diagnostics if d.code == "S103"}
    with tempfile.TemporaryDirectory() as folder:
        try:
            make_plan(pipeline, RunOptions(), Store(folder), "r", os.path.join(folder, "r"))
        except RunRefused as refused:
            return [
                problem
                for problem in refused.problems
                if not any(text in problem for text in LOCAL_ONLY)
                and problem.split(";")[0] not in without_value
                # and a command reading such an input, its consequence
                and not (without_value and problem.endswith("has no value here"))
            ]
    return []


def _shown(d: Diagnostic) -> str:
    return f"{d.span.file}:{d.span.line}:{d.span.column}: {d.code} {d.message}"


def _checked_files() -> list[Path]:
    """The examples and the rules' good examples that are pipelines (not component files)."""
    found = sorted(ROOT.glob("pipelines/*/pipeline.yaml")) + sorted(ROOT.glob("tests/rules/*/good.yaml"))
    return [path for path in found if kind_of(load_file(str(path)).root).builder in ("azpipe", "native")]


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("path", _checked_files(), ids=lambda p: str(p.relative_to(ROOT).parent))
def test_a_clean_file_compiles_and_plans(path: Path) -> None:
    assert refused_beyond_check(path) == []


def _materialised(generated: Generated, folder: Path) -> Path:
    write(folder, {"pipeline.yaml": generated.text(), **generated.files})
    return folder / "pipeline.yaml"


@pytest.mark.filterwarnings("ignore")
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generated=azpipe_pipelines())
def test_a_generated_pipeline_compiles_and_plans(generated: Generated) -> None:
    with tempfile.TemporaryDirectory() as folder:
        assert refused_beyond_check(_materialised(generated, Path(folder))) == [], generated.text()


@pytest.mark.filterwarnings("ignore")
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(generated=native_pipelines())
def test_a_generated_native_pipeline_compiles_and_plans(generated: Generated) -> None:
    with tempfile.TemporaryDirectory() as folder:
        assert refused_beyond_check(_materialised(generated, Path(folder))) == [], generated.text()


# ----------------------------------------------------------------------------- the refusals plan.py raised

HEAD = """azpipe: 1
name: p
defaults: {compute: cpu, environment: azureml:env@latest}
"""
COMPONENT = """$schema: https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json
name: c
type: command
inputs:
  x: {type: string}
outputs:
  o: {type: uri_folder}
environment: azureml:env@latest
command: echo ${{inputs.x}} ${{outputs.o}}
"""
ONE_STEP = """steps:
  a:
    command: echo ${{outputs.o}}
"""
# name → (the pipeline after HEAD, code, line, column, severity in `check`)
CASES = {
    "no steps": ("steps: {}\n", "S103", 1, 1, Severity.ERROR),
    "input without value": (
        "inputs:\n  x: {type: string}\nsteps:\n  a:\n    command: echo ${{parent.inputs.x}}\n",
        "S103", 5, 3, Severity.WARNING,
    ),
    "output exposed twice": (
        "outputs:\n  m: ${{a.outputs.o}}\n  n: ${{a.outputs.o}}\n" + ONE_STEP, "S106", 6, 6, Severity.ERROR
    ),
    "additional_includes on a component step": (
        "steps:\n  a:\n    uses: ./c.yaml\n    inputs: {x: hi}\n    additional_includes: [src]\n",
        "S105", 5, 3, Severity.ERROR,
    ),
    "after: on a component file step": (
        "steps:\n  a:\n    uses: ./c.yaml\n    inputs: {x: hi}\n  b:\n    command: echo hi\n    after: [a]\n",
        "S105", 10, 13, Severity.ERROR,
    ),
    "description of a pipeline output": (
        'outputs:\n  m: {value: "${{a.outputs.o}}", description: d}\n' + ONE_STEP,
        "S109", 5, 3, Severity.WARNING,
    ),
    "msi_resource_id": (
        "steps:\n  a:\n    command: echo hi\n    identity: {type: managed, msi_resource_id: r}\n",
        "S109", 5, 3, Severity.WARNING,
    ),
}  # fmt: skip


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("name", CASES)
def test_check_reports_what_compile_refuses_where_compile_does(name: str, tmp_path: Path) -> None:
    text, code, line, column, severity = CASES[name]
    path = write(tmp_path, {"pipeline.yaml": HEAD + text, "c.yaml": COMPONENT, "src/x.py": ""})
    pipeline = azpipe.load(path)
    found = [(d.code, d.span.line, d.span.column, d.severity) for d in pipeline.check()]
    assert (code, line, column, severity) in found
    refused = []
    for emit in (emit_python, emit_yaml):
        try:
            emit(pipeline, str(tmp_path / "build"))
        except CompileRefused as error:
            refused += [(d.code, d.span.line, d.span.column) for d in error.diagnostics]
    assert (code, line, column) in refused
    assert refused_beyond_check(path) == []


def test_a_pipeline_input_without_value_runs_with_set(tmp_path: Path) -> None:
    """The S103 warning does not stop ``run``: ``--set`` gives the value."""
    path = write(tmp_path, {"pipeline.yaml": HEAD + CASES["input without value"][0]})
    pipeline = azpipe.load(path)
    assert pipeline.ok
    with tempfile.TemporaryDirectory() as folder:
        options = RunOptions(sets={"x": "hi"})
        planned = make_plan(pipeline, options, Store(folder), "r", os.path.join(folder, "r"))
    assert planned.steps["a"].command.endswith("hi")
