"""Sweeps: reading ``sweep:`` blocks and native ``type: sweep`` nodes, and the W1xx checks."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import azpipe
from tests.native_corpus import PIPELINES, prepared_copy

HEAD = """\
azpipe: 1
name: example
defaults: {compute: cpu-cluster, environment: sklearn-env@latest}
outputs:
  model: ${{train.outputs.model}}
steps:
  train:
    code: .
    command: python train.py --lr ${{inputs.lr}} --depth ${{inputs.depth}} --model ${{outputs.model}}
"""


def _load(tmp_path: Path, sweep: str, head: str = HEAD) -> azpipe.Pipeline:
    path = tmp_path / "pipeline.yaml"
    path.write_text(head + textwrap.indent(textwrap.dedent(sweep), "    "), encoding="utf-8")
    return azpipe.load(path)


def _codes(pipeline: azpipe.Pipeline) -> list[tuple[str, int, int]]:
    return [(d.code, d.span.line, d.span.column) for d in pipeline.check()]


GOOD = """\
sweep:
  search_space:
    lr: {type: loguniform, min_value: 0.001, max_value: 0.1}
    depth: {type: choice, values: [2, 4, 8]}
  objective: {goal: Maximize, primary_metric: accuracy}
  sampling_algorithm: {type: random, seed: 7, rule: sobol}
  limits: {max_total_trials: 6, max_concurrent_trials: 2, timeout: 3600, trial_timeout: 600}
  early_termination: {type: bandit, slack_factor: 0.1, evaluation_interval: 1, delay_evaluation: 2}
"""


def test_a_step_with_its_own_command_is_swept_over_typed_inputs(tmp_path: Path) -> None:
    pipeline = _load(tmp_path, GOOD)
    assert pipeline.diagnostics == []
    step = pipeline.steps["train"]
    assert step.kind == "sweep" and step.sweep is not None
    assert {name: port.type for name, port in step.inputs.items()} == {"lr": "number", "depth": "integer"}
    sweep = step.sweep
    assert sweep.goal == "maximize" and sweep.primary_metric == "accuracy"
    assert (sweep.sampling_algorithm, sweep.sampling_form, sweep.sampling) == (
        "random",
        "mapping",
        {"seed": 7, "rule": "sobol"},
    )
    assert sweep.limits == {
        "max_total_trials": 6,
        "max_concurrent_trials": 2,
        "timeout": 3600,
        "trial_timeout": 600,
    }
    assert sweep.early_termination == {
        "type": "bandit",
        "slack_factor": 0.1,
        "evaluation_interval": 1,
        "delay_evaluation": 2,
    }
    assert sweep.search_space["depth"].params == {"values": [2, 4, 8]}


@pytest.mark.parametrize(
    ("sweep", "expected"),
    [
        # a misspelt distribution, with its hint
        (GOOD.replace("type: loguniform", "type: log_uniform"), [("V002", 12, 20)]),
        # randint takes an integer bound
        (GOOD.replace("depth: {type: choice, values: [2, 4, 8]}", "depth: {type: randint, upper: 2.5}"),
         [("V001", 13, 39)]),
        # an empty range
        (GOOD.replace("max_value: 0.1", "max_value: 0.0001"), [("V003", 12, 61)]),
        # limits must be positive integers
        (GOOD.replace("max_concurrent_trials: 2", "max_concurrent_trials: 0"), [("V003", 16, 60)]),
        # the objective needs its metric, and a known goal
        (GOOD.replace(", primary_metric: accuracy", "").replace("Maximize", "maximum"),
         [("S103", 14, 18), ("V002", 14, 25)]),
        # seed is random sampling's
        (GOOD.replace("{type: random, seed: 7, rule: sobol}", "{type: grid, seed: 7}"),
         [("W103", 12, 20), ("S105", 15, 40)]),
        # nested search spaces are refused, never dropped
        (GOOD.replace("values: [2, 4, 8]", "values: [{a: {type: randint, upper: 3}}]"), [("W106", 13, 40)]),
        # a missing required key
        (GOOD.replace("  limits: {max_total_trials: 6, max_concurrent_trials: 2, timeout: 3600, trial_timeout: 600}\n", ""),
         [("S103", 11, 7)]),
        (GOOD.replace("{type: bandit, slack_factor: 0.1, evaluation_interval: 1, delay_evaluation: 2}",
                      "{type: truncation_selection, evaluation_interval: 1}"), [("S103", 17, 26)]),
    ],
)  # fmt: skip
def test_sweep_mistakes_are_reported_on_their_value(tmp_path: Path, sweep: str, expected: list) -> None:
    assert _codes(_load(tmp_path, sweep)) == expected


def test_settings_a_sweep_node_does_not_take_are_refused(tmp_path: Path) -> None:
    pipeline = _load(tmp_path, "environment_variables: {A: b}\nservices: {s: {type: ssh}}\n" + GOOD)
    assert [code for code, _, _ in _codes(pipeline)] == ["W106", "W106"]


USES = """\
azpipe: 1
name: example
defaults: {compute: cpu-cluster, environment: sklearn-env@latest}
outputs:
  model: ${{train.outputs.model}}
components:
  trainer:
    code: .
    command: python train.py --lr ${{inputs.lr}} --k ${{inputs.kernel}} $[[--d ${{inputs.data}}]] --m ${{outputs.model}}
    inputs:
      lr: {type: number}
      kernel: {type: string}
      data: {type: uri_folder, optional: true}
    outputs:
      model: {type: uri_folder}
steps:
  train:
    uses: trainer
"""


@pytest.mark.parametrize(
    ("space", "expected"),
    [
        ("lr: {type: uniform, min_value: 0.1, max_value: 1}\nkernel: {type: choice, values: [rbf, linear]}", []),
        ("lr: {type: choice, values: [1, 0.5]}\nkernel: {type: choice, values: [rbf]}", []),
        ("lr: {type: uniform, min_value: 0.1, max_value: 1}\nkernel: {type: choice, values: [1, 2]}",
         [("W102", 22, 40)]),
        ("lr: {type: choice, values: [fast]}\nkernel: {type: choice, values: [rbf]}", [("W102", 21, 36)]),
        ("lr: {type: uniform, min_value: 0.1, max_value: 1}\nkernel: {type: choice, values: [rbf]}\n"
         "data: {type: choice, values: [a]}", [("W102", 23, 38)]),
        ("lr: {type: uniform, min_value: 0.1, max_value: 1}\nkernell: {type: choice, values: [rbf]}",
         [("P404", 18, 11), ("W101", 22, 9)]),
    ],
)  # fmt: skip
def test_search_space_keys_are_inputs_of_the_trial_of_their_type(
    tmp_path: Path, space: str, expected: list
) -> None:
    block = "sweep:\n  search_space:\n" + textwrap.indent(space, "    ") + "\n"
    block += "  objective: {goal: minimize, primary_metric: loss}\n  limits: {max_total_trials: 3}\n"
    pipeline = _load(tmp_path, block, USES)
    assert _codes(pipeline) == expected
    if expected and expected[-1][0] == "W101":
        assert pipeline.check()[-1].hint == "did you mean `kernel`?"


def test_an_integer_input_takes_randint_and_integer_q_distributions(tmp_path: Path) -> None:
    head = HEAD.replace("--lr ${{inputs.lr}} ", "")
    space = "sweep:\n  search_space:\n    depth: {type: quniform, min_value: 2, max_value: 10, q: 2}\n"
    space += "  objective: {goal: minimize, primary_metric: loss}\n  limits: {max_total_trials: 3}\n"
    pipeline = _load(tmp_path, space, head)
    assert pipeline.diagnostics == []
    assert pipeline.steps["train"].inputs["depth"].type == "number"  # own command: from the distribution


def test_the_corpus_sweep_node_is_read(tmp_path: Path) -> None:
    source = PIPELINES / "pipeline_with_hyperparameter_sweep" / "pipeline.yml"
    if not source.exists():
        pytest.skip("the Azure ML examples corpus is not on this machine")
    pipeline = azpipe.load(prepared_copy(source, tmp_path))
    assert [d.code for d in pipeline.diagnostics if d.severity.name == "ERROR"] == []
    step = pipeline.steps["sweep_step"]
    assert step.kind == "sweep" and step.sweep is not None and step.uses is not None
    assert list(step.sweep.search_space) == ["c_value", "kernel", "coef0"]
    assert step.sweep.sampling_algorithm == "random" and step.sweep.sampling_form == "string"
    assert step.sweep.limits == {"max_total_trials": 5, "max_concurrent_trials": 3, "timeout": 7200}


NATIVE = """\
$schema: https://azuremlschemas.azureedge.net/latest/pipelineJob.schema.json
type: pipeline
settings: {default_compute: azureml:cpu-cluster}
jobs:
  sweep_step:
    type: sweep
    trial:
      type: command
      command: python train.py --lr ${{inputs.lr}}
      environment: azureml:sklearn:1
      inputs:
        lr: {type: number}
    search_space:
      lr: {type: uniform, min_value: 0.1, max_value: 1}
    objective: {goal: minimize, primary_metric: loss}
    limits: {max_total_trials: 2}
"""


def test_native_sweep_mistakes(tmp_path: Path) -> None:
    path = tmp_path / "pipeline.yml"
    path.write_text(NATIVE, encoding="utf-8")
    assert azpipe.load(path).diagnostics == []
    path.write_text(
        NATIVE.replace("    trial:", "    trail:").replace(
            "      lr: {type: uniform", "      lrr: {type: uniform"
        )
    )
    codes = [(d.code, d.span.line) for d in azpipe.load(path).check()]
    assert codes == [("S103", 6), ("S101", 7)]
    path.write_text(NATIVE.replace("      lr: {type: uniform", "      lrr: {type: uniform"), encoding="utf-8")
    assert [(d.code, d.span.line) for d in azpipe.load(path).check()] == [("P404", 8), ("W101", 14)]


_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=True), st.text(max_size=4)
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(
        ["type", "values", "upper", "min_value", "max_value", "mu", "sigma", "q", "goal", "seed", "search_space",
         "objective", "limits", "max_total_trials", "early_termination", "sampling_algorithm", "lr"]), inner,
        max_size=4)),
    max_leaves=12,
)  # fmt: skip


@given(block=_VALUES)
def test_any_sweep_block_is_diagnosed_never_raised(block: object) -> None:
    import json

    text = HEAD + "    sweep: " + json.dumps(block) + "\n"
    pipeline = azpipe.loads(text, "fuzz.yaml")
    for diagnostic in pipeline.diagnostics:
        assert diagnostic.span.line >= 1 and diagnostic.span.column >= 1


def test_loguniform_bounds_are_exponents_and_may_be_negative(tmp_path: Path) -> None:
    sweep = GOOD.replace(
        "{type: loguniform, min_value: 0.001, max_value: 0.1}",
        "{type: loguniform, min_value: -6, max_value: -1}",
    )
    assert _load(tmp_path, sweep).diagnostics == []


def test_a_native_sweep_node_s_settings_are_checked_as_azure_ml_reads_them(tmp_path: Path) -> None:
    path = tmp_path / "pipeline.yml"
    text = NATIVE.replace(
        "    limits: {max_total_trials: 2}\n",
        "    limits: {max_total_trials: 2}\n    queue_settings: {job_tier: Spott}\n",
    )
    path.write_text(
        text.replace("      environment: azureml:sklearn:1\n", "      enviroment: azureml:sklearn:1\n")
    )
    found = [(d.code, d.span.line) for d in azpipe.load(path).check()]
    assert ("S101", 10) in found and ("S106", 17) in found


def test_a_native_sweep_node_s_identity_is_ignored_as_azure_ml_does(tmp_path: Path) -> None:
    path = tmp_path / "pipeline.yml"
    path.write_text(NATIVE + "    identity: {type: aml_token}\n", encoding="utf-8")
    pipeline = azpipe.load(path)
    assert [(d.code, d.span.line) for d in pipeline.check()] == [("S110", 17)]
    assert pipeline.steps["sweep_step"].details.identity == {}


@pytest.mark.parametrize(
    ("step", "expected"),
    [
        ("spark: {entry: {file: a.py}}\n", "has both `spark` and `sweep`"),
        ("parallel: {input_data: x, mini_batch_size: '1', task: {code: ., entry_script: a.py}}\n",
         "has both `parallel` and `sweep`"),
    ],
)  # fmt: skip
def test_only_a_command_is_swept(tmp_path: Path, step: str, expected: str) -> None:
    head = HEAD.split("    code: .\n")[0]
    pipeline = _load(tmp_path, step + GOOD, head)
    found = [d for d in pipeline.check() if d.code == "S105"]
    assert found and expected in found[0].message and found[0].span.line == 9


def test_a_sub_pipeline_is_not_swept(tmp_path: Path) -> None:
    inner = tmp_path / "sub" / "pipeline.yaml"
    inner.parent.mkdir()
    inner.write_text(
        "azpipe: 1\nname: inner\ninputs:\n  lr: {type: number, default: 0.1}\nsteps:\n  t:\n"
        "    code: .\n    environment: azureml:e:1\n    compute: cpu\n    command: echo ${{parent.inputs.lr}}\n",
        encoding="utf-8",
    )
    head = HEAD.split("    code: .\n")[0] + "    uses: ./sub/pipeline.yaml\n"
    pipeline = _load(tmp_path, GOOD, head.replace("outputs:\n  model: ${{train.outputs.model}}\n", ""))
    assert [d.code for d in pipeline.check() if d.severity.name == "ERROR"] == ["U102"]
    assert pipeline.steps["train"].sweep is None
