"""Spark steps compiled: both targets load and validate in azure-ai-ml and give the same job.

The language's ``spark:`` block (every field), native ``type: spark`` nodes (a spark
component file, an inline spark job of its own), ``azpipe import`` of them, the Azure
ML examples' spark pipelines, the job graph detecting a changed spark field, and a
Hypothesis strategy drawing spark steps.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import azpipe
from azpipe.emit.jobgraph import diff, job_graph
from tests.fidelity_support import compiled_jobs, differences, errors, imported, same_graph, write
from tests.test_fidelity_corpus import FILES, JOBS, prepared

pytest.importorskip("azure.ai.ml")
pytestmark = pytest.mark.filterwarnings("ignore")

CONF = """\
        spark.driver.cores: 1
        spark.driver.memory: 2g
        spark.executor.cores: 2
        spark.executor.memory: 2g
        spark.executor.instances: 2
"""


def _pipeline(spark_extra: str = "", step_extra: str = "", conf: str = CONF) -> str:
    return f"""\
azpipe: 1
name: wrangling
inputs:
  titanic: {{type: uri_file, default: azureml://datastores/workspaceblobstore/paths/data/titanic.csv}}
  rate: 0.5
outputs:
  wrangled: ${{{{wrangle.outputs.wrangled}}}}
  counted: ${{{{count.outputs.counted}}}}
steps:
  wrangle:
    code: ./src
{step_extra}    spark:
      entry: wrangle.py
      conf:
{conf}      args: --titanic ${{{{parent.inputs.titanic}}}} --rate ${{{{parent.inputs.rate}}}} --wrangled ${{{{outputs.wrangled}}}}
{spark_extra}      resources: {{instance_type: standard_e4s_v3, runtime_version: "3.4"}}
  count:
    code: ./src
    spark:
      entry: count.py
      conf:
{conf}      args: --data ${{{{wrangle.outputs.wrangled}}}} --counted ${{{{outputs.counted}}}}
      resources: {{instance_type: Standard_E8S_V3, runtime_version: 3.4.0}}
"""


def _folder(tmp_path: Path, text: str) -> Path:
    return write(
        tmp_path,
        {
            "pipeline.yaml": text,
            "src/wrangle.py": "",
            "src/count.py": "",
            "src/utils.zip": "",
            "src/lib.jar": "",
        },
    )


FULL_SPARK = """\
      py_files: [utils.zip]
      jars: [lib.jar]
      files: [settings.json]
      archives: [env.tar.gz]
"""
FULL_STEP = """\
    display_name: wrangle titanic
    description: cleans the data
    tags: {team: data}
    identity: {type: user_identity}
    environment: azureml:spark-env:1
"""


def test_every_spark_field_reaches_both_targets_alike(tmp_path: Path) -> None:
    pipeline = azpipe.load(_folder(tmp_path, _pipeline(FULL_SPARK, FULL_STEP)))
    assert pipeline.ok, pipeline.check()
    assert same_graph(pipeline, tmp_path / "out") == []
    job = compiled_jobs(pipeline, tmp_path / "out")["yaml"]
    node = job.jobs["wrangle"]
    assert node.type == "spark" and node.entry.entry == "wrangle.py"
    assert (node.py_files, node.jars, node.files, node.archives) == (
        ["utils.zip"],
        ["lib.jar"],
        ["settings.json"],
        ["env.tar.gz"],
    )
    assert node.driver_cores == 1 and node.executor_instances == 2
    assert node.resources.instance_type == "standard_e4s_v3" and node.identity.type == "user_identity"
    assert node.component.inputs["titanic"].mode == "direct"  # a spark step's own data ports
    assert node.component.outputs["wrangled"].mode == "direct"
    assert str(job.jobs["count"].inputs["wrangled"]._data) == "${{parent.jobs.wrangle.outputs.wrangled}}"


def test_dynamic_allocation(tmp_path: Path) -> None:
    conf = CONF.replace("        spark.executor.instances: 2\n", "") + (
        "        spark.dynamicAllocation.enabled: true\n"
        "        spark.dynamicAllocation.minExecutors: 1\n"
        "        spark.dynamicAllocation.maxExecutors: 4\n"
    )
    text = _pipeline(conf=conf)
    pipeline = azpipe.load(_folder(tmp_path, text))
    assert pipeline.ok, pipeline.check()
    assert same_graph(pipeline, tmp_path / "out") == []


def test_the_job_graph_sees_every_spark_field(tmp_path: Path) -> None:
    base = azpipe.load(_folder(tmp_path / "a", _pipeline(FULL_SPARK)))
    changed = _pipeline(FULL_SPARK.replace("lib.jar", "other.jar"))
    changed = changed.replace("spark.driver.memory: 2g", "spark.driver.memory: 4g", 1)
    other = azpipe.load(_folder(tmp_path / "b", changed))
    left = job_graph(compiled_jobs(base, tmp_path / "a" / "out")["python"])
    right = job_graph(compiled_jobs(other, tmp_path / "b" / "out")["python"])
    found = diff(left["jobs"]["wrangle"]["spark"], right["jobs"]["wrangle"]["spark"])
    assert any("jars" in line for line in found) and any("driver_memory" in line for line in found)


NATIVE = """\
$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json
type: pipeline
display_name: spark jobs
jobs:
  from_file:
    type: spark
    component: ./component.yml
    inputs:
      titanic_data:
        type: uri_file
        path: azureml://datastores/workspaceblobstore/paths/data/titanic.csv
        mode: direct
    outputs:
      wrangled_data:
        type: uri_folder
        path: azureml://datastores/workspaceblobstore/paths/data/wrangled/
        mode: direct
    identity:
      type: managed
    compute: synapse-pool
  own:
    type: spark
    code: ./src
    entry:
      file: wrangle.py
    py_files: [utils.zip]
    conf:
      spark.driver.cores: 1
      spark.driver.memory: 2g
      spark.executor.cores: 2
      spark.executor.memory: 2g
      spark.executor.instances: 2
    args: --data ${{inputs.data}} --out ${{outputs.out}}
    inputs:
      data:
        path: ${{parent.jobs.from_file.outputs.wrangled_data}}
        mode: direct
    outputs:
      out:
        type: uri_folder
        mode: direct
    resources:
      instance_type: standard_e4s_v3
      runtime_version: "3.4"
"""
COMPONENT = """\
$schema: https://azuremlschemas.azureedge.net/latest/sparkComponent.schema.json
name: titanic_spark_component
type: spark
version: 1
code: ./src
entry:
  file: wrangle.py
inputs:
  titanic_data:
    type: uri_file
    mode: direct
outputs:
  wrangled_data:
    type: uri_folder
    mode: direct
args: >-
  --titanic_data ${{inputs.titanic_data}}
  --wrangled_data ${{outputs.wrangled_data}}
conf:
  spark.driver.cores: 1
  spark.driver.memory: 2g
  spark.executor.cores: 2
  spark.executor.memory: 2g
  spark.dynamicAllocation.enabled: True
  spark.dynamicAllocation.minExecutors: 1
  spark.dynamicAllocation.maxExecutors: 4
"""


def test_native_spark_nodes_compile_and_import_to_the_original_job(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        {"pipeline.yml": NATIVE, "component.yml": COMPONENT, "src/wrangle.py": "", "src/utils.zip": ""},
    )
    pipeline = azpipe.load(path)
    assert errors(pipeline) == [], pipeline.check()
    assert {step.kind for step in pipeline.steps.values()} == {"spark"}
    assert differences(path, routes=("direct",)) == []


def test_import_of_spark_nodes_gives_the_original_job(tmp_path: Path) -> None:
    own = NATIVE.replace(
        "        path: ${{parent.jobs.from_file.outputs.wrangled_data}}\n",
        "        type: uri_folder\n        path: azureml://datastores/workspaceblobstore/paths/data/x/\n",
    )
    files = {"pipeline.yml": own, "component.yml": COMPONENT, "src/wrangle.py": "", "src/utils.zip": ""}
    path = write(tmp_path, files)
    language = imported(path)
    assert language.steps["own"].spark is not None and language.steps["own"].spark.py_files == ["utils.zip"]
    assert language.steps["from_file"].uses is not None and language.steps["from_file"].kind == "spark"
    assert differences(path) == []


SPARK_CORPUS = [path for path in FILES if "spark" in str(path)]


@pytest.mark.skipif(not SPARK_CORPUS, reason="the Azure ML examples corpus is not on this machine")
@pytest.mark.parametrize("path", SPARK_CORPUS, ids=lambda p: str(p.relative_to(JOBS)))
def test_the_examples_spark_pipelines_round_trip(path: Path, tmp_path: Path) -> None:
    copy = prepared(path, tmp_path)
    assert errors(azpipe.load(copy)) == []
    assert differences(copy) == []


# --------------------------------------------------------------------------- generated spark steps

EXAMPLES = 400 if os.environ.get("AZPIPE_LONG") == "1" else 12  # each compiles and loads twice
_NAMES = st.sampled_from(["a.zip", "b.py", "c.jar", "d.txt", "e.tar.gz"])
_CONF_VALUES = st.one_of(st.integers(1, 64), st.sampled_from(["1g", "512m", "true", "x y"]))
_EXTRA_CONF = st.dictionaries(st.sampled_from(["spark.sql.shuffle.partitions", "spark.ui.enabled",
                                               "spark.yarn.maxAppAttempts"]), _CONF_VALUES, max_size=2)  # fmt: skip


@st.composite
def spark_steps(draw: st.DrawFn) -> str:
    """A pipeline of one to three chained spark steps with drawn files, conf, args and placement."""
    count = draw(st.integers(1, 3))
    lines = ["azpipe: 1", "name: generated", "inputs:", "  rate: 0.5", "steps:"]
    for number in range(count):
        lines += [f"  s{number}:", "    code: ./src"]
        serverless = draw(st.booleans())
        if not serverless:
            lines.append("    compute: synapse-pool")
        if draw(st.booleans()):
            lines.append("    identity: {type: " + draw(st.sampled_from(["user_identity", "managed"])) + "}")
        lines += ["    spark:", "      entry: main.py"]
        for key in ("py_files", "jars", "files", "archives"):
            chosen = draw(st.lists(_NAMES, unique=True, max_size=2))
            if chosen:
                lines.append(f"      {key}: [{', '.join(chosen)}]")
        lines += ["      conf:", *CONF.rstrip().split("\n")]
        for key, value in draw(_EXTRA_CONF).items():
            lines.append(f'        {key}: "{value}"' if isinstance(value, str) else f"        {key}: {value}")
        source = "${{parent.inputs.rate}}" if number == 0 else "${{s" + str(number - 1) + ".outputs.out}}"
        lines.append(f"      args: --in {source} --out ${{{{outputs.out}}}}")
        if serverless:
            runtime = draw(st.sampled_from(['"3.3"', '"3.4"', "3.4.0"]))
            lines.append(f"      resources: {{instance_type: standard_e4s_v3, runtime_version: {runtime}}}")
    lines += ["outputs:", f"  out: ${{{{s{count - 1}.outputs.out}}}}"]
    return "\n".join(lines) + "\n"


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=spark_steps())
def test_generated_spark_pipelines_compile_alike(text: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    folder = tmp_path_factory.mktemp("spark")
    path = write(folder, {"pipeline.yaml": text, "src/main.py": ""})
    pipeline = azpipe.load(path)
    assert pipeline.ok, (text, pipeline.check())
    assert same_graph(pipeline, folder / "out") == [], text
