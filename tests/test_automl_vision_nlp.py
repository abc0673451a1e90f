"""AutoML's NLP and image tasks (issue 11 item 5): ``text_classification``,
``text_classification_multilabel``, ``text_ner``, ``image_classification``,
``image_classification_multilabel``, ``image_object_detection`` and
``image_instance_segmentation`` read (their limits, featurization, training parameters,
sweep and search space), checked (A101, A102, A103), compiled to both targets with the same
job, and the corpus's NLP and image AutoML pipelines equal to azure-ai-ml's load."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import azpipe
from tests.fidelity_support import differences, errors, same_graph, write
from tests.test_fidelity_corpus import FILES, JOBS, prepared

pytestmark = pytest.mark.filterwarnings("ignore")

HEAD = """\
azpipe: 1
name: vertical
defaults: {compute: gpu-cluster, environment: azureml:sklearn:1}
inputs:
  train: {type: mltable, default: azureml:train:1}
  valid: {type: mltable, default: azureml:valid:1}
outputs:
  model: ${{learn.outputs.best_model}}
steps:
  learn:
    automl:
"""
TAIL = "    outputs:\n      best_model: mlflow_model\n"

TEXT = """\
      task: text_classification
      primary_metric: accuracy
      target_column_name: y
      log_verbosity: debug
      training_data: ${{parent.inputs.train}}
      validation_data: ${{parent.inputs.valid}}
      limits: {max_trials: 2, max_concurrent_trials: 2, max_nodes: 4, timeout_minutes: 60, trial_timeout_minutes: 20}
      featurization: {dataset_language: eng}
      training_parameters: {learning_rate: 0.00002, number_of_epochs: 3, learning_rate_scheduler: linear}
      search_space:
        - model_name: {type: choice, values: [bert-base-cased, roberta-base]}
          learning_rate: {type: uniform, min_value: 0.00001, max_value: 0.0001}
"""

IMAGE = """\
      task: image_object_detection
      primary_metric: mean_average_precision
      target_column_name: label
      training_data: ${{parent.inputs.train}}
      validation_data_size: 0.2
      limits: {max_trials: 10, max_concurrent_trials: 2, timeout_minutes: 180}
      training_parameters: {early_stopping: true, evaluation_frequency: 1, model_size: small, log_training_metrics: enable}
      sweep:
        sampling_algorithm: random
        early_termination: {type: bandit, evaluation_interval: 2, slack_factor: 0.2, delay_evaluation: 6}
      search_space:
        - model_name: {type: choice, values: [yolov5]}
          learning_rate: {type: uniform, min_value: 0.0001, max_value: 0.001}
          model_size: {type: choice, values: [small, medium]}
        - model_name: {type: choice, values: [fasterrcnn_resnet50_fpn]}
          optimizer: {type: choice, values: [sgd, adam]}
          min_size: {type: choice, values: [600, 800]}
"""


def _load(tmp_path: Path, block: str) -> azpipe.Pipeline:
    return azpipe.load(write(tmp_path, {"pipeline.yaml": HEAD + block + TAIL}))


@pytest.mark.parametrize("block", [TEXT, IMAGE], ids=["text", "image"])
def test_every_field_of_nlp_and_image_tasks_reaches_both_targets_alike(tmp_path: Path, block: str) -> None:
    pytest.importorskip("azure.ai.ml")
    pipeline = _load(tmp_path, block)
    # the image block splits its training data (validation_data_size): the `valid` input is unused
    assert [d.code for d in pipeline.diagnostics] == ([] if block is TEXT else ["G504"]), pipeline.check()
    automl = pipeline.steps["learn"].automl
    assert automl is not None and automl.settings["limits"]["max_trials"] in (2, 10)
    assert automl.settings["search_space"][0]["model_name"]["type"] == "choice"
    assert same_graph(pipeline, tmp_path / "out") == []


@pytest.mark.parametrize(
    ("task", "metric", "drop"),
    [
        ("text_classification_multilabel", "accuracy", ("featurization",)),
        ("text_ner", "accuracy", ("target_column_name", "featurization")),
        ("image_classification", "AUC_weighted", ()),
        ("image_classification_multilabel", "iou", ()),
        ("image_instance_segmentation", "mean_average_precision", ()),
    ],
)
def test_each_task_compiles_alike(tmp_path: Path, task: str, metric: str, drop: tuple[str, ...]) -> None:
    pytest.importorskip("azure.ai.ml")
    nlp = task.startswith("text")
    lines = [f"      task: {task}", f"      primary_metric: {metric}", "      target_column_name: label",
             "      training_data: ${{parent.inputs.train}}", "      validation_data: ${{parent.inputs.valid}}",
             "      limits: {max_trials: 3}", "      featurization: {dataset_language: deu}"]  # fmt: skip
    if not nlp:
        lines.append("      training_parameters: {number_of_epochs: 5, layers_to_freeze: 2}")
        lines.append(
            "      search_space:\n        - learning_rate: {type: loguniform, min_value: -6, max_value: -2}"
        )
    block = "".join(line + "\n" for line in lines if not any(f" {key}:" in line for key in drop))
    if not nlp:
        block = block.replace("      featurization: {dataset_language: deu}\n", "")
    pipeline = _load(tmp_path, block)
    assert pipeline.diagnostics == [], pipeline.check()
    assert same_graph(pipeline, tmp_path / "out") == []


@pytest.mark.parametrize(
    ("block", "old", "new", "code", "marker"),
    [
        (TEXT, "      validation_data: ${{parent.inputs.valid}}\n", "", "A101", "task:"),
        (TEXT, "      target_column_name: y\n", "", "A101", "task:"),
        (IMAGE, "      target_column_name: label\n", "", "A101", "task:"),
        (TEXT, "primary_metric: accuracy", "primary_metric: iou", "A102", "iou"),
        (
            IMAGE,
            "primary_metric: mean_average_precision",
            "primary_metric: accuracy",
            "A102",
            "primary_metric",
        ),
        (IMAGE, "max_trials: 10", "max_trials: 0", "A103", "limits:"),
        (IMAGE, "validation_data_size: 0.2", "validation_data_size: 2", "A103", "validation_data_size"),
        (IMAGE, "validation_data_size: 0.2", "test_data_size: 0.2", "S108", "test_data_size"),
        (IMAGE, "log_training_metrics", "log_trainin_metrics", "S101", "log_trainin"),
        (IMAGE, "max_concurrent_trials: 2, timeout", "max_nodes: 2, timeout", "S101", "max_nodes"),
        (TEXT, "featurization: {dataset_language: eng}", "featurization: {mode: auto}", "S101", "mode: auto"),
        (IMAGE, "sampling_algorithm: random", "sampling_algorithm: rnd", "V002", "rnd"),
        (IMAGE, "type: bandit", "type: bandid", "V002", "bandid"),
        (
            TEXT,
            "      featurization:",
            "      sweep: {sampling_algorithm: random}\n      featurization:",
            "S108",
            "sweep:",
        ),
        (IMAGE, "          min_size: {type", "          min_sise: {type", "S101", "min_sise"),
        (IMAGE, "type: uniform, min_value: 0.0001", "type: uniform, min: 0.0001", "S101", "min: 0.0001"),
        (
            TEXT,
            "        - model_name:",
            "        - weight_decay: {type: choice, values: [0.1]}\n          nothing:",
            "S101",
            "nothing",
        ),
        (IMAGE, "model_size: small,", "model_size: {a: [1]},", "S102", "model_size: {a"),
    ],
)
def test_nlp_and_image_mistakes_are_reported_where_written(
    tmp_path: Path, block: str, old: str, new: str, code: str, marker: str
) -> None:
    assert old in block
    text = HEAD + block.replace(old, new) + TAIL
    line = next(number for number, row in enumerate(text.splitlines(), 1) if marker in row)
    pipeline = azpipe.load(write(tmp_path, {"pipeline.yaml": text}))
    found = [d for d in pipeline.diagnostics if d.code == code]
    assert found, pipeline.check()
    assert found[0].span.line == line and found[0].span.column >= 1, pipeline.check()


@pytest.mark.parametrize(
    "block",
    [
        "      task: text_ner\n      search_space: 3\n",
        "      task: text_ner\n      search_space: [3, [a]]\n",
        "      task: image_classification\n      sweep: [random]\n",
        "      task: image_classification\n      sweep: {early_termination: 5}\n",
        "      task: image_classification\n      search_space: [{model_name: 7}]\n",
        "      task: image_classification\n      training_parameters: {model_name: [a, {b: 1}]}\n",
    ],
)
def test_bad_nlp_and_image_blocks_never_raise(tmp_path: Path, block: str) -> None:
    pipeline = _load(tmp_path, block)
    assert errors(pipeline), pipeline.check()
    assert all(d.span.line >= 1 and d.span.column >= 1 for d in pipeline.diagnostics)


VERTICAL_CORPUS = [
    path
    for path in FILES
    if "automl" in str(path) and ("/cli-automl-text" in str(path) or "/image-" in str(path))
]


@pytest.mark.skipif(not VERTICAL_CORPUS, reason="the Azure ML examples corpus is not on this machine")
@pytest.mark.parametrize("path", VERTICAL_CORPUS, ids=lambda p: str(p.relative_to(JOBS)))
def test_the_examples_nlp_and_image_automl_pipelines_round_trip(path: Path, tmp_path: Path) -> None:
    pytest.importorskip("azure.ai.ml")
    copy = prepared(path, tmp_path)
    assert errors(azpipe.load(copy)) == []
    assert differences(copy) == []


def test_the_corpus_has_the_seven_nlp_and_image_pipelines() -> None:
    if not FILES:
        pytest.skip("the Azure ML examples corpus is not on this machine")
    assert len(VERTICAL_CORPUS) == 7


EXAMPLES = 300 if os.environ.get("AZPIPE_LONG") == "1" else 6  # each compiles and loads twice
_SPACES = {
    "learning_rate": st.sampled_from(["{type: uniform, min_value: 0.001, max_value: 0.01}",
                                      "{type: loguniform, min_value: -6, max_value: -2}"]),
    "number_of_epochs": st.sampled_from(["{type: choice, values: [10, 20]}", "{type: randint, upper: 30}"]),
}  # fmt: skip


@st.composite
def vertical_blocks(draw: st.DrawFn) -> str:
    """An NLP or image AutoML step with drawn limits, training parameters, sweep and search space."""
    task = draw(st.sampled_from(["text_classification", "image_classification", "image_object_detection"]))
    metric = "mean_average_precision" if task == "image_object_detection" else "accuracy"
    lines = [f"      task: {task}", f"      primary_metric: {metric}", "      target_column_name: label",
             "      training_data: ${{parent.inputs.train}}", "      validation_data: ${{parent.inputs.valid}}"]  # fmt: skip
    limits = draw(st.dictionaries(st.sampled_from(["max_trials", "max_concurrent_trials", "timeout_minutes"]),
                                  st.integers(1, 50), max_size=3))  # fmt: skip
    if limits:
        lines.append("      limits: {" + ", ".join(f"{k}: {v}" for k, v in limits.items()) + "}")
    if draw(st.booleans()):
        lines.append(f"      training_parameters: {{number_of_epochs: {draw(st.integers(1, 40))}}}")
    if draw(st.booleans()) and task.startswith("image"):  # an NLP sweep is refused (S108)
        lines.append(
            f"      sweep: {{sampling_algorithm: {draw(st.sampled_from(['random', 'grid', 'bayesian']))}}}"
        )
    spaces = draw(
        st.lists(st.dictionaries(st.sampled_from(sorted(_SPACES)), st.just(""), min_size=1), max_size=2)
    )
    if spaces:
        lines.append("      search_space:")
        for space in spaces:
            entries = [f"{name}: {draw(_SPACES[name])}" for name in space]
            lines.append("        - " + "\n          ".join(entries))
    return "\n".join(lines) + "\n"


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(block=vertical_blocks())
def test_generated_nlp_and_image_steps_compile_alike(
    block: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    pytest.importorskip("azure.ai.ml")
    folder = tmp_path_factory.mktemp("vertical")
    pipeline = azpipe.load(write(folder, {"pipeline.yaml": HEAD + block + TAIL}))
    assert pipeline.ok, (block, pipeline.check())
    assert same_graph(pipeline, folder / "out") == [], block


def test_a_list_of_mappings_is_written_as_block_yaml_that_reads_back() -> None:
    import yaml

    from azpipe.emit.values import yaml_block

    values = {
        "search_space": [{"model_name": {"type": "choice", "values": ["a: b", "#c"]}, "x": 1}, {"y": "yes"}]
    }
    assert yaml.safe_load(yaml_block(values, 4)) == values
