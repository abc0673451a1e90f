"""Generated sub-pipelines (issue 11 item 1): Hypothesis draws an inner pipeline (typed
parameters with and without defaults, a data input, a chain of steps), optionally a middle
pipeline that uses it, and an outer pipeline that uses it one to three times with every kind of
binding (a literal, an outer input, nothing where the inner input has a default). Each checks
clean; expanded, every inner step reads only the outer pipeline's inputs and steps; both targets
load and validate in azure-ai-ml and give the same job (job_graph and job_dict).

12 compiled examples and 150 expansion examples in the normal run; AZPIPE_LONG=1: 300 and 2,000.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import azpipe
from azpipe.diagnostics import Severity
from azpipe.expr.ast import RefKind
from azpipe.localrun.expand import expanded
from tests.fidelity_support import write
from tests.test_subpipeline_compile import both_targets

pytestmark = pytest.mark.filterwarnings("ignore")  # azure-ai-ml's marshmallow deprecations
LONG = os.environ.get("AZPIPE_LONG") == "1"
COMPILED = 300 if LONG else 12
EXPANDED = 2_000 if LONG else 150
LITERALS = {"integer": st.integers(-5, 50), "number": st.floats(0.0, 2.0).map(lambda x: round(x, 2)),
            "string": st.sampled_from(["a", "b c", "x-y"])}  # fmt: skip


@dataclass
class Param:
    name: str
    type: str
    default: object | None


@dataclass
class Drawn:
    """A generated outer pipeline and the files it uses; ``steps``: its expected flat steps."""

    files: dict[str, str] = field(default_factory=dict)
    steps: int = 0


@st.composite
def inner_files(draw: st.DrawFn) -> tuple[str, list[Param], int]:
    """An inner pipeline: parameters, a required data input, a chain of 1-3 steps."""
    params = [
        Param(f"p{i}", kind, draw(st.none() | LITERALS[kind]))
        for i, kind in enumerate(draw(st.lists(st.sampled_from(sorted(LITERALS)), max_size=3)))
    ]
    count = draw(st.integers(1, 3))
    lines = ["azpipe: 1", "name: inner", "defaults: {environment: azureml:sklearn:1}", "inputs:",
             "  data: {type: uri_folder}"]  # fmt: skip
    for p in params:
        default = "" if p.default is None else f", default: {p.default!r}".replace("'", '"')
        lines.append(f"  {p.name}: {{type: {p.type}{default}}}")
    lines += ["outputs:", f"  result: ${{{{s{count - 1}.outputs.out}}}}", "steps:"]
    for i in range(count):
        source = "${{parent.inputs.data}}" if i == 0 else f"${{{{s{i - 1}.outputs.out}}}}"
        used = [p for p in params if draw(st.booleans())] if i else params
        flags = " ".join(f"--{p.name} ${{{{parent.inputs.{p.name}}}}}" for p in used)
        lines += [f"  s{i}:", f"    command: python run.py --in {source} {flags} --out ${{{{outputs.out}}}}"]
    return "\n".join(lines) + "\n", params, count


@st.composite
def generated(draw: st.DrawFn) -> Drawn:
    inner, params, count = draw(inner_files())
    found = Drawn({"inner/pipeline.yaml": inner})
    used_file, per_use = "./inner/pipeline.yaml", count
    if draw(st.booleans()):  # a middle pipeline between: two levels deep
        middle = ["azpipe: 1", "name: middle", "inputs:", "  data: {type: uri_folder}"]
        middle += [f"  {p.name}: {{type: {p.type}, default: {LITERALS_DEFAULT[p.type]!r}}}".replace("'", '"')
                   for p in params]  # fmt: skip
        middle += ["outputs:", "  result: ${{i.outputs.result}}", "steps:", "  i:", "    uses: ../inner/pipeline.yaml",
                   "    inputs:", '      data: "${{parent.inputs.data}}"']  # fmt: skip
        middle += [f'      {p.name}: "${{{{parent.inputs.{p.name}}}}}"' for p in params]
        found.files["middle/pipeline.yaml"] = "\n".join(middle) + "\n"
        used_file, params = "./middle/pipeline.yaml", [Param(p.name, p.type, 1) for p in params]
    uses = draw(st.integers(1, 3))
    outer = ["azpipe: 1", "name: outer", "defaults: {compute: cpu, environment: azureml:sklearn:1}", "inputs:",
             "  data: {type: uri_folder, default: ./data}", "  knob: {type: integer, default: 7}",
             "outputs:", "  final: ${{last.outputs.out}}", "steps:"]  # fmt: skip
    for u in range(uses):
        outer += [
            f"  use{u}:",
            f"    uses: {used_file}",
            "    inputs:",
            '      data: "${{parent.inputs.data}}"',
        ]
        for p in params:
            choice = draw(
                st.sampled_from(
                    ["literal", "input", "none"] if p.default is not None else ["literal", "input"]
                )
            )
            if choice == "literal":
                outer.append(f"      {p.name}: {draw(LITERALS[p.type])!r}".replace("'", '"'))
            elif choice == "input" and p.type == "integer":
                outer.append(f'      {p.name}: "${{{{parent.inputs.knob}}}}"')
            elif choice == "input":
                outer.append(f"      {p.name}: {LITERALS_DEFAULT[p.type]!r}".replace("'", '"'))
    reads = " ".join(f"--r{u} ${{{{use{u}.outputs.result}}}}" for u in range(uses))
    outer += ["  last:", f"    command: python last.py {reads} --out ${{{{outputs.out}}}}"]
    found.files["pipeline.yaml"] = "\n".join(outer) + "\n"
    found.steps = uses * per_use + 1
    return found


LITERALS_DEFAULT = {"integer": 1, "number": 0.5, "string": "s"}


def materialised(drawn: Drawn, folder: Path) -> Path:
    write(folder, drawn.files)
    (folder / "data").mkdir(exist_ok=True)
    return folder / "pipeline.yaml"


def clean(path: Path) -> azpipe.Pipeline:
    pipeline = azpipe.load(path)
    assert [d for d in pipeline.check() if d.severity is Severity.ERROR] == [], pipeline.check()
    return pipeline


@settings(max_examples=EXPANDED, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drawn=generated())
def test_expansion_reads_only_the_outer_pipeline(drawn: Drawn) -> None:
    with tempfile.TemporaryDirectory() as folder:
        pipeline = clean(materialised(drawn, Path(folder)))
        flat = expanded(pipeline)
        assert len(flat.steps) == drawn.steps
        for step in flat.steps.values():
            for port in step.inputs.values():
                ref = port.binding.ref if port.binding else None
                if ref is not None and ref.kind is RefKind.PARENT_INPUT:
                    assert ref.name in pipeline.inputs
                if ref is not None and ref.kind is RefKind.STEP_OUTPUT:
                    assert ref.step in flat.steps and ref.name in flat.steps[ref.step].outputs


@settings(max_examples=COMPILED, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drawn=generated())
def test_both_targets_give_the_same_job(drawn: Drawn) -> None:
    from azpipe.emit.jobgraph import diff, job_dict, job_graph

    with tempfile.TemporaryDirectory() as folder:
        path = materialised(drawn, Path(folder))
        clean(path)
        python_job, yaml_job, _ = both_targets(path, Path(folder) / "out")
        assert diff(job_graph(python_job), job_graph(yaml_job)) == []
        assert diff(job_dict(python_job), job_dict(yaml_job)) == []
