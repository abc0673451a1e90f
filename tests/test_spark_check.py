"""Spark steps checked: the language's ``spark:`` block, native ``type: spark`` nodes and spark
component files read with positions, and the K1xx rules where azure-ai-ml finds the same."""

from __future__ import annotations

from pathlib import Path

import pytest

import azpipe
from tests.fidelity_support import errors, write

CONF = "{spark.driver.cores: 1, spark.driver.memory: 2g, spark.executor.cores: 2, spark.executor.memory: 2g, spark.executor.instances: 2}"


def _step(block: str, step_extra: str = "") -> str:
    return f"""\
azpipe: 1
name: checked
outputs:
  out: ${{{{s.outputs.out}}}}
steps:
  s:
    code: ./src
{step_extra}    spark:
{block}"""


SERVERLESS = '      resources: {instance_type: standard_e4s_v3, runtime_version: "3.4"}\n'
GOOD = f"      entry: main.py\n      conf: {CONF}\n      args: --out ${{{{outputs.out}}}}\n" + SERVERLESS


def _load(tmp_path: Path, text: str, extra: dict[str, str] | None = None) -> azpipe.Pipeline:
    return azpipe.load(write(tmp_path, {"pipeline.yaml": text, "src/main.py": "", **(extra or {})}))


def _codes(pipeline: azpipe.Pipeline) -> list[str]:
    return sorted(d.code for d in pipeline.diagnostics)


def test_a_spark_step_is_read_with_its_fields(tmp_path: Path) -> None:
    block = (
        GOOD + "      py_files: [a.zip]\n      jars: [b.jar]\n      files: [c.txt]\n      archives: [d.tgz]\n"
    )
    pipeline = _load(tmp_path, _step(block))
    assert pipeline.diagnostics == []
    step = pipeline.steps["s"]
    assert step.kind == "spark" and step.spark is not None
    assert (step.spark.entry, step.spark.py_files, step.spark.jars) == ("main.py", ["a.zip"], ["b.jar"])
    assert step.spark.conf["spark.executor.instances"] == 2
    assert step.spark.resources == {"instance_type": "standard_e4s_v3", "runtime_version": "3.4"}
    assert step.outputs["out"].type == "uri_folder"  # implicit, from the args


@pytest.mark.parametrize(
    ("block", "extra", "code", "line"),
    [
        (GOOD.replace("main.py", "mian.py"), "", "K101", 9),
        (GOOD.replace(", spark.executor.instances: 2", ""), "", "K102", 10),
        (GOOD, "    outputs:\n      out: {type: uri_folder, mode: rw_mount}\n", "K103", 9),
        (GOOD.replace(SERVERLESS, ""), "", "K104", 6),
        (GOOD, "    compute: synapse\n", "K104", 13),
        (GOOD + "      jars: [a.jar, a.jar]\n", "", "K105", 13),
        (GOOD.replace("standard_e4s_v3", "standard_ds3_v2"), "", "K107", 12),
        (GOOD.replace("entry: main.py", "entry: {class_name: org.Main}"), "", "K108", 9),
        (GOOD.replace("entry: main.py", "entry: {file: a.py, class_name: org.Main}"), "", "S105", 9),
        (GOOD.replace("      entry: main.py\n", ""), "", "S103", 9),
        (GOOD + "      command: x\n", "", "S101", 13),
        (GOOD, "    command: python x.py\n", "S105", 8),
        (
            GOOD.replace("--out ${{outputs.out}}", "--out ${{outputs.out}} ${{nope.outputs.x}}"),
            "",
            "R301",
            11,
        ),
    ],
)
def test_spark_mistakes_are_reported_where_written(
    tmp_path: Path, block: str, extra: str, code: str, line: int
) -> None:
    pipeline = _load(tmp_path, _step(block, extra))
    found = [d for d in pipeline.diagnostics if d.code == code]
    assert found, pipeline.check()
    assert found[0].span.line == line, pipeline.check()
    assert found[0].span.column >= 1


def test_dynamic_allocation_needs_its_bounds(tmp_path: Path) -> None:
    conf = "{spark.driver.cores: 1, spark.driver.memory: 2g, spark.executor.cores: 2, spark.executor.memory: 2g, spark.dynamicAllocation.enabled: true, spark.dynamicAllocation.minExecutors: 3, spark.dynamicAllocation.maxExecutors: 2}"
    pipeline = _load(tmp_path, _step(GOOD.replace(CONF, conf)))
    assert _codes(pipeline) == ["K102"]
    assert "at most" in pipeline.diagnostics[0].message
    fixed = conf.replace("minExecutors: 3", "minExecutors: 1")
    assert _load(tmp_path / "ok", _step(GOOD.replace(CONF, fixed))).diagnostics == []
    no_bounds = conf.replace(
        ", spark.dynamicAllocation.minExecutors: 3, spark.dynamicAllocation.maxExecutors: 2", ""
    )
    assert _codes(_load(tmp_path / "nb", _step(GOOD.replace(CONF, no_bounds)))) == ["K102"]


COMPONENT = f"""\
$schema: https://azuremlschemas.azureedge.net/latest/sparkComponent.schema.json
name: wrangler
type: spark
code: ./src
entry:
  file: main.py
inputs:
  data: {{type: uri_folder, mode: direct}}
outputs:
  out: {{type: uri_folder, mode: direct}}
args: --data ${{{{inputs.data}}}} --out ${{{{outputs.out}}}}
conf: {CONF}
"""


def test_a_step_using_a_spark_component_file_is_a_spark_step(tmp_path: Path) -> None:
    text = """\
azpipe: 1
name: uses
inputs:
  data: {type: uri_folder, default: azureml://datastores/workspaceblobstore/paths/data/}
outputs:
  out: ${{s.outputs.out}}
steps:
  s:
    uses: ./component.yml
    inputs:
      data: ${{parent.inputs.data}}
    spark:
      resources: {instance_type: standard_e4s_v3, runtime_version: "3.4"}
"""
    pipeline = _load(tmp_path, text, {"component.yml": COMPONENT})
    assert pipeline.diagnostics == [], pipeline.check()
    assert pipeline.steps["s"].kind == "spark" and pipeline.steps["s"].uses is not None
    bad = text.replace("    spark:\n", "    spark:\n      entry: other.py\n")
    found = _load(tmp_path / "bad", bad, {"component.yml": COMPONENT})
    assert [d.code for d in found.diagnostics] == ["S105"]


def test_a_spark_component_file_is_checked_in_its_own_file(tmp_path: Path) -> None:
    text = COMPONENT.replace("${{outputs.out}}", "${{outputs.ouT}}").replace("file: main.py", "file: man.py")
    native = """\
$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json
type: pipeline
jobs:
  s:
    type: spark
    component: ./component.yml
    inputs:
      data: {type: uri_folder, path: azureml://datastores/workspaceblobstore/paths/data/, mode: direct}
    resources: {instance_type: standard_e4s_v3, runtime_version: "3.4"}
"""
    path = write(tmp_path, {"pipeline.yml": native, "component.yml": text, "src/main.py": ""})
    pipeline = azpipe.load(path)
    by_code = {d.code: d for d in pipeline.diagnostics}
    assert by_code["P405"].span.file.endswith("component.yml") and by_code["P405"].span.line == 11
    assert by_code["K101"].span.file.endswith("component.yml") and by_code["K101"].span.line == 6
    assert by_code["K101"].hint == "did you mean `main.py`?"


def test_native_spark_node_fields(tmp_path: Path) -> None:
    native = """\
type: pipeline
jobs:
  s:
    type: spark
    component: ./component.yml
    conf: {spark.driver.cores: 2}
    environment_variables: {A: b}
    inputs:
      data: {type: uri_folder, path: azureml://datastores/workspaceblobstore/paths/data/, mode: ro_mount}
    outputs:
      out: {type: uri_folder, mode: upload}
"""
    path = write(
        tmp_path,
        {"pipeline.yml": native, "component.yml": COMPONENT.replace(", mode: direct", ""), "src/main.py": ""},
    )
    pipeline = azpipe.load(path)
    codes = _codes(pipeline)
    assert "S108" in codes  # conf over its component's: not carried
    assert "S101" in codes  # environment_variables: no such field on a spark node
    assert codes.count("K103") == 2 and "K104" in codes


def test_a_command_component_on_a_spark_node_and_the_reverse(tmp_path: Path) -> None:
    command = "type: command\ncommand: echo ${{inputs.data}}\nenvironment: azureml:e:1\ninputs:\n  data: uri_folder\n"
    native = "type: pipeline\njobs:\n  s:\n    type: spark\n    component: ./c.yml\n    compute: synapse\n"
    pipeline = azpipe.load(write(tmp_path, {"pipeline.yml": native, "c.yml": command}))
    assert "K106" in _codes(pipeline)


@pytest.mark.parametrize(
    "block",
    [
        "      entry: [a, b]\n",
        "      entry: {}\n",
        "      conf: [1, 2]\n",
        "      conf: {a: [1]}\n",
        "      resources: 3\n",
        "      resources: {gpu: 1}\n",
        "      py_files: {a: b}\n",
        "      args: [x]\n",
        "      args: --x ${{inputs.\n",
        "      entry: 12\n",
        "    []\n",
    ],
)
def test_bad_spark_blocks_never_raise(tmp_path: Path, block: str) -> None:
    pipeline = _load(tmp_path, _step(block))
    assert errors(pipeline), pipeline.check()
    for diagnostic in pipeline.diagnostics:
        assert diagnostic.span.line >= 1 and diagnostic.span.column >= 1


def test_check_reports_what_compile_refuses(tmp_path: Path) -> None:
    from azpipe.emit import CompileRefused
    from azpipe.emit.yaml import emit_yaml

    pipeline = _load(tmp_path, _step(GOOD.replace(SERVERLESS, "")))
    with pytest.raises(CompileRefused) as refused:
        emit_yaml(pipeline)
    assert {d.code for d in refused.value.diagnostics} == {"K104"}
