"""AutoML steps (issue 11 item 5): the language's ``automl:`` block and native ``type: automl``
nodes of the tabular tasks read, checked (A101–A103), compiled to both targets with the same job,
imported, drawn in a shape of their own, and refused by ``azpipe run`` with the ``--input`` to give."""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import azpipe
from azpipe.cli.main import main
from tests.fidelity_support import differences, errors, same_graph, write
from tests.test_fidelity_corpus import FILES, JOBS, prepared

pytestmark = pytest.mark.filterwarnings("ignore")

LANGUAGE = """\
azpipe: 1
name: tabular
defaults: {compute: cpu-cluster, environment: azureml:sklearn:1}
inputs:
  train: {type: mltable, default: azureml:bank-train:1}
outputs:
  model: ${{classify.outputs.best_model}}
steps:
  classify:
    display_name: classify the bank's customers
    tags: {team: ml}
    automl:
      task: classification
      primary_metric: AUC_weighted
      target_column_name: y
      training_data: ${{parent.inputs.train}}
      validation_data_size: 0.2
      positive_label: "yes"
      log_verbosity: debug
      limits: {max_trials: 2, max_concurrent_trials: 1, timeout_minutes: 60, enable_early_termination: true}
      training: {enable_stack_ensemble: false, blocked_training_algorithms: [LogisticRegression], ensemble_model_download_timeout_minutes: 30}
      featurization: {mode: custom, blocked_transformers: [WordEmbedding], column_name_and_types: {age: Numeric}}
    outputs:
      best_model: mlflow_model
"""


def test_every_automl_field_reaches_both_targets_alike(tmp_path: Path) -> None:
    pytest.importorskip("azure.ai.ml")
    pipeline = azpipe.load(write(tmp_path, {"pipeline.yaml": LANGUAGE}))
    assert pipeline.diagnostics == [], pipeline.check()
    step = pipeline.steps["classify"]
    assert step.kind == "automl" and step.automl is not None and step.automl.task == "classification"
    assert step.inputs["training_data"].binding is not None
    assert same_graph(pipeline, tmp_path / "out") == []


FORECAST = """\
azpipe: 1
name: forecast
defaults: {compute: cpu-cluster, environment: azureml:sklearn:1}
inputs:
  train: {type: mltable, default: azureml:sales:1}
outputs:
  model: ${{forecast.outputs.best_model}}
steps:
  forecast:
    automl:
      task: forecasting
      primary_metric: normalized_root_mean_squared_error
      target_column_name: sales
      training_data: ${{parent.inputs.train}}
      n_cross_validations: 3
      forecasting: {time_column_name: date, forecast_horizon: 12, time_series_id_column_names: [store], frequency: W}
      limits: {max_trials: 4}
    outputs:
      best_model: mlflow_model
"""


def test_forecasting_settings_reach_both_targets(tmp_path: Path) -> None:
    pytest.importorskip("azure.ai.ml")
    pipeline = azpipe.load(write(tmp_path, {"pipeline.yaml": FORECAST}))
    assert pipeline.diagnostics == [], pipeline.check()
    assert same_graph(pipeline, tmp_path / "out") == []


@pytest.mark.parametrize(
    ("old", "new", "code", "marker"),
    [
        ("      target_column_name: y\n", "", "A101", "task:"),
        ("      training_data: ${{parent.inputs.train}}\n", "", "A101", "task:"),
        ("AUC_weighted", "r2_score", "A102", "r2_score"),
        ("validation_data_size: 0.2", "validation_data_size: 1.5", "A103", "1.5"),
        ("max_trials: 2", "max_trials: 0", "A103", "max_trials: 0"),
        ("task: classification", "task: clasification", "V002", "clasification"),
        ("task: classification", "task: image_object_detection", "S101", "positive_label"),
        ("log_verbosity: debug", "resources: {instance_type: x}", "S108", "resources:"),
        ("limits: {", "limits: {max_trails: 3, ", "S101", "max_trails"),
        ("training: {", "training: {stack_ensemble_settings: {}, ", "S108", "stack_ensemble"),
        ('positive_label: "yes"', "forecasting: {time_column_name: d}", "S101", "forecasting:"),
    ],
)
def test_automl_mistakes_are_reported_where_written(
    tmp_path: Path, old: str, new: str, code: str, marker: str
) -> None:
    assert old in LANGUAGE
    text = LANGUAGE.replace(old, new)
    line = next(number for number, row in enumerate(text.splitlines(), 1) if marker in row)
    pipeline = azpipe.load(write(tmp_path, {"pipeline.yaml": text}))
    found = [d for d in pipeline.diagnostics if d.code == code]
    assert found, pipeline.check()
    assert found[0].span.line == line and found[0].span.column >= 1, pipeline.check()


@pytest.mark.parametrize("block", ["automl: 3\n", "automl: {}\n", "automl: {task: [a]}\n",
                                   "automl: {task: regression, limits: 7}\n",
                                   "automl: {task: regression, training_data: {type: mltable}}\n"])  # fmt: skip
def test_bad_automl_blocks_never_raise(tmp_path: Path, block: str) -> None:
    text = "azpipe: 1\nname: bad\ndefaults: {compute: c}\nsteps:\n  s:\n    " + block
    pipeline = azpipe.load(write(tmp_path, {"pipeline.yaml": text}))
    assert errors(pipeline), pipeline.check()
    assert all(d.span.line >= 1 and d.span.column >= 1 for d in pipeline.diagnostics)


AUTOML_CORPUS = [path for path in FILES if "automl" in str(path)]
TABULAR_CORPUS = [
    path
    for path in AUTOML_CORPUS
    if any(
        task in str(path)
        for task in ("regression", "classification-task", "demand-forecast-pipeline/pipeline")
    )
]


@pytest.mark.skipif(not TABULAR_CORPUS, reason="the Azure ML examples corpus is not on this machine")
@pytest.mark.parametrize("path", TABULAR_CORPUS, ids=lambda p: str(p.relative_to(JOBS)))
def test_the_examples_tabular_automl_pipelines_round_trip(path: Path, tmp_path: Path) -> None:
    pytest.importorskip("azure.ai.ml")
    copy = prepared(path, tmp_path)
    assert errors(azpipe.load(copy)) == []
    assert differences(copy) == []


def test_automl_steps_are_drawn_in_their_own_shape(tmp_path: Path) -> None:
    path = write(tmp_path, {"pipeline.yaml": LANGUAGE})
    drawn = {}
    for form in ("mermaid", "dot", "text", "svg"):
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            assert main(["graph", str(path), "-f", form]) == 0
        drawn[form] = out.getvalue()
    assert '[\\"classify"\\]' in drawn["mermaid"]
    assert 'shape="octagon"' in drawn["dot"]
    assert "automl step classify" in drawn["text"]
    assert drawn["svg"].count("<polygon") >= 2  # the output's parallelogram and the step's octagon


RUN = (
    LANGUAGE.replace("default: azureml:bank-train:1", "default: ./train")
    + """\
  report:
    code: .
    command: python -c "import sys; print(sorted(__import__('os').listdir(sys.argv[1])))" ${{classify.outputs.best_model}}
"""
)


def test_run_needs_the_outputs_of_an_automl_step(tmp_path: Path) -> None:
    path = write(tmp_path, {"pipeline.yaml": RUN, "train/MLTable": "paths: []\n", ".git/": ""})
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        assert main(["run", str(path)]) != 0
    assert "an AutoML step runs only on Azure ML" in err.getvalue()
    assert "--input classify.outputs.best_model=PATH" in err.getvalue()
    model = write(tmp_path / "model", {"MLmodel": "flavors: {}\n"}).parent
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["run", str(path), "--input", f"classify.outputs.best_model={model}"])
    assert code == 0, err.getvalue()
    assert "step `classify` not run" in err.getvalue()


EXAMPLES = 300 if os.environ.get("AZPIPE_LONG") == "1" else 8  # each compiles and loads twice
_METRICS = st.sampled_from(["accuracy", "AUC_weighted", "norm_macro_recall", "precision_score_weighted"])


@st.composite
def automl_blocks(draw: st.DrawFn) -> str:
    """A classification or regression step with drawn settings."""
    task = draw(st.sampled_from(["classification", "regression"]))
    metric = (
        draw(_METRICS)
        if task == "classification"
        else draw(st.sampled_from(["r2_score", "spearman_correlation"]))
    )
    lines = ["      task: " + task, "      primary_metric: " + metric, "      target_column_name: y",
             "      training_data: ${{parent.inputs.train}}"]  # fmt: skip
    if draw(st.booleans()):
        lines.append(f"      validation_data_size: {draw(st.sampled_from(['0.1', '0.25', '0.5']))}")
    elif draw(st.booleans()):
        lines.append(f"      n_cross_validations: {draw(st.integers(2, 10))}")
    limits = draw(st.dictionaries(st.sampled_from(["max_trials", "max_concurrent_trials", "timeout_minutes"]),
                                  st.integers(1, 100), max_size=3))  # fmt: skip
    if limits:
        lines.append("      limits: {" + ", ".join(f"{k}: {v}" for k, v in limits.items()) + "}")
    if draw(st.booleans()):
        lines.append(f"      training: {{enable_vote_ensemble: {str(draw(st.booleans())).lower()}}}")
    if draw(st.booleans()):
        lines.append('      featurization: {mode: "off"}')
    return "\n".join(lines) + "\n"


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(block=automl_blocks())
def test_generated_automl_steps_compile_alike(block: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    pytest.importorskip("azure.ai.ml")
    text = (
        LANGUAGE.split("    automl:\n")[0]
        + "    automl:\n"
        + block
        + "    outputs:\n      best_model: mlflow_model\n"
    )
    folder = tmp_path_factory.mktemp("automl")
    pipeline = azpipe.load(write(folder, {"pipeline.yaml": text}))
    assert pipeline.ok, (text, pipeline.check())
    assert same_graph(pipeline, folder / "out") == [], text
