"""Parallel steps in the azpipe language: reading, checks (L1xx) and both compile targets."""

from __future__ import annotations

from pathlib import Path

import pytest

import azpipe
from azpipe.checks.parallel import entry_script_problem
from azpipe.emit.jobgraph import diff, job_graph
from tests.fidelity_support import compiled_jobs, errors, same_graph, write

SCRIPT = "def init():\n    pass\n\n\ndef run(mini_batch):\n    return mini_batch\n"
PIPELINE = """\
azpipe: 1
name: batch_score
defaults: {compute: cpu-cluster, environment: azureml:sklearn-env:1}
inputs:
  images: ./data
  factor: 2
outputs:
  scores: ${{score.outputs.scores}}
steps:
  score:
    display_name: Score the images
    inputs:
      data: ${{parent.inputs.images}}
    outputs:
      scores: uri_file
    resources: {instance_count: 2}
    environment_variables: {A: "1"}
    parallel:
      input_data: ${{inputs.data}}
      mini_batch_size: "10kb"
      partition_keys: [a, b]
      max_concurrency_per_instance: 2
      error_threshold: 5
      mini_batch_error_threshold: 3
      retry_settings: {max_retries: 2, timeout: 60}
      logging_level: DEBUG
      task:
        code: src
        entry_script: score.py
        program_arguments: --factor ${{parent.inputs.factor}}
        append_row_to: ${{outputs.scores}}
"""


def _pipeline(tmp_path: Path, text: str = PIPELINE, script: str = SCRIPT) -> azpipe.Pipeline:
    path = write(tmp_path, {"pipeline.yaml": text, "src/score.py": script, "data/a.txt": "1"})
    return azpipe.load(path)


def test_a_parallel_step_reads_into_the_model(tmp_path: Path) -> None:
    pipeline = _pipeline(tmp_path)
    assert errors(pipeline) == [], pipeline.check()
    step = pipeline.steps["score"]
    assert step.kind == "parallel" and step.parallel is not None
    parallel = step.parallel
    assert (parallel.input_data, parallel.append_row_to, parallel.entry_script) == (
        "data",
        "scores",
        "score.py",
    )
    assert parallel.mini_batch_size == "10kb" and parallel.partition_keys == ["a", "b"]
    assert parallel.retry_settings == {"max_retries": 2, "timeout": 60}
    assert step.code == "src"
    # program_arguments is desugared like a command: the pipeline input became an input
    assert step.inputs["factor"].implicit and parallel.program_arguments is not None
    assert parallel.program_arguments.unparse() == "--factor ${{inputs.factor}}"


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ("input_data: ${{inputs.data}}", "input_data: ${{inputs.dat}}", "L101"),
        ("input_data: ${{inputs.data}}", "input_data: data", "L101"),
        ("append_row_to: ${{outputs.scores}}", "append_row_to: ${{outputs.score}}", "L101"),
        ("  images: ./data", "  images: {type: uri_file, path: ./data/a.txt}", "L102"),
        ("entry_script: score.py", "entry_script: scor.py", "L103"),
        ("entry_script: score.py", "entry_script: ../score.py", "L103"),
        ('mini_batch_size: "10kb"', 'mini_batch_size: "10 kb"', "L105"),
        ('mini_batch_size: "10kb"', 'mini_batch_size: "10kbkb"', "L105"),
        ("error_threshold: 5", "error_threshold: -2", "L106"),
        ("mini_batch_error_threshold: 3", "mini_batch_error_threshold: -5", "L106"),
        ("max_concurrency_per_instance: 2", "max_concurrency_per_instance: 0", "L106"),
        ("{max_retries: 2, timeout: 60}", "{max_retries: 0, timeout: 60}", "L106"),
        ("{max_retries: 2, timeout: 60}", "{max_retries: 2, timeout: 0}", "L106"),
        ("    resources:", "    limits: {timeout: 3}\n    resources:", "L107"),
        ("    resources:", "    command: python x.py\n    resources:", "S105"),
        ("logging_level: DEBUG", "logging_level: VERBOSE", "V002"),
        ("      mini_batch_size", "      mini_batch: 3\n      mini_batch_size", "S101"),
        ("--factor ${{parent.inputs.factor}}", "--factor ${{inputs.factr}}", "P405"),
        ("--factor ${{parent.inputs.factor}}", "--factor `echo ${{parent.inputs.factor}}`", "P406"),
    ],
)
def test_each_mistake_is_reported_with_its_rule(tmp_path: Path, old: str, new: str, code: str) -> None:
    assert old in PIPELINE
    pipeline = _pipeline(tmp_path, PIPELINE.replace(old, new, 1))
    assert code in {d.code for d in pipeline.diagnostics}, pipeline.check()
    for diagnostic in pipeline.diagnostics:
        assert diagnostic.span.line >= 1 and diagnostic.span.column >= 1


@pytest.mark.parametrize(
    ("script", "problem"),
    [
        ("def init():\n    pass\n", "defines no `run()`"),
        ("def run(mini_batch):\n    pass\n", "defines no `init()`"),
        ("def init(:\n", "does not parse"),
        ("def init():\n    pass\ndef run():\n    pass\n", "without one `mini_batch` argument"),
        ("def init():\n    pass\ndef run(a, b, c):\n    pass\n", "without one `mini_batch` argument"),
        ("import sys\nsys.exit(3)\n", "defines no `init()` and `run()`"),
    ],
)
def test_the_entry_script_is_read_never_run(tmp_path: Path, script: str, problem: str) -> None:
    marker = tmp_path / "ran"
    path = tmp_path / "score.py"
    path.write_text(f"open({str(marker)!r}, 'w').close()\n" + script, encoding="utf-8")
    found = entry_script_problem(str(path))
    assert found is not None and problem in found[0]
    assert not marker.exists()


def test_contract_variants_that_azure_ml_accepts(tmp_path: Path) -> None:
    path = tmp_path / "score.py"
    for script in (
        SCRIPT,
        "async def init():\n    pass\ndef run(mini_batch, extra=1):\n    pass\n",
        "def init():\n    pass\ndef run(*batches):\n    pass\n",
        "def init():\n    pass\ndef run(mini_batch, mini_batch_context):\n    pass\n",
    ):
        path.write_text(script, encoding="utf-8")
        assert entry_script_problem(str(path)) is None, script


def test_both_targets_build_the_same_parallel_job(tmp_path: Path) -> None:
    pipeline = _pipeline(tmp_path)
    assert same_graph(pipeline, tmp_path / "out") == []
    jobs = compiled_jobs(pipeline, tmp_path / "out2")
    node = jobs["python"].jobs["score"]
    assert node.type == "parallel"
    assert node.mini_batch_size == 10 * 1024 and node.logging_level == "DEBUG"
    assert node.task.entry_script == "score.py"


def test_the_job_graph_compares_the_parallel_fields(tmp_path: Path) -> None:
    """A field the comparison does not cover is not proven: change each in the YAML and see it."""
    pipeline = _pipeline(tmp_path)
    jobs = compiled_jobs(pipeline, tmp_path / "out")
    reference = job_graph(jobs["yaml"])
    text = (tmp_path / "out" / "compiled.yml").read_text(encoding="utf-8")
    for old, new in (
        ('mini_batch_size: "10kb"', 'mini_batch_size: "11kb"'),
        ("error_threshold: 5", "error_threshold: 6"),
        ('logging_level: "DEBUG"', 'logging_level: "INFO"'),
        ("max_retries: 2", "max_retries: 3"),
        ('entry_script: "score.py"', 'entry_script: "other.py"'),
        ('program_arguments: "--factor', 'program_arguments: "--f'),
        ('- "a"', '- "c"'),
    ):
        assert old in text, old
        changed = tmp_path / "out" / "changed.yml"
        changed.write_text(text.replace(old, new), encoding="utf-8")
        from azure.ai.ml import load_job

        assert diff(job_graph(load_job(changed)), reference) != [], old
