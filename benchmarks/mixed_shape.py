"""A pipeline that mixes every node kind and nests sub-pipelines two deep, for the benchmarks.

:func:`write_mixed` writes, into a folder, an azpipe pipeline whose steps cycle
through ``command``, ``sweep``, ``parallel``, ``spark``, ``automl``,
``data_transfer`` and ``uses:`` of a sub-pipeline file (``middle/pipeline.yaml``)
that itself uses another (``middle/inner/pipeline.yaml``): two levels deep, each
file with its code in a ``src`` folder beside it. Its size is
counted in *nodes*, every step once the sub-pipelines are expanded (the inner
ones too, not the ``uses:`` steps themselves), as ``azpipe graph`` draws them.
Every file it writes checks clean (``benchmarks/check_scale.py`` asserts it, and
``tests/test_bench_mixed.py`` does for a small one).
"""

from __future__ import annotations

from pathlib import Path

REGISTRY_ENV = "azureml://registries/azureml/environments/sklearn-1.5/labels/latest"
INNER_STEPS = 4  # command steps of the inner sub-pipeline
MIDDLE_COMMANDS = 2  # command steps of the middle one, besides its use of the inner one
MIDDLE_NODES = MIDDLE_COMMANDS + INNER_STEPS
KINDS = ("command", "sweep", "parallel", "spark", "automl", "data_transfer", "uses")
NODES = {kind: MIDDLE_NODES if kind == "uses" else 1 for kind in KINDS}  # nodes one step of a kind adds

SCORE = "def init():\n    pass\n\n\ndef run(mini_batch):\n    return mini_batch\n"
WRANGLE = "print('wrangle')\n"
STEP = "print('step')\n"


def kinds_for(nodes: int) -> list[str]:
    """The kinds of the top-level steps, in order, whose expanded nodes add up to ``nodes``
    (full cycles of every kind, then commands)."""
    cycle = sum(NODES.values())
    kinds = list(KINDS) * (nodes // cycle)
    kinds += ["command"] * (nodes - len(kinds) // len(KINDS) * cycle)
    return kinds


def _command(name: str, source: str, references: str = "") -> list[str]:
    return [
        f"  {name}:",
        "    code: src",
        "    command: >-",
        f"      python step.py --data ${{{{{source}}}}} --epochs ${{{{parent.inputs.epochs}}}}{references}",
        "      --out ${{outputs.out}}",
    ]


def _sub_pipeline(name: str, inputs: str, steps: list[list[str]], last: str) -> str:
    lines = [
        "azpipe: 1",
        f"name: {name}",
        f"defaults: {{compute: cpu-cluster, environment: {REGISTRY_ENV}}}",
        "inputs:",
        inputs,
        "  epochs: {type: integer, default: 5}",
        "outputs:",
        f"  out: ${{{{{last}.outputs.out}}}}",
        "steps:",
    ]
    for step in steps:
        lines += step
    return "\n".join(lines) + "\n"


def inner_text() -> str:
    """The inner sub-pipeline: a chain of commands."""
    steps = [_command("i0", "parent.inputs.raw")]
    steps += [_command(f"i{i}", f"i{i - 1}.outputs.out") for i in range(1, INNER_STEPS)]
    return _sub_pipeline("inner", "  raw: {type: uri_folder}", steps, f"i{INNER_STEPS - 1}")


def middle_text() -> str:
    """The middle sub-pipeline: a command, the inner sub-pipeline, a command."""
    use = ["  deeper:", "    uses: ./inner/pipeline.yaml", "    inputs:", "      raw: ${{m0.outputs.out}}"]
    steps = [_command("m0", "parent.inputs.raw"), use, _command("m1", "deeper.outputs.out")]
    return _sub_pipeline("middle", "  raw: {type: uri_folder}", steps, "m1")


def _step(kind: str, name: str, source: str) -> list[str]:
    """A top-level step of ``kind`` reading ``source`` (a uri_folder output); each has an
    output ``out`` except automl (``best_model``) and parallel (``scores``)."""
    if kind == "command":
        return _command(name, source, " --lr ${{parent.inputs.lr}}")
    if kind == "sweep":
        return [
            *_command(name, source, " --lr ${{inputs.lr}}"),
            "    sweep:",
            "      search_space:",
            "        lr: {type: loguniform, min_value: -6, max_value: -1}",
            "      objective: {goal: maximize, primary_metric: accuracy}",
            "      sampling_algorithm: random",
            "      limits: {max_total_trials: 4, max_concurrent_trials: 2}",
            "      early_termination: {type: bandit, slack_factor: 0.1, evaluation_interval: 1}",
        ]
    if kind == "parallel":
        return [
            f"  {name}:",
            "    inputs:",
            f"      data: ${{{{{source}}}}}",
            "    outputs:",
            "      scores: uri_file",
            "    parallel:",
            "      input_data: ${{inputs.data}}",
            '      mini_batch_size: "10"',
            "      error_threshold: -1",
            "      task:",
            "        code: src",
            "        entry_script: score.py",
            "        append_row_to: ${{outputs.scores}}",
        ]
    if kind == "spark":
        return [
            f"  {name}:",
            "    code: src",
            "    spark:",
            "      entry: wrangle.py",
            "      conf: {spark.driver.cores: 1, spark.driver.memory: 2g, spark.executor.cores: 2, "
            "spark.executor.memory: 2g, spark.executor.instances: 2}",
            f"      args: --data ${{{{{source}}}}} --out ${{{{outputs.out}}}}",
            '      resources: {instance_type: standard_e4s_v3, runtime_version: "3.4"}',
        ]
    if kind == "automl":
        return [
            f"  {name}:",
            "    automl:",
            "      task: classification",
            "      primary_metric: accuracy",
            "      target_column_name: y",
            "      training_data: ${{parent.inputs.table}}",
            "      validation_data_size: 0.2",
            "      limits: {max_trials: 2, timeout_minutes: 60}",
            "    outputs:",
            "      best_model: mlflow_model",
        ]
    if kind == "data_transfer":
        return [
            f"  {name}:",
            "    inputs:",
            f"      folder: ${{{{{source}}}}}",
            "    outputs:",
            "      out: uri_folder",
            "    data_transfer:",
            "      task: copy_data",
            "      data_copy_mode: merge_with_overwrite",
        ]
    return [
        f"  {name}:",
        "    uses: ./middle/pipeline.yaml",
        "    inputs:",
        f"      raw: ${{{{{source}}}}}",
    ]


def mixed_text(nodes: int) -> str:
    """The top-level pipeline of about ``nodes`` expanded nodes (see :func:`kinds_for`)."""
    lines = [
        "azpipe: 1",
        "name: mixed",
        f"defaults: {{compute: cpu-cluster, environment: {REGISTRY_ENV}}}",
        "inputs:",
        "  data: {type: uri_folder, default: azureml://datastores/workspaceblobstore/paths/data/}",
        "  epochs: 10",
        "  lr: 0.01",
        "outputs:",
    ]
    kinds = kinds_for(nodes)
    if "automl" in kinds:  # its training data
        lines.insert(5, "  table: {type: mltable, default: azureml:bank-train:1}")
    body: list[str] = []
    source = "parent.inputs.data"  # the last uri_folder output, read by the next step
    last = "s0"
    for number, kind in enumerate(kinds):
        name = f"s{number}"
        body += _step(kind, name, source)
        if kind == "automl":  # its model and a parallel step's scores are pipeline outputs
            lines.append(f"  {name}_model: ${{{{{name}.outputs.best_model}}}}")
        elif kind == "parallel":
            lines.append(f"  {name}_scores: ${{{{{name}.outputs.scores}}}}")
        else:
            source, last = f"{name}.outputs.out", name
    lines += [f"  result: ${{{{{last}.outputs.out}}}}", "steps:", *body]
    return "\n".join(lines) + "\n"


def write_mixed(folder: Path, nodes: int, name: str = "pipeline.yaml") -> Path:
    """Write the mixed pipeline of ``nodes`` nodes and its sub-pipelines and code into
    ``folder``; the top-level file's path."""
    for path, text in {
        "src/step.py": STEP,
        "src/score.py": SCORE,
        "src/wrangle.py": WRANGLE,
        "middle/src/step.py": STEP,
        "middle/inner/src/step.py": STEP,
        "middle/inner/pipeline.yaml": inner_text(),
        "middle/pipeline.yaml": middle_text(),
        name: mixed_text(nodes),
    }.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text(text, encoding="utf-8")
    return folder / name
